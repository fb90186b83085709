"""11.8 RMSProp: AdaGrad with a leaky average s = gamma s + (1 - gamma) g^2."""

from __future__ import annotations

import torch

from autograder.checks.ch11._common import (
    flat,
    inputs,
    mid_training_states,
    step_case,
    step_hint,
    step_is,
    zero_states,
)
from autograder.spec import Case, Exercise
from d2lkit import optimizers

NB_RMSPROP = "11.8-rmsprop"


def _rmsprop_cases() -> list[Case]:
    mid = mid_training_states(pairs=False, positive=True)
    return [
        step_case("first step, zero averages", 5, 1, zero_states(False), {"lr": 0.01, "gamma": 0.9}),
        step_case("mid-training averages", 5, 11, mid, {"lr": 0.01, "gamma": 0.9}),
        step_case("float64, gamma 0.5", 3, 21, mid, {"lr": 0.4, "gamma": 0.5}, dtype=torch.float64,
                  visible=False),
        step_case("large gradients", 4, 31, mid, {"lr": 0.01, "gamma": 0.99}, scale=1e3,
                  visible=False),
    ]  # fmt: skip


def _rmsprop_hint(case: Case, expected: dict, student: dict) -> str | None:
    given = inputs(case)
    lr, gamma = given["hyperparams"]["lr"], given["hyperparams"]["gamma"]
    params, grads, avgs = given["params"], given["grads"], flat(given["states"])
    summed = [gamma * s + g * g for s, g in zip(avgs, grads)]
    if step_is(
        student, [p - lr * g / torch.sqrt(s + 1e-6) for p, g, s in zip(params, grads, summed)]
    ):
        return "weigh the new square by (1 - gamma): s = gamma * s + (1 - gamma) * grad ** 2"
    return None


EXERCISES = [
    Exercise(
        id="ch11.rmsprop",
        target="rmsprop",
        points=2,
        reference=optimizers.rmsprop,
        cases=_rmsprop_cases,
        notebook=NB_RMSPROP,
        hint=step_hint(_rmsprop_hint),
        description="parameters and leaky averages after a step (eps 1e-6)",
    ),
]
