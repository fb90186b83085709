"""What runs next to student code: plain outputs only, forbidden calls recorded, stderr kept quiet."""

import sys
import warnings

import numpy as np
import torch

from autograder import harvest


class AlwaysEqual:
    def __eq__(self, other):
        return True


class Sub(torch.Tensor):
    pass


def payload(*args, **extra):
    return {
        "kind": "function",
        "args": list(args),
        "kwargs": {},
        "grad": [],
        "seed": 0,
        "init": [],
        "fixture": None,
        **extra,
    }


def test_plain_converts_numpy_and_parameters():
    out = harvest.plain([np.float64(1.5), np.arange(3), torch.nn.Parameter(torch.ones(2))])
    assert out[0] == 1.5 and type(out[0]) is float
    assert type(out[1]) is torch.Tensor and type(out[2]) is torch.Tensor


def test_objects_with_their_own_eq_are_refused():
    result = harvest.run_case(lambda X: AlwaysEqual(), payload(torch.ones(2)))
    assert not result["ok"] and "AlwaysEqual" in result["error"]
    result = harvest.run_case(lambda X: X.as_subclass(Sub), payload(torch.ones(2)))
    assert not result["ok"] and "Sub" in result["error"]


def test_records_torch_functions_whatever_the_spelling():
    for spelling in (torch.softmax, torch.nn.functional.softmax, lambda X, d: X.softmax(d)):
        result = harvest.run_case(lambda X, f=spelling: f(X, 1), payload(torch.ones(2, 3)))
        assert "softmax" in result["torch_calls"]


def test_records_calls_into_d2lkit_through_any_alias():
    from d2lkit.linear import softmax as renamed

    result = harvest.run_case(lambda X: renamed(X), payload(torch.ones(2, 3)))
    assert "d2lkit.linear.softmax" in result["py_calls"]


def test_errors_are_results_with_the_offending_line():
    def broken(X):
        return X @ torch.ones(5)

    result = harvest.run_case(broken, payload(torch.ones(2, 3)))
    assert (
        not result["ok"]
        and "RuntimeError" in result["error"]
        and "X @ torch.ones(5)" in result["error"]
    )


def test_warnings_and_stderr_do_not_leak(capsys):
    def noisy(X):
        warnings.warn("deprecated", UserWarning, stacklevel=1)
        print("to stderr", file=sys.stderr)
        return X

    assert harvest.run_case(noisy, payload(torch.ones(1)))["ok"]
    assert capsys.readouterr().err == ""


def test_gradients_use_the_same_upstream_in_every_process():
    x = {"__T__": torch.arange(3.0), "requires_grad": True, "grad": None}
    result = harvest.run_case(lambda X: X * 2, payload(x, grad=[0]))
    assert torch.equal(result["grads"][0], 2 * harvest.upstream_like(torch.zeros(3), 0))


def test_a_fixture_leaves_no_global_hooks_when_the_target_raises():
    from torch.nn.modules import module as torch_module

    def broken_forward(X):
        net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
        net(X)
        raise RuntimeError("student bug after the forward")

    fixture = {"name": "layers.traced", "params": {"X": torch.ones(2, 3)}}
    result = harvest.run_case(broken_forward, payload(fixture=fixture))
    assert not result["ok"] and "student bug" in result["error"]
    assert not torch_module._global_forward_hooks
    assert not torch_module._global_forward_pre_hooks


def test_the_references_prints_stay_off_the_graders_stdout(capsys):
    from autograder import engine
    from autograder.spec import Case, Exercise

    def chatty(X):
        print("epoch 1, loss 0.5")
        return X * 2

    exercise = Exercise(
        id="ch99.chatty",
        target="chatty",
        points=1,
        reference=chatty,
        cases=lambda: [Case("one", (torch.ones(2),))],
        notebook="99.1-chatty",
    )
    (result,) = engine.expected(exercise)
    assert torch.equal(result["output"], torch.full((2,), 2.0))
    assert capsys.readouterr().out == ""


def test_a_failed_check_shows_its_message_without_the_kit_s_frames():
    """In IPython (Jupyter's engine), the error a failed check raises renders as its message."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    with capture_output() as shown:
        result = shell.run_cell(
            "from autograder import check\n"
            "def softmax(X):\n    return X\n"
            'check("ch03.softmax", softmax)'
        )
    assert isinstance(result.error_in_exec, AssertionError)
    text = shown.stdout + shown.stderr
    assert "✗ ch03.softmax: case" in text and "Traceback" not in text
    assert "autograder/" not in text and "grade_cell.py" not in text
