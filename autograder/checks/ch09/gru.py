"""9.1 gated recurrent units from scratch: the parameters, the state and the forward pass."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch09._common import (
    RNN_BUILTINS,
    _out,
    cell_cases,
    gate_shapes,
    params_cases,
    params_checker,
    scratch_checker,
    scratch_hint_shapes,
    state_cases,
    state_hint,
)
from autograder.hints import LAYERS, close
from autograder.spec import Case, Compare, Exercise
from d2lkit import modern_rnn

NB_GRU = "9.1-gru"
NAMES = ["W_xz", "W_hz", "b_z", "W_xr", "W_hr", "b_r", "W_xh", "W_hh", "b_h", "W_hq", "b_q"]
WEIGHTS = [n for n in NAMES if n.startswith("W_")]


def _shapes(vocab_size: int, num_hiddens: int, device: Any = "cpu") -> list[tuple[int, ...]]:
    gates = [s for _ in range(3) for s in gate_shapes(vocab_size, num_hiddens)]
    return [*gates, (num_hiddens, vocab_size), (vocab_size,)]


def _gru_cases() -> list[Case]:
    return cell_cases(_shapes, 1, 961)


def gru_variant(inputs, state, params, reset_after=False, swap_update=False):
    """The GRU with a common mistake: the reset gate applied after the product with W_hh (torch's
    nn.GRU convention), or the update gate's roles swapped."""
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    outputs = []
    for X in inputs:
        Z = torch.sigmoid(X @ W_xz + H @ W_hz + b_z)
        R = torch.sigmoid(X @ W_xr + H @ W_hr + b_r)
        recurrent = R * (H @ W_hh) if reset_after else (R * H) @ W_hh
        H_tilde = torch.tanh(X @ W_xh + recurrent + b_h)
        H = (1 - Z) * H + Z * H_tilde if swap_update else Z * H + (1 - Z) * H_tilde
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), (H,)


def _gru_hint(case: Case, expected: dict, student: dict) -> str | None:
    shapes = scratch_hint_shapes(case, expected, student)
    if shapes:
        return shapes
    outputs = _out(student)[0]
    p = case.fixture.params
    args = (p["inputs"], p["state"], p["params"])
    if close(outputs, gru_variant(*args, reset_after=True)[0], LAYERS):
        return (
            "the reset gate scales the state before the product: (R * H) @ W_hh, not "
            "R * (H @ W_hh) (that is torch's nn.GRU)"
        )
    if close(outputs, gru_variant(*args, swap_update=True)[0], LAYERS):
        return "the update gate keeps the old state: H = Z * H + (1 - Z) * H_tilde"
    if close(outputs, expected["output"][0], LAYERS):
        return "the outputs are right but a gradient is not: keep every step on the graph"
    return None


EXERCISES = [
    Exercise(
        id="ch09.get_gru_params",
        target="get_gru_params",
        points=1,
        reference=modern_rnn.get_gru_params,
        cases=params_cases,
        notebook=NB_GRU,
        compare=Compare(checker=params_checker(_shapes, NAMES, WEIGHTS)),
        forbidden=RNN_BUILTINS,
        description="shapes, zero biases, weights from N(0, 0.01^2)",
    ),
    Exercise(
        id="ch09.init_gru_state",
        target="init_gru_state",
        points=1,
        reference=modern_rnn.init_gru_state,
        cases=state_cases,
        notebook=NB_GRU,
        forbidden=RNN_BUILTINS,
        hint=state_hint,
    ),
    Exercise(
        id="ch09.gru",
        target="gru",
        points=3,
        reference=modern_rnn.gru,
        cases=_gru_cases,
        notebook=NB_GRU,
        compare=Compare(checker=scratch_checker(NAMES, ["the state H"])),
        forbidden=RNN_BUILTINS,
        hint=_gru_hint,
        description="outputs, final state, and the gradients of the inputs, state and parameters",
    ),
]
