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


def test_an_exercise_whose_hint_raises_is_judged_without_the_hint():
    from autograder import engine
    from autograder.spec import Case, Exercise

    def broken_hint(case, expected, student):
        return 1 / 0

    exercise = Exercise(
        id="ch99.double",
        target="double",
        points=1,
        reference=lambda X: X * 2,
        cases=lambda: [Case("ones", (torch.ones(3),))],
        notebook="99.1-double",
        hint=broken_hint,
    )
    wrong = engine.check_in_process(exercise, lambda X: X * 3, include_hidden=True)
    assert not wrong.passed and "output[0]: expected 2, got 3" in wrong.message()
    assert "hint" not in wrong.message()
    assert engine.check_in_process(exercise, lambda X: X + X, include_hidden=True).passed


def test_compare_outputs_reaches_into_what_the_call_changed_then_gradients():
    from autograder.compare import compare_outputs

    expected = {
        "output": torch.ones(2),
        "after": {"steps": [torch.zeros(2)]},
        "grads": [torch.ones(2)],
    }
    student = {
        "output": torch.ones(2),
        "after": {"steps": [torch.ones(2)]},
        "grads": [torch.ones(2)],
    }
    changes = (("after.steps", "output of a further step"),)
    assert "output of a further step[0]" in compare_outputs(expected, student, SPEC, changes)
    student["after"]["steps"] = [torch.zeros(2)]
    assert compare_outputs(expected, student, SPEC, changes) is None
    student["grads"] = [torch.zeros(2)]
    assert "gradient of argument 0" in compare_outputs(expected, student, SPEC, changes)
