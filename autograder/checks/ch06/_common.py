"""What several sections of chapter 6 share: the convolution built-ins, and the hints' helpers."""

from __future__ import annotations

from typing import Any

import torch

from autograder.spec import T

# the built-ins a from-scratch convolution could hide behind, and the reference module
CONV_BUILTINS = (
    "conv1d", "conv2d", "conv3d", "convolution", "_convolution", "conv_transpose1d",
    "conv_transpose2d", "conv_tbc", "unfold", "fold", "im2col", "d2lkit.cnn",
)  # fmt: skip


def _out(student: dict) -> Any:
    return student.get("output")


def _shape(value: Any) -> tuple[int, ...] | None:
    return tuple(value.shape) if isinstance(value, torch.Tensor) else None


def _value(arg: Any) -> Any:
    return arg.value if isinstance(arg, T) else arg


def _pair(v: Any) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _book_X() -> torch.Tensor:
    return torch.arange(9.0).reshape(3, 3)
