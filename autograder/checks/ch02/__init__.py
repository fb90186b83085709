"""Chapter 2 — preliminaries: the exercises of 2.1 to 2.6.

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch02 import (
    autograd,
    calculus,
    linear_algebra,
    ndarray,
    preprocessing,
    probability,
)
from autograder.checks.ch02.autograd import NB_AUTOGRAD
from autograder.checks.ch02.calculus import NB_CALCULUS
from autograder.checks.ch02.linear_algebra import NB_LINALG
from autograder.checks.ch02.ndarray import NB_NDARRAY
from autograder.checks.ch02.preprocessing import NB_PANDAS
from autograder.checks.ch02.probability import NB_PROBABILITY

__all__ = [
    "EXERCISES",
    "NB_AUTOGRAD",
    "NB_CALCULUS",
    "NB_LINALG",
    "NB_NDARRAY",
    "NB_PANDAS",
    "NB_PROBABILITY",
]

EXERCISES = [
    *ndarray.EXERCISES,
    *preprocessing.EXERCISES,
    *linear_algebra.EXERCISES,
    *calculus.EXERCISES,
    *autograd.EXERCISES,
    *probability.EXERCISES,
]
