"""Networks, layer by layer (chapters 6 onwards): the `traced` fixture
(`autograder.fixtures.layers`) records every layer's output shape and a fingerprint of its values
(mean, rms), and `network_checker` reports the first layer that differs from the reference's, then
compares outputs, state and gradients. `network_hint` names a layer of the wrong type.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from autograder.compare import compare_outputs
from autograder.spec import Case, Compare, Fixture


def traced(X: torch.Tensor, **params: Any) -> Fixture:
    """The fixture that feeds X to a network and records every layer's output shape."""
    return Fixture("layers.traced", {"X": X, **params})


Call = tuple[str, tuple[int, ...], list[float]]


def _first_calls(trace: list) -> dict[str, Call]:
    """Layer name -> (class, output shape, [mean, rms] of the output) at its first call."""
    found: dict[str, Call] = {}
    for name, cls, shape, stats in trace or ():
        found.setdefault(name, (cls, tuple(shape), list(stats)))
    return found


def _shape_advice(expected: tuple[int, ...], got: tuple[int, ...]) -> str:
    if len(expected) != len(got):
        return "the number of dimensions differs: flatten only right before the first Linear layer"
    if len(got) == 4 and got[2:] != expected[2:]:
        return "height and width differ: check this layer's kernel size, padding and stride"
    if got[1:2] != expected[1:2]:
        return "the number of channels (features) differs: check this layer's output channels"
    return "check this layer's arguments"


# how far a layer's output mean and rms may stray, relative to the reference's rms: the same
# layers computed in another order differ by far less, a wrong layer by far more
FINGERPRINT_RTOL = 1e-4


def _fingerprint_differs(expected: list[float], got: list[float]) -> bool:
    slack = FINGERPRINT_RTOL * abs(expected[1]) + 1e-7
    return any(abs(e - g) > slack for e, g in zip(expected, got))


def trace_problem(expected: list, got: list) -> str | None:
    """The first layer (in call order) whose output differs from the reference's layer of the same
    name, in shape or in value (its mean and rms); layers only one side has (parameterless helpers
    of a custom module) are not compared."""
    mine = _first_calls(got)
    for name, (cls, shape, stats) in _first_calls(expected).items():
        if name not in mine:
            continue
        got_cls, got_shape, got_stats = mine[name]
        if got_shape != shape:
            return (
                f"layer `{name}` ({got_cls}) outputs shape {got_shape}; the reference's `{name}` "
                f"({cls}) outputs {shape}\nhint: {_shape_advice(shape, got_shape)}"
            )
        if _fingerprint_differs(stats, got_stats):
            return (
                f"layer `{name}` ({got_cls}) outputs values that differ from the reference's `{name}` "
                f"({cls}), with the same parameters and input: mean {got_stats[0]:.6g} and rms "
                f"{got_stats[1]:.6g}, expected {stats[0]:.6g} and {stats[1]:.6g}"
            )
    return None


# what a traced network's call changed, in the order they are compared
CHANGES = (
    ("state", "state after the call"),
    ("after.steps", "output of a further training step"),
    ("after.state_after_steps", "state after further training steps"),
    ("after.eval_output", "output in evaluation mode (net.eval())"),
)


def network_checker(rtol: float | None = None, atol: float | None = None):
    """A checker for a network fed by `traced`: layer shapes, parameter count, output, state after
    the call, further steps and evaluation output, then input and parameter gradients."""
    spec = Compare(rtol=rtol, atol=atol)

    def check(case: Case, expected: dict, student: dict) -> str | None:
        want, got = expected.get("after") or {}, student.get("after") or {}
        problem = trace_problem(want.get("trace", []), got.get("trace", []))
        if problem:
            return problem
        if want.get("parameters") != got.get("parameters"):
            return (
                f"your network has {got.get('parameters')} parameters; "
                f"the reference has {want.get('parameters')}"
            )
        return compare_outputs(expected, student, spec, CHANGES, "gradient of the input")

    return check


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'AEIOU' else 'a'} {noun}"


def network_hint(case: Case, expected: dict, student: dict) -> str | None:
    """Names a torch layer whose type differs from the reference's (a ReLU for a Sigmoid, max for
    average pooling)."""
    want = _first_calls((expected.get("after") or {}).get("trace", []))
    mine = _first_calls((student.get("after") or {}).get("trace", []))
    for name, (cls, _, _) in want.items():
        got_cls = mine[name][0] if name in mine else cls
        # only torch's own layers: a custom block may be named as its author likes
        if got_cls != cls and hasattr(nn, cls) and hasattr(nn, got_cls):
            return f"layer `{name}` is {_a(got_cls)} where the reference has {_a(cls)}"
    return None
