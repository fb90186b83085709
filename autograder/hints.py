"""What the chapters' hints share. A hint guesses the mistake behind a failed case from
`(case, expected, student)`; it runs in the grader on whatever the student returned, and
`compare.run_hint` guards every call: a hint that raises gives no hint."""

from __future__ import annotations

from typing import Any

import torch

Tolerance = tuple[float, float]
"""(rtol, atol) for `close`."""

TIGHT: Tolerance = (1e-5, 1e-6)
"""The grader's float32 tolerance: the same formula, the same order."""
LOOSE: Tolerance = (1e-4, 1e-6)
"""A formula summed in another order, or a mistake reproduced in float64 against float32."""
LAYERS: Tolerance = (1e-4, 1e-5)
"""Through several layers of a network."""


def close(got: Any, want: Any, tol: Tolerance = LOOSE) -> bool:
    """Whether a student's output is a tensor of want's shape and close to it (in float64)."""
    return (
        isinstance(got, torch.Tensor)
        and isinstance(want, torch.Tensor)
        and got.shape == want.shape
        and bool(torch.allclose(got.double(), want.double(), rtol=tol[0], atol=tol[1]))
    )
