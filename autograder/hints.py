"""What the chapters' hints share. A hint guesses the mistake behind a failed case from
`(case, expected, student)`; it runs in the grader on whatever the student returned."""

from __future__ import annotations

from typing import Any

import torch

from autograder.spec import Case, Hint


def guarded(hint: Hint) -> Hint:
    """`hint`, made safe for grading: any error while guessing the mistake means no hint."""

    def safe(case: Case, expected: dict, student: dict) -> str | None:
        try:
            return hint(case, expected, student)
        except Exception:  # noqa: BLE001 - a hint is a guess; a student's odd output must not crash it
            return None

    safe.__name__ = hint.__name__
    return safe


def close(got: Any, want: Any, rtol: float, atol: float) -> bool:
    """Whether a student's output is a tensor of want's shape and close to it (in float64)."""
    return (
        isinstance(got, torch.Tensor)
        and isinstance(want, torch.Tensor)
        and got.shape == want.shape
        and bool(torch.allclose(got.double(), want.double(), rtol=rtol, atol=atol))
    )
