"""Chapters 6-7 models: LeNet and the modern CNNs, trained as `d2l.train_ch6` trains them.

`train_ch6` initialises every Linear and Conv2d weight with xavier_uniform_ (biases keep
PyTorch's init), then runs minibatch SGD on the mean cross-entropy; each spec's `build` does the
init, so `runs.classifier.run` runs the same recipe. Settings are the book's (10 epochs;
Fashion-MNIST upsampled to 224 for AlexNet, VGG and NiN, to 96 for GoogLeNet, ResNet and
DenseNet); `book` holds the zh v2 notebooks' final results, examples/sec on a Tesla V100.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch
from torch import nn

from d2lkit.cnn import _xavier_init, lenet
from d2lkit.models.registry import register
from d2lkit.modern_cnn import alexnet, densenet, googlenet, lenet_bn, nin, resnet18, vgg11
from d2lkit.runs.spec import ModelSpec


def _train_ch6_init(build: Callable[[], nn.Module]) -> Callable[[], nn.Module]:
    """`build`, followed by train_ch6's xavier_uniform_ init of the Linear and Conv2d weights."""

    def build_and_init() -> nn.Module:
        return build().apply(_xavier_init)

    build_and_init.__doc__ = build.__doc__
    return build_and_init


def _book(loss: float, train_acc: float, test_acc: float, examples_per_sec: float) -> dict:
    return {
        "train_loss": loss,
        "train_acc": train_acc,
        "test_acc": test_acc,
        "examples_per_sec": examples_per_sec,
    }


# (name, section, description, builder, lr, batch size, input side, book: loss, train acc,
# test acc, examples/sec on the book's V100)
_ZOO = (
    ("lenet", "6.6", "LeNet-5: sigmoid, average pooling", lenet,
     0.9, 256, None, _book(0.469, 0.823, 0.779, 55296.6)),
    ("alexnet", "7.1", "AlexNet, one tower, dropout 0.5", alexnet,
     0.01, 128, 224, _book(0.331, 0.878, 0.883, 3941.8)),
    ("vgg11", "7.2", "VGG-11 with channels / 4 (small_conv_arch)", vgg11,
     0.05, 128, 224, _book(0.178, 0.935, 0.920, 2463.7)),
    ("nin", "7.3", "Network in Network: 1x1 convs, global average pooling", nin,
     0.1, 128, 224, _book(0.563, 0.786, 0.790, 3087.6)),
    ("googlenet", "7.4", "GoogLeNet: 9 Inception blocks", googlenet,
     0.1, 128, 96, _book(0.262, 0.900, 0.886, 3265.5)),
    ("lenet-bn", "7.5", "LeNet with the scratch BatchNorm after each conv and hidden linear",
     lenet_bn, 1.0, 256, None, _book(0.273, 0.899, 0.807, 32293.9)),
    ("resnet18", "7.6", "ResNet-18: 7x7 stem, 4 stages of 2 residual blocks", resnet18,
     0.05, 256, 96, _book(0.012, 0.997, 0.893, 5032.7)),
    ("densenet", "7.7", "DenseNet: 4 dense blocks of 4 convs, growth rate 32", densenet,
     0.1, 256, 96, _book(0.140, 0.948, 0.885, 5626.3)),
)  # fmt: skip

for _name, _section, _description, _build, _lr, _batch_size, _resize, _results in _ZOO:
    register(
        ModelSpec(
            name=_name,
            section=_section,
            description=_description,
            build=_train_ch6_init(_build),
            loss=partial(nn.CrossEntropyLoss, reduction="none"),
            optimizer=torch.optim.SGD,
            lr=_lr,
            batch_size=_batch_size,
            epochs=10,
            resize=_resize,
            book=_results,
        )
    )
