"""Chapter 6 — convolutional neural networks: the exercises of 6.2 to 6.6.

The from-scratch operators are compared with `d2lkit.cnn` (itself tested against `F.conv2d`,
`F.max_pool2d` and `F.avg_pool2d`), values and gradients, on random shapes, channels, paddings and
strides; they may not call the built-ins. LeNet is compared layer by layer
(`autograder.networks`).

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch06 import channels, conv_layer, lenet, padding, pooling
from autograder.checks.ch06.channels import NB_CHANNELS
from autograder.checks.ch06.conv_layer import NB_CONV
from autograder.checks.ch06.lenet import NB_LENET
from autograder.checks.ch06.padding import NB_PADDING
from autograder.checks.ch06.pooling import NB_POOLING

__all__ = [
    "EXERCISES",
    "NB_CHANNELS",
    "NB_CONV",
    "NB_LENET",
    "NB_PADDING",
    "NB_POOLING",
]

EXERCISES = [
    *conv_layer.EXERCISES,
    *padding.EXERCISES,
    *channels.EXERCISES,
    *pooling.EXERCISES,
    *lenet.EXERCISES,
]
