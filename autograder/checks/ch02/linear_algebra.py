"""2.3 linear algebra: the Frobenius norm, row normalisation and products by hand."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch02._common import NORMS, _tensor, _value
from autograder.hints import close
from autograder.spec import Case, Exercise, T
from autograder.strategies import rand, randn
from d2lkit import preliminaries

NB_LINALG = "2.3-linear-algebra"

PRODUCTS = (
    "matmul",
    "__matmul__",
    "__rmatmul__",
    "mm",
    "mv",
    "bmm",
    "dot",
    "vdot",
    "inner",
    "tensordot",
    "einsum",
    "linear",
    "addmm",
    "addmv",
    "addbmm",
    "baddbmm",
    "chain_matmul",
    "linalg_multi_dot",
    "linalg_vecdot",
)


def _frobenius_cases() -> list[Case]:
    return [
        Case("random (3, 5)", (T(randn(3, 5, seed=201), True),), grad=(0,)),
        Case("ones (4, 9): the book's 6", (T(torch.ones(4, 9), True),), grad=(0,)),
        Case("three axes (2, 3, 4)", (T(randn(2, 3, 4, seed=202), True),), grad=(0,)),
        Case(
            "large magnitudes (4, 5) ~ 1e15",
            (T(randn(4, 5, seed=203, scale=1e15), True),),
            grad=(0,),
            visible=False,
        ),
        Case(
            "float64 (5, 6)",
            (T(randn(5, 6, seed=204, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
        Case("a vector (7,)", (T(randn(7, seed=205), True),), grad=(0,), visible=False),
    ]


def _frobenius_hint(case: Case, expected: dict, student: dict) -> str | None:
    got, want = student.get("output"), expected["output"]
    if _tensor(got) and got.dim() > 0:
        return "reduce over every axis: the norm is one number (a 0-d tensor)"
    X = _value(case.args[0])
    if close(got, want * want) and not close(got, X.abs().sum()):
        return "that is the sum of squares: take its square root"
    return None


def _row_normalize_cases() -> list[Case]:
    return [
        Case("square (3, 3)", (T(rand(3, 3, seed=211, low=0.1), True),), grad=(0,)),
        Case("(2, 5)", (T(rand(2, 5, seed=212, low=0.1), True),), grad=(0,)),
        Case("one column (4, 1)", (T(rand(4, 1, seed=213, low=0.1), True),), grad=(0,)),
        Case(
            "float64 (6, 4)",
            (T(rand(6, 4, seed=214, low=0.1).double(), True),),
            grad=(0,),
            visible=False,
        ),
        Case(
            "large magnitudes (3, 4) ~ 1e30",
            (T(rand(3, 4, seed=215, low=1e29, high=1e30), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _row_normalize_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    A = _value(case.args[0])
    if A.shape[0] == A.shape[1] and close(got, A / A.sum(dim=1)):
        return (
            "A.sum(dim=1) has shape (m,) and broadcasts along the rows, dividing column j by row "
            "j's sum: keep the summed axis with keepdim=True"
        )
    if _tensor(got) and got.shape == A.shape and not close(got.sum(dim=1), torch.ones(len(A))):
        return "each row should sum to 1: divide every row by its own sum"
    return None


def _matvec_cases() -> list[Case]:
    def case(name: str, m: int, n: int, seed: int, visible: bool = True, **kw: Any) -> Case:
        A, x = randn(m, n, seed=seed, **kw), randn(n, seed=seed + 1, **kw)
        return Case(
            f"{name} ({m}, {n}) x ({n},)", (T(A, True), T(x, True)), grad=(0, 1), visible=visible
        )

    return [
        case("square", 4, 4, 221),
        case("wide", 2, 3, 223),
        case("one row", 1, 5, 225),
        case("float64", 6, 3, 227, False, dtype=torch.float64),
        case("large magnitudes ~1e3, float64", 5, 7, 229, False, scale=1e3, dtype=torch.float64),
    ]


def _matmul_cases() -> list[Case]:
    def case(name: str, m: int, n: int, p: int, seed: int, visible: bool = True, **kw: Any) -> Case:
        A, B = randn(m, n, seed=seed, **kw), randn(n, p, seed=seed + 1, **kw)
        return Case(
            f"{name} ({m}, {n}) x ({n}, {p})",
            (T(A, True), T(B, True)),
            grad=(0, 1),
            visible=visible,
        )

    return [
        case("square", 3, 3, 3, 231),
        case("the book's shapes", 5, 4, 3, 233),
        case("inner product shapes", 1, 5, 1, 235),
        case("outer product shapes", 4, 1, 2, 237),
        case("float64", 8, 6, 4, 239, False, dtype=torch.float64),
        case(
            "large magnitudes ~1e3, float64", 16, 32, 8, 241, False, scale=1e3, dtype=torch.float64
        ),
    ]


def _matmul_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    A, B = (_value(a) for a in case.args)
    if A.shape == B.shape and close(got, A * B):
        return (
            "A * B multiplies entry by entry (the Hadamard product); entry (i, j) of AB is "
            "the sum over k of A[i, k] * B[k, j]"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch02.frobenius_norm",
        origin="kit",
        target="frobenius_norm",
        points=1,
        reference=preliminaries.frobenius_norm,
        cases=_frobenius_cases,
        notebook=NB_LINALG,
        forbidden=NORMS,
        hint=_frobenius_hint,
    ),
    Exercise(
        id="ch02.row_normalize",
        origin="kit",
        target="row_normalize",
        points=1,
        reference=preliminaries.row_normalize,
        cases=_row_normalize_cases,
        notebook=NB_LINALG,
        forbidden=("normalize",),
        hint=_row_normalize_hint,
    ),
    Exercise(
        id="ch02.matvec",
        origin="kit",
        target="matvec",
        points=1,
        reference=preliminaries.matvec,
        cases=_matvec_cases,
        notebook=NB_LINALG,
        forbidden=(*PRODUCTS, "d2lkit.preliminaries.dot", "d2lkit.preliminaries.matmul"),
    ),
    Exercise(
        id="ch02.matmul",
        origin="kit",
        target="matmul",
        points=2,
        reference=preliminaries.matmul,
        cases=_matmul_cases,
        notebook=NB_LINALG,
        forbidden=(*PRODUCTS, "d2lkit.preliminaries.dot", "d2lkit.preliminaries.matvec"),
        hint=_matmul_hint,
    ),
]
