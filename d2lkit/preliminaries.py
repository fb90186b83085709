"""Chapter 2 (Preliminaries): reference implementations of the items a student can write.

Each function is small and pure so that it can become a graded exercise. The linear-algebra
helpers re-derive torch built-ins from elementwise operations and sums on purpose.
pandas is imported inside the pandas functions: importing d2lkit must stay cheap.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import torch
from torch import Tensor
from torch.nn import functional as F

if TYPE_CHECKING:
    import pandas as pd

# ---------------------------------------------------------------- 2.1 Data Manipulation


def compare_elementwise(X: Tensor, Y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """The three elementwise comparisons of exercise 2.1.1.

    X, Y: broadcastable shapes. Returns bool tensors `(X == Y, X < Y, X > Y)` of the broadcast
    shape.
    """
    return X == Y, X < Y, X > Y


def broadcast_shape(shape_a: Sequence[int], shape_b: Sequence[int]) -> tuple[int, ...]:
    """The shape that broadcasting `shape_a` with `shape_b` produces.

    The shapes are aligned on their last axis; the shorter one is padded with 1s on the left.
    Along each axis the sizes must be equal or one of them 1, which is stretched.
    Raises ValueError when some axis has two different sizes, neither of them 1.
    """
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    padded_b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    result = []
    for axis, (size_a, size_b) in enumerate(zip(padded_a, padded_b)):
        if size_a != size_b and 1 not in (size_a, size_b):
            raise ValueError(
                f"shapes {tuple(shape_a)} and {tuple(shape_b)} cannot be broadcast: "
                f"axis {axis - ndim} has sizes {size_a} and {size_b}"
            )
        result.append(size_b if size_a == 1 else size_a)
    return tuple(result)


def broadcast_add(X: Tensor, Y: Tensor) -> Tensor:
    """`X + Y`, with the broadcasting spelled out (exercise 2.1.2, e.g. on 3-D tensors).

    Both operands are first expanded (a view, no copy) to `broadcast_shape(X.shape, Y.shape)`,
    then added elementwise. Raises ValueError for incompatible shapes.
    """
    shape = broadcast_shape(X.shape, Y.shape)
    return X.expand(shape) + Y.expand(shape)


# ---------------------------------------------------------------- 2.2 Data Preprocessing

_HOUSE_TINY_CSV = """NumRooms,Alley,Price
NA,Pave,127500
2,NA,106000
4,NA,178100
NA,NA,140000
"""


def make_house_tiny() -> pd.DataFrame:
    """The book's 4-row `house_tiny.csv` table, parsed from the same CSV text in memory.

    Columns NumRooms (float, 2 missing), Alley (text, 3 missing), Price (int).
    """
    import pandas as pd

    return pd.read_csv(io.StringIO(_HOUSE_TINY_CSV))


def fill_numeric_with_mean(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose numeric columns have their missing values replaced by the column mean.

    Other columns are left as they are (their missing values are handled by `one_hot`).
    """
    numeric = df.select_dtypes(include="number").columns
    filled = df.copy()
    filled[numeric] = df[numeric].fillna(df[numeric].mean())
    return filled


def _is_categorical(dtype: object) -> bool:
    import pandas as pd

    return isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype)


def one_hot(df: pd.DataFrame) -> pd.DataFrame:
    """One-hot encode the text and categorical columns, like `pd.get_dummies(df, dummy_na=True)`.

    Each such column `c` becomes one 0./1. float column `c_<level>` per level (sorted, or in
    category order) plus the indicator `c_nan` of its missing values, always present.
    The other columns come first, unchanged, in their original order.
    """
    import pandas as pd

    to_encode = [c for c in df.columns if _is_categorical(df[c].dtype)]
    parts = [df.drop(columns=to_encode)]
    for column in to_encode:
        values = df[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            levels = list(values.cat.categories)
        else:
            levels = sorted(values.dropna().unique())
        indicators = {f"{column}_{level}": (values == level) for level in levels}
        indicators[f"{column}_nan"] = values.isna()
        parts.append(pd.DataFrame(indicators, index=df.index).astype(float))
    return pd.concat(parts, axis=1)


def drop_most_missing(df: pd.DataFrame) -> pd.DataFrame:
    """`df` without the column that has the most missing values (the first one, on a tie)."""
    return df.drop(columns=df.isna().sum().idxmax())


def to_tensor(df: pd.DataFrame) -> Tensor:
    """The all-numeric table `df` as a float64 tensor of shape `(len(df), len(df.columns))`."""
    return torch.tensor(df.to_numpy(dtype=float))


# ---------------------------------------------------------------- 2.3 Linear Algebra


def frobenius_norm(X: Tensor) -> Tensor:
    """The Frobenius (L2) norm of a tensor of any shape: the square root of its sum of squares.

    Returns a 0-d tensor. In float32, entries above about 1e19 overflow when squared.
    """
    return (X * X).sum().sqrt()


def sum_over_axes(X: Tensor, axes: Sequence[int], keepdims: bool = False) -> Tensor:
    """`X.sum(dim=axes, keepdim=keepdims)`, reducing one axis at a time.

    Summing over axis k removes it, so `(2, 3, 4)` summed over `(0, 2)` has shape `(3,)`,
    or `(1, 3, 1)` with `keepdims=True`. Negative axes count from the end.
    """
    # Highest axis first, so that removing it leaves the positions of the others unchanged.
    for axis in sorted({a % X.ndim for a in axes}, reverse=True):
        X = X.sum(dim=axis, keepdim=keepdims)
    return X


def row_normalize(A: Tensor) -> Tensor:
    """Divide each row of `A: (m, n)` by its sum, so that every row sums to 1.

    `A / A.sum(axis=1)` (exercise 2.3) would broadcast the `(m,)` sums along the rows instead:
    it fails unless m == n, and then divides column j by the sum of row j.
    """
    return A / A.sum(dim=1, keepdim=True)


def is_symmetric(A: Tensor) -> bool:
    """Whether the 2-D tensor `A` is square and equal to its transpose (exactly)."""
    return A.ndim == 2 and A.shape[0] == A.shape[1] and bool(torch.equal(A, A.T))


def dot(x: Tensor, y: Tensor) -> Tensor:
    """Dot product of `x: (n,)` and `y: (n,)` as a sum of elementwise products; 0-d result."""
    return (x * y).sum()


def matvec(A: Tensor, x: Tensor) -> Tensor:
    """Matrix-vector product `A: (m, n)`, `x: (n,)` -> `(m,)`: each row dotted with x."""
    return (A * x).sum(dim=1)


def matmul(A: Tensor, B: Tensor) -> Tensor:
    """Matrix product `A: (m, n)`, `B: (n, p)` -> `(m, p)` from broadcasting and a sum.

    Entry (i, j) is `sum_k A[i, k] * B[k, j]`: the products are laid out as an `(m, n, p)`
    tensor and summed over its middle axis (memory O(mnp): a teaching version).
    """
    return (A.unsqueeze(2) * B.unsqueeze(0)).sum(dim=1)


# ---------------------------------------------------------------- 2.4 Calculus


def numerical_lim(f: Callable[[float], float], x: float, h: float) -> float:
    """The book's difference quotient `(f(x + h) - f(x)) / h`, which tends to f'(x) as h -> 0."""
    return (f(x + h) - f(x)) / h


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, h: float = 1e-4) -> Tensor:
    """Gradient of a scalar function `f` at `x` (any shape) by central differences.

    Component i is `(f(x + h e_i) - f(x - h e_i)) / (2h)`, whose error is O(h^2) rather than
    the O(h) of `numerical_lim`. Use float64 `x`: in float32 the rounding of f dominates.
    Returns a tensor of the shape of `x`, in its dtype (float64 for an integer `x`).
    """
    x = x.detach().clone() if x.is_floating_point() else x.double()
    flat = x.view(-1)
    grad = torch.empty_like(flat)
    for i in range(flat.numel()):
        original = flat[i].item()
        flat[i] = original + h
        f_plus = float(f(x))
        flat[i] = original - h
        f_minus = float(f(x))
        flat[i] = original
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.view(x.shape)


def grad_of_quadratic_exp(x: Tensor) -> Tensor:
    """Analytic gradient of f(x) = 3 x1^2 + 5 exp(x2) at `x: (2,)`: `[6 x1, 5 exp(x2)]`."""
    return torch.stack([6 * x[0], 5 * torch.exp(x[1])])


def grad_of_l2_norm(x: Tensor) -> Tensor:
    """Analytic gradient of ||x||_2 at a nonzero `x: (n,)`: `x / ||x||_2`."""
    return x / frobenius_norm(x)


# ---------------------------------------------------------------- 2.5 Automatic Differentiation


def control_flow(a: Tensor) -> Tensor:
    """The book's function with a data-dependent loop and branch.

    Doubles `2a` until its norm reaches 1000, then keeps it if its sum is positive and
    multiplies it by 100 otherwise. The result is `k * a` for some scalar k depending on a.
    Raises ValueError for an all-zero `a`, on which the loop would never end.
    """
    if not bool(a.detach().any()):
        raise ValueError("control_flow needs a nonzero a: doubling 0 never reaches norm 1000")
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    return b if b.sum() > 0 else 100 * b


def grad_through_control_flow(a: Tensor) -> Tensor:
    """Gradient of `control_flow(a).sum()` with respect to `a`, by autograd (shape of `a`).

    The loop and branch only pick the constant k in `c = k * a`, so the result equals
    `control_flow(a) / a` elementwise.
    """
    a = a.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(control_flow(a).sum(), a)
    return grad


def sin_derivative(x: Tensor) -> Tensor:
    """d sin(x) / dx at each entry of `x` (any shape), by autograd: no closed form is used."""
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(torch.sin(x).sum(), x)
    return grad


def grad_of_2xTx(x: Tensor) -> Tensor:
    """Gradient of y = 2 x^T x at `x: (n,)`, by autograd (equals 4x)."""
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(2 * torch.dot(x, x), x)
    return grad


# ---------------------------------------------------------------- 2.6 Probability


def _sample_counts(
    probs: Tensor, num_groups: int, group_size: int, generator: torch.Generator | None
) -> Tensor:
    """Outcome counts of `num_groups` groups of `group_size` draws: `(num_groups, k)` int64."""
    draws = torch.multinomial(probs, num_groups * group_size, replacement=True, generator=generator)
    return F.one_hot(draws.view(num_groups, group_size), probs.numel()).sum(dim=1)


def relative_frequencies(
    probs: Tensor, num_samples: int, generator: torch.Generator | None = None
) -> Tensor:
    """Draw `num_samples` outcomes from the categorical distribution `probs: (k,)`.

    Returns their relative frequencies `(k,)` in the dtype of `probs`; they sum to 1 and tend
    to `probs` (the book rolls a fair die 1000 times).
    """
    counts = _sample_counts(probs, 1, num_samples, generator)[0]
    return counts.to(probs.dtype) / num_samples


def cumulative_estimates(
    probs: Tensor, num_groups: int, group_size: int, generator: torch.Generator | None = None
) -> Tensor:
    """The convergence experiment: `num_groups` groups of `group_size` draws from `probs: (k,)`.

    Row i of the result `(num_groups, k)` holds the relative frequencies of all draws in
    groups 0..i, so the rows approach `probs` (the book uses 500 groups of 10).
    """
    cumulative = _sample_counts(probs, num_groups, group_size, generator).cumsum(dim=0)
    cumulative = cumulative.to(probs.dtype)
    return cumulative / cumulative.sum(dim=1, keepdim=True)
