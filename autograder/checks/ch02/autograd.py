"""2.5 automatic differentiation: gradients through control flow, and of sin."""

from __future__ import annotations

import torch

from autograder.compare import compare_values
from autograder.spec import Case, Compare, Exercise
from autograder.strategies import randn
from d2lkit import preliminaries

NB_AUTOGRAD = "2.5-autograd"


def _output_only(case: Case, expected: dict, student: dict) -> str | None:
    """Judge the returned value alone: setting `requires_grad`/`.grad` on the argument is allowed."""
    return compare_values(expected["output"], student.get("output"), Compare())


def _control_flow_cases() -> list[Case]:
    return [
        Case("the book's scalar a = randn(())", (randn(seed=401),)),
        Case("a negative scalar: the 100 * b branch", (torch.tensor(-0.3),)),
        Case("a vector (4,)", (randn(4, seed=402),)),
        Case("a matrix (3, 5)", (randn(3, 5, seed=403),)),
        Case(
            "tiny values (3,) ~ 1e-6: many doublings",
            (randn(3, seed=404, scale=1e-6),),
            visible=False,
        ),
        Case(
            "large values (2, 2) ~ 1e4, float64: no doubling",
            (randn(2, 2, seed=405, scale=1e4, dtype=torch.float64),),
            visible=False,
        ),
        Case(
            "mixed signs with a negative sum (6,)",
            (torch.tensor([0.5, -2.0, 0.25, -0.75, 1.0, -0.5]),),
            visible=False,
        ),
    ]


def _sin_cases() -> list[Case]:
    return [
        Case("linspace(-5, 5, 101)", (torch.linspace(-5, 5, 101),)),
        Case("random (3, 4)", (randn(3, 4, seed=411),)),
        Case("float64 (10,)", (randn(10, seed=412, dtype=torch.float64),)),
        Case("large magnitudes (8,) ~ 1e4", (randn(8, seed=413, scale=1e4),), visible=False),
        Case("a scalar", (torch.tensor(0.7),), visible=False),
    ]


EXERCISES = [
    Exercise(
        id="ch02.grad_through_control_flow",
        origin="kit",
        target="grad_through_control_flow",
        points=2,
        reference=preliminaries.grad_through_control_flow,
        cases=_control_flow_cases,
        notebook=NB_AUTOGRAD,
        compare=Compare(checker=_output_only),
        forbidden=("d2lkit.preliminaries.control_flow",),
    ),
    Exercise(
        id="ch02.sin_derivative",
        origin="kit",
        target="sin_derivative",
        points=1,
        reference=preliminaries.sin_derivative,
        cases=_sin_cases,
        notebook=NB_AUTOGRAD,
        compare=Compare(checker=_output_only),
        forbidden=("cos", "cos_"),
    ),
]
