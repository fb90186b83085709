"""11.7 AdaGrad: a per-coordinate step lr / sqrt(s + eps) from the running sum of squares s."""

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

NB_ADAGRAD = "11.7-adagrad"


def _adagrad_cases() -> list[Case]:
    mid = mid_training_states(pairs=False, positive=True)
    return [
        step_case("first step, zero sums", 5, 1, zero_states(False), {"lr": 0.1}),
        step_case("mid-training sums", 5, 11, mid, {"lr": 0.1}),
        step_case("float64, lr 0.4", 3, 21, mid, {"lr": 0.4}, dtype=torch.float64, visible=False),
        step_case("large gradients", 4, 31, mid, {"lr": 0.1}, scale=1e3, visible=False),
    ]


def _adagrad_hint(case: Case, expected: dict, student: dict) -> str | None:
    given = inputs(case)
    lr = given["hyperparams"]["lr"]
    params, grads, sums = given["params"], given["grads"], flat(given["states"])
    if step_is(
        student, [p - lr * g / torch.sqrt(s + 1e-6) for p, g, s in zip(params, grads, sums)]
    ):
        return "add grad ** 2 to s before the step: the step divides by the updated sum"
    if step_is(student, [p - lr * g / (s + g * g + 1e-6) for p, g, s in zip(params, grads, sums)]):
        return "divide by the square root of s + eps"
    return None


EXERCISES = [
    Exercise(
        id="ch11.adagrad",
        target="adagrad",
        points=2,
        reference=optimizers.adagrad,
        cases=_adagrad_cases,
        notebook=NB_ADAGRAD,
        hint=step_hint(_adagrad_hint),
        description="parameters and sums of squares after a step (eps 1e-6)",
    ),
]
