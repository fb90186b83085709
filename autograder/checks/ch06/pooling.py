"""6.5 pooling."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from autograder.checks.ch06._common import _book_X, _out, _pair, _shape, _value
from autograder.hints import LAYERS, close
from autograder.spec import Case, Exercise, T
from autograder.strategies import rand, randn
from d2lkit import cnn

NB_POOLING = "6.5-pooling"

# the built-ins a from-scratch pooling could hide behind, and the reference module
POOL_BUILTINS = (
    "max_pool1d", "max_pool2d", "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d",
    "adaptive_max_pool2d", "adaptive_avg_pool2d", "lp_pool2d", "fractional_max_pool2d",
    "conv2d", "unfold", "d2lkit.cnn",
)  # fmt: skip


def _pool_cases() -> list[Case]:
    book = _book_X()
    X16 = torch.arange(16.0).reshape(1, 1, 4, 4)

    def case(name: str, X: torch.Tensor, size: Any, mode: str, **kw: Any) -> Case:
        visible = kw.pop("visible", True)
        return Case(name, (T(X, True), size, mode), kw, grad=(0,), visible=visible)

    return [
        case("the book's 3x3, max (2, 2)", book, (2, 2), "max"),
        case("the book's 3x3, avg (2, 2)", book, (2, 2), "avg"),
        case("(1, 1, 4, 4), max 3, stride 3 (like nn.MaxPool2d(3))", X16, 3, "max", stride=3),
        case("(1, 1, 4, 4), max 3, padding 1, stride 2", X16, 3, "max", padding=1, stride=2),
        case(
            "(2, 3, 7, 8), max (3, 2), padding (1, 1), stride (2, 3)",
            randn(2, 3, 7, 8, seed=181),
            (3, 2),
            "max",
            padding=(1, 1),
            stride=(2, 3),
        ),
        case(
            "(2, 3, 7, 8), avg (3, 2), padding (1, 1), stride (2, 3)",
            randn(2, 3, 7, 8, seed=181),
            (3, 2),
            "avg",
            padding=(1, 1),
            stride=(2, 3),
        ),
        case(
            "negative values (5, 6), max 3, padding 1, stride 2",
            rand(5, 6, seed=182, low=-5, high=-1),
            3,
            "max",
            padding=1,
            stride=2,
        ),
        case("(6, 7), avg 3, padding 1", randn(6, 7, seed=183), 3, "avg", padding=1),
        case(
            "default stride 1, (2, 4, 5, 6), max (2, 3)", randn(2, 4, 5, 6, seed=184), (2, 3), "max"
        ),
        case(
            "negative values (3, 2, 6, 6), max 2, padding 1, stride 2",
            rand(3, 2, 6, 6, seed=185, low=-3, high=-1),
            2,
            "max",
            padding=1,
            stride=2,
            visible=False,
        ),
        case(
            "stride larger than the window, avg 2, stride 3",
            randn(2, 9, 10, seed=186),
            2,
            "avg",
            stride=3,
            visible=False,
        ),
        case(
            "float64 (4, 9, 7), max (3, 4), padding (1, 2), stride (2, 2)",
            randn(4, 9, 7, seed=187, dtype=torch.float64),
            (3, 4),
            "max",
            padding=(1, 2),
            stride=2,
            visible=False,
        ),
        case(
            "float64 (8, 8), avg 4, padding 2, stride 3",
            randn(8, 8, seed=188, dtype=torch.float64),
            4,
            "avg",
            padding=2,
            stride=3,
            visible=False,
        ),
    ]


def _pool_hint(case: Case, expected: dict, student: dict) -> str | None:
    X, size, mode = _value(case.args[0]), case.args[1], case.args[2]
    padding, stride = case.kwargs.get("padding", 0), case.kwargs.get("stride", 1)
    out, want = _out(student), expected["output"]
    got = _shape(out)
    if got is not None and got != tuple(want.shape):
        if got[-2:] == cnn.conv_output_shape(X.shape[-2:], size, padding, size):
            return "the stride defaults to 1 here (the book's pool2d), not to the window size"
        if got[-2:] == cnn.conv_output_shape(X.shape[-2:], size, padding, 1) and stride != 1:
            return (
                "move the window by `stride` positions: the output is floor((n - k + 2p + s) / s)"
            )
        if got[-2:] == cnn.conv_output_shape(X.shape[-2:], size, 0, stride):
            return "pad the input with `padding` on each side first"
        return f"the output should be {tuple(want.shape)}: pooling keeps the leading dimensions"
    p_h, p_w = _pair(padding)
    if mode == "max" and (p_h or p_w):
        zero_padded = cnn.pool2d(F.pad(X, (p_w, p_w, p_h, p_h)), size, "max", 0, stride)
        if close(out, zero_padded, LAYERS):
            return "padding must never win a max: pad with -inf (zeros beat negative inputs)"
    if mode == "avg" and (p_h or p_w):
        X4 = X.reshape((-1, 1) + tuple(X.shape[-2:]))
        excluded = F.avg_pool2d(X4, size, stride, padding, count_include_pad=False).reshape(
            want.shape
        )
        if close(out, excluded, LAYERS):
            return "divide every window by its full size, padding included (count_include_pad=True)"
    if close(out, cnn.pool2d(X, size, "avg" if mode == "max" else "max", padding, stride), LAYERS):
        return f"mode={mode!r} asks for {'the maximum' if mode == 'max' else 'the mean'} of each window"
    return None


EXERCISES = [
    Exercise(
        id="ch06.pool2d",
        target="pool2d",
        points=3,
        reference=cnn.pool2d,
        cases=_pool_cases,
        notebook=NB_POOLING,
        forbidden=POOL_BUILTINS,
        hint=_pool_hint,
    ),
]
