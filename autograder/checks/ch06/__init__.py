"""Chapter 6 — convolutional neural networks: the exercises of 6.2 to 6.6.

The from-scratch operators are compared with `d2lkit.cnn` (itself tested against `F.conv2d`,
`F.max_pool2d` and `F.avg_pool2d`), values and gradients, on random shapes, channels, paddings and
strides; they may not call the built-ins. Networks are compared layer by layer: the `traced`
fixture records every layer's output shape and a fingerprint of its values (mean, rms), and
`network_checker` reports the first layer that differs from the reference's, then compares
outputs, state and gradients (also used by chapter 7).

One module per section, and `networks` for the layer-by-layer comparison; `EXERCISES` lists them
in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch06 import channels, conv_layer, lenet, padding, pooling
from autograder.checks.ch06.channels import NB_CHANNELS
from autograder.checks.ch06.conv_layer import NB_CONV
from autograder.checks.ch06.lenet import NB_LENET
from autograder.checks.ch06.networks import network_checker, network_hint, traced
from autograder.checks.ch06.padding import NB_PADDING
from autograder.checks.ch06.pooling import NB_POOLING

__all__ = [
    "EXERCISES",
    "NB_CHANNELS",
    "NB_CONV",
    "NB_LENET",
    "NB_PADDING",
    "NB_POOLING",
    "network_checker",
    "network_hint",
    "traced",
]

EXERCISES = [
    *conv_layer.EXERCISES,
    *padding.EXERCISES,
    *channels.EXERCISES,
    *pooling.EXERCISES,
    *lenet.EXERCISES,
]
