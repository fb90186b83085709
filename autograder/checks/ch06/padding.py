"""6.3 padding and stride."""

from __future__ import annotations

import random
from typing import Any

import torch

from autograder.checks.ch06._common import _out, _pair, _shape
from autograder.spec import Case, Exercise, Fixture
from autograder.strategies import rand, randn
from d2lkit import cnn

NB_PADDING = "6.3-padding-and-strides"


def _conv_shape_cases() -> list[Case]:
    cases = [
        Case("8x8, kernel 3, padding 1", ((8, 8), 3), {"padding": 1}),
        Case("8x8, kernel (5, 3), padding (2, 1)", ((8, 8), (5, 3)), {"padding": (2, 1)}),
        Case("8x8, kernel 3, padding 1, stride 2", ((8, 8), 3), {"padding": 1, "stride": 2}),
        Case("8x8, kernel (3, 5), padding (0, 1), stride (3, 4)", ((8, 8), (3, 5), (0, 1), (3, 4))),
        Case("5x6, kernel 2, no padding or stride", ((5, 6), 2)),
        Case("28x28, kernel 5, padding 2", ((28, 28), 5, 2, 1)),
    ]
    rng = random.Random(131)
    for i in range(40):
        n = (rng.randint(1, 40), rng.randint(1, 40))
        p = (rng.randint(0, 3), rng.randint(0, 3))
        k = (rng.randint(1, n[0] + 2 * p[0]), rng.randint(1, n[1] + 2 * p[1]))
        s = (rng.randint(1, 5), rng.randint(1, 5))
        if i % 2:  # square arguments given as ints
            n, k, p, s = (n[0], n[0]), k[0], p[0], s[0]
        cases.append(Case(f"random {i}: {n}, k {k}, p {p}, s {s}", (n, k, p, s), visible=False))
    return cases


def _conv_shape_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    args = list(case.args)
    padding = args[2] if len(args) > 2 else case.kwargs.get("padding", 0)
    stride = args[3] if len(args) > 3 else case.kwargs.get("stride", 1)
    n, k, p, s = _pair(args[0]), _pair(args[1]), _pair(padding), _pair(stride)
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        return "return a tuple (height, width) of ints"
    one_side = tuple((n[i] - k[i] + p[i] + s[i]) // s[i] for i in range(2))
    exact = tuple((n[i] - k[i] + 2 * p[i] + s[i]) / s[i] for i in range(2))
    no_stride = tuple(n[i] - k[i] + 2 * p[i] + 1 for i in range(2))
    got = tuple(out)
    if got == one_side:
        return "padding p is added on each side: the padded size is n + 2p"
    if got == exact:
        return "round down: use floor division // by the stride"
    if got == no_stride:
        return "divide by the stride: floor((n - k + 2p + s) / s)"
    return None


def _comp_conv2d_cases() -> list[Case]:
    def case(
        name: str, k: tuple[int, int], p: Any, s: Any, X: torch.Tensor, seed: int, **kw: Any
    ) -> Case:
        params = {
            "weight": randn(*k, seed=seed),
            "bias": randn(1, seed=seed + 1),
            "padding": p,
            "stride": s,
            "X": X,
        }
        return Case(name, fixture=Fixture("ch06.conv_layer", params), grad=(1,), **kw)

    X = rand(8, 8, seed=141)
    return [
        case("kernel 3, padding 1", (3, 3), 1, 1, X, 142),
        case("kernel (5, 3), padding (2, 1)", (5, 3), (2, 1), 1, X, 143),
        case("kernel 3, padding 1, stride 2", (3, 3), 1, 2, X, 144),
        case("kernel (3, 5), padding (0, 1), stride (3, 4)", (3, 5), (0, 1), (3, 4), X, 145),
        case(
            "(11, 7), kernel (2, 4), padding (1, 2), stride (2, 1)",
            (2, 4),
            (1, 2),
            (2, 1),
            randn(11, 7, seed=146),
            147,
            visible=False,
        ),
        case("a one-row output: (3, 7), kernel (3, 2)", (3, 2), 0, 1, randn(3, 7, seed=148), 149),
    ]


def _comp_conv2d_hint(case: Case, expected: dict, student: dict) -> str | None:
    if _shape(_out(student)) == (1, 1) + tuple(expected["output"].shape):
        return "strip the batch and channel dimensions: return Y.reshape(Y.shape[2:])"
    return None


EXERCISES = [
    Exercise(
        id="ch06.conv_output_shape",
        origin="kit",
        target="conv_output_shape",
        points=1,
        reference=cnn.conv_output_shape,
        cases=_conv_shape_cases,
        notebook=NB_PADDING,
        hint=_conv_shape_hint,
    ),
    Exercise(
        id="ch06.comp_conv2d",
        target="comp_conv2d",
        points=1,
        reference=cnn.comp_conv2d,
        cases=_comp_conv2d_cases,
        notebook=NB_PADDING,
        forbidden=("d2lkit.cnn",),
        hint=_comp_conv2d_hint,
    ),
]
