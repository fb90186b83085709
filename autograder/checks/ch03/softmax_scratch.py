"""3.6 softmax regression from scratch: softmax, the model, cross-entropy, accuracy and an epoch."""

from __future__ import annotations

import torch

from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import probabilities, rand, randint, randn
from d2lkit import linear

NB_SOFTMAX = "3.6-softmax-regression-scratch"


def _nonfinite(student: dict) -> bool:
    out = student.get("output")
    return (
        isinstance(out, torch.Tensor) and out.is_floating_point() and not bool(out.isfinite().all())
    )


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
        id="ch03.softmax",
        target="softmax",
        points=2,
        reference=linear.softmax,
        cases=_softmax_cases,
        notebook=NB_SOFTMAX,
        forbidden=("softmax", "log_softmax", "special_softmax", "_softmax"),
        hint=_softmax_hint,
    ),
    Exercise(
        id="ch03.net",
        target="SoftmaxRegressionScratch",
        points=1,
        reference=linear.SoftmaxRegressionScratch,
        cases=_net_cases,
        notebook=NB_SOFTMAX,
        kind="module",
        forbidden=("linear", "softmax", "log_softmax"),
    ),
    Exercise(
        id="ch03.cross_entropy",
        target="cross_entropy",
        points=2,
        reference=linear.cross_entropy,
        cases=_cross_entropy_cases,
        notebook=NB_SOFTMAX,
        forbidden=("cross_entropy", "nll_loss"),
        hint=_cross_entropy_hint,
    ),
    Exercise(
        id="ch03.accuracy",
        target="accuracy",
        points=1,
        reference=linear.accuracy,
        cases=_accuracy_cases,
        notebook=NB_SOFTMAX,
        hint=_accuracy_hint,
    ),
    Exercise(
        id="ch03.evaluate_accuracy",
        target="evaluate_accuracy",
        points=1,
        reference=linear.evaluate_accuracy,
        cases=_evaluate_cases,
        notebook=NB_SOFTMAX,
    ),
    Exercise(
        id="ch03.train_epoch_ch3",
        target="train_epoch_ch3",
        points=2,
        reference=linear.train_epoch_ch3,
        cases=_epoch_cases,
        notebook=NB_SOFTMAX,
        compare=Compare(rtol=1e-4, atol=1e-5),
    ),
]
