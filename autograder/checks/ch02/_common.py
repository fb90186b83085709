"""What several sections of chapter 2 share: the norm built-ins, and the hints' helpers."""

from __future__ import annotations

from typing import Any

import torch

from autograder.spec import T

NORMS = (
    "norm",
    "linalg_norm",
    "frobenius_norm",
    "vector_norm",
    "linalg_vector_norm",
    "matrix_norm",
    "linalg_matrix_norm",
    "dist",
)


def _value(arg: Any) -> Any:
    return arg.value if isinstance(arg, T) else arg


def _tensor(value: Any) -> bool:
    return isinstance(value, torch.Tensor)
