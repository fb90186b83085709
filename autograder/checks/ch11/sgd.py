"""11.4 stochastic gradient descent: a noisy 2-D step (the noise drawn in the book's order under
the case's seed), and the exponential and polynomial learning-rate functions of the step t."""

from __future__ import annotations

import math

from autograder.spec import Case, Exercise, Fixture
from d2lkit import optimization

NB_SGD = "11.4-sgd"


def _sgd_2d_cases() -> list[Case]:
    def case(name: str, x1: float, x2: float, eta_t: float, seed: int, **kw) -> Case:
        params = {"x1": x1, "x2": x2, "eta_t": eta_t}
        return Case(name, fixture=Fixture("ch11.sgd_2d_step", params), seed=seed, **kw)

    return [
        case("from (-5, -2), eta_t 0.1", -5.0, -2.0, 0.1, seed=1),
        case("from (0.3, 0.7), eta_t 0.05", 0.3, 0.7, 0.05, seed=2),
        case("from (2, -1), eta_t 0.01", 2.0, -1.0, 0.01, seed=3, visible=False),
    ]


def _sgd_2d_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    p = case.fixture.params if case.fixture else {}
    x1, x2, eta_t = p["x1"], p["x2"], p["eta_t"]
    plain = (x1 - eta_t * 2 * x1, x2 - eta_t * 4 * x2)
    if got is not None and all(math.isclose(float(g), w, rel_tol=1e-6) for g, w in zip(got, plain)):
        return "add N(0, 1) noise to each coordinate of the gradient: torch.normal(0.0, 1, (1,))"
    return (
        "draw the noise as torch.normal(0.0, 1, (1,)).item(), once for x1 and then once for x2, "
        "and step by eta_t times the noisy gradient"
    )


def _t_cases(ts: tuple[int, ...], hidden: tuple[int, ...]) -> list[Case]:
    return [Case(f"t = {t}", (t,)) for t in ts] + [
        Case(f"t = {t}", (t,), visible=False) for t in hidden
    ]


def _exponential_hint(case: Case, expected: dict, student: dict) -> str | None:
    (t,) = case.args
    if math.isclose(float(student.get("output")), math.exp(-t), rel_tol=1e-6):
        return "the rate decays as exp(-0.1 t), not exp(-t)"
    return None


def _polynomial_hint(case: Case, expected: dict, student: dict) -> str | None:
    (t,) = case.args
    if math.isclose(float(student.get("output")), 1 / (1 + 0.1 * t), rel_tol=1e-6):
        return "the exponent is -1/2: (1 + 0.1 t) ** -0.5"
    return None


EXERCISES = [
    Exercise(
        id="ch11.sgd_2d",
        target="sgd_2d",
        points=1,
        reference=optimization.sgd_2d,
        cases=_sgd_2d_cases,
        notebook=NB_SGD,
        hint=_sgd_2d_hint,
        description="gradient plus N(0, 1) noise, x1's drawn first",
    ),
    Exercise(
        id="ch11.exponential_lr",
        target="exponential_lr",
        points=1,
        reference=optimization.exponential_lr,
        cases=lambda: _t_cases((1, 10), (0, 1000)),
        notebook=NB_SGD,
        hint=_exponential_hint,
    ),
    Exercise(
        id="ch11.polynomial_lr",
        target="polynomial_lr",
        points=1,
        reference=optimization.polynomial_lr,
        cases=lambda: _t_cases((1, 10), (0, 1000)),
        notebook=NB_SGD,
        hint=_polynomial_hint,
    ),
]
