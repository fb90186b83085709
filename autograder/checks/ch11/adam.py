"""11.10 Adam and Yogi: the two moments with bias correction, and the step count
`hyperparams["t"]` (judged after the step, as the state it is)."""

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

NB_ADAM = "11.10-adam"


def _cases() -> list[Case]:
    mid = mid_training_states(pairs=True, positive=True)
    return [
        step_case("first step (t = 1), zero moments", 5, 1, zero_states(True), {"lr": 0.01, "t": 1}),
        step_case("mid-training moments, t = 7", 5, 11, mid, {"lr": 0.01, "t": 7}),
        step_case("float64, t = 3", 3, 21, mid, {"lr": 0.1, "t": 3}, dtype=torch.float64,
                  visible=False),
        step_case("large gradients, t = 50", 4, 31, mid, {"lr": 0.01, "t": 50}, scale=1e3,
                  visible=False),
    ]  # fmt: skip


def _uncorrected(case: Case, yogi: bool) -> list[torch.Tensor]:
    """The step without bias correction."""
    given = inputs(case)
    lr, eps = given["hyperparams"]["lr"], 1e-3 if yogi else 1e-6
    out = []
    states = given["states"]
    for p, g, (v, s) in zip(given["params"], given["grads"], states):
        v = 0.9 * v + 0.1 * g
        s = s + 0.001 * torch.sign(g * g - s) * g * g if yogi else 0.999 * s + 0.001 * g * g
        out.append(p - lr * v / (torch.sqrt(s) + eps))
    return out


def _hint(yogi: bool):
    def specific(case: Case, expected: dict, student: dict) -> str | None:
        t = inputs(case)["hyperparams"]["t"]
        if student.get("after", {}).get("t") == t:
            return 'count the step: hyperparams["t"] += 1 after updating the parameters'
        if step_is(student, _uncorrected(case, yogi)):
            return "bias correction missing: divide v by (1 - beta1 ** t) and s by (1 - beta2 ** t)"
        if yogi and _adam_second_moment(case, student):
            return "Yogi's second moment: s = s + (1 - beta2) * sign(grad ** 2 - s) * grad ** 2"
        return None

    return specific


def _adam_second_moment(case: Case, student: dict) -> bool:
    want = [
        0.999 * s + 0.001 * g * g
        for (_, s), g in zip(inputs(case)["states"], inputs(case)["grads"])
    ]
    got = flat(student["args_after"][1])[1::2]
    return len(got) == len(want) and all(
        bool(torch.allclose(a.double(), b.double(), rtol=1e-4)) for a, b in zip(got, want)
    )


EXERCISES = [
    Exercise(
        id="ch11.adam",
        target="adam",
        points=3,
        reference=optimizers.adam,
        cases=_cases,
        notebook=NB_ADAM,
        hint=step_hint(_hint(yogi=False)),
        description="parameters, both moments and t after a step",
    ),
    Exercise(
        id="ch11.yogi",
        target="yogi",
        points=2,
        reference=optimizers.yogi,
        cases=_cases,
        notebook=NB_ADAM,
        hint=step_hint(_hint(yogi=True)),
        description="Adam with s += (1 - beta2) sign(g^2 - s) g^2 (eps 1e-3)",
    ),
]
