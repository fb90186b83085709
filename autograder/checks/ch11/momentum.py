"""11.6 momentum: the velocity v = beta v + g, kept in place between steps."""

from __future__ import annotations

import torch

from autograder.checks.ch11._common import (
    inputs,
    mid_training_states,
    step_case,
    step_hint,
    step_is,
    zero_states,
)
from autograder.spec import Case, Exercise
from d2lkit import optimizers

NB_MOMENTUM = "11.6-momentum"


def _momentum_cases() -> list[Case]:
    mid = mid_training_states(pairs=False, positive=False)
    return [
        step_case("first step, zero velocities", 5, 1, zero_states(False), {"lr": 0.02, "momentum": 0.5}),
        step_case("mid-training velocities", 5, 11, mid, {"lr": 0.005, "momentum": 0.9}),
        step_case("float64, momentum 0.25", 3, 21, mid, {"lr": 0.1, "momentum": 0.25},
                  dtype=torch.float64, visible=False),
        step_case("large gradients", 4, 31, mid, {"lr": 0.01, "momentum": 0.9}, scale=1e3,
                  visible=False),
    ]  # fmt: skip


def _momentum_hint(case: Case, expected: dict, student: dict) -> str | None:
    given = inputs(case)
    lr = given["hyperparams"]["lr"]
    if step_is(student, [p - lr * g for p, g in zip(given["params"], given["grads"])]):
        return "step along the velocity v = momentum * v + grad, not along the gradient"
    return None


EXERCISES = [
    Exercise(
        id="ch11.sgd_momentum",
        target="sgd_momentum",
        points=2,
        reference=optimizers.sgd_momentum,
        cases=_momentum_cases,
        notebook=NB_MOMENTUM,
        hint=step_hint(_momentum_hint),
        description="parameters and velocities after a step",
    ),
]
