"""What the optimiser sections (11.5-11.10) share: a step's case set up from plain tensors (the
parameters w: (d, 1) and b: (1,) of the book's linear regression, their gradients, the states,
the hyperparameters), and the hint for the mistakes every optimiser can make."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from autograder.hints import LOOSE, close
from autograder.spec import Case, Fixture, Hint
from autograder.strategies import randn

States = Callable[[int, int, torch.dtype], Any]
"""(feature_dim, seed, dtype) -> the states before the step, in the book's structure."""


def zero_states(pairs: bool) -> States:
    """Zero states of w and b: one tensor each, or a pair each (Adadelta, Adam)."""

    def make(d: int, seed: int, dtype: torch.dtype) -> Any:
        def one() -> Any:
            w, b = torch.zeros(d, 1, dtype=dtype), torch.zeros(1, dtype=dtype)
            return w, b

        if not pairs:
            return list(one())
        (w1, b1), (w2, b2) = one(), one()
        return [(w1, w2), (b1, b2)]

    return make


def mid_training_states(pairs: bool, positive: bool) -> States:
    """States as after some steps: random values (squared-gradient averages are positive)."""

    def make(d: int, seed: int, dtype: torch.dtype) -> Any:
        def one(s: int) -> torch.Tensor:
            shape = (d, 1) if s % 2 == 0 else (1,)
            value = randn(*shape, seed=seed + s, dtype=dtype)
            return value.abs() + 0.1 if positive else value

        if not pairs:
            return [one(0), one(1)]
        # a pair (first, second): the second of Adam's and Adadelta's is a positive average
        w = (one(0), randn(d, 1, seed=seed + 2, dtype=dtype).abs() + 0.1)
        b = (one(1), randn(1, seed=seed + 3, dtype=dtype).abs() + 0.1)
        return [w, b]

    return make


def step_case(
    name: str,
    d: int,
    seed: int,
    states: States | None,
    hyperparams: dict[str, Any],
    *,
    dtype: torch.dtype = torch.float32,
    scale: float = 1.0,
    visible: bool = True,
) -> Case:
    """One optimiser step on w: (d, 1), b: (1,) with seeded values and gradients."""
    params = [randn(d, 1, seed=seed, dtype=dtype), randn(1, seed=seed + 1, dtype=dtype)]
    grads = [
        randn(d, 1, seed=seed + 2, dtype=dtype, scale=scale),
        randn(1, seed=seed + 3, dtype=dtype, scale=scale),
    ]
    fixture = Fixture(
        "ch11.optimizer_step",
        {
            "params": params,
            "grads": grads,
            "states": None if states is None else states(d, seed + 10, dtype),
            "hyperparams": hyperparams,
        },
    )
    return Case(name, fixture=fixture, seed=seed, visible=visible)


def inputs(case: Case) -> dict[str, Any]:
    """The case's parameters, gradients, states and hyperparameters before the step."""
    assert case.fixture is not None
    return case.fixture.params


def params_after(outputs: dict) -> list[torch.Tensor]:
    return [p["value"] for p in outputs["args_after"][0]]


def flat(states: Any) -> list[torch.Tensor]:
    """The state tensors in order, whatever their nesting; the `value`s of harvested ones."""
    if isinstance(states, torch.Tensor):
        return [states]
    if isinstance(states, dict):
        return [states["value"]]
    return [t for s in states or () for t in flat(s)]


def step_hint(specific: Hint | None = None) -> Hint:
    """The mistakes of any optimiser, then the `specific` one's."""

    def hint(case: Case, expected: dict, student: dict) -> str | None:
        given = inputs(case)
        got_params = student["args_after"][0]
        if all(close(p["value"], before, LOOSE) for p, before in zip(got_params, given["params"])):
            return (
                "the parameters did not change: update them in place (p -= ... or p[:] = ... "
                "under torch.no_grad()); rebinding the name p changes nothing outside"
            )
        if any(p["grad"] is not None and bool(p["grad"].abs().sum() > 0) for p in got_params):
            return "zero each gradient after its step (p.grad.zero_()), or the next one adds to it"
        want_states = flat(expected["args_after"][1])
        got_states = flat(student["args_after"][1])
        before = flat(given["states"])
        if (
            want_states
            and len(got_states) == len(before)
            and all(close(g, b, LOOSE) for g, b in zip(got_states, before))
        ):
            return (
                "the states did not change: update them in place (v[:] = ... or v.mul_(...)), "
                "the caller keeps them between steps"
            )
        return None if specific is None else specific(case, expected, student)

    return hint


def step_is(student: dict, want: list[torch.Tensor]) -> bool:
    """Whether the student's parameters after the step are `want` (a mistake's result)."""
    return all(close(g, w, LOOSE) for g, w in zip(params_after(student), want))
