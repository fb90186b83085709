"""What several sections of chapter 4 share: autograd's recorded names, and the hints' helpers."""

from __future__ import annotations

import torch

AUTOGRAD = ("backward", "grad")
"""Recorded names of `loss.backward()`, `torch.autograd.grad` and `torch.func.grad`/`vjp`."""


def _nonfinite(value) -> bool:
    return (
        isinstance(value, torch.Tensor)
        and value.is_floating_point()
        and not bool(value.isfinite().all())
    )
