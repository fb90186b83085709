"""Chapter 3 — linear neural networks: the exercises of 3.2, 3.5 and 3.6.

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch03 import fashion_mnist, linreg_scratch, softmax_scratch
from autograder.checks.ch03.fashion_mnist import NB_DATASET
from autograder.checks.ch03.linreg_scratch import NB_LINREG
from autograder.checks.ch03.softmax_scratch import NB_SOFTMAX

__all__ = [
    "EXERCISES",
    "NB_DATASET",
    "NB_LINREG",
    "NB_SOFTMAX",
]

EXERCISES = [
    *linreg_scratch.EXERCISES,
    *fashion_mnist.EXERCISES,
    *softmax_scratch.EXERCISES,
]
