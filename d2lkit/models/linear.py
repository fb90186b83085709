"""Chapter 3 models: softmax regression from scratch (3.6) and with nn layers (3.7)."""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from d2lkit.linear import SoftmaxRegressionScratch, cross_entropy, softmax_regression_concise
from d2lkit.models.registry import register
from d2lkit.runs.classifier import ScratchSGD
from d2lkit.runs.spec import ModelSpec

register(
    ModelSpec(
        name="softmax-regression",
        section="3.6",
        description="softmax regression from scratch: probabilities, cross_entropy, scratch sgd",
        build=SoftmaxRegressionScratch,
        # the net outputs probabilities, so the loss is the scratch -log y_hat[y], not
        # nn.CrossEntropyLoss (which expects logits)
        loss=lambda: cross_entropy,
        optimizer=ScratchSGD,
        lr=0.1,
        batch_size=256,
        epochs=10,
        book={"train_loss": 0.447, "train_acc": 0.848, "test_acc": 0.836},
    )
)

register(
    ModelSpec(
        name="softmax-regression-concise",
        section="3.7",
        description="softmax regression with nn.Flatten + nn.Linear, CrossEntropyLoss, optim.SGD",
        build=softmax_regression_concise,
        loss=partial(nn.CrossEntropyLoss, reduction="none"),
        optimizer=torch.optim.SGD,
        lr=0.1,
        batch_size=256,
        epochs=10,
        book={"train_loss": 0.448, "train_acc": 0.848, "test_acc": 0.828},
    )
)
