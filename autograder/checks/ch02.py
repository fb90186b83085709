"""Chapter 2 — preliminaries: the exercises of 2.1 to 2.6."""

from __future__ import annotations

from typing import Any

import torch

from autograder.compare import compare_values
from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import rand, randint, randn
from d2lkit import preliminaries

NB_NDARRAY = "2.1-ndarray"
NB_PANDAS = "2.2-pandas"
NB_LINALG = "2.3-linear-algebra"
NB_CALCULUS = "2.4-calculus"
NB_AUTOGRAD = "2.5-autograd"
NB_PROBABILITY = "2.6-probability"

NORMS = (
    "norm",
    "linalg_norm",
    "frobenius_norm",
    "vector_norm",
    "linalg_vector_norm",
    "matrix_norm",
    "linalg_matrix_norm",
    "dist",
)
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
AUTOGRAD = ("grad", "backward")


def _value(arg: Any) -> Any:
    return arg.value if isinstance(arg, T) else arg


def _tensor(value: Any) -> bool:
    return isinstance(value, torch.Tensor)


def _shape(value: Any) -> str:
    if _tensor(value):
        return f"a tensor of shape {tuple(value.shape)}"
    return f"a {type(value).__name__}"


def _close(got: Any, want: torch.Tensor) -> bool:
    return (
        _tensor(got)
        and got.shape == want.shape
        and bool(torch.allclose(got.double(), want.double(), rtol=1e-4, atol=1e-6))
    )


def _output_only(case: Case, expected: dict, student: dict) -> str | None:
    """Judge the returned value alone: setting `requires_grad`/`.grad` on the argument is allowed."""
    return compare_values(expected["output"], student.get("output"), Compare())


# 2.1 data manipulation ----------------------------------------------------------------------------


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


# 2.2 data preprocessing ---------------------------------------------------------------------------

HOUSE_TINY = """NumRooms,Alley,Price
NA,Pave,127500
2,NA,106000
4,NA,178100
NA,NA,140000
"""

HOUSE_BIGGER = """NumRooms,Alley,Area,Roof,Price
NA,Pave,120.5,Tile,127500
2,NA,NA,Slate,106000
4,NA,98.0,NA,178100
NA,NA,150.25,Tile,140000
3,Grvl,NA,Tile,155000
5,Pave,210.0,Slate,260000
"""

HOUSE_NO_TEXT_MISSING = """Zone,Year,Lot,Garage,Price
RL,1999,8450,Attchd,208500
RM,2004,NA,Detchd,181500
RL,1976,11250,NA,223500
FV,2001,9550,Detchd,140000
RL,1915,NA,Attchd,250000
"""

TIED_MISSING = """A,B,C,D
1,NA,x,NA
2,3,NA,4
NA,NA,y,NA
4,5,z,6
"""

NO_MISSING = """Width,Height,Colour
1.5,2,red
2.5,3,blue
"""

NUMBERS_MOST_MISSING = """Name,Score,Bonus,Age
ann,NA,NA,31
bob,7.5,NA,NA
cy,NA,1,40
NA,8,NA,22
"""


def _table(name: str, csv: str, visible: bool = True) -> Case:
    return Case(name, fixture=Fixture("ch02.table", {"csv": csv}), visible=visible)


def preprocess(data: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """The 2.2 pipeline from the references: inputs are every column but the last, the target it."""
    inputs = preliminaries.one_hot(preliminaries.fill_numeric_with_mean(data.iloc[:, :-1]))
    return preliminaries.to_tensor(inputs), preliminaries.to_tensor(data.iloc[:, -1:]).reshape(-1)


def most_missing_column(df: Any) -> str:
    """The name of the column `preliminaries.drop_most_missing` drops."""
    kept = set(preliminaries.drop_most_missing(df).columns)
    return next(str(c) for c in df.columns if c not in kept)


def _to_tensor_cases() -> list[Case]:
    return [
        _table(
            "the book's inputs: a float column and two bool indicators",
            "NumRooms,Alley_Pave,Alley_nan\n3.0,True,False\n2.0,False,True\n4.0,False,True\n"
            "3.0,False,True\n",
        ),
        _table("integers only", "a,b,c\n1,2,3\n4,5,6\n"),
        _table("one float column with a NaN", "x\n0.5\nNA\n-2.25\n", visible=False),
        _table(
            "mixed ints, floats and bools",
            "n,w,flag\n1,0.1,True\n2,0.2,False\n3,0.3,True\n4,0.4,True\n5,0.5,False\n",
            visible=False,
        ),
    ]


def _to_tensor_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if _tensor(got) and got.dtype != torch.float64:
        return "convert with df.to_numpy(dtype=float): a float64 tensor, like the book's"
    return None


def _preprocess_cases() -> list[Case]:
    return [
        _table("the book's house_tiny.csv", HOUSE_TINY),
        _table("six houses, two numeric and two text columns", HOUSE_BIGGER),
        _table("text without missing values, integer columns", HOUSE_NO_TEXT_MISSING, False),
    ]


def _preprocess_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if not (isinstance(got, (list, tuple)) and len(got) == 2 and all(map(_tensor, got))):
        return "return the pair (X, y) of tensors"
    X, want = got[0], expected["output"][0]
    if X.dim() == 2 and X.shape[1] < want.shape[1]:
        return (
            "one-hot with dummy_na=True: each text column gets one column per value plus a "
            "`<name>_nan` indicator, even when nothing is missing"
        )
    if X.is_floating_point() and bool(X.isnan().any()):
        return "missing numbers remain: fill each numeric column with its mean"
    return None


def _most_missing_cases() -> list[Case]:
    return [
        _table("the book's house_tiny.csv", HOUSE_TINY),
        _table("a tie: B and D both miss 2 values", TIED_MISSING),
        _table("nothing missing (a tie at 0)", NO_MISSING, visible=False),
        _table("numeric columns miss the most", NUMBERS_MOST_MISSING, visible=False),
    ]


# 2.3 linear algebra ---------------------------------------------------------------------------------


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
    if _close(got, want * want) and not _close(got, X.abs().sum()):
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
    if A.shape[0] == A.shape[1] and _close(got, A / A.sum(dim=1)):
        return (
            "A.sum(dim=1) has shape (m,) and broadcasts along the rows, dividing column j by row "
            "j's sum: keep the summed axis with keepdim=True"
        )
    if _tensor(got) and got.shape == A.shape and not _close(got.sum(dim=1), torch.ones(len(A))):
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
    if A.shape == B.shape and _close(got, A * B):
        return (
            "A * B multiplies entry by entry (the Hadamard product); entry (i, j) of AB is "
            "the sum over k of A[i, k] * B[k, j]"
        )
    return None


# 2.4 calculus ----------------------------------------------------------------------------------------


def _lim_case(name: str, f: str, x: float, h: float, visible: bool = True) -> Case:
    params = {"name": f, "x": x, "h": h}
    return Case(name, fixture=Fixture("ch02.scalar_function", params), visible=visible)


def _numerical_lim_cases() -> list[Case]:
    return [
        _lim_case("the book's f = 3x^2 - 4x at x = 1, h = 0.1", "3x^2 - 4x", 1.0, 0.1),
        _lim_case("f = 3x^2 - 4x at x = 1, h = 1e-5", "3x^2 - 4x", 1.0, 1e-5),
        _lim_case("f = x^3 - 1/x at x = 1, h = 1e-3", "x^3 - 1/x", 1.0, 1e-3),
        _lim_case("f = exp at x = 0, h = 1e-4", "exp(x)", 0.0, 1e-4, visible=False),
        _lim_case("f = sin at x = 2, h = -1e-3", "sin(x)", 2.0, -1e-3, visible=False),
    ]


def _grad_case(name: str, f: str, x: torch.Tensor, visible: bool = True, **params: Any) -> Case:
    fixture = Fixture("ch02.tensor_function", {"name": f, "x": x, **params})
    return Case(name, fixture=fixture, visible=visible)


def _numerical_grad_cases() -> list[Case]:
    x64 = torch.float64
    return [
        _grad_case(
            "sum of squares at (4,), default h", "sum of squares", randn(4, seed=301, dtype=x64)
        ),
        _grad_case(
            "3 x1^2 + 5 exp(x2) at (2,), h = 1e-5",
            "3 x1^2 + 5 exp(x2)",
            torch.tensor([1.0, 2.0], dtype=x64),
            h=1e-5,
        ),
        _grad_case(
            "sum of tanh(x W) at a (2, 3) matrix",
            "sum of tanh(x W)",
            randn(2, 3, seed=302, dtype=x64),
            W=randn(3, 4, seed=303, dtype=x64),
        ),
        _grad_case("an integer x (3,)", "sum of squares", torch.tensor([1, -2, 3])),
        _grad_case(
            "sqrt(1 + |x|^2) at (3, 2), h = 1e-3",
            "sqrt(1 + |x|^2)",
            randn(3, 2, seed=304, dtype=x64),
            visible=False,
            h=1e-3,
        ),
        _grad_case(
            "f returns a float: log-sum-exp at (6,)",
            "log-sum-exp, as a float",
            randn(6, seed=305, dtype=x64),
            visible=False,
        ),
    ]


def _numerical_grad_hint(case: Case, expected: dict, student: dict) -> str | None:
    got, want = student.get("output"), expected["output"]
    if not (_tensor(got) and got.shape == want.shape and got.dtype == want.dtype):
        return None
    error = float((got.double() - want.double()).abs().max())
    if 1e-9 < error < 1e-1:
        return (
            "close, but not the central difference: use (f(x + h e_i) - f(x - h e_i)) / (2h), "
            "whose error is O(h^2)"
        )
    return None


def _quadratic_exp_cases() -> list[Case]:
    return [
        Case("x = (1, 2)", (T(torch.tensor([1.0, 2.0]), True),), grad=(0,)),
        Case("random (2,)", (T(randn(2, seed=311), True),), grad=(0,)),
        Case("float64 (2,)", (T(randn(2, seed=312, dtype=torch.float64), True),), grad=(0,)),
        Case("large x2 = 80", (T(torch.tensor([-3.0, 80.0]), True),), grad=(0,), visible=False),
        Case(
            "large x1 ~ 1e6, float64",
            (T(torch.tensor([1e6, -5.0], dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _analytic_hint(case: Case, expected: dict, student: dict) -> str | None:
    grads = student.get("grads") or [None]
    if _tensor(student.get("output")) and grads[0] is None:
        return (
            "build the result from x with torch.stack or arithmetic on x: torch.tensor([...]) "
            "copies the numbers and loses how they depend on x"
        )
    return None


def _l2_cases() -> list[Case]:
    return [
        Case("random (5,)", (T(randn(5, seed=321), True),), grad=(0,)),
        Case("one nonzero entry (3,)", (T(torch.tensor([0.0, 0.0, -2.0]), True),), grad=(0,)),
        Case("float64 (10,)", (T(randn(10, seed=322, dtype=torch.float64), True),), grad=(0,)),
        Case(
            "large magnitudes (6,) ~ 1e15",
            (T(randn(6, seed=323, scale=1e15), True),),
            grad=(0,),
            visible=False,
        ),
        Case("one entry (1,)", (T(torch.tensor([-3.0]), True),), grad=(0,), visible=False),
    ]


def _l2_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    x = _value(case.args[0])
    if _close(got, 2 * x):
        return "2x is the gradient of the squared norm |x|^2; the norm's gradient is x / |x|"
    if _close(got, x):
        return "divide x by its norm"
    return _analytic_hint(case, expected, student)


# 2.5 automatic differentiation --------------------------------------------------------------------


def _control_flow_cases() -> list[Case]:
    return [
        Case("the book's scalar a = randn(())", (randn(seed=401),)),
        Case("a negative scalar: the 100 * b branch", (torch.tensor(-0.3),)),
        Case("a vector (4,)", (randn(4, seed=402),)),
        Case("a matrix (3, 5)", (randn(3, 5, seed=403),)),
        Case(
            "tiny values (3,) ~ 1e-6: many doublings",
            (randn(3, seed=404, scale=1e-6),),
            visible=False,
        ),
        Case(
            "large values (2, 2) ~ 1e4, float64: no doubling",
            (randn(2, 2, seed=405, scale=1e4, dtype=torch.float64),),
            visible=False,
        ),
        Case(
            "mixed signs with a negative sum (6,)",
            (torch.tensor([0.5, -2.0, 0.25, -0.75, 1.0, -0.5]),),
            visible=False,
        ),
    ]


def _sin_cases() -> list[Case]:
    return [
        Case("linspace(-5, 5, 101)", (torch.linspace(-5, 5, 101),)),
        Case("random (3, 4)", (randn(3, 4, seed=411),)),
        Case("float64 (10,)", (randn(10, seed=412, dtype=torch.float64),)),
        Case("large magnitudes (8,) ~ 1e4", (randn(8, seed=413, scale=1e4),), visible=False),
        Case("a scalar", (torch.tensor(0.7),), visible=False),
    ]


# 2.6 probability ------------------------------------------------------------------------------------

Z_ONE = 5.0  # one test per outcome: a correct sampler fails with probability about 1e-6
Z_ROWS = 6.0  # one test per (row, outcome), thousands of them


def _frequency_problem(
    freq: torch.Tensor, probs: torch.Tensor, n: torch.Tensor, z: float, row: bool
) -> str | None:
    """The first frequency further than `z` binomial standard deviations from its probability."""
    p, f = probs.double().expand_as(freq), freq.double()
    sd = (p * (1 - p) / n).sqrt()
    bad = (f - p).abs() > z * sd + 1e-9
    if not bool(bad.any()):
        return None
    index = tuple(int(i) for i in bad.nonzero()[0])
    where = f"row {index[0]}, outcome {index[1]}" if row else f"outcome {index[0]}"
    draws = int(n.expand_as(freq)[index])
    if float(p[index]) == 0:
        return f"{where} has probability 0 but frequency {float(f[index]):.4g}"
    deviations = float((f[index] - p[index]).abs() / sd[index])
    return (
        f"{where}: frequency {float(f[index]):.4g} after {draws} draws is {deviations:.1f} "
        f"standard deviations from its probability {float(p[index]):.4g}: draw from probs"
    )


def _relative_frequency_cases() -> list[Case]:
    return [
        Case("a fair die, 1000 rolls", (torch.ones(6) / 6, 1000), seed=501),
        Case(
            "(0.5, 0.3, 0.2, 0), 5000 draws", (torch.tensor([0.5, 0.3, 0.2, 0.0]), 5000), seed=502
        ),
        Case("a single roll", (torch.ones(6) / 6, 1), seed=503),
        Case(
            "float64, 10 outcomes, 20000 draws",
            (torch.softmax(randn(10, seed=504, dtype=torch.float64), 0), 20000),
            seed=504,
            visible=False,
        ),
    ]


def _check_relative_frequencies(case: Case, expected: dict, student: dict) -> str | None:
    probs, n = case.args
    out = student["output"]
    if not _tensor(out) or out.shape != probs.shape:
        return f"return a tensor of shape {tuple(probs.shape)}, one frequency per outcome; got {_shape(out)}"
    if out.dtype != probs.dtype:
        return f"expected dtype {probs.dtype} (that of probs), got {out.dtype}"
    total = float(out.double().sum())
    if abs(total - 1) > 1e-5:
        return f"the relative frequencies should sum to 1; yours sum to {total:.6g}"
    counts = out.double() * n
    if float((counts - counts.round()).abs().max()) > 1e-3:
        return (
            "each frequency should be a count divided by num_samples (a multiple of 1/num_samples)"
        )
    return _frequency_problem(out, probs, torch.tensor(float(n)), Z_ONE, row=False)


def _cumulative_cases() -> list[Case]:
    return [
        Case("a fair die, 500 groups of 10 (the book's)", (torch.ones(6) / 6, 500, 10), seed=511),
        Case(
            "(0.1, 0.6, 0.3, 0), 20 groups of 50",
            (torch.tensor([0.1, 0.6, 0.3, 0.0]), 20, 50),
            seed=512,
        ),
        Case("one group of 7", (torch.ones(3) / 3, 1, 7), seed=513),
        Case(
            "float64, 5 outcomes, 100 groups of 3",
            (torch.softmax(randn(5, seed=514, dtype=torch.float64), 0), 100, 3),
            seed=514,
            visible=False,
        ),
    ]


def _check_cumulative(case: Case, expected: dict, student: dict) -> str | None:
    probs, m, g = case.args
    out, shape = student["output"], (m, probs.numel())
    if not _tensor(out) or tuple(out.shape) != shape:
        return f"return a tensor of shape {shape}, one row per group; got {_shape(out)}"
    if out.dtype != probs.dtype:
        return f"expected dtype {probs.dtype} (that of probs), got {out.dtype}"
    sums = out.double().sum(dim=1)
    worst = int((sums - 1).abs().argmax())
    if abs(float(sums[worst]) - 1) > 1e-5:
        return (
            f"each row should sum to 1; row {worst} sums to {float(sums[worst]):.6g}: divide row i "
            "by the (i + 1) * group_size draws made so far"
        )
    draws = g * torch.arange(1, m + 1, dtype=torch.float64).reshape(-1, 1)
    counts = out.double() * draws
    if float((counts - counts.round()).abs().max()) > 1e-3:
        return "row i should be the counts of groups 0..i divided by (i + 1) * group_size"
    step = torch.diff(counts.round(), dim=0)
    if bool((step < 0).any()):
        i, j = (int(v) for v in (step < 0).nonzero()[0])
        return (
            f"row {i + 1} has fewer draws of outcome {j} than row {i}: row i should count every "
            "draw of groups 0..i (a cumulative sum over the groups)"
        )
    return _frequency_problem(out, probs, draws, Z_ROWS, row=True)


EXERCISES = [
    Exercise(
        "ch02.compare_elementwise",
        "compare_elementwise",
        1,
        preliminaries.compare_elementwise,
        _compare_cases,
        NB_NDARRAY,
        hint=_compare_hint,
    ),
    Exercise(
        "ch02.broadcast_shape",
        "broadcast_shape",
        2,
        preliminaries.broadcast_shape,
        _broadcast_cases,
        NB_NDARRAY,
        forbidden=("broadcast_tensors", "broadcast_to", "expand", "expand_as"),
        hint=_broadcast_hint,
    ),
    Exercise(
        "ch02.to_tensor",
        "to_tensor",
        1,
        preliminaries.to_tensor,
        _to_tensor_cases,
        NB_PANDAS,
        hint=_to_tensor_hint,
    ),
    Exercise(
        "ch02.preprocess",
        "preprocess",
        2,
        preprocess,
        _preprocess_cases,
        NB_PANDAS,
        forbidden=(
            "d2lkit.preliminaries.fill_numeric_with_mean",
            "d2lkit.preliminaries.one_hot",
            "d2lkit.preliminaries.to_tensor",
        ),
        hint=_preprocess_hint,
        description="fill numbers with the column mean, one-hot text with a NaN indicator, tensors",
    ),
    Exercise(
        "ch02.most_missing_column",
        "most_missing_column",
        1,
        most_missing_column,
        _most_missing_cases,
        NB_PANDAS,
        forbidden=("d2lkit.preliminaries.drop_most_missing",),
    ),
    Exercise(
        "ch02.frobenius_norm",
        "frobenius_norm",
        1,
        preliminaries.frobenius_norm,
        _frobenius_cases,
        NB_LINALG,
        forbidden=NORMS,
        hint=_frobenius_hint,
    ),
    Exercise(
        "ch02.row_normalize",
        "row_normalize",
        1,
        preliminaries.row_normalize,
        _row_normalize_cases,
        NB_LINALG,
        forbidden=("normalize",),
        hint=_row_normalize_hint,
    ),
    Exercise(
        "ch02.matvec",
        "matvec",
        1,
        preliminaries.matvec,
        _matvec_cases,
        NB_LINALG,
        forbidden=(*PRODUCTS, "d2lkit.preliminaries.dot", "d2lkit.preliminaries.matmul"),
    ),
    Exercise(
        "ch02.matmul",
        "matmul",
        2,
        preliminaries.matmul,
        _matmul_cases,
        NB_LINALG,
        forbidden=(*PRODUCTS, "d2lkit.preliminaries.dot", "d2lkit.preliminaries.matvec"),
        hint=_matmul_hint,
    ),
    Exercise(
        "ch02.numerical_lim",
        "numerical_lim",
        1,
        preliminaries.numerical_lim,
        _numerical_lim_cases,
        NB_CALCULUS,
    ),
    Exercise(
        "ch02.numerical_grad",
        "numerical_grad",
        2,
        preliminaries.numerical_grad,
        _numerical_grad_cases,
        NB_CALCULUS,
        forbidden=(*AUTOGRAD, "d2lkit.preliminaries.numerical_lim"),
        hint=_numerical_grad_hint,
    ),
    Exercise(
        "ch02.grad_of_quadratic_exp",
        "grad_of_quadratic_exp",
        1,
        preliminaries.grad_of_quadratic_exp,
        _quadratic_exp_cases,
        NB_CALCULUS,
        forbidden=AUTOGRAD,
        hint=_analytic_hint,
    ),
    Exercise(
        "ch02.grad_of_l2_norm",
        "grad_of_l2_norm",
        1,
        preliminaries.grad_of_l2_norm,
        _l2_cases,
        NB_CALCULUS,
        forbidden=(*NORMS, *AUTOGRAD, "d2lkit.preliminaries.frobenius_norm"),
        hint=_l2_hint,
    ),
    Exercise(
        "ch02.grad_through_control_flow",
        "grad_through_control_flow",
        2,
        preliminaries.grad_through_control_flow,
        _control_flow_cases,
        NB_AUTOGRAD,
        compare=Compare(checker=_output_only),
        forbidden=("d2lkit.preliminaries.control_flow",),
    ),
    Exercise(
        "ch02.sin_derivative",
        "sin_derivative",
        1,
        preliminaries.sin_derivative,
        _sin_cases,
        NB_AUTOGRAD,
        compare=Compare(checker=_output_only),
        forbidden=("cos", "cos_"),
    ),
    Exercise(
        "ch02.relative_frequencies",
        "relative_frequencies",
        1,
        preliminaries.relative_frequencies,
        _relative_frequency_cases,
        NB_PROBABILITY,
        compare=Compare(checker=_check_relative_frequencies),
    ),
    Exercise(
        "ch02.cumulative_estimates",
        "cumulative_estimates",
        2,
        preliminaries.cumulative_estimates,
        _cumulative_cases,
        NB_PROBABILITY,
        compare=Compare(checker=_check_cumulative),
    ),
]
