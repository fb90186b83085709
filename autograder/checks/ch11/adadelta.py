"""11.9 Adadelta: no learning rate; the rescaled gradient g' = sqrt(delta + eps) / sqrt(s + eps) g
and the leaky average delta of its squares."""

from __future__ import annotations

import torch

from autograder.checks.ch11._common import (
    inputs,
    mid_training_states,
    params_after,
    step_case,
    step_hint,
    zero_states,
)
from autograder.hints import LOOSE, close
from autograder.spec import Case, Exercise
from d2lkit import optimizers

NB_ADADELTA = "11.9-adadelta"


def _adadelta_cases() -> list[Case]:
    mid = mid_training_states(pairs=True, positive=True)
    return [
        step_case("first step, zero averages", 5, 1, zero_states(True), {"rho": 0.9}),
        step_case("mid-training averages", 5, 11, mid, {"rho": 0.9}),
        step_case("float64, rho 0.5", 3, 21, mid, {"rho": 0.5}, dtype=torch.float64, visible=False),
        step_case("large gradients", 4, 31, mid, {"rho": 0.99}, scale=1e3, visible=False),
    ]


def _adadelta_hint(case: Case, expected: dict, student: dict) -> str | None:
    want_p, got_p = params_after(expected), params_after(student)
    if all(close(g, w, LOOSE) for g, w in zip(got_p, want_p)):
        return (
            "the parameters are right but delta is not: update delta with the rescaled "
            "gradient g' of this step, delta = rho * delta + (1 - rho) * g' ** 2"
        )
    given = inputs(case)
    if any(close(g, p - gr, LOOSE) for g, p, gr in zip(got_p, given["params"], given["grads"])):
        return "step by the rescaled gradient g' = sqrt(delta + eps) / sqrt(s + eps) * grad"
    return None


EXERCISES = [
    Exercise(
        id="ch11.adadelta",
        target="adadelta",
        points=2,
        reference=optimizers.adadelta,
        cases=_adadelta_cases,
        notebook=NB_ADADELTA,
        hint=step_hint(_adadelta_hint),
        description="parameters and both averages (s, delta) after a step (eps 1e-5)",
    ),
]
