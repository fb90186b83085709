"""Chapter 7 — modern convolutional networks: the exercises of 7.1 to 7.7.

Architectures are checked as in 6.6 (`autograder.networks.network_checker`): the reference's
state is copied into the student's network, then the shape after every layer, the parameter count,
the output, the state after the call (batch-norm running statistics) and the gradients are compared.
Whole networks run one small batch (AlexNet and VGG a single 224x224 image, in evaluation mode so
that dropout is off); the blocks, which are cheap, carry the gradient checks and the hidden cases.
Batch normalization from scratch is compared with `d2lkit.batch_norm` in training and evaluation,
and the module over several training steps (the `traced` fixture drives the extra steps).

One module per section, and `_common` for the cases and the comparison they share; `EXERCISES` lists
them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch07 import alexnet, batch_norm, densenet, googlenet, nin, resnet, vgg
from autograder.checks.ch07.alexnet import NB_ALEXNET
from autograder.checks.ch07.batch_norm import NB_BATCH_NORM
from autograder.checks.ch07.densenet import NB_DENSENET
from autograder.checks.ch07.googlenet import NB_GOOGLENET
from autograder.checks.ch07.nin import NB_NIN
from autograder.checks.ch07.resnet import NB_RESNET
from autograder.checks.ch07.vgg import NB_VGG

__all__ = [
    "EXERCISES",
    "NB_ALEXNET",
    "NB_BATCH_NORM",
    "NB_DENSENET",
    "NB_GOOGLENET",
    "NB_NIN",
    "NB_RESNET",
    "NB_VGG",
]

EXERCISES = [
    *alexnet.EXERCISES,
    *vgg.EXERCISES,
    *nin.EXERCISES,
    *googlenet.EXERCISES,
    *batch_norm.EXERCISES,
    *resnet.EXERCISES,
    *densenet.EXERCISES,
]
