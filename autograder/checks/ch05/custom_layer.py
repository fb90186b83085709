"""5.4 custom layers: a layer without parameters, and one with."""

from __future__ import annotations

import torch

from autograder.hints import TIGHT, close
from autograder.spec import Case, Exercise, T
from autograder.strategies import rand, randn
from d2lkit import computation

NB_LAYERS = "5.4-custom-layer"


def _centered_cases() -> list[Case]:
    return [
        Case("the book's [1, 2, 3, 4, 5]", (T(torch.arange(1.0, 6.0), True),), grad=(0,)),
        Case("X (4, 8)", (T(randn(4, 8, seed=361, scale=3.0), True),), grad=(0,)),
        Case(
            "float64 (3, 4, 5)",
            (T(randn(3, 4, 5, seed=362, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _centered_hint(case: Case, expected: dict, student: dict) -> str | None:
    X = case.args[0].value
    if X.dim() > 1 and close(student.get("output"), X - X.mean(dim=0), TIGHT):
        return "subtract the mean of ALL elements, X.mean(), not the mean of each column"
    return None


def _linear_cases() -> list[Case]:
    return [
        Case(
            "the book's MyLinear(5, 3) on X (2, 5)",
            (T(rand(2, 5, seed=371), True),),
            init=(5, 3),
            grad=(0,),
            seed=371,
        ),
        Case(
            "MyLinear(64, 8) on X (6, 64)",
            (T(randn(6, 64, seed=372), True),),
            init=(64, 8),
            grad=(0,),
            seed=372,
        ),
        Case(
            "MyLinear(8, 1) on X (4, 8)",
            (T(randn(4, 8, seed=373), True),),
            init=(8, 1),
            grad=(0,),
            seed=373,
            visible=False,
        ),
    ]


def _linear_hint(case: Case, expected: dict, student: dict) -> str | None:
    param_grads = student.get("param_grads") or {}
    if param_grads and all(g is None for g in param_grads.values()):
        return (
            "no gradient reaches weight or bias: use the parameters themselves in forward, not "
            "`.data` (which detaches them from autograd, so the layer would never train)"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch05.centered_layer",
        target="CenteredLayer",
        points=1,
        reference=computation.CenteredLayer,
        cases=_centered_cases,
        notebook=NB_LAYERS,
        kind="module",
        hint=_centered_hint,
    ),
    Exercise(
        id="ch05.my_linear",
        target="MyLinear",
        points=2,
        reference=computation.MyLinear,
        cases=_linear_cases,
        notebook=NB_LAYERS,
        kind="module",
        forbidden=("linear",),
        hint=_linear_hint,
    ),
]
