"""Chapter 3 — linear neural networks: the exercises of 3.2, 3.5 and 3.6."""

from __future__ import annotations

import torch

from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import probabilities, rand, randint, randn
from d2lkit import data, linear

NB_LINREG = "3.2-linear-regression-scratch"
NB_DATASET = "3.5-image-classification-dataset"
NB_SOFTMAX = "3.6-softmax-regression-scratch"


def _nonfinite(student: dict) -> bool:
    out = student.get("output")
    return (
        isinstance(out, torch.Tensor) and out.is_floating_point() and not bool(out.isfinite().all())
    )


# 3.2 linear regression from scratch ------------------------------------------------------------


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


# 3.5 the image classification dataset -----------------------------------------------------------


def _labels_cases() -> list[Case]:
    return [
        Case("a tensor of labels", (randint(10, 12, seed=31),)),
        Case("a list of ints", ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9],)),
    ]


# 3.6 softmax regression from scratch -------------------------------------------------------------


def _softmax_cases() -> list[Case]:
    return [
        Case("random (2, 5)", (T(randn(2, 5, seed=41), True),), grad=(0,)),
        Case(
            "large magnitudes (4, 10) ~ 1e3",
            (T(randn(4, 10, seed=42, scale=1e3), True),),
            grad=(0,),
        ),
        Case(
            "very negative (3, 4) ~ -1e3",
            (T(rand(3, 4, seed=43, low=-1100, high=-1000), True),),
            grad=(0,),
        ),
        Case("one class (5, 1)", (T(randn(5, 1, seed=44), True),), grad=(0,), visible=False),
        Case(
            "float64 (16, 7)",
            (T(randn(16, 7, seed=45, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
        Case(
            "large magnitudes (64, 3) ~ 1e4",
            (T(randn(64, 3, seed=46, scale=1e4), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _softmax_hint(case: Case, expected: dict, student: dict) -> str | None:
    if _nonfinite(student):
        return (
            "exp overflows (or every term underflows to 0) for large inputs: subtract each row's "
            "maximum before exp; softmax does not change when a row is shifted by a constant"
        )
    out = student.get("output")
    if (
        isinstance(out, torch.Tensor)
        and out.dim() == 2
        and not torch.allclose(out.sum(dim=1), torch.ones(out.shape[0], dtype=out.dtype), atol=1e-4)
    ):
        return "each row should sum to 1: sum over dim=1 with keepdim=True"
    return None


def _net_cases() -> list[Case]:
    return [
        Case(
            "images (4, 1, 4, 5), 20 inputs, 3 outputs",
            (T(rand(4, 1, 4, 5, seed=51), True),),
            init=(20, 3),
            grad=(0,),
            seed=51,
        ),
        Case(
            "flat (8, 784), 10 outputs",
            (T(rand(8, 784, seed=52), True),),
            init=(784, 10),
            grad=(0,),
            seed=52,
            visible=False,
        ),
    ]


def _cross_entropy_cases() -> list[Case]:
    return [
        Case(
            "the book's toy example",
            (T(torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), True), torch.tensor([0, 2])),
            grad=(0,),
        ),
        Case(
            "random (6, 10)",
            (T(probabilities(6, 10, seed=61), True), randint(10, 6, seed=62)),
            grad=(0,),
        ),
        Case(
            "random (128, 4)",
            (T(probabilities(128, 4, seed=63), True), randint(4, 128, seed=64)),
            grad=(0,),
            visible=False,
        ),
    ]


def _cross_entropy_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    if isinstance(out, torch.Tensor) and out.dim() == 0:
        return "return one loss per example (shape (n,)); the training loop sums or averages them"
    return None


def _accuracy_cases() -> list[Case]:
    return [
        Case(
            "the book's toy example",
            (torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), torch.tensor([0, 2])),
        ),
        Case("random (50, 10)", (probabilities(50, 10, seed=71), randint(10, 50, seed=72))),
        Case(
            "predicted labels (n,)",
            (randint(3, 20, seed=73), randint(3, 20, seed=74)),
            visible=False,
        ),
    ]


def _accuracy_hint(case: Case, expected: dict, student: dict) -> str | None:
    got, n = student.get("output"), len(case.args[1])
    if isinstance(got, (int, float)) and n > 1 and abs(got * n - expected["output"]) < 1e-6:
        return "return the number of correct predictions (a count), not the fraction"
    return None


def _classifier(
    seed: int, n: int, batch_size: int, num_inputs: int = 12, num_outputs: int = 4
) -> dict:
    return {
        "W": randn(num_inputs, num_outputs, seed=seed, scale=0.5),
        "b": randn(num_outputs, seed=seed + 1, scale=0.1),
        "X": randn(n, num_inputs, seed=seed + 2),
        "y": randint(num_outputs, n, seed=seed + 3),
        "batch_size": batch_size,
    }


def _evaluate_cases() -> list[Case]:
    return [
        Case(
            "3 batches of 16",
            fixture=Fixture("ch03.classifier_and_batches", _classifier(81, 48, 16)),
        ),
        Case(
            "uneven batches (50 examples, batch 16)",
            fixture=Fixture("ch03.classifier_and_batches", _classifier(85, 50, 16)),
            visible=False,
        ),
    ]


def _epoch_cases() -> list[Case]:
    return [
        Case(
            "torch.optim.SGD updater",
            fixture=Fixture(
                "ch03.softmax_epoch", {**_classifier(91, 64, 16), "lr": 0.1, "updater": "optimizer"}
            ),
        ),
        Case(
            "scratch updater(batch_size)",
            fixture=Fixture(
                "ch03.softmax_epoch", {**_classifier(95, 64, 16), "lr": 0.1, "updater": "scratch"}
            ),
        ),
        Case(
            "uneven batches, scratch updater",
            fixture=Fixture(
                "ch03.softmax_epoch", {**_classifier(99, 70, 32), "lr": 0.5, "updater": "scratch"}
            ),
            visible=False,
        ),
    ]


EXERCISES = [
    Exercise(
        "ch03.synthetic_data",
        "synthetic_data",
        1,
        data.synthetic_data,
        _synthetic_cases,
        NB_LINREG,
        compare=Compare(checker=_check_synthetic),
        description="y = Xw + b + noise, with noise ~ N(0, 0.01²)",
    ),
    Exercise(
        "ch03.data_iter",
        "data_iter",
        1,
        linear.data_iter,
        _data_iter_cases,
        NB_LINREG,
        compare=Compare(checker=_check_data_iter),
    ),
    Exercise(
        "ch03.linreg", "linreg", 1, linear.linreg, _linreg_cases, NB_LINREG, forbidden=("linear",)
    ),
    Exercise(
        "ch03.squared_loss",
        "squared_loss",
        1,
        linear.squared_loss,
        _squared_loss_cases,
        NB_LINREG,
        forbidden=("mse_loss",),
        hint=_squared_loss_hint,
    ),
    Exercise(
        "ch03.sgd",
        "sgd",
        2,
        linear.sgd,
        _sgd_cases,
        NB_LINREG,
        compare=Compare(checker=_check_sgd),
        hint=_sgd_hint,
    ),
    Exercise(
        "ch03.get_fashion_mnist_labels",
        "get_fashion_mnist_labels",
        1,
        data.get_fashion_mnist_labels,
        _labels_cases,
        NB_DATASET,
    ),
    Exercise(
        "ch03.softmax",
        "softmax",
        2,
        linear.softmax,
        _softmax_cases,
        NB_SOFTMAX,
        forbidden=("softmax", "log_softmax", "special_softmax", "_softmax"),
        hint=_softmax_hint,
    ),
    Exercise(
        "ch03.net",
        "SoftmaxRegressionScratch",
        1,
        linear.SoftmaxRegressionScratch,
        _net_cases,
        NB_SOFTMAX,
        kind="module",
        forbidden=("linear", "softmax", "log_softmax"),
    ),
    Exercise(
        "ch03.cross_entropy",
        "cross_entropy",
        2,
        linear.cross_entropy,
        _cross_entropy_cases,
        NB_SOFTMAX,
        forbidden=("cross_entropy", "nll_loss"),
        hint=_cross_entropy_hint,
    ),
    Exercise(
        "ch03.accuracy",
        "accuracy",
        1,
        linear.accuracy,
        _accuracy_cases,
        NB_SOFTMAX,
        hint=_accuracy_hint,
    ),
    Exercise(
        "ch03.evaluate_accuracy",
        "evaluate_accuracy",
        1,
        linear.evaluate_accuracy,
        _evaluate_cases,
        NB_SOFTMAX,
    ),
    Exercise(
        "ch03.train_epoch_ch3",
        "train_epoch_ch3",
        2,
        linear.train_epoch_ch3,
        _epoch_cases,
        NB_SOFTMAX,
        compare=Compare(rtol=1e-4, atol=1e-5),
    ),
]
