"""6.2 convolutions for images: cross-correlation, the layer, and learning a kernel."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch06._common import CONV_BUILTINS, _book_X, _out, _shape, _value
from autograder.hints import LAYERS, close
from autograder.spec import Case, Compare, Exercise, T
from autograder.strategies import randn
from d2lkit import cnn

NB_CONV = "6.2-conv-layer"


def _corr2d_cases() -> list[Case]:
    X_edge, K_edge, _ = cnn.edge_detection_data()

    def case(name: str, X: torch.Tensor, K: torch.Tensor, **kw: Any) -> Case:
        return Case(name, (T(X, True), T(K, True)), grad=(0, 1), **kw)

    return [
        case("the book's 3x3 example", _book_X(), torch.tensor([[0.0, 1.0], [2.0, 3.0]])),
        case("the edge image (6, 8), K = [[1, -1]]", X_edge, K_edge),
        case("random (5, 7), kernel (2, 3)", randn(5, 7, seed=101), randn(2, 3, seed=102)),
        case("kernel as large as X (4, 4)", randn(4, 4, seed=103), randn(4, 4, seed=104)),
        case("1x1 kernel on (6, 5)", randn(6, 5, seed=105), randn(1, 1, seed=106), visible=False),
        case(
            "tall kernel (3, 1) on (7, 4)",
            randn(7, 4, seed=107),
            randn(3, 1, seed=108),
            visible=False,
        ),
        case(
            "float64 (9, 6), kernel (3, 2)",
            randn(9, 6, seed=109, dtype=torch.float64),
            randn(3, 2, seed=110, dtype=torch.float64),
            visible=False,
        ),
    ]


def _corr2d_hint(case: Case, expected: dict, student: dict) -> str | None:
    X, K = _value(case.args[0]), _value(case.args[1])
    out = _out(student)
    want = tuple(expected["output"].shape)
    if _shape(out) is not None and _shape(out) != want:
        return (
            f"the output is (height - kh + 1, width - kw + 1) = {want}: "
            "slide the window over every valid position"
        )
    if close(out, cnn.corr2d(X, K.flip(0, 1)), LAYERS) and not close(
        out, expected["output"], LAYERS
    ):
        return (
            "you flipped the kernel (a true convolution); deep learning's 'convolution' is "
            "cross-correlation: use K as is"
        )
    return None


def _conv2d_module_cases() -> list[Case]:
    X_edge, _, _ = cnn.edge_detection_data()
    return [
        Case(
            "kernel (1, 2) on the edge image",
            (T(X_edge, True),),
            init=((1, 2),),
            grad=(0,),
            seed=111,
        ),
        Case(
            "kernel (3, 3) on (6, 5)",
            (T(randn(6, 5, seed=112), True),),
            init=((3, 3),),
            grad=(0,),
            seed=112,
        ),
        Case(
            "kernel (2, 4) on (5, 9)",
            (T(randn(5, 9, seed=113), True),),
            init=((2, 4),),
            grad=(0,),
            seed=113,
            visible=False,
        ),
    ]


def _conv2d_module_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    bias = (student.get("state") or {}).get("bias")
    if isinstance(bias, torch.Tensor) and close(out, expected["output"] - bias, LAYERS):
        return "add the bias: forward returns corr2d(X, self.weight) + self.bias"
    return None


def _edge_problem(X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """The least-squares (1, 2) kernel for Y = corr2d(X, K): what gradient descent converges to."""
    A = torch.stack([X[:, :-1].reshape(-1), X[:, 1:].reshape(-1)], dim=1).double()
    return torch.linalg.lstsq(A, Y.reshape(-1, 1).double()).solution.reshape(1, 2).float()


# how close the learned kernel must be, by case: 10 epochs from a random start is only roughly there
_KERNEL_TOLERANCE = {"the book's edge image, lr 3e-2, 10 epochs": 0.15}


def _learn_cases() -> list[Case]:
    X_edge, _, Y_edge = cnn.edge_detection_data()
    X1 = randn(6, 6, seed=121)
    X2 = randn(8, 9, seed=122)
    return [
        Case(
            "the book's edge image, lr 3e-2, 10 epochs",
            (X_edge, Y_edge),
            {"lr": 3e-2, "num_epochs": 10},
            seed=123,
        ),
        Case(
            "random (6, 6), K = [[-1.5, 0.5]], lr 1e-2, 40 epochs",
            (X1, cnn.corr2d(X1, torch.tensor([[-1.5, 0.5]]))),
            {"lr": 1e-2, "num_epochs": 40},
            seed=124,
        ),
        Case(
            "random (8, 9), K = [[0.5, -2]], lr 1e-2, 20 epochs",
            (X2, cnn.corr2d(X2, torch.tensor([[0.5, -2.0]]))),
            {"lr": 1e-2, "num_epochs": 20},
            seed=125,
            visible=False,
        ),
    ]


def _check_learn(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the pair (kernel, losses)"
    kernel, losses = out
    if not isinstance(kernel, torch.Tensor) or tuple(kernel.shape) != (1, 2):
        return f"the kernel should be a tensor of shape (1, 2); got {_shape(kernel) or type(kernel).__name__}"
    X, Y = case.args
    target = _edge_problem(X, Y)
    tolerance = _KERNEL_TOLERANCE.get(case.name, 0.02)
    error = float((kernel.float() - target).abs().max())
    if not error <= tolerance:
        return (
            f"the learned kernel {[round(v, 4) for v in kernel.flatten().tolist()]} is not within "
            f"{tolerance} of {[round(v, 4) for v in target.flatten().tolist()]}: use the summed squared "
            "error, zero the gradient before each backward, and update weight -= lr * grad"
        )
    if not isinstance(losses, (list, tuple)) or len(losses) != case.kwargs["num_epochs"]:
        return f"losses should be a list with one value per epoch ({case.kwargs['num_epochs']})"
    try:
        values = [float(v) for v in losses]
    except (TypeError, ValueError):
        return "losses should hold numbers (use l.sum().item())"
    final = float(((cnn.corr2d(X, kernel.float()) - Y) ** 2).sum())
    if not values[-1] >= final * (1 - 1e-3) - 1e-6:
        return (
            f"the last recorded loss {values[-1]:.4g} is below the summed squared error of the final "
            f"kernel ({final:.4g}): record l.sum() (not the mean) before each update"
        )
    if any(b > a * (1 + 1e-4) + 1e-6 for a, b in zip(values, values[1:])):
        return f"the losses should decrease epoch by epoch; got {[round(v, 4) for v in values]}"
    return None


EXERCISES = [
    Exercise(
        id="ch06.corr2d",
        target="corr2d",
        points=2,
        reference=cnn.corr2d,
        cases=_corr2d_cases,
        notebook=NB_CONV,
        forbidden=CONV_BUILTINS,
        hint=_corr2d_hint,
    ),
    Exercise(
        id="ch06.Conv2D",
        target="Conv2D",
        points=1,
        reference=cnn.Conv2D,
        cases=_conv2d_module_cases,
        notebook=NB_CONV,
        kind="module",
        forbidden=CONV_BUILTINS,
        hint=_conv2d_module_hint,
    ),
    Exercise(
        id="ch06.learn_edge_kernel",
        target="learn_edge_kernel",
        points=1,
        reference=cnn.learn_edge_kernel,
        cases=_learn_cases,
        notebook=NB_CONV,
        compare=Compare(checker=_check_learn),
        forbidden=("d2lkit.cnn",),
        description="gradient descent recovers the kernel that made Y",
    ),
]
