"""2.4 calculus: numerical limits and gradients, and gradients by formula."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch02._common import NORMS, _tensor, _value
from autograder.hints import close
from autograder.spec import Case, Exercise, Fixture, T
from autograder.strategies import randn
from d2lkit import preliminaries

NB_CALCULUS = "2.4-calculus"

AUTOGRAD = ("grad", "backward")


def _lim_case(name: str, f: str, x: float, h: float, visible: bool = True) -> Case:
    params = {"name": f, "x": x, "h": h}
    return Case(name, fixture=Fixture("ch02.scalar_function", params), visible=visible)


def _numerical_lim_cases() -> list[Case]:
    return [
        _lim_case("the book's f = 3x^2 - 4x at x = 1, h = 0.1", "3x^2 - 4x", 1.0, 0.1),
        _lim_case("f = 3x^2 - 4x at x = 1, h = 1e-5", "3x^2 - 4x", 1.0, 1e-5),
        _lim_case("f = x^3 - 1/x at x = 1, h = 1e-3", "x^3 - 1/x", 1.0, 1e-3),
        _lim_case("f = exp at x = 0, h = 1e-4", "exp(x)", 0.0, 1e-4, visible=False),
        _lim_case("f = sin at x = 2, h = -1e-3", "sin(x)", 2.0, -1e-3, visible=False),
    ]


def _grad_case(name: str, f: str, x: torch.Tensor, visible: bool = True, **params: Any) -> Case:
    fixture = Fixture("ch02.tensor_function", {"name": f, "x": x, **params})
    return Case(name, fixture=fixture, visible=visible)


def _numerical_grad_cases() -> list[Case]:
    x64 = torch.float64
    return [
        _grad_case(
            "sum of squares at (4,), default h", "sum of squares", randn(4, seed=301, dtype=x64)
        ),
        _grad_case(
            "3 x1^2 + 5 exp(x2) at (2,), h = 1e-5",
            "3 x1^2 + 5 exp(x2)",
            torch.tensor([1.0, 2.0], dtype=x64),
            h=1e-5,
        ),
        _grad_case(
            "sum of tanh(x W) at a (2, 3) matrix",
            "sum of tanh(x W)",
            randn(2, 3, seed=302, dtype=x64),
            W=randn(3, 4, seed=303, dtype=x64),
        ),
        _grad_case("an integer x (3,)", "sum of squares", torch.tensor([1, -2, 3])),
        _grad_case(
            "sqrt(1 + |x|^2) at (3, 2), h = 1e-3",
            "sqrt(1 + |x|^2)",
            randn(3, 2, seed=304, dtype=x64),
            visible=False,
            h=1e-3,
        ),
        _grad_case(
            "f returns a float: log-sum-exp at (6,)",
            "log-sum-exp, as a float",
            randn(6, seed=305, dtype=x64),
            visible=False,
        ),
    ]


def _numerical_grad_hint(case: Case, expected: dict, student: dict) -> str | None:
    got, want = student.get("output"), expected["output"]
    if not (_tensor(got) and got.shape == want.shape and got.dtype == want.dtype):
        return None
    error = float((got.double() - want.double()).abs().max())
    if 1e-9 < error < 1e-1:
        return (
            "close, but not the central difference: use (f(x + h e_i) - f(x - h e_i)) / (2h), "
            "whose error is O(h^2)"
        )
    return None


def _quadratic_exp_cases() -> list[Case]:
    return [
        Case("x = (1, 2)", (T(torch.tensor([1.0, 2.0]), True),), grad=(0,)),
        Case("random (2,)", (T(randn(2, seed=311), True),), grad=(0,)),
        Case("float64 (2,)", (T(randn(2, seed=312, dtype=torch.float64), True),), grad=(0,)),
        Case("large x2 = 80", (T(torch.tensor([-3.0, 80.0]), True),), grad=(0,), visible=False),
        Case(
            "large x1 ~ 1e6, float64",
            (T(torch.tensor([1e6, -5.0], dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _analytic_hint(case: Case, expected: dict, student: dict) -> str | None:
    grads = student.get("grads") or [None]
    if _tensor(student.get("output")) and grads[0] is None:
        return (
            "build the result from x with torch.stack or arithmetic on x: torch.tensor([...]) "
            "copies the numbers and loses how they depend on x"
        )
    return None


def _l2_cases() -> list[Case]:
    return [
        Case("random (5,)", (T(randn(5, seed=321), True),), grad=(0,)),
        Case("one nonzero entry (3,)", (T(torch.tensor([0.0, 0.0, -2.0]), True),), grad=(0,)),
        Case("float64 (10,)", (T(randn(10, seed=322, dtype=torch.float64), True),), grad=(0,)),
        Case(
            "large magnitudes (6,) ~ 1e15",
            (T(randn(6, seed=323, scale=1e15), True),),
            grad=(0,),
            visible=False,
        ),
        Case("one entry (1,)", (T(torch.tensor([-3.0]), True),), grad=(0,), visible=False),
    ]


def _l2_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    x = _value(case.args[0])
    if close(got, 2 * x):
        return "2x is the gradient of the squared norm |x|^2; the norm's gradient is x / |x|"
    if close(got, x):
        return "divide x by its norm"
    return _analytic_hint(case, expected, student)


EXERCISES = [
    Exercise(
        id="ch02.numerical_lim",
        target="numerical_lim",
        points=1,
        reference=preliminaries.numerical_lim,
        cases=_numerical_lim_cases,
        notebook=NB_CALCULUS,
    ),
    Exercise(
        id="ch02.numerical_grad",
        origin="kit",
        target="numerical_grad",
        points=2,
        reference=preliminaries.numerical_grad,
        cases=_numerical_grad_cases,
        notebook=NB_CALCULUS,
        forbidden=(*AUTOGRAD, "d2lkit.preliminaries.numerical_lim"),
        hint=_numerical_grad_hint,
    ),
    Exercise(
        id="ch02.grad_of_quadratic_exp",
        origin="kit",
        target="grad_of_quadratic_exp",
        points=1,
        reference=preliminaries.grad_of_quadratic_exp,
        cases=_quadratic_exp_cases,
        notebook=NB_CALCULUS,
        forbidden=AUTOGRAD,
        hint=_analytic_hint,
    ),
    Exercise(
        id="ch02.grad_of_l2_norm",
        origin="kit",
        target="grad_of_l2_norm",
        points=1,
        reference=preliminaries.grad_of_l2_norm,
        cases=_l2_cases,
        notebook=NB_CALCULUS,
        forbidden=(*NORMS, *AUTOGRAD, "d2lkit.preliminaries.frobenius_norm"),
        hint=_l2_hint,
    ),
]
