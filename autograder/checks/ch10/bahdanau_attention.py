"""10.4 Bahdanau attention: the GRU decoder that attends over the encoder's outputs.

The decoder is called through `ch10.decoder_call`: the reference's parameters are loaded into the
student's, then `init_state`, a call on a target batch and a second call with the state it
returned are compared, with the gradients of every parameter and of the state's tensors.
"""

from __future__ import annotations

import torch

from autograder.checks.ch10._common import (
    ATTENTION_BUILTINS,
    decoder_checker,
    first_call_right_second_wrong,
    out,
)
from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import randint, randn
from d2lkit import attention

NB_BAHDANAU = "10.4-bahdanau-attention"
RECURRENCE = Compare(rtol=1e-4, atol=1e-5)


def _case(
    name: str, seed: int, init: tuple, b: int, t: int, n_k: int, valid: list[int], **kw
) -> Case:
    vocab_size, _, h, layers = init
    enc_outputs = randn(b, n_k, h, seed=seed + 1, scale=0.5)
    hidden = randn(layers, b, h, seed=seed + 2, scale=0.5)
    valid_lens = torch.tensor(valid)
    params = {
        "args": [
            randint(vocab_size, b, t, seed=seed),
            (T(enc_outputs, True), T(hidden, True), valid_lens),
        ],
        "seed": seed,
        "then": [randint(vocab_size, b, 2, seed=seed + 3)],
        "init_state": [(enc_outputs.permute(1, 0, 2), hidden), valid_lens],
    }
    return Case(name, init=init, fixture=Fixture("ch10.decoder_call", params), seed=seed, **kw)


def _cases() -> list[Case]:
    return [
        _case(
            "the book's sizes: vocab 10, embed 8, hiddens 16, 2 layers",
            1101,
            (10, 8, 16, 2),
            4,
            7,
            7,
            [7, 3, 5, 1],
        ),
        _case("one layer, batch 2, 3 steps, 5 keys", 1102, (7, 4, 6, 1), 2, 3, 5, [2, 5]),
        _case("one step at a time", 1103, (8, 5, 6, 2), 3, 1, 4, [4, 4, 2]),
        _case("three layers, batch 1", 1104, (9, 3, 5, 3), 1, 4, 6, [6], visible=False),
        _case(
            "batch 5, 2 steps, 3 keys", 1105, (6, 4, 4, 2), 5, 2, 3, [1, 2, 3, 3, 1], visible=False
        ),
    ]


def _hint(case: Case, expected: dict, student: dict) -> str | None:
    got = out(student)
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        return "return the pair (output, state)"
    if not (isinstance(got[1], (list, tuple)) and len(got[1]) == 3):
        return "return the state as (enc_outputs, hidden_state, enc_valid_lens)"
    want = expected["output"][0]
    if (
        isinstance(got[0], torch.Tensor)
        and got[0].shape == want.permute(1, 0, 2).shape != want.shape
    ):
        return "return the logits batch-major: (batch_size, num_steps, vocab_size)"
    if first_call_right_second_wrong(expected, student, RECURRENCE):
        return "put the GRU's new hidden state into the state you return, for the next call"
    return None


EXERCISES = [
    Exercise(
        id="ch10.Seq2SeqAttentionDecoder",
        target="Seq2SeqAttentionDecoder",
        points=3,
        reference=attention.Seq2SeqAttentionDecoder,
        cases=_cases,
        notebook=NB_BAHDANAU,
        kind="module",
        compare=Compare(checker=decoder_checker(RECURRENCE)),
        forbidden=ATTENTION_BUILTINS,
        hint=_hint,
        description="init_state, forward, a second call with the returned state, and gradients",
    ),
]
