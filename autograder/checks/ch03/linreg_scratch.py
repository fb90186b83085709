"""3.2 linear regression from scratch: synthetic data, minibatches, the model, its loss and SGD."""

from __future__ import annotations

import torch

from autograder.spec import Case, Compare, Exercise, T
from autograder.strategies import randn
from d2lkit import data, linear

NB_LINREG = "3.2-linear-regression-scratch"


def _synthetic_cases() -> list[Case]:
    return [
        Case("2 features, 1000 examples", (torch.tensor([2.0, -3.4]), 4.2, 1000), seed=1),
        Case("5 features", (randn(5, seed=2), -1.5, 2000), seed=2, visible=False),
    ]


def _check_synthetic(case: Case, expected: dict, student: dict) -> str | None:
    out = student["output"]
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the pair (X, y)"
    X, y = out
    w, b, n = case.args
    if not isinstance(X, torch.Tensor) or tuple(X.shape) != (n, len(w)):
        return f"X should have shape {(n, len(w))}"
    if not isinstance(y, torch.Tensor) or tuple(y.shape) != (n, 1):
        return f"y should have shape {(n, 1)} (a column), got {tuple(getattr(y, 'shape', ()))}"
    if abs(float(X.mean())) > 0.1 or not 0.9 < float(X.std()) < 1.1:
        return f"X should be standard normal; its mean is {float(X.mean()):.3f}, std {float(X.std()):.3f}"
    noise = (y - (X @ w.reshape(-1, 1) + b)).std()
    if not 0.007 < float(noise) < 0.013:
        return f"the noise y - (Xw + b) should have std 0.01; yours has std {float(noise):.4g}"
    return None


def _data_iter_cases() -> list[Case]:
    return [
        Case("100 examples, batch 10", (10, randn(100, 2, seed=3), randn(100, 1, seed=4)), seed=5),
        Case(
            "103 examples, batch 10 (a partial last batch)",
            (10, randn(103, 3, seed=6), randn(103, 1, seed=7)),
            seed=8,
            visible=False,
        ),
    ]


def _check_data_iter(case: Case, expected: dict, student: dict) -> str | None:
    batch_size, features, labels = case.args
    batches = student["output"]
    if not isinstance(batches, list) or not all(
        isinstance(b, (list, tuple)) and len(b) == 2 for b in batches
    ):
        return "yield (features, labels) pairs"
    sizes = [len(b[0]) for b in batches]
    n = len(features)
    want = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    if sizes != want:
        return f"batch sizes should be {want}, got {sizes}"
    X = torch.cat([b[0] for b in batches])
    y = torch.cat([b[1] for b in batches])
    order = [int(torch.nonzero((features == row).all(dim=1))[0]) for row in X]
    if sorted(order) != list(range(n)):
        return "every example must appear exactly once per epoch"
    if not torch.equal(y, labels[order]):
        return "each feature row must stay paired with its own label"
    if order == list(range(n)):
        return "the examples come out in their original order: shuffle the indices first"
    return None


def _linreg_cases() -> list[Case]:
    return [
        Case(
            "10 examples, 2 features",
            (
                T(randn(10, 2, seed=9), True),
                T(randn(2, 1, seed=10), True),
                T(randn(1, seed=11), True),
            ),
            grad=(0, 1, 2),
        ),
        Case(
            "64 examples, 7 features",
            (
                T(randn(64, 7, seed=12), True),
                T(randn(7, 1, seed=13), True),
                T(randn(1, seed=14), True),
            ),
            grad=(0, 1, 2),
            visible=False,
        ),
    ]


def _squared_loss_cases() -> list[Case]:
    return [
        Case("y as a row (8,)", (T(randn(8, 1, seed=15), True), randn(8, seed=16)), grad=(0,)),
        Case(
            "y as a column (5, 1)", (T(randn(5, 1, seed=17), True), randn(5, 1, seed=18)), grad=(0,)
        ),
        Case(
            "large values",
            (T(randn(32, 1, seed=19, scale=1e3), True), randn(32, seed=20, scale=1e3)),
            grad=(0,),
            visible=False,
        ),
    ]


def _squared_loss_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    if isinstance(out, torch.Tensor) and out.dim() == 2 and out.shape[0] == out.shape[1] > 1:
        return "y_hat is (n, 1) and y is (n,): broadcasting made an (n, n) matrix; reshape y to y_hat.shape"
    return None


def _sgd_cases() -> list[Case]:
    def params(seed: int) -> list[T]:
        return [
            T(randn(3, 1, seed=seed), True, randn(3, 1, seed=seed + 1)),
            T(randn(1, seed=seed + 2), True, randn(1, seed=seed + 3)),
        ]

    return [
        Case("lr 0.03, batch 10", (params(21), 0.03, 10)),
        Case("lr 1, batch 1", (params(25), 1.0, 1)),
        Case("lr 0.1, batch 256", (params(29), 0.1, 256), visible=False),
    ]


def _check_sgd(case: Case, expected: dict, student: dict) -> str | None:
    want, got = expected["args_after"][0], student["args_after"][0]
    for i, (e, g) in enumerate(zip(want, got)):
        if not torch.allclose(g["value"], e["value"], rtol=1e-5, atol=1e-6):
            return (
                f"params[{i}] after the step: expected {e['value'].flatten().tolist()}, "
                f"got {g['value'].flatten().tolist()}"
            )
        if g["grad"] is not None and bool(g["grad"].abs().sum() > 0):
            return f"params[{i}].grad was not reset to zero: it would add into the next minibatch"
    return None


def _sgd_hint(case: Case, expected: dict, student: dict) -> str | None:
    before = case.args[0][0]
    got = student["args_after"][0][0]["value"]
    lr, batch_size = case.args[1], case.args[2]
    if torch.allclose(got, before.value - lr * before.grad, atol=1e-6) and batch_size != 1:
        return "divide the gradient by batch_size: the loss was summed over the minibatch"
    if torch.equal(got, before.value):
        return "the parameters did not change: update them in place (param -= ...) under torch.no_grad()"
    return None


EXERCISES = [
    Exercise(
        id="ch03.synthetic_data",
        target="synthetic_data",
        points=1,
        reference=data.synthetic_data,
        cases=_synthetic_cases,
        notebook=NB_LINREG,
        compare=Compare(checker=_check_synthetic),
        description="y = Xw + b + noise, with noise ~ N(0, 0.01²)",
    ),
    Exercise(
        id="ch03.data_iter",
        target="data_iter",
        points=1,
        reference=linear.data_iter,
        cases=_data_iter_cases,
        notebook=NB_LINREG,
        compare=Compare(checker=_check_data_iter),
    ),
    Exercise(
        id="ch03.linreg",
        target="linreg",
        points=1,
        reference=linear.linreg,
        cases=_linreg_cases,
        notebook=NB_LINREG,
        forbidden=("linear",),
    ),
    Exercise(
        id="ch03.squared_loss",
        target="squared_loss",
        points=1,
        reference=linear.squared_loss,
        cases=_squared_loss_cases,
        notebook=NB_LINREG,
        forbidden=("mse_loss",),
        hint=_squared_loss_hint,
    ),
    Exercise(
        id="ch03.sgd",
        target="sgd",
        points=2,
        reference=linear.sgd,
        cases=_sgd_cases,
        notebook=NB_LINREG,
        compare=Compare(checker=_check_sgd),
        hint=_sgd_hint,
    ),
]
