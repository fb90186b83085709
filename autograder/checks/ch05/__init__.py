"""Chapter 5 — deep learning computation: the exercises of 5.1, 5.2, 5.4 and 5.5.

5.3 (deferred initialisation) has no PyTorch code in the book and is shown, not graded, at the end
of 5.2's notebook. 5.6's `try_gpu` / `try_all_gpus` return `torch.device`s, which the harvest does
not carry (outputs are plain data), so 5.6 is self-checked with asserts, not graded.

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch05 import blocks, custom_layer, parameters, read_write
from autograder.checks.ch05.blocks import NB_BLOCKS
from autograder.checks.ch05.custom_layer import NB_LAYERS
from autograder.checks.ch05.parameters import NB_PARAMETERS
from autograder.checks.ch05.read_write import NB_IO

__all__ = [
    "EXERCISES",
    "NB_BLOCKS",
    "NB_IO",
    "NB_LAYERS",
    "NB_PARAMETERS",
]

EXERCISES = [
    *blocks.EXERCISES,
    *parameters.EXERCISES,
    *custom_layer.EXERCISES,
    *read_write.EXERCISES,
]
