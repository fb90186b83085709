"""4.1 activation functions and their derivatives."""

from __future__ import annotations

import torch

from autograder.checks.ch04._common import AUTOGRAD, _nonfinite
from autograder.spec import Case, Compare, Exercise, T
from autograder.strategies import randn
from d2lkit import mlp

NB_MLP = "4.1-mlp"


def _book_range() -> torch.Tensor:
    return torch.arange(-8.0, 8.0, 0.1)


def _activation_cases() -> list[Case]:
    return [
        Case("the book's arange(-8, 8, 0.1)", (T(_book_range(), True),), grad=(0,)),
        Case("random (5, 7)", (T(randn(5, 7, seed=101, scale=3.0), True),), grad=(0,)),
        Case(
            "large magnitudes ~ ±100 (4, 6)",
            (T(randn(4, 6, seed=102, scale=100.0), True),),
            grad=(0,),
        ),
        Case(
            "float64 (3, 4, 5)",
            (T(randn(3, 4, 5, seed=103, scale=2.0, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
        Case(
            "very large magnitudes ~ ±1000, float64",
            (T(randn(64, seed=104, scale=1000.0, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _relu_cases() -> list[Case]:
    zeros_inside = torch.tensor([[-2.0, 0.0, 3.0], [0.0, -0.5, 1e-3]])
    return [
        *_activation_cases()[:2],
        Case("exact zeros (values only)", (zeros_inside,)),
        *_activation_cases()[3:4],
        Case(
            "large magnitudes (64, 64) ~ 1e4",
            (T(randn(64, 64, seed=105, scale=1e4), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _activation_hint(case: Case, expected: dict, student: dict) -> str | None:
    if _nonfinite(student.get("output")):
        return (
            "exp overflows for large |x| (exp(89) is inf in float32, exp(710) in float64): "
            "only ever take exp of a non-positive number, e.g. e = exp(-|x|), and build the "
            "result from e with the sign of x"
        )
    if any(_nonfinite(g) for g in student.get("grads") or ()):
        return (
            "the values are fine but the gradient is inf/nan: some exp overflowed on the way. "
            "Note that torch.where(c, a, b) sends a zero gradient into the branch it did not "
            "pick, and 0 × inf = nan: every branch must stay finite, so compute exp(-|x|) once"
        )
    return None


def _relu_grad_cases() -> list[Case]:
    return [
        Case("the book's arange(-8, 8, 0.1)", (_book_range(),)),
        Case("random (5, 7)", (randn(5, 7, seed=111, scale=3.0),)),
        Case("exact zeros", (torch.tensor([[-1.0, 0.0, 2.0], [0.0, 0.0, -3.0]]),)),
        Case("float64 (3, 4, 5)", (randn(3, 4, 5, seed=112, dtype=torch.float64),), visible=False),
    ]


def _relu_grad_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, X = student.get("output"), case.args[0]
    if isinstance(out, torch.Tensor) and out.shape == X.shape and bool((out[X == 0] == 1).any()):
        return "at exactly 0 take the left derivative, 0, as the book does: 1 where X > 0, else 0"
    return None


def _smooth_grad_cases(seed: int) -> list[Case]:
    return [
        Case("the book's arange(-8, 8, 0.1)", (_book_range(),)),
        Case("random (5, 7)", (randn(5, 7, seed=seed, scale=3.0),)),
        Case(
            "float64 (3, 4, 5)",
            (randn(3, 4, 5, seed=seed + 1, dtype=torch.float64),),
            visible=False,
        ),
        Case("large magnitudes ~ ±100", (randn(32, seed=seed + 2, scale=100.0),), visible=False),
    ]


def _derivative_hint(case: Case, expected: dict, student: dict) -> str | None:
    if _nonfinite(student.get("output")):
        return (
            "the derivative overflows for large |x|: write it with the (stable) function itself, "
            "sigmoid(x) (1 - sigmoid(x)) or 1 - tanh(x)^2"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch04.relu",
        target="relu",
        points=1,
        reference=mlp.relu,
        cases=_relu_cases,
        notebook=NB_MLP,
        forbidden=(
            "relu",
            "relu_",
            "clamp",
            "clamp_",
            "clamp_min",
            "clamp_min_",
            "clip",
            "_threshold",
            "threshold",
            "hardtanh",
            "relu6",
            "leaky_relu",
            "rrelu",
            "elu",
            "selu",
            "celu",
        ),
    ),  # fmt: skip
    Exercise(
        id="ch04.sigmoid",
        origin="kit",
        target="sigmoid",
        points=1,
        reference=mlp.sigmoid,
        cases=_activation_cases,
        notebook=NB_MLP,
        forbidden=(
            "sigmoid",
            "sigmoid_",
            "special_expit",
            "log_sigmoid",
            "silu",
            "tanh",
            "tanh_",
            "softmax",
            "log_softmax",
            "softplus",
            "hardsigmoid",
        ),
        hint=_activation_hint,
    ),  # fmt: skip
    Exercise(
        id="ch04.tanh",
        origin="kit",
        target="tanh",
        points=1,
        reference=mlp.tanh,
        cases=_activation_cases,
        notebook=NB_MLP,
        forbidden=(
            "tanh",
            "tanh_",
            "sigmoid",
            "sigmoid_",
            "special_expit",
            "log_sigmoid",
            "hardtanh",
            "softsign",
            "softmax",
        ),
        hint=_activation_hint,
    ),  # fmt: skip
    Exercise(
        id="ch04.relu_grad",
        origin="kit",
        target="relu_grad",
        points=1,
        reference=mlp.relu_grad,
        cases=_relu_grad_cases,
        notebook=NB_MLP,
        forbidden=(*AUTOGRAD, "threshold_backward"),
        hint=_relu_grad_hint,
        description="the derivative by formula, not by autograd",
    ),
    Exercise(
        id="ch04.sigmoid_grad",
        origin="kit",
        target="sigmoid_grad",
        points=1,
        reference=mlp.sigmoid_grad,
        cases=lambda: _smooth_grad_cases(113),
        notebook=NB_MLP,
        compare=Compare(grads=False),
        forbidden=(*AUTOGRAD, "sigmoid_backward"),
        hint=_derivative_hint,
    ),
    Exercise(
        id="ch04.tanh_grad",
        origin="kit",
        target="tanh_grad",
        points=1,
        reference=mlp.tanh_grad,
        cases=lambda: _smooth_grad_cases(117),
        notebook=NB_MLP,
        compare=Compare(grads=False),
        forbidden=(*AUTOGRAD, "tanh_backward"),
        hint=_derivative_hint,
    ),
]
