"""Chapter 11 models: the airfoil regression under each optimiser of 11.5-11.10 (`--optimizer`,
`--concise` for torch.optim's), and 11.11's LeNet under each learning-rate schedule
(`--scheduler`).

The variants carry the book's settings (lr, batch size 10, 2 epochs from scratch and 4 with
torch.optim) and its printed results: the loss, and sec/epoch on the book's machine.
"""

from __future__ import annotations

from functools import partial

import torch
from torch import nn

from d2lkit.models.registry import register
from d2lkit.runs.spec import ModelSpec
from d2lkit.schedulers import net_fn


def _linear_regression() -> nn.Module:
    return nn.Sequential(nn.Linear(5, 1))


def _airfoil(lr: float, loss: float, seconds: float, concise: bool = False) -> dict:
    return {
        "lr": lr,
        "batch_size": 10,
        "epochs": 4 if concise else 2,
        "book": {"train_loss": loss, "seconds_per_epoch": seconds},
    }


# (scratch lr, loss, sec/epoch), then torch.optim's (None: torch has no such optimizer)
_BOOK_AIRFOIL = {
    "sgd": ((0.05, 0.243, 0.013), (0.01, 0.243, 0.015)),
    "momentum": ((0.005, 0.245, 0.013), (0.005, 0.247, 0.012)),
    "adagrad": ((0.1, 0.242, 0.012), (0.1, 0.242, 0.013)),
    "rmsprop": ((0.01, 0.247, 0.014), (0.01, 0.244, 0.017)),
    # Adadelta has no learning rate: torch's lr 1 is the book's update
    "adadelta": ((1.0, 0.243, 0.014), (1.0, 0.243, 0.013)),
    "adam": ((0.01, 0.244, 0.015), (0.01, 0.254, 0.015)),
    "yogi": ((0.01, 0.245, 0.015), None),
}

_AIRFOIL_VARIANTS: dict[str, dict] = {}
for _name, (_scratch, _concise) in _BOOK_AIRFOIL.items():
    _AIRFOIL_VARIANTS[_name] = _airfoil(*_scratch)
    if _concise is not None:
        _AIRFOIL_VARIANTS[f"{_name}-concise"] = _airfoil(*_concise, concise=True)

register(
    ModelSpec(
        name="airfoil",
        section="11.5-11.10",
        description="linear regression on the airfoil self-noise data, one optimiser at a time",
        build=_linear_regression,
        loss=partial(nn.MSELoss, reduction="none"),
        optimizer=torch.optim.SGD,
        lr=0.05,
        batch_size=10,
        epochs=2,
        kind="optimizer-regression",
        dataset="airfoil",
        book=_AIRFOIL_VARIANTS["sgd"]["book"],
        variants=_AIRFOIL_VARIANTS,
        variant_option="optimizer",
    )
)


def _schedule(lr: float, loss: float, train_acc: float, test_acc: float) -> dict:
    return {"lr": lr, "book": {"train_loss": loss, "train_acc": train_acc, "test_acc": test_acc}}


register(
    ModelSpec(
        name="lenet-schedule",
        section="11.11",
        description="LeNet with ReLU and max-pooling under a learning-rate schedule",
        build=net_fn,
        loss=partial(nn.CrossEntropyLoss, reduction="none"),
        optimizer=torch.optim.SGD,
        lr=0.3,
        batch_size=256,
        epochs=30,
        kind="scheduled-classifier",
        book={"train_loss": 0.128, "train_acc": 0.951, "test_acc": 0.885},
        variants={
            "constant": _schedule(0.3, 0.128, 0.951, 0.885),
            "sqrt": _schedule(0.1, 0.270, 0.901, 0.876),
            "multistep": _schedule(0.5, 0.191, 0.928, 0.889),
            "cosine": _schedule(0.3, 0.207, 0.923, 0.892),
            "cosine-warmup": _schedule(0.3, 0.261, 0.904, 0.878),
        },
        variant_option="scheduler",
    )
)
