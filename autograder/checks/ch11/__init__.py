"""Chapter 11 — optimization algorithms: the exercises of 11.3-11.11.

One module per section; `EXERCISES` lists them in the book's order. 11.1-11.2 (the landscape and
convexity) have no code to grade.
"""

from __future__ import annotations

from autograder.checks.ch11 import (
    adadelta,
    adagrad,
    adam,
    gd,
    lr_scheduler,
    minibatch_sgd,
    momentum,
    rmsprop,
    sgd,
)

__all__ = ["EXERCISES"]

EXERCISES = [
    *gd.EXERCISES,
    *sgd.EXERCISES,
    *minibatch_sgd.EXERCISES,
    *momentum.EXERCISES,
    *adagrad.EXERCISES,
    *rmsprop.EXERCISES,
    *adadelta.EXERCISES,
    *adam.EXERCISES,
    *lr_scheduler.EXERCISES,
]
