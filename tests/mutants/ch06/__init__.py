"""Plausible wrong implementations of the chapter-6 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import channels, conv_layer, lenet, padding, pooling

MUTANTS = {
    **conv_layer.MUTANTS,
    **padding.MUTANTS,
    **channels.MUTANTS,
    **pooling.MUTANTS,
    **lenet.MUTANTS,
}
