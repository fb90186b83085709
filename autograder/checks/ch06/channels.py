"""6.4 multiple input and output channels."""

from __future__ import annotations

import torch

from autograder.checks.ch06._common import CONV_BUILTINS, _out, _shape, _value
from autograder.hints import LAYERS, close
from autograder.spec import Case, Exercise, T
from autograder.strategies import randn
from d2lkit import cnn

NB_CHANNELS = "6.4-channels"


def _book_channels() -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.tensor(
        [
            [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
            [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
        ]
    )
    K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    return X, K


def _xk(X: torch.Tensor, K: torch.Tensor) -> tuple[T, T]:
    return T(X, True), T(K, True)


def _multi_in_cases() -> list[Case]:
    X, K = _book_channels()
    return [
        Case("the book's 2-channel example", _xk(X, K), grad=(0, 1)),
        Case(
            "3 channels (3, 5, 6), kernel (2, 2)",
            _xk(randn(3, 5, 6, seed=151), randn(3, 2, 2, seed=152)),
            grad=(0, 1),
        ),
        Case(
            "1 channel (1, 4, 4), kernel (3, 3)",
            _xk(randn(1, 4, 4, seed=153), randn(1, 3, 3, seed=154)),
            grad=(0, 1),
            visible=False,
        ),
        Case(
            "float64, 4 channels (4, 6, 5), kernel (3, 2)",
            _xk(
                randn(4, 6, 5, seed=155, dtype=torch.float64),
                randn(4, 3, 2, seed=156, dtype=torch.float64),
            ),
            grad=(0, 1),
            visible=False,
        ),
    ]


def _multi_in_hint(case: Case, expected: dict, student: dict) -> str | None:
    X = _value(case.args[0])
    out = _out(student)
    if close(out, expected["output"] / len(X), LAYERS):
        return "sum the per-channel cross-correlations; do not average them"
    if _shape(out) == (len(X),) + tuple(expected["output"].shape):
        return "sum over the input channels: the result has a single channel"
    return None


def _multi_in_out_cases() -> list[Case]:
    X, K = _book_channels()
    return [
        Case(
            "the book's example, K stacked to (3, 2, 2, 2)",
            _xk(X, torch.stack((K, K + 1, K + 2), 0)),
            grad=(0, 1),
        ),
        Case(
            "(2, 5, 5), kernel (4, 2, 3, 3)",
            _xk(randn(2, 5, 5, seed=161), randn(4, 2, 3, 3, seed=162)),
            grad=(0, 1),
        ),
        Case(
            "one input and output channel, 1x1 kernel",
            _xk(randn(1, 4, 4, seed=163), randn(1, 1, 1, 1, seed=164)),
            grad=(0, 1),
            visible=False,
        ),
        Case(
            "float64 (3, 6, 7), kernel (2, 3, 2, 4)",
            _xk(
                randn(3, 6, 7, seed=165, dtype=torch.float64),
                randn(2, 3, 2, 4, seed=166, dtype=torch.float64),
            ),
            grad=(0, 1),
            visible=False,
        ),
    ]


def _stacking_hint(case: Case, expected: dict, student: dict) -> str | None:
    want = tuple(expected["output"].shape)
    got = _shape(_out(student))
    if got is not None and got != want:
        return (
            "stack one output channel per kernel on dimension 0: "
            f"the result is (num_outputs, h, w) = {want}"
        )
    return None


def _one_by_one_cases() -> list[Case]:
    return [
        Case(
            "the book's (3, 3, 3) with K (2, 3, 1, 1)",
            _xk(randn(3, 3, 3, seed=171), randn(2, 3, 1, 1, seed=172)),
            grad=(0, 1),
        ),
        Case(
            "(4, 5, 6) with K (3, 4, 1, 1)",
            _xk(randn(4, 5, 6, seed=173), randn(3, 4, 1, 1, seed=174)),
            grad=(0, 1),
        ),
        Case(
            "one input channel, 5 outputs",
            _xk(randn(1, 2, 2, seed=175), randn(5, 1, 1, 1, seed=176)),
            grad=(0, 1),
            visible=False,
        ),
        Case(
            "float64 (6, 7, 3) with K (2, 6, 1, 1)",
            _xk(
                randn(6, 7, 3, seed=177, dtype=torch.float64),
                randn(2, 6, 1, 1, seed=178, dtype=torch.float64),
            ),
            grad=(0, 1),
            visible=False,
        ),
    ]


EXERCISES = [
    Exercise(
        id="ch06.corr2d_multi_in",
        target="corr2d_multi_in",
        points=1,
        reference=cnn.corr2d_multi_in,
        cases=_multi_in_cases,
        notebook=NB_CHANNELS,
        forbidden=CONV_BUILTINS,
        hint=_multi_in_hint,
    ),
    Exercise(
        id="ch06.corr2d_multi_in_out",
        target="corr2d_multi_in_out",
        points=1,
        reference=cnn.corr2d_multi_in_out,
        cases=_multi_in_out_cases,
        notebook=NB_CHANNELS,
        forbidden=CONV_BUILTINS,
        hint=_stacking_hint,
    ),
    Exercise(
        id="ch06.corr2d_multi_in_out_1x1",
        target="corr2d_multi_in_out_1x1",
        points=1,
        reference=cnn.corr2d_multi_in_out_1x1,
        cases=_one_by_one_cases,
        notebook=NB_CHANNELS,
        forbidden=CONV_BUILTINS,
        hint=_stacking_hint,
        description="a 1x1 convolution as one matrix product; equals corr2d_multi_in_out",
    ),
]
