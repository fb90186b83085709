"""What several sections of chapter 4 share: autograd's recorded names, and the hints' helpers."""

from __future__ import annotations

import torch

from autograder.hints import close, guarded

AUTOGRAD = ("backward", "grad")
"""Recorded names of `loss.backward()`, `torch.autograd.grad` and `torch.func.grad`/`vjp`."""


def _nonfinite(value) -> bool:
    return (
        isinstance(value, torch.Tensor)
        and value.is_floating_point()
        and not bool(value.isfinite().all())
    )


def _close(got, want, rtol: float = 1e-4, atol: float = 1e-6) -> bool:
    return close(got, want, rtol, atol)


_safe = guarded
