"""Plausible wrong implementations of the chapter-2 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import autograd, calculus, linear_algebra, ndarray, preprocessing, probability

MUTANTS = {
    **ndarray.MUTANTS,
    **preprocessing.MUTANTS,
    **linear_algebra.MUTANTS,
    **calculus.MUTANTS,
    **autograd.MUTANTS,
    **probability.MUTANTS,
}
