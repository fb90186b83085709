"""9.4 bidirectional recurrent networks: the forward pass of one bidirectional tanh layer."""

from __future__ import annotations

import torch

from autograder.checks.ch09._common import (
    RNN_BUILTINS,
    _out,
    cell_cases,
    gate_shapes,
    scratch_checker,
    scratch_hint_shapes,
)
from autograder.hints import LAYERS, close
from autograder.spec import Case, Compare, Exercise
from d2lkit import modern_rnn

NB_BI_RNN = "9.4-bi-rnn"
NAMES = ["W_xh_f", "W_hh_f", "b_h_f", "W_xh_b", "W_hh_b", "b_h_b", "W_hq", "b_q"]


def _shapes(vocab: int, hiddens: int) -> list[tuple[int, ...]]:
    return [
        *gate_shapes(vocab, hiddens), *gate_shapes(vocab, hiddens),
        (2 * hiddens, vocab), (vocab,),
    ]  # fmt: skip


def _cases() -> list[Case]:
    return cell_cases(_shapes, 2, 1011, dense=(7, 6))


def _tanh_layer(inputs, H, W_xh, W_hh, b_h):
    Hs = []
    for X in inputs:
        H = torch.tanh(X @ W_xh + H @ W_hh + b_h)
        Hs.append(H)
    return torch.stack(Hs)


def bi_variant(inputs, state, params, flip_back=True, reverse=True):
    """The bidirectional layer, or one whose backward states are left in reversed order
    (`flip_back=False`), or whose 'backward' direction reads the steps first to last."""
    W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b, W_hq, b_q = params
    H_f, H_b = state
    Hs_f = _tanh_layer(inputs, H_f, W_xh_f, W_hh_f, b_h_f)
    Hs_b = _tanh_layer(inputs.flip(0) if reverse else inputs, H_b, W_xh_b, W_hh_b, b_h_b)
    if reverse and flip_back:
        Hs_b = Hs_b.flip(0)
    Hs = torch.cat((Hs_f, Hs_b), dim=2)
    return Hs.reshape(-1, Hs.shape[-1]) @ W_hq + b_q


def _hint(case: Case, expected: dict, student: dict) -> str | None:
    shapes = scratch_hint_shapes(case, expected, student)
    if shapes:
        return shapes
    outputs, state = _out(student)
    p = case.fixture.params
    args = (p["inputs"], p["state"], p["params"])
    if close(outputs, bi_variant(*args, flip_back=False), LAYERS):
        return (
            "flip the backward direction's states back into time order, so that step t "
            "concatenates [H_fwd_t, H_bwd_t]"
        )
    if close(outputs, bi_variant(*args, reverse=False), LAYERS):
        return "the backward direction reads the steps last to first: flip the inputs (dim 0)"
    if close(outputs, expected["output"][0], LAYERS):
        return (
            "the outputs are right; the state should be (H_fwd after the last step, H_bwd after "
            "reading the first step), as nn.RNN(bidirectional=True) returns them"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch09.bi_rnn",
        origin="kit",
        target="bi_rnn",
        points=3,
        reference=modern_rnn.bi_rnn,
        cases=_cases,
        notebook=NB_BI_RNN,
        compare=Compare(checker=scratch_checker(NAMES, ["H_fwd", "H_bwd"])),
        forbidden=RNN_BUILTINS,
        hint=_hint,
        description="both directions, their states concatenated per step, and the gradients",
    ),
]
