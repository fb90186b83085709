"""Chapter 4 — multilayer perceptrons: the exercises of 4.1, 4.2, 4.4–4.8 and 4.10.

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch04 import (
    activations,
    backprop,
    dropout,
    init,
    kaggle_house,
    mlp_scratch,
    model_selection,
    weight_decay,
)
from autograder.checks.ch04.activations import NB_MLP
from autograder.checks.ch04.backprop import NB_BACKPROP
from autograder.checks.ch04.dropout import NB_DROPOUT
from autograder.checks.ch04.init import NB_INIT
from autograder.checks.ch04.kaggle_house import NB_KAGGLE
from autograder.checks.ch04.mlp_scratch import NB_SCRATCH
from autograder.checks.ch04.model_selection import NB_SELECTION
from autograder.checks.ch04.weight_decay import NB_WEIGHT_DECAY

__all__ = [
    "EXERCISES",
    "NB_BACKPROP",
    "NB_DROPOUT",
    "NB_INIT",
    "NB_KAGGLE",
    "NB_MLP",
    "NB_SCRATCH",
    "NB_SELECTION",
    "NB_WEIGHT_DECAY",
]

EXERCISES = [
    *activations.EXERCISES,
    *mlp_scratch.EXERCISES,
    *model_selection.EXERCISES,
    *weight_decay.EXERCISES,
    *dropout.EXERCISES,
    *backprop.EXERCISES,
    *init.EXERCISES,
    *kaggle_house.EXERCISES,
]
