"""Plausible wrong implementations of the chapter-4 exercises; each must be rejected by its check.

MUTANTS maps an exercise id to (name, implementation, a phrase its failure message must contain).

One module per section; `MUTANTS` merges theirs in the book's order.
"""

from . import (
    activations,
    backprop,
    dropout,
    init,
    kaggle_house,
    mlp_scratch,
    model_selection,
    weight_decay,
)

MUTANTS = {
    **activations.MUTANTS,
    **mlp_scratch.MUTANTS,
    **model_selection.MUTANTS,
    **weight_decay.MUTANTS,
    **dropout.MUTANTS,
    **backprop.MUTANTS,
    **init.MUTANTS,
    **kaggle_house.MUTANTS,
}
