"""Chapter 2 references against the torch / pandas built-ins they re-derive: values, gradients."""

import math

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from d2lkit import preliminaries as P
from tests.helpers import assert_same_values_and_grads

FAST = settings(max_examples=30, deadline=None)


shapes = st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple)


# ---------------------------------------------------------------- 2.1


def test_compare_elementwise_matches_torch():
    X = torch.randint(0, 3, (3, 4))
    Y = torch.randint(0, 3, (4,))  # small range: ties occur, broadcasting too
    eq, lt, gt = P.compare_elementwise(X, Y)
    assert torch.equal(eq, torch.eq(X, Y))
    assert torch.equal(lt, torch.lt(X, Y))
    assert torch.equal(gt, torch.gt(X, Y))
    assert torch.equal(eq.int() + lt.int() + gt.int(), torch.ones(3, 4, dtype=torch.int))


size_lists = st.lists(st.integers(0, 3), max_size=4).map(tuple)


@FAST
@given(size_lists, size_lists)
def test_broadcast_shape_matches_torch(shape_a, shape_b):
    try:
        expected = tuple(torch.broadcast_shapes(shape_a, shape_b))
    except RuntimeError:
        with pytest.raises(ValueError, match="cannot be broadcast"):
            P.broadcast_shape(shape_a, shape_b)
    else:
        assert P.broadcast_shape(shape_a, shape_b) == expected


@st.composite
def broadcastable_3d(draw):
    """A 3-D shape, and a second shape made from it by turning sizes into 1 or dropping axes."""
    shape = draw(st.lists(st.integers(2, 4), min_size=3, max_size=3))
    other = [draw(st.sampled_from([size, 1])) for size in shape]
    return tuple(shape), tuple(other[draw(st.integers(0, 2)) :])


@FAST
@given(broadcastable_3d(), st.booleans())
def test_broadcast_add_matches_plus(shapes_pair, swap):
    shape_a, shape_b = shapes_pair[::-1] if swap else shapes_pair
    X = torch.randn(shape_a, dtype=torch.float64)
    Y = torch.randn(shape_b, dtype=torch.float64)
    assert_same_values_and_grads(P.broadcast_add, torch.add, X, Y)


def test_broadcast_add_rejects_incompatible_shapes():
    with pytest.raises(ValueError, match="axis -2 has sizes 3 and 2"):
        P.broadcast_add(torch.zeros(2, 3, 4), torch.zeros(2, 4))


# ---------------------------------------------------------------- 2.2


def test_house_tiny_pipeline_gives_the_book_tensors():
    data = P.make_house_tiny()
    assert list(data.columns) == ["NumRooms", "Alley", "Price"]
    inputs, outputs = data.iloc[:, 0:2], data.iloc[:, 2]
    inputs = P.one_hot(P.fill_numeric_with_mean(inputs))
    assert list(inputs.columns) == ["NumRooms", "Alley_Pave", "Alley_nan"]
    X, y = P.to_tensor(inputs), torch.tensor(outputs.to_numpy(dtype=float))
    expected_X = [[3.0, 1.0, 0.0], [2.0, 0.0, 1.0], [4.0, 0.0, 1.0], [3.0, 0.0, 1.0]]
    assert X.dtype == torch.float64
    assert torch.equal(X, torch.tensor(expected_X, dtype=torch.float64))
    assert torch.equal(y, torch.tensor([127500.0, 106000.0, 178100.0, 140000.0]).double())


def random_frame(rng: np.random.Generator, num_rows: int) -> pd.DataFrame:
    """Numeric, text and categorical columns, each with some missing values."""
    numbers = rng.normal(size=num_rows)
    numbers[rng.random(num_rows) < 0.3] = np.nan
    words = rng.choice(np.array(["pave", "grvl", "dirt", None], dtype=object), num_rows)
    return pd.DataFrame(
        {
            "x": numbers,
            "street": pd.Series(words, dtype=object),
            "count": rng.integers(0, 5, num_rows),
            "kind": pd.Categorical(rng.choice(["b", "a", None], num_rows), categories=["b", "a"]),
            "name": pd.Series(rng.choice(["u", "v", None], num_rows), dtype="str"),
        }
    )


@pytest.mark.parametrize("seed", range(5))
def test_one_hot_matches_get_dummies(seed):
    df = random_frame(np.random.default_rng(seed), num_rows=12)
    expected = pd.get_dummies(df, dummy_na=True, dtype=float)
    pd.testing.assert_frame_equal(P.one_hot(df), expected, check_column_type=False)


@pytest.mark.parametrize("seed", range(5))
def test_fill_numeric_with_mean_matches_fillna(seed):
    df = random_frame(np.random.default_rng(seed), num_rows=12)
    original = df.copy()
    filled = P.fill_numeric_with_mean(df)
    pd.testing.assert_frame_equal(filled, df.fillna(df.mean(numeric_only=True)))
    pd.testing.assert_frame_equal(df, original)
    assert not filled["x"].isna().any()


def test_drop_most_missing():
    assert list(P.drop_most_missing(P.make_house_tiny()).columns) == ["NumRooms", "Price"]
    tie = pd.DataFrame({"a": [1.0, None], "b": [None, 2.0], "c": [1.0, 2.0]})
    assert list(P.drop_most_missing(tie).columns) == ["b", "c"]


def test_to_tensor_is_float64():
    df = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5], "c": [True, False]})
    assert torch.equal(P.to_tensor(df), torch.tensor([[1, 0.5, 1], [2, 1.5, 0]]).double())


# ---------------------------------------------------------------- 2.3


@FAST
@given(shapes, st.sampled_from([1e-3, 1.0, 1e3]))
def test_frobenius_norm_matches_linalg_norm(shape, scale):
    X = torch.randn(shape, dtype=torch.float64) * scale
    assert_same_values_and_grads(P.frobenius_norm, torch.linalg.norm, X)


def test_frobenius_norm_book_value():
    assert P.frobenius_norm(torch.ones(4, 9)).item() == 6.0


@FAST
@given(shapes, st.data(), st.booleans())
def test_sum_over_axes_matches_sum(shape, data, keepdims):
    ndim = len(shape)
    axes = data.draw(st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim))
    if len({a % ndim for a in axes}) < len(axes):
        axes = sorted({a % ndim for a in axes})  # torch rejects a repeated axis
    X = torch.randn(shape, dtype=torch.float64)
    assert_same_values_and_grads(
        lambda X: P.sum_over_axes(X, axes, keepdims),
        lambda X: X.sum(dim=tuple(axes), keepdim=keepdims),
        X,
    )


def test_sum_over_axes_shapes_of_exercise():
    X = torch.ones(2, 3, 4)
    assert [P.sum_over_axes(X, [axis]).shape for axis in range(3)] == [(3, 4), (2, 4), (2, 3)]


@FAST
@given(st.integers(1, 6), st.integers(1, 6))
def test_row_normalize_matches_l1_normalize(m, n):
    A = torch.rand(m, n, dtype=torch.float64) + 0.1  # positive: the L1 norm is the sum
    assert_same_values_and_grads(P.row_normalize, lambda A: F.normalize(A, p=1, dim=1), A)


def test_row_normalize_rows_sum_to_one_where_naive_division_fails():
    A = torch.arange(6.0).reshape(2, 3) + 1
    torch.testing.assert_close(P.row_normalize(A).sum(dim=1), torch.ones(2))
    with pytest.raises(RuntimeError):
        A / A.sum(axis=1)


def test_is_symmetric():
    A = torch.randn(4, 4)
    assert P.is_symmetric(A + A.T)
    assert not P.is_symmetric(A)
    assert not P.is_symmetric(torch.zeros(2, 3))
    assert not P.is_symmetric(torch.zeros(2, 2, 2))


@FAST
@given(st.integers(1, 6))
def test_dot_matches_torch_dot(n):
    x, y = torch.randn(n, dtype=torch.float64), torch.randn(n, dtype=torch.float64)
    assert_same_values_and_grads(P.dot, torch.dot, x, y)


@FAST
@given(st.integers(1, 6), st.integers(1, 6))
def test_matvec_matches_mv(m, n):
    A, x = torch.randn(m, n, dtype=torch.float64), torch.randn(n, dtype=torch.float64)
    assert_same_values_and_grads(P.matvec, torch.mv, A, x)


@FAST
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.sampled_from([1.0, 1e3]))
def test_matmul_matches_operator(m, n, p, scale):
    A = torch.randn(m, n, dtype=torch.float64) * scale
    B = torch.randn(n, p, dtype=torch.float64)
    assert_same_values_and_grads(P.matmul, lambda A, B: A @ B, A, B)


# ---------------------------------------------------------------- 2.4


def test_numerical_lim_reproduces_the_book_sequence():
    def f(x):
        return 3 * x**2 - 4 * x

    limits = [P.numerical_lim(f, 1.0, 10.0**-k) for k in range(1, 6)]
    np.testing.assert_allclose(limits, [2.3, 2.03, 2.003, 2.0003, 2.00003], rtol=1e-6)


@pytest.mark.parametrize(
    "f",
    [
        lambda x: (torch.sin(x) * x**2).sum(),
        lambda x: torch.logsumexp(x.reshape(-1), dim=0),
        lambda x: (x[..., :1] * x).prod(),
    ],
)
@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_numerical_grad_matches_autograd(f, shape):
    x = torch.randn(shape, dtype=torch.float64)
    leaf = x.clone().requires_grad_(True)
    (expected,) = torch.autograd.grad(f(leaf), leaf)
    torch.testing.assert_close(P.numerical_grad(f, x), expected, atol=1e-6, rtol=1e-6)


def test_numerical_grad_promotes_integer_inputs():
    grad = P.numerical_grad(lambda x: (x**2).sum(), torch.arange(3))
    torch.testing.assert_close(grad, torch.tensor([0.0, 2.0, 4.0], dtype=torch.float64))


def test_grad_of_quadratic_exp_matches_autograd():
    x = torch.randn(2, dtype=torch.float64).requires_grad_(True)
    (expected,) = torch.autograd.grad(3 * x[0] ** 2 + 5 * torch.exp(x[1]), x)
    torch.testing.assert_close(P.grad_of_quadratic_exp(x.detach()), expected)


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_grad_of_l2_norm_matches_autograd(scale):
    x = (torch.randn(5, dtype=torch.float64) * scale).requires_grad_(True)
    (expected,) = torch.autograd.grad(torch.linalg.norm(x), x)
    torch.testing.assert_close(P.grad_of_l2_norm(x.detach()), expected)


# ---------------------------------------------------------------- 2.5


@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_grad_through_control_flow_is_c_over_a(shape, sign):
    a = torch.rand(shape) * sign + sign * 0.1  # one sign everywhere: both branches get tested
    c = P.control_flow(a)
    torch.testing.assert_close(P.grad_through_control_flow(a), c / a)
    assert c.norm() >= 1000
    assert (c.sum() > 0) == (sign > 0)


def test_control_flow_rejects_zero():
    with pytest.raises(ValueError, match="nonzero"):
        P.control_flow(torch.zeros(3))


def test_sin_derivative_is_cos():
    x = torch.linspace(-2 * math.pi, 2 * math.pi, 101, dtype=torch.float64).reshape(1, -1)
    torch.testing.assert_close(P.sin_derivative(x), torch.cos(x))


def test_grad_of_2xTx():
    assert torch.equal(P.grad_of_2xTx(torch.arange(4.0)), torch.tensor([0.0, 4.0, 8.0, 12.0]))
    x = torch.randn(7, dtype=torch.float64)
    torch.testing.assert_close(P.grad_of_2xTx(x), 4 * x)


# ---------------------------------------------------------------- 2.6

DISTRIBUTIONS = [torch.ones(6) / 6, torch.tensor([0.5, 0.25, 0.125, 0.125])]


def within_4_sigma(frequencies: torch.Tensor, probs: torch.Tensor, n: int) -> bool:
    sigma = torch.sqrt(probs * (1 - probs) / n)
    return bool(((frequencies - probs).abs() <= 4 * sigma).all())


@pytest.mark.parametrize("probs", DISTRIBUTIONS)
def test_relative_frequencies_within_4_sigma(probs):
    generator = torch.Generator().manual_seed(0)
    frequencies = P.relative_frequencies(probs, 10_000, generator=generator)
    assert frequencies.shape == probs.shape
    torch.testing.assert_close(frequencies.sum(), torch.tensor(1.0))
    assert within_4_sigma(frequencies, probs, 10_000)


@pytest.mark.parametrize("probs", DISTRIBUTIONS)
def test_cumulative_estimates_converge(probs):
    num_groups, group_size = 500, 10
    generator = torch.Generator().manual_seed(1)
    estimates = P.cumulative_estimates(probs, num_groups, group_size, generator=generator)
    assert estimates.shape == (num_groups, len(probs))
    torch.testing.assert_close(estimates.sum(dim=1), torch.ones(num_groups))
    draws_so_far = torch.arange(1, num_groups + 1).unsqueeze(1) * group_size
    counts = estimates * draws_so_far
    torch.testing.assert_close(counts, counts.round())  # frequencies of whole draws
    assert (counts.round().diff(dim=0) >= 0).all()  # running counts never decrease
    assert within_4_sigma(estimates[-1], probs, num_groups * group_size)
