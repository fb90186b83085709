"""Plausible wrong implementations of the chapter-5 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import blocks, custom_layer, parameters, read_write

MUTANTS = {
    **blocks.MUTANTS,
    **parameters.MUTANTS,
    **custom_layer.MUTANTS,
    **read_write.MUTANTS,
}
