"""What several sections of chapter 10 share: the judge of a decoder called through
`ch10.decoder_call`, and small helpers for cases and hints."""

from __future__ import annotations

from typing import Any

import torch

from autograder.compare import compare_outputs, compare_values
from autograder.spec import Case, Compare, T

# the built-ins an attention layer could hide behind
ATTENTION_BUILTINS = ("scaled_dot_product_attention", "multi_head_attention_forward")


def out(student: dict) -> Any:
    return student.get("output")


def value(arg: Any) -> Any:
    return arg.value if isinstance(arg, T) else arg


def shape(x: Any) -> tuple[int, ...] | None:
    return tuple(x.shape) if isinstance(x, torch.Tensor) else None


def module_case(name: str, init: tuple, args: tuple, seed: int, **kw: Any) -> Case:
    """A module exercise's case: the tensors of `args` wrapped in `T(..., True)` are inputs whose
    gradients are compared, as are every parameter's."""
    grad = tuple(i for i, a in enumerate(args) if isinstance(a, T) and a.requires_grad)
    return Case(name, args, init=init, grad=grad, seed=seed, **kw)


DECODER_CHANGES = (
    ("state", "state_dict"),
    ("after.init_state", "init_state(enc_outputs, enc_valid_lens)"),
    ("after.then", "output of a second call with the state your first call returned"),
)


def decoder_checker(spec: Compare | None = None):
    """Judge a module called through `ch10.decoder_call`: the output, the state_dict, then
    `init_state` and the second call when the case asks for them, then the gradients of the
    inputs (the state's tensors) and of the parameters."""
    spec = spec or Compare()

    def flat(result: dict) -> dict:
        after = result.get("after") or {}
        return {
            "output": out(result),
            "state": result.get("state"),
            "after": after,
            "grads": after.get("input_grads"),
            "param_grads": after.get("param_grads"),
        }

    def check(case: Case, expected: dict, student: dict) -> str | None:
        return compare_outputs(
            flat(expected), flat(student), spec, DECODER_CHANGES, "gradient of state tensor"
        )

    return check


def first_call_right_second_wrong(expected: dict, student: dict, spec: Compare) -> bool:
    """The first call matches the reference's and the second call (through the returned state)
    does not: the state, or how the second call reads it, is the problem."""
    first = compare_values(expected["output"][0], (out(student) or [None])[0], spec)
    want, got = (expected.get("after") or {}).get("then"), (student.get("after") or {}).get("then")
    return first is None and want is not None and compare_values(want, got, spec) is not None
