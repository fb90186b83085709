"""The model registry: what `d2lkit train NAME` builds, with the book's settings and results.

Each chapter has a module `d2lkit/models/<topic>.py` that calls `register(ModelSpec(...))` at
import time; `_CHAPTER_MODULES` lists them, and importing this package imports them all. To add
a chapter's models, write its module and add its name to that tuple.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from d2lkit.errors import D2lkitError

if TYPE_CHECKING:
    from d2lkit.runner import Report, TrainConfig

__all__ = ["MODELS", "ModelSpec", "get", "register"]

Loss = Callable[[Tensor, Tensor], Tensor]
MakeOptimizer = Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer]


@dataclass(frozen=True)
class ModelSpec:
    """A trainable model of the book: how to build and train it, and what the book reports.

    build() -> a fresh net; loss() -> a loss returning one value per example
    (`reduction='none'`), (batch_size,); optimizer(params, lr) -> a torch optimizer.
    lr, batch_size and epochs are the book's; resize is the input side length the data is
    resized to (None: Fashion-MNIST's 28). book holds the book's reported final values, e.g.
    {"train_loss": 0.447, "train_acc": 0.848, "test_acc": 0.836}. A model that is not a
    Fashion-MNIST classifier provides `run(spec, config) -> runner.Report` instead of using
    `runner.train_classifier`.
    """

    name: str
    section: str
    description: str
    build: Callable[[], nn.Module]
    loss: Callable[[], Loss]
    optimizer: MakeOptimizer
    lr: float
    batch_size: int
    epochs: int
    resize: int | None = None
    dataset: str = "fashion-mnist"
    book: Mapping[str, float] = field(default_factory=dict)
    run: Callable[[ModelSpec, TrainConfig], Report] | None = None


MODELS: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add spec to `MODELS` under spec.name; a name can be registered only once."""
    if spec.name in MODELS:
        raise ValueError(f"model {spec.name!r} is already registered")
    MODELS[spec.name] = spec
    return spec


def get(name: str) -> ModelSpec:
    """The spec registered as name; D2lkitError naming the known models if there is none."""
    try:
        return MODELS[name]
    except KeyError:
        raise D2lkitError(f"unknown model {name!r}; known: {', '.join(MODELS)}") from None


# the chapter modules, in book order; each registers its specs when imported
_CHAPTER_MODULES = ("linear", "mlp", "cnn")

for _module in _CHAPTER_MODULES:
    importlib.import_module(f"{__name__}.{_module}")
