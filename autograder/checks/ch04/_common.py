"""What several sections of chapter 4 share: autograd's recorded names, and the hints' helpers."""

from __future__ import annotations

import torch

from autograder.spec import Case

AUTOGRAD = ("backward", "grad")
"""Recorded names of `loss.backward()`, `torch.autograd.grad` and `torch.func.grad`/`vjp`."""


def _nonfinite(value) -> bool:
    return (
        isinstance(value, torch.Tensor)
        and value.is_floating_point()
        and not bool(value.isfinite().all())
    )


def _close(got, want, rtol: float = 1e-4, atol: float = 1e-6) -> bool:
    return (
        isinstance(got, torch.Tensor)
        and isinstance(want, torch.Tensor)
        and got.shape == want.shape
        and bool(torch.allclose(got.double(), want.double(), rtol=rtol, atol=atol))
    )


def _safe(hint):
    """A hint that never breaks grading: any error while guessing the mistake means no hint."""

    def guarded(case: Case, expected: dict, student: dict) -> str | None:
        try:
            return hint(case, expected, student)
        except Exception:  # noqa: BLE001 - a hint is a guess; a student's odd output must not crash it
            return None

    guarded.__name__ = hint.__name__
    return guarded
