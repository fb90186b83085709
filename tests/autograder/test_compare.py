"""The grader's comparison: dtype-aware tolerances, and messages that point at the difference."""

import math

import pytest
import torch

from autograder.compare import TOLERANCES, check_plain, compare_values
from autograder.spec import Compare

SPEC = Compare()


@pytest.mark.parametrize("dtype", list(TOLERANCES))
def test_equal_within_the_dtypes_tolerance(dtype):
    rtol, _ = TOLERANCES[dtype]
    x = torch.linspace(1, 2, 50, dtype=torch.float64).to(dtype)
    assert compare_values(x, x * (1 + rtol / 4), SPEC) is None
    assert compare_values(x, x * (1 + rtol * 20), SPEC) is not None


def test_shape_mismatch_names_both_shapes():
    problem = compare_values(torch.zeros(4, 1), torch.zeros(4, 4), SPEC)
    assert "expected shape (4, 1), got (4, 4)" in problem


def test_dtype_is_compared_unless_disabled():
    assert "dtype" in compare_values(torch.zeros(3), torch.zeros(3, dtype=torch.float64), SPEC)
    assert (
        compare_values(torch.zeros(3), torch.zeros(3, dtype=torch.float64), Compare(dtype=False))
        is None
    )


def test_first_mismatch_and_max_error():
    expected = torch.zeros(2, 3)
    got = expected.clone()
    got[1, 2] = 0.5
    problem = compare_values(expected, got, SPEC)
    assert "output[1, 2]: expected 0, got 0.5" in problem
    assert "max abs error 0.5" in problem


def test_nan_where_finite_is_called_out():
    got = torch.tensor([1.0, math.nan])
    assert "inf or nan" in compare_values(torch.tensor([1.0, 2.0]), got, SPEC)


def test_numbers_accept_a_one_element_tensor():
    assert compare_values(3.0, torch.tensor(3.0), SPEC) is None
    assert compare_values(3.0, 3, SPEC) is None
    assert "expected a number" in compare_values(3.0, "3", SPEC)
    assert compare_values(3.0, True, SPEC) is not None


def test_containers_recurse_with_paths():
    problem = compare_values({"a": [1.0, torch.ones(2)]}, {"a": [1.0, torch.zeros(2)]}, SPEC)
    assert problem.startswith("output['a'][1]")
    assert "expected 2 items, got 1" in compare_values([1, 2], [1], SPEC)


def test_plain_data_only():
    class Sneaky(torch.Tensor):
        pass

    check_plain([torch.ones(1), {"x": 1.5, "y": None}])
    with pytest.raises(TypeError):
        check_plain([torch.ones(1).as_subclass(Sneaky)])
