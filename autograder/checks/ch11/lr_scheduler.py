"""11.11 learning-rate schedulers. A scheduler is an object, not plain data: the notebook's given
`lr_trace(scheduler, num_updates)` asks it for the rate of each update 0, 1, ... and returns the
list the check compares; each exercise's target is the student's class wrapped by that helper
(`square_root_lrs`, `factor_lrs`, `cosine_lrs`, given cells)."""

from __future__ import annotations

import math
from typing import Any

from autograder.spec import Case, Exercise
from d2lkit import schedulers

NB_SCHEDULER = "11.11-lr-scheduler"


def _trace(scheduler: Any, num_updates: int) -> list[float]:
    return [float(scheduler(t)) for t in range(num_updates)]


def square_root_lrs(lr: float, num_updates: int) -> list[float]:
    """The reference side of the notebook's `square_root_lrs`."""
    return _trace(schedulers.SquareRootScheduler(lr), num_updates)


def factor_lrs(
    factor: float, stop_factor_lr: float, base_lr: float, num_updates: int
) -> list[float]:
    """The reference side of the notebook's `factor_lrs`."""
    return _trace(schedulers.FactorScheduler(factor, stop_factor_lr, base_lr), num_updates)


def cosine_lrs(
    max_update: int,
    base_lr: float,
    final_lr: float,
    warmup_steps: int,
    warmup_begin_lr: float,
    num_updates: int,
) -> list[float]:
    """The reference side of the notebook's `cosine_lrs`."""
    scheduler = schedulers.CosineScheduler(
        max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr
    )
    return _trace(scheduler, num_updates)


def _out(student: dict) -> list[float]:
    out = student.get("output")
    return [float(x) for x in out] if isinstance(out, (list, tuple)) else []


def _square_root_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = _out(student)
    if got and (math.isinf(got[0]) or math.isclose(got[1], expected["output"][0], rel_tol=1e-6)):
        return "the first update is num_update = 0: use (num_update + 1) ** -0.5"
    return None


def _factor_hint(case: Case, expected: dict, student: dict) -> str | None:
    got, want = _out(student), expected["output"]
    factor, stop, base_lr, _ = case.args
    if got and math.isclose(got[0], base_lr, rel_tol=1e-9):
        return "multiply first: the first call already returns base_lr * factor"
    if got and min(got) < stop * (1 - 1e-9):
        return "never go below stop_factor_lr: max(stop_factor_lr, base_lr * factor)"
    if len(got) == len(want) and len(set(got)) == 1:
        return "keep the decayed rate in self.base_lr, so that the next call decays it again"
    return None


def _cosine_hint(case: Case, expected: dict, student: dict) -> str | None:
    got, want = _out(student), expected["output"]
    max_update, base_lr, final_lr, warmup, _, _ = case.args
    if warmup and got and math.isclose(got[0], base_lr, rel_tol=1e-9):
        return "warm up first: rise linearly from warmup_begin_lr for warmup_steps updates"
    if len(got) == len(want) and got and not math.isclose(got[-1], final_lr, rel_tol=1e-6):
        return "after max_update the rate stays at final_lr"
    if warmup and len(got) == len(want):
        return "the cosine spans max_update - warmup_steps updates, starting after the warm-up"
    return None


EXERCISES = [
    Exercise(
        id="ch11.SquareRootScheduler",
        target="square_root_lrs",
        points=1,
        reference=square_root_lrs,
        cases=lambda: [
            Case("lr 0.1, 30 updates", (0.1, 30)),
            Case("lr 2, 5 updates", (2.0, 5), visible=False),
        ],
        notebook=NB_SCHEDULER,
        forbidden=("d2lkit.schedulers", "lr_scheduler"),
        hint=_square_root_hint,
        description="lr (num_update + 1)^(-1/2)",
    ),
    Exercise(
        id="ch11.FactorScheduler",
        target="factor_lrs",
        points=1,
        reference=factor_lrs,
        cases=lambda: [
            Case("factor 0.9 down to 0.01 from 2, 50 updates", (0.9, 1e-2, 2.0, 50)),
            Case("factor 0.5 down to 0.1 from 1, 10 updates", (0.5, 0.1, 1.0, 10), visible=False),
        ],
        notebook=NB_SCHEDULER,
        forbidden=("d2lkit.schedulers", "lr_scheduler"),
        hint=_factor_hint,
        description="multiply by factor at each call, floored at stop_factor_lr",
    ),
    Exercise(
        id="ch11.CosineScheduler",
        target="cosine_lrs",
        points=2,
        reference=cosine_lrs,
        cases=lambda: [
            Case("20 updates from 0.3 to 0.01, no warm-up, 30 calls", (20, 0.3, 0.01, 0, 0.0, 30)),
            Case("the same after a 5-update warm-up", (20, 0.3, 0.01, 5, 0.0, 30)),
            Case(
                "warm-up from 0.05 over 3 of 10 updates", (10, 1.0, 0.0, 3, 0.05, 14), visible=False
            ),
        ],  # fmt: skip
        notebook=NB_SCHEDULER,
        forbidden=("d2lkit.schedulers", "lr_scheduler"),
        hint=_cosine_hint,
        description="linear warm-up, then a half cosine to final_lr at max_update",
    ),
]
