"""11.5 minibatch SGD in the `(params, states, hyperparams)` form every later optimiser takes."""

from __future__ import annotations

import torch

from autograder.checks.ch11._common import inputs, step_case, step_hint, step_is
from autograder.spec import Case, Exercise
from d2lkit import optimizers

NB_MINIBATCH = "11.5-minibatch-sgd"


def _sgd_cases() -> list[Case]:
    return [
        step_case("lr 0.05, 5 features", 5, 1, None, {"lr": 0.05}),
        step_case("lr 1, 3 features", 3, 5, None, {"lr": 1.0}),
        step_case("lr 0.005, float64", 4, 9, None, {"lr": 0.005}, dtype=torch.float64, visible=False),
    ]  # fmt: skip


def _sgd_hint(case: Case, expected: dict, student: dict) -> str | None:
    given = inputs(case)
    lr = given["hyperparams"]["lr"]
    if step_is(student, [p + lr * g for p, g in zip(given["params"], given["grads"])]):
        return "step against the gradient: p -= lr * p.grad"
    return None


EXERCISES = [
    Exercise(
        id="ch11.sgd",
        target="sgd",
        points=1,
        reference=optimizers.sgd,
        cases=_sgd_cases,
        notebook=NB_MINIBATCH,
        hint=step_hint(_sgd_hint),
    ),
]
