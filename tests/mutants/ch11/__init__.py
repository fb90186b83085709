"""Plausible wrong implementations of the chapter-11 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section (the optimisers of 11.5-11.10 together); `MUTANTS` merges theirs in the
book's order.
"""

from . import gd, lr_scheduler, optimizers, sgd

MUTANTS = {
    **gd.MUTANTS,
    **sgd.MUTANTS,
    **optimizers.MUTANTS,
    **lr_scheduler.MUTANTS,
}
