"""2.1 data manipulation: elementwise comparison and broadcasting."""

from __future__ import annotations

import torch

from autograder.checks.ch02._common import _tensor
from autograder.spec import Case, Exercise
from autograder.strategies import randint
from d2lkit import preliminaries

NB_NDARRAY = "2.1-ndarray"


def _compare_cases() -> list[Case]:
    book_x = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    book_y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
    return [
        Case("the book's X, Y (3, 4)", (book_x, book_y)),
        Case(
            "broadcast (3, 1) with (1, 2)", (randint(3, 3, 1, seed=101), randint(3, 1, 2, seed=102))
        ),
        Case(
            "3-D broadcast (2, 1, 3) with (4, 1), float64",
            (
                randint(3, 2, 1, 3, seed=103).double(),
                randint(3, 4, 1, seed=104).double(),
            ),
            visible=False,
        ),
        Case("ties everywhere (5,)", (torch.ones(5), torch.ones(5)), visible=False),
    ]


def _compare_hint(case: Case, expected: dict, student: dict) -> str | None:
    got, want = student.get("output"), expected["output"]
    if not (isinstance(got, (list, tuple)) and len(got) == 3 and all(map(_tensor, got))):
        return "return the three results as a tuple (X == Y, X < Y, X > Y)"
    if any(g.dtype != torch.bool for g in got):
        return "a comparison gives a bool tensor: return it as it is, without converting it"
    if torch.equal(got[1], want[2]) and torch.equal(got[2], want[1]):
        return "X < Y and X > Y are swapped: return (X == Y, X < Y, X > Y) in this order"
    return None


def _broadcast_cases() -> list[Case]:
    return [
        Case("(3, 1) and (1, 2)", ((3, 1), (1, 2))),
        Case("(2, 3, 4) and (4,)", ((2, 3, 4), (4,))),
        Case("(3, 1) and (5, 1, 4)", ((3, 1), (5, 1, 4))),
        Case("a scalar () and (2, 3)", ((), (2, 3))),
        Case("size 0 against size 1: (2, 0) and (1, 1)", ((2, 0), (1, 1))),
        Case("(8, 1, 6, 1) and (7, 1, 5)", ((8, 1, 6, 1), (7, 1, 5)), visible=False),
        Case("(1,) and (1,)", ((1,), (1,)), visible=False),
        Case(
            "(1, 4, 1, 2, 1) and (6, 4, 3, 1, 1)", ((1, 4, 1, 2, 1), (6, 4, 3, 1, 1)), visible=False
        ),
    ]


def _broadcast_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if not isinstance(got, (list, tuple)):
        return "return the shape as a tuple of ints"
    a, b = case.args
    ndim = max(len(a), len(b))
    left_a = tuple(a) + (1,) * (ndim - len(a))
    left_b = tuple(b) + (1,) * (ndim - len(b))
    left = tuple(y if x == 1 else x for x, y in zip(left_a, left_b))
    if tuple(got) == left and left != tuple(expected["output"]):
        return "align the shapes on their last axis: pad the shorter one with 1s on the left"
    pad_a = (1,) * (ndim - len(a)) + tuple(a)
    pad_b = (1,) * (ndim - len(b)) + tuple(b)
    if tuple(got) == tuple(max(x, y) for x, y in zip(pad_a, pad_b)):
        return "a size 1 is stretched to the other size, even to 0: take the size that is not 1"
    return None


EXERCISES = [
    Exercise(
        id="ch02.compare_elementwise",
        origin="kit",
        target="compare_elementwise",
        points=1,
        reference=preliminaries.compare_elementwise,
        cases=_compare_cases,
        notebook=NB_NDARRAY,
        hint=_compare_hint,
    ),
    Exercise(
        id="ch02.broadcast_shape",
        origin="kit",
        target="broadcast_shape",
        points=2,
        reference=preliminaries.broadcast_shape,
        cases=_broadcast_cases,
        notebook=NB_NDARRAY,
        forbidden=("broadcast_tensors", "broadcast_to", "expand", "expand_as"),
        hint=_broadcast_hint,
    ),
]
