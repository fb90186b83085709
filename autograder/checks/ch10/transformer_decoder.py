"""10.7 the Transformer's decoder side: the decoder block (the causal mask in training, the
key-value cache in prediction) and the decoder (its positions continuing after the cache).

Both are called through `ch10.decoder_call`, in training mode and in prediction mode, where a
second call with the state the first returned must extend the cache.
"""

from __future__ import annotations

import torch

from autograder.checks.ch10._common import (
    decoder_checker,
    first_call_right_second_wrong,
    out,
    value,
)
from autograder.checks.ch10.transformer import BLOCKS, block_init, exercise, reference_module
from autograder.hints import LOOSE, close
from autograder.spec import Case, Compare, Fixture, T
from autograder.strategies import randint, randn
from d2lkit import transformer


# ---------------------------------------------------------------- DecoderBlock
def _decoder_block_case(name, init, b, n, n_k, valid, seed, predict=False, num_layers=1, **kw):
    h = init[3]
    cache = [None] * num_layers
    state = [T(randn(b, n_k, h, seed=seed + 1), True), torch.tensor(valid), cache]
    params = {"args": [T(randn(b, n, h, seed=seed), True), state], "seed": seed}
    if predict:
        params.update(then=[randn(b, 1, h, seed=seed + 2)], predict=True)
    return Case(name, init=init, fixture=Fixture("ch10.decoder_call", params), seed=seed, **kw)


def _decoder_block_cases() -> list[Case]:
    c = _decoder_block_case
    return [
        c(
            "training: 16 hiddens, 4 heads, block 0 (the causal mask)",
            block_init(16, [16], 32, 4, 0),
            2,
            5,
            6,
            [6, 3],
            1191,
        ),
        c(
            "prediction: the cache grows by the second call's token",
            block_init(16, [16], 32, 4, 0),
            2,
            3,
            6,
            [6, 3],
            1192,
            predict=True,
        ),
        c(
            "prediction: block 1 of 2 keeps its own cache",
            block_init(8, [8], 16, 2, 1),
            3,
            1,
            4,
            [4, 2, 1],
            1193,
            predict=True,
            num_layers=2,
        ),
        c(
            "training: block 1 of 2, one head",
            block_init(6, [6], 12, 1, 1),
            1,
            4,
            3,
            [3],
            1194,
            num_layers=2,
            visible=False,
        ),
        c(
            "prediction: 12 hiddens, 3 heads, batch 4",
            block_init(12, [12], 24, 3, 0),
            4,
            2,
            5,
            [5, 1, 2, 4],
            1195,
            predict=True,
            visible=False,
        ),
    ]


def _decoder_block_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = out(student)
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        return "return the pair (output, state)"
    if first_call_right_second_wrong(expected, student, BLOCKS):
        return (
            "in prediction mode the keys and values are the cache state[2][self.i] followed by X: "
            "concatenate them on dimension 1 and store the result back in state[2][self.i]"
        )
    if case.fixture.params.get("predict"):
        return None
    block = reference_module(transformer.DecoderBlock, case, expected)
    block.eval()
    X, (enc_outputs, valid_lens, cache) = case.fixture.params["args"]
    with torch.no_grad():
        unmasked, _ = block(value(X), [value(enc_outputs), valid_lens, list(cache)])
    if close(got[0], unmasked, LOOSE):
        return (
            "in training mode position t may only attend to positions 1..t: pass the self-attention "
            "dec_valid_lens = arange(1, num_steps + 1) for every example"
        )
    return None


# ---------------------------------------------------------------- TransformerDecoder
def _decoder_cases() -> list[Case]:
    def case(name, vocab, h, heads, layers, b, n, n_k, valid, seed, predict=False, **kw):
        init = (vocab, h, h, h, h, [h], h, 2 * h, heads, layers, 0.0)
        enc_outputs, valid_lens = randn(b, n_k, h, seed=seed + 1), torch.tensor(valid)
        state = [T(enc_outputs, True), valid_lens, [None] * layers]
        params = {
            "args": [randint(vocab, b, n, seed=seed), state],
            "seed": seed,
            "init_state": [enc_outputs, valid_lens],
        }
        if predict:
            params.update(then=[randint(vocab, b, 1, seed=seed + 2)], predict=True)
        return Case(name, init=init, fixture=Fixture("ch10.decoder_call", params), seed=seed, **kw)

    return [
        case(
            "training: vocab 10, 16 hiddens, 4 heads, 2 layers", 10, 16, 4, 2, 2, 5, 6, [6, 2], 1201
        ),
        case(
            "prediction: <bos> then one more token",
            12,
            8,
            2,
            2,
            3,
            1,
            4,
            [4, 1, 3],
            1202,
            predict=True,
        ),
        case(
            "prediction: a 3-token prefix, 1 layer",
            9,
            12,
            3,
            1,
            2,
            3,
            5,
            [5, 3],
            1203,
            predict=True,
        ),
        case("training: 3 layers, batch 1", 7, 8, 4, 3, 1, 4, 3, [3], 1204, visible=False),
        case(
            "prediction: 2 layers, batch 4",
            11,
            16,
            4,
            2,
            4,
            2,
            6,
            [6, 1, 2, 5],
            1205,
            predict=True,
            visible=False,
        ),
    ]


def _decoder_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = out(student)
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        return "return the pair (output, state)"
    if first_call_right_second_wrong(expected, student, BLOCKS):
        return (
            "the second call's tokens come after the cached ones: start the positional encoding at "
            "the cache's length (pos_encoding(X, offset)), and keep each block's cache in the state"
        )
    return None


EXERCISES = [
    exercise(
        "ch10.DecoderBlock",
        "DecoderBlock",
        3,
        transformer.DecoderBlock,
        _decoder_block_cases,
        _decoder_block_hint,
        compare=Compare(checker=decoder_checker(BLOCKS)),
        description="the causal mask in training, the key-value cache in prediction",
    ),
    exercise(
        "ch10.TransformerDecoder",
        "TransformerDecoder",
        3,
        transformer.TransformerDecoder,
        _decoder_cases,
        _decoder_hint,
        compare=Compare(checker=decoder_checker(BLOCKS)),
        description="init_state, training and prediction (a second call through the state)",
    ),
]
