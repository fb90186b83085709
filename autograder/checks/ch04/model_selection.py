"""4.4 model selection: polynomial features and the loss over a data iterator."""

from __future__ import annotations

import math

import torch

from autograder.hints import close
from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import randn
from d2lkit import mlp

NB_SELECTION = "4.4-underfit-overfit"


def _polynomial_cases() -> list[Case]:
    return [
        Case("x (5,), max_degree 4", (T(randn(5, seed=131), True), 4), grad=(0,)),
        Case("the book's x (100, 1), max_degree 20", (randn(100, 1, seed=132), 20)),
        Case(
            "float64 x (7, 1), max_degree 6",
            (T(randn(7, 1, seed=133, dtype=torch.float64), True), 6),
            grad=(0,),
            visible=False,
        ),
        Case("max_degree 1 (the constant only)", (randn(3, seed=134), 1), visible=False),
    ]


def _polynomial_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    x = case.args[0].value if isinstance(case.args[0], T) else case.args[0]
    d = case.args[1]
    powers = torch.arange(d, dtype=torch.float64)
    column = x.reshape(-1, 1).double()
    if close(out, column**powers):
        return "divide the i-th power by i! (math.gamma(i + 1)) so that high powers stay small"
    shifted = column ** (powers + 1) / torch.tensor([math.gamma(i + 2) for i in range(d)])
    if close(out, shifted.double()):
        return "the features start at x^0 / 0! = 1 (the constant term): i runs from 0 to max_degree - 1"
    return None


def _batches_params(seed: int, n: int, d: int, batch_size: int, row_labels: bool) -> dict:
    y = randn(n, seed=seed + 3) if row_labels else randn(n, 1, seed=seed + 3)
    return {
        "W": randn(d, 1, seed=seed, scale=0.5),
        "b": randn(1, seed=seed + 1),
        "X": randn(n, d, seed=seed + 2),
        "y": y,
        "batch_size": batch_size,
    }


def _evaluate_loss_cases() -> list[Case]:
    return [
        Case(
            "nn.Linear, MSELoss, labels (30, 1), 3 batches of 10",
            fixture=Fixture(
                "ch04.regression_batches",
                {**_batches_params(141, 30, 4, 10, False), "net": "module", "loss": "mse"},
            ),
        ),
        Case(
            "labels (25,) as a row, uneven batches of 10",
            fixture=Fixture(
                "ch04.regression_batches",
                {**_batches_params(145, 25, 3, 10, True), "net": "module", "loss": "mse"},
            ),
        ),
        Case(
            "a plain function net, scratch squared loss, labels (23,), batches of 5",
            fixture=Fixture(
                "ch04.regression_batches",
                {**_batches_params(149, 23, 5, 5, True), "net": "function", "loss": "squared"},
            ),
            visible=False,
        ),
    ]


def _evaluate_loss_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if not isinstance(got, (int, float)):
        return None
    p = case.fixture.params
    X, y = p["X"], p["y"]
    out = X @ p["W"] + p["b"]
    losses = (out - y.reshape(out.shape)) ** 2 / (2 if p["loss"] == "squared" else 1)
    size = p["batch_size"]
    means = [float(losses[i : i + size].mean()) for i in range(0, len(X), size)]
    if len(X) % size and math.isclose(got, sum(means) / len(means), rel_tol=1e-4):
        return "average over all examples, not over batches: add up the losses and count them"
    if y.dim() == 1:
        total, count = 0.0, 0
        for i in range(0, len(X), size):
            broadcast = (out[i : i + size] - y[i : i + size]) ** 2
            total, count = total + float(broadcast.sum()), count + broadcast.numel()
        if math.isclose(got, total / count / (2 if p["loss"] == "squared" else 1), rel_tol=1e-4):
            return "the labels (n,) broadcast against the (n, 1) output: reshape y to out.shape"
    return None


EXERCISES = [
    Exercise(
        id="ch04.polynomial_features",
        target="polynomial_features",
        points=1,
        reference=mlp.polynomial_features,
        cases=_polynomial_cases,
        notebook=NB_SELECTION,
        hint=_polynomial_hint,
    ),
    Exercise(
        id="ch04.evaluate_loss",
        target="evaluate_loss",
        points=1,
        reference=mlp.evaluate_loss,
        cases=_evaluate_loss_cases,
        notebook=NB_SELECTION,
        compare=Compare(rtol=1e-5, atol=1e-7),
        hint=_evaluate_loss_hint,
    ),
]
