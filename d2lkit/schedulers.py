"""11.11: learning-rate schedules as callables `scheduler(num_update) -> lr`, and the LeNet they
are compared on.

`num_update` counts from 0 (an epoch, in the book's training loop, which sets each param group's
lr to `scheduler(epoch)` after every epoch).
"""

from __future__ import annotations

import math

from torch import nn

__all__ = [
    "CosineScheduler",
    "FactorScheduler",
    "MultiFactorScheduler",
    "SquareRootScheduler",
    "net_fn",
]


class SquareRootScheduler:
    """lr (num_update + 1)^(-1/2)."""

    def __init__(self, lr: float = 0.1) -> None:
        self.lr = lr

    def __call__(self, num_update: int) -> float:
        return self.lr * pow(num_update + 1.0, -0.5)


class FactorScheduler:
    """Multiply the lr by `factor` at every call, never below `stop_factor_lr`.

    Stateful, as the book's: the t-th call (t = 0, 1, ...) returns
    max(stop_factor_lr, base_lr factor^(t+1)) whatever `num_update` it is given.
    """

    def __init__(
        self, factor: float = 1, stop_factor_lr: float = 1e-7, base_lr: float = 0.1
    ) -> None:
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.base_lr = base_lr

    def __call__(self, num_update: int) -> float:
        self.base_lr = max(self.stop_factor_lr, self.base_lr * self.factor)
        return self.base_lr


class MultiFactorScheduler:
    """The piecewise-constant schedule of `torch.optim.lr_scheduler.MultiStepLR`:
    base_lr gamma^k, k the number of `milestones` <= num_update."""

    def __init__(self, milestones: list[int], gamma: float = 0.5, base_lr: float = 0.5) -> None:
        self.milestones = sorted(milestones)
        self.gamma = gamma
        self.base_lr = base_lr

    def __call__(self, num_update: int) -> float:
        passed = sum(1 for m in self.milestones if m <= num_update)
        return self.base_lr * self.gamma**passed


class CosineScheduler:
    """A linear warm-up from `warmup_begin_lr` to `base_lr` over `warmup_steps` updates, then a
    half cosine from `base_lr` down to `final_lr` at `max_update`, constant after it."""

    def __init__(
        self,
        max_update: int,
        base_lr: float = 0.01,
        final_lr: float = 0.0,
        warmup_steps: int = 0,
        warmup_begin_lr: float = 0.0,
    ) -> None:
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.max_steps = self.max_update - self.warmup_steps

    def get_warmup_lr(self, epoch: int) -> float:
        """The warm-up's lr at `epoch` < warmup_steps."""
        increase = (self.base_lr_orig - self.warmup_begin_lr) * epoch / self.warmup_steps
        return self.warmup_begin_lr + increase

    def __call__(self, epoch: int) -> float:
        if epoch < self.warmup_steps:
            return self.get_warmup_lr(epoch)
        if epoch <= self.max_update:
            progress = (epoch - self.warmup_steps) / self.max_steps
            return (
                self.final_lr
                + (self.base_lr_orig - self.final_lr) * (1 + math.cos(math.pi * progress)) / 2
            )
        return self.final_lr


def net_fn() -> nn.Sequential:
    """11.11's LeNet with ReLU and max-pooling: (batch_size, 1, 28, 28) -> (batch_size, 10)."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )
