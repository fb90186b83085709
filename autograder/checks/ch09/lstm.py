"""9.2 long short-term memory from scratch: the parameters, the state and the forward pass."""

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

NB_LSTM = "9.2-lstm"
NAMES = [
    "W_xi", "W_hi", "b_i", "W_xf", "W_hf", "b_f", "W_xo", "W_ho", "b_o", "W_xc", "W_hc", "b_c",
    "W_hq", "b_q",
]  # fmt: skip
WEIGHTS = [n for n in NAMES if n.startswith("W_")]


def _shapes(vocab_size: int, num_hiddens: int, device: Any = "cpu") -> list[tuple[int, ...]]:
    gates = [s for _ in range(4) for s in gate_shapes(vocab_size, num_hiddens)]
    return [*gates, (num_hiddens, vocab_size), (vocab_size,)]


def _lstm_cases() -> list[Case]:
    return cell_cases(_shapes, 2, 981)


def lstm_variant(inputs, state, params, tanh_memory=True, swap_forget=False):
    """The LSTM with a common mistake: H = O * C without the tanh, or the forget and input
    gates' roles swapped."""
    W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q = params
    H, C = state
    outputs = []
    for X in inputs:
        I = torch.sigmoid(X @ W_xi + H @ W_hi + b_i)
        F = torch.sigmoid(X @ W_xf + H @ W_hf + b_f)
        O = torch.sigmoid(X @ W_xo + H @ W_ho + b_o)
        C_tilde = torch.tanh(X @ W_xc + H @ W_hc + b_c)
        C = I * C + F * C_tilde if swap_forget else F * C + I * C_tilde
        H = O * (torch.tanh(C) if tanh_memory else C)
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), (H, C)


def _lstm_hint(case: Case, expected: dict, student: dict) -> str | None:
    shapes = scratch_hint_shapes(case, expected, student)
    if shapes:
        return shapes
    outputs, state = _out(student)
    p = case.fixture.params
    args = (p["inputs"], p["state"], p["params"])
    if close(outputs, lstm_variant(*args, tanh_memory=False)[0], LAYERS):
        return "the hidden state is H = O * tanh(C): squash the memory before the output gate"
    if close(outputs, lstm_variant(*args, swap_forget=True)[0], LAYERS):
        return "the forget gate scales the old memory, the input gate the candidate: C = F * C + I * C_tilde"
    if len(state) == 2 and close(state[0], expected["output"][1][1], LAYERS):
        return "return the state as (H, C): the hidden state first, then the memory cell"
    if close(outputs, expected["output"][0], LAYERS):
        return "the outputs are right but a gradient is not: keep every step on the graph"
    return None


EXERCISES = [
    Exercise(
        id="ch09.get_lstm_params",
        target="get_lstm_params",
        points=1,
        reference=modern_rnn.get_lstm_params,
        cases=params_cases,
        notebook=NB_LSTM,
        compare=Compare(checker=params_checker(_shapes, NAMES, WEIGHTS)),
        forbidden=RNN_BUILTINS,
        description="shapes, zero biases, weights from N(0, 0.01^2)",
    ),
    Exercise(
        id="ch09.init_lstm_state",
        target="init_lstm_state",
        points=1,
        reference=modern_rnn.init_lstm_state,
        cases=state_cases,
        notebook=NB_LSTM,
        forbidden=RNN_BUILTINS,
        hint=state_hint,
    ),
    Exercise(
        id="ch09.lstm",
        target="lstm",
        points=3,
        reference=modern_rnn.lstm,
        cases=_lstm_cases,
        notebook=NB_LSTM,
        compare=Compare(checker=scratch_checker(NAMES, ["the state H", "the memory C"])),
        forbidden=RNN_BUILTINS,
        hint=_lstm_hint,
        description="outputs, final (H, C), and the gradients of the inputs, state and parameters",
    ),
]
