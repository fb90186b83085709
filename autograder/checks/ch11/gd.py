"""11.3 gradient descent: `gd` in 1-D, `train_2d` driving a 2-D trainer, and Newton's method,
each judged on its whole trace (the book's printed end points are among the cases)."""

from __future__ import annotations

import math

from autograder.spec import Case, Exercise, Fixture
from d2lkit import optimization

NB_GD = "11.3-gd"


def _trace(student: dict) -> list:
    out = student.get("output")
    return list(out) if isinstance(out, (list, tuple)) else []


def _gd_cases() -> list[Case]:
    def case(name: str, eta: float, objective: str, **kw) -> Case:
        return Case(
            name, fixture=Fixture("ch11.objective_1d", {"eta": eta, "objective": objective}), **kw
        )

    return [
        case("x^2, eta 0.2 (the book ends at 0.060466)", 0.2, "square"),
        case("x cos(0.15 pi x), eta 2 (the book ends at -1.528166)", 2.0, "nonconvex"),
        case("x^2, eta 0.05", 0.05, "square", visible=False),
        case("x^2, eta 1.1 (diverges)", 1.1, "square", visible=False),
    ]


def _gd_hint(case: Case, expected: dict, student: dict) -> str | None:
    want, got = expected["output"], _trace(student)
    if len(got) == len(want) - 1:
        return "return the 11 iterates, the start x = 10 first, then one per step"
    eta = case.fixture.params["eta"] if case.fixture else 0.0
    square = case.fixture is not None and case.fixture.params["objective"] == "square"
    if square and got and math.isclose(float(got[-1]), 10 * (1 + 2 * eta) ** 10, rel_tol=1e-4):
        return "step against the gradient: x <- x - eta f'(x)"
    return None


def _train_2d_cases() -> list[Case]:
    def case(name: str, visible: bool = True, **params) -> Case:
        return Case(name, fixture=Fixture("ch11.trainer_2d", params), visible=visible)

    return [
        case("gradient descent on x1^2 + 2 x2^2, eta 0.1, 20 steps", trainer="gd", eta=0.1, steps=20),
        case("momentum (no f_grad), eta 0.6, 20 steps", trainer="momentum", eta=0.6, steps=20),
        case("gradient descent on 0.1 x1^2 + 2 x2^2, eta 0.4, 7 steps", trainer="gd", eta=0.4,
             steps=7, a=0.1, visible=False),
        case("momentum, eta 0.3, 1 step", trainer="momentum", eta=0.3, steps=1, visible=False),
    ]  # fmt: skip


def _train_2d_hint(case: Case, expected: dict, student: dict) -> str | None:
    want, got = expected["output"], _trace(student)
    if len(got) == len(want) - 1:
        return "return steps + 1 points: the start (-5, -2) first, then one per step"
    if len(got) == len(want) and len(got) > 1 and all(tuple(p) == (-5.0, -2.0) for p in got[1:]):
        return "the trainer returns the new (x1, x2, s1, s2): carry all four into the next step"
    return None


def _newton_cases() -> list[Case]:
    def case(name: str, eta: float, objective: str, **kw) -> Case:
        params = {"eta": eta, "objective": objective}
        return Case(name, fixture=Fixture("ch11.newton_objective", params), **kw)

    return [
        case("cosh(0.5 x), eta 1 (the book ends at 0)", 1.0, "cosh"),
        case("x cos(0.15 pi x), eta 0.5 (the book ends at 7.2699)", 0.5, "nonconvex"),
        case("x cos(0.15 pi x), eta 1 (the book ends at 26.8341)", 1.0, "nonconvex", visible=False),
        case("cosh(0.5 x), eta 0.3", 0.3, "cosh", visible=False),
    ]


def _newton_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = _trace(student)
    if got and not all(isinstance(x, float) for x in got):
        return "append float(x) to the results: the check compares plain numbers"
    if len(got) == len(expected["output"]) - 1:
        return "return the 11 iterates, the start x = 10 first"
    return "the step is eta f'(x) / f''(x): the gradient scaled by the inverse Hessian"


EXERCISES = [
    Exercise(
        id="ch11.gd",
        target="gd",
        points=1,
        reference=optimization.gd,
        cases=_gd_cases,
        notebook=NB_GD,
        hint=_gd_hint,
        description="10 steps from x = 10, the whole trace",
    ),
    Exercise(
        id="ch11.train_2d",
        target="train_2d",
        points=1,
        reference=optimization.train_2d,
        cases=_train_2d_cases,
        notebook=NB_GD,
        hint=_train_2d_hint,
        description="a 2-D trainer from (-5, -2), with and without f_grad",
    ),
    Exercise(
        id="ch11.newton",
        target="newton",
        points=2,
        reference=optimization.newton,
        cases=_newton_cases,
        notebook=NB_GD,
        hint=_newton_hint,
        description="damped Newton steps on a convex and a nonconvex function",
    ),
]
