"""Plausible wrong implementations of the chapter-3 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import fashion_mnist, linreg_scratch, softmax_scratch

MUTANTS = {
    **linreg_scratch.MUTANTS,
    **fashion_mnist.MUTANTS,
    **softmax_scratch.MUTANTS,
}
