"""6.6 LeNet: the network, evaluation on a device, and the training loop."""

from __future__ import annotations

import torch

from autograder.checks.ch06._common import _out
from autograder.compare import compare_values
from autograder.networks import network_checker, network_hint, traced
from autograder.spec import Case, Compare, Exercise, Fixture
from autograder.strategies import rand, randint, randn
from d2lkit import cnn

NB_LENET = "6.6-lenet"


def _lenet_cases() -> list[Case]:
    return [
        Case(
            "Fashion-MNIST sized batch (2, 1, 28, 28)",
            grad=(0,),
            seed=191,
            fixture=traced(rand(2, 1, 28, 28, seed=191), requires_grad=True),
        ),
        Case(
            "batch of 5",
            grad=(0,),
            seed=192,
            fixture=traced(randn(5, 1, 28, 28, seed=192), requires_grad=True),
            visible=False,
        ),
    ]


def _bn_classifier(seed: int, n: int, batch_size: int, device: str | None) -> dict:
    g = torch.Generator().manual_seed(seed)
    return {
        "W": randn(4, 12, seed=seed, scale=0.5),
        "b": randn(4, seed=seed + 1, scale=0.1),
        "running_mean": torch.rand(4, generator=g) * 4 - 2,
        "running_var": torch.rand(4, generator=g) * 3 + 0.5,
        "X": randn(n, 1, 3, 4, seed=seed + 2),
        "y": randint(4, n, seed=seed + 3),
        "batch_size": batch_size,
        "device": device,
    }


def _evaluate_cases() -> list[Case]:
    fixture = "ch06.bn_classifier_and_batches"
    return [
        Case(
            "3 batches of 16, device from the parameters",
            fixture=Fixture(fixture, _bn_classifier(201, 48, 16, None)),
        ),
        Case("device='cpu' given", fixture=Fixture(fixture, _bn_classifier(205, 40, 8, "cpu"))),
        Case(
            "uneven batches (50 examples, batch 16)",
            fixture=Fixture(fixture, _bn_classifier(209, 50, 16, None)),
            visible=False,
        ),
    ]


def _evaluate_hint(case: Case, expected: dict, student: dict) -> str | None:
    after = student.get("after") or {}
    if after.get("training") is True:
        return (
            "call net.eval() first: the net has a BatchNorm layer, which uses its running "
            "statistics only in evaluation mode"
        )
    return None


def _training(
    seed: int, n_train: int, n_test: int, batch_size: int, num_epochs: int, lr: float
) -> dict:
    return {
        "seed": seed,
        "X_train": rand(n_train, 1, 8, 8, seed=seed + 1),
        "y_train": randint(4, n_train, seed=seed + 2),
        "X_test": rand(n_test, 1, 8, 8, seed=seed + 3),
        "y_test": randint(4, n_test, seed=seed + 4),
        "batch_size": batch_size,
        "num_epochs": num_epochs,
        "lr": lr,
    }


def _train_cases() -> list[Case]:
    fixture = "ch06.small_cnn_training"
    return [
        Case(
            "2 epochs, 40 examples in batches of 16, lr 0.5",
            fixture=Fixture(fixture, _training(211, 40, 20, 16, 2, 0.5)),
            seed=211,
        ),
        Case(
            "3 epochs, 30 examples in batches of 8, lr 0.9",
            fixture=Fixture(fixture, _training(217, 30, 12, 8, 3, 0.9)),
            seed=217,
            visible=False,
        ),
    ]


_TRAIN_SPEC = Compare(rtol=1e-4, atol=1e-5)


def _check_train(case: Case, expected: dict, student: dict) -> str | None:
    want, got = expected["output"], _out(student)
    keys = ("train_loss", "train_acc", "test_acc")
    if not isinstance(got, dict) or any(k not in got for k in keys):
        return f"return the history dict with the keys {list(keys)} (and 'examples_per_sec')"
    speed = got.get("examples_per_sec")
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not speed > 0:
        return f"history['examples_per_sec'] should be a positive number, got {speed!r:.40}"
    state_problem = compare_values(
        expected["after"], student.get("after"), _TRAIN_SPEC, "the net's state after training"
    )
    for key in keys:
        problem = compare_values(want[key], got[key], _TRAIN_SPEC, f"history[{key!r}]")
        if problem:
            if (
                key == "train_loss"
                and state_problem is None
                and compare_values(want["train_acc"], got["train_acc"], _TRAIN_SPEC) is None
            ):
                problem += "\nhint: weigh each batch's mean loss by its size: the last batch can be smaller"
            elif key == "test_acc" and state_problem is None:
                problem += (
                    "\nhint: evaluate the test set after each epoch with evaluate_accuracy_gpu"
                )
            elif state_problem is not None:
                problem += (
                    "\nhint: the parameters after training differ too: apply "
                    "nn.init.xavier_uniform_ to every Linear and Conv2d weight, use "
                    "torch.optim.SGD(lr) on the mean cross-entropy, and call net.train() at the "
                    "start of every epoch (evaluation switches the net to eval mode)"
                )
            return problem
    return state_problem


EXERCISES = [
    Exercise(
        id="ch06.lenet",
        target="lenet",
        points=2,
        reference=cnn.lenet,
        cases=_lenet_cases,
        notebook=NB_LENET,
        kind="module",
        compare=Compare(checker=network_checker()),
        forbidden=("d2lkit.cnn",),
        hint=network_hint,
        description="layer shapes, parameter count, and forward/backward equality after a state copy",
    ),
    Exercise(
        id="ch06.evaluate_accuracy_gpu",
        target="evaluate_accuracy_gpu",
        points=1,
        reference=cnn.evaluate_accuracy_gpu,
        cases=_evaluate_cases,
        notebook=NB_LENET,
        forbidden=("d2lkit.cnn",),
        hint=_evaluate_hint,
    ),
    Exercise(
        id="ch06.train_ch6",
        target="train_ch6",
        points=2,
        reference=cnn.train_ch6,
        cases=_train_cases,
        notebook=NB_LENET,
        compare=Compare(checker=_check_train),
        forbidden=("d2lkit.cnn",),
    ),
]
