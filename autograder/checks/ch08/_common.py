"""What several sections of chapter 8 share: small helpers for checkers and hints."""

from __future__ import annotations

from typing import Any

import torch

from autograder.compare import DEFAULT, GRAD_LOOSENING, compare_values
from autograder.spec import Compare, T


def _out(student: dict) -> Any:
    return student.get("output")


def _value(arg: Any) -> Any:
    return arg.value if isinstance(arg, T) else arg


def _shape(value: Any) -> tuple[int, ...] | None:
    return tuple(value.shape) if isinstance(value, torch.Tensor) else None


def compare_grads(
    expected: list, got: Any, names: list[str], spec: Compare = DEFAULT
) -> str | None:
    """The first of `names`' gradients that differs (tolerances loosened as for every gradient)."""
    got = list(got) if isinstance(got, (list, tuple)) else [None] * len(expected)
    for name, want, have in zip(names, expected, got + [None] * (len(expected) - len(got))):
        if want is None:
            continue
        if have is None:
            return f"gradient of {name}: expected a gradient, got None (is it on the graph?)"
        problem = compare_values(want, have, spec, f"gradient of {name}", GRAD_LOOSENING)
        if problem:
            return problem
    return None
