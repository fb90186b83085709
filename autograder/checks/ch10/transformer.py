"""10.7 the Transformer: the position-wise FFN, add & norm, the encoder block and encoder, the
decoder block (its key-value cache in prediction mode) and decoder.

The blocks are judged with the reference's parameters loaded, values and gradients of the
inputs and every parameter; the decoders are called through `ch10.decoder_call`, in training
mode (the causal mask) and in prediction mode, where a second call with the returned state must
extend the cache (and, for the decoder, continue the positions).
"""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch10._common import (
    ATTENTION_BUILTINS,
    decoder_checker,
    first_call_right_second_wrong,
    module_case,
    out,
    value,
)
from autograder.hints import LAYERS, LOOSE, close
from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import randint, randn
from d2lkit import transformer

NB_TRANSFORMER = "10.7-transformer"
BLOCKS = Compare(rtol=LAYERS[0], atol=LAYERS[1])
FORBIDDEN = (
    *ATTENTION_BUILTINS,
    "transformer_encoder_layer_forward",
    "_transformer_encoder_layer_fwd",
)


def _reference(cls: type, case: Case, expected: dict) -> Any:
    """The reference module of `case` with the state it ran with, for hints' variants."""
    module = cls(*case.init)
    module.load_state_dict(expected["state"])
    return module


# ---------------------------------------------------------------- PositionWiseFFN
def _ffn_cases() -> list[Case]:
    def case(name, init, shape, seed, **kw):
        return module_case(name, init, (T(randn(*shape, seed=seed), True),), seed, **kw)

    return [
        case("the book's sizes 4, 4, 8 on (2, 3, 4)", (4, 4, 8), (2, 3, 4), 1151),
        case("32, 64, 32 on (3, 5, 32)", (32, 64, 32), (3, 5, 32), 1152),
        case("2-D input", (6, 3, 2), (4, 6), 1153, visible=False),
        case("float64", (5, 7, 5), (2, 2, 5), 1154, visible=False),
    ]


def _ffn_hint(case: Case, expected: dict, student: dict) -> str | None:
    ffn = _reference(transformer.PositionWiseFFN, case, expected)
    X = value(case.args[0]).detach()
    with torch.no_grad():
        linear = ffn.dense2(ffn.dense1(X))
    if close(out(student), linear, LOOSE):
        return "put a ReLU between dense1 and dense2"
    return None


# ---------------------------------------------------------------- AddNorm
def _addnorm_cases() -> list[Case]:
    def case(name, norm_shape, shape, seed, **kw):
        args = (T(randn(*shape, seed=seed), True), T(randn(*shape, seed=seed + 1), True))
        return module_case(name, (norm_shape, 0.0), args, seed, **kw)

    return [
        case("the book's [3, 4] on (2, 3, 4)", [3, 4], (2, 3, 4), 1161),
        case("[8] on (2, 5, 8)", [8], (2, 5, 8), 1162),
        case("[6] on (3, 6)", [6], (3, 6), 1163, visible=False),
        case("[2, 3] on (4, 2, 3)", [2, 3], (4, 2, 3), 1164, visible=False),
    ]


def _addnorm_hint(case: Case, expected: dict, student: dict) -> str | None:
    norm = _reference(transformer.AddNorm, case, expected).ln
    X, Y = (value(a).detach() for a in case.args)
    with torch.no_grad():
        for variant, advice in (
            (norm(Y) + X, "normalise the sum: ln(dropout(Y) + X), not ln(Y) + X"),
            (norm(X) + Y, "normalise the sum: ln(dropout(Y) + X), not ln(X) + Y"),
            (X + Y, "normalise the sum with the LayerNorm"),
        ):
            if close(out(student), variant, LOOSE):
                return advice
    return None


# ---------------------------------------------------------------- EncoderBlock
def _block_init(h: int, norm_shape: list, ffn: int, heads: int, *extra: Any) -> tuple:
    return (h, h, h, h, norm_shape, h, ffn, heads, 0.0, *extra)


def _encoder_block_cases() -> list[Case]:
    def case(name, init, b, n, valid, seed, **kw):
        h = init[3]
        args = (T(randn(b, n, h, seed=seed), True), torch.tensor(valid))
        return module_case(name, init, args, seed, **kw)

    return [
        case(
            "the book's: 24 hiddens, norm [100, 24], 8 heads on (2, 100, 24)",
            _block_init(24, [100, 24], 48, 8),
            2,
            100,
            [3, 2],
            1171,
        ),
        case(
            "16 hiddens, 4 heads, valid [5, 2, 3]",
            _block_init(16, [16], 32, 4),
            3,
            5,
            [5, 2, 3],
            1172,
        ),
        case("with biases", _block_init(8, [8], 16, 2, True), 2, 4, [4, 1], 1173),
        case("one head, batch 1", _block_init(6, [6], 12, 1), 1, 3, [2], 1174, visible=False),
        case(
            "12 hiddens, 3 heads, batch 4",
            _block_init(12, [12], 20, 3),
            4,
            6,
            [6, 1, 3, 5],
            1175,
            visible=False,
        ),
    ]


def _encoder_block_hint(case: Case, expected: dict, student: dict) -> str | None:
    block = _reference(transformer.EncoderBlock, case, expected)
    X = value(case.args[0]).detach()
    with torch.no_grad():
        unmasked = block(X, None)
    if close(out(student), unmasked, LOOSE):
        return "pass valid_lens to the self-attention, so that padding is not attended to"
    return None


# ---------------------------------------------------------------- TransformerEncoder
def _encoder_cases() -> list[Case]:
    def case(name, vocab, h, ffn, heads, layers, b, n, valid, seed, **kw):
        init = (vocab, h, h, h, h, [h], h, ffn, heads, layers, 0.0)
        params = {"args": [randint(vocab, b, n, seed=seed), torch.tensor(valid)], "seed": seed}
        return Case(name, init=init, fixture=Fixture("ch10.decoder_call", params), seed=seed, **kw)

    return [
        case(
            "vocab 200, 24 hiddens, 8 heads, 2 layers on (2, 100)",
            200,
            24,
            48,
            8,
            2,
            2,
            100,
            [3, 2],
            1181,
        ),
        case("vocab 10, 16 hiddens, 4 heads, 1 layer", 10, 16, 32, 4, 1, 3, 6, [6, 2, 4], 1182),
        case("3 layers, batch 1", 12, 8, 16, 2, 3, 1, 5, [5], 1183, visible=False),
        case(
            "vocab 9, 12 hiddens, 3 heads, 2 layers",
            9,
            12,
            24,
            3,
            2,
            4,
            3,
            [1, 2, 3, 3],
            1184,
            visible=False,
        ),
    ]


def _encoder_hint(case: Case, expected: dict, student: dict) -> str | None:
    encoder = _reference(transformer.TransformerEncoder, case, expected)
    X, valid_lens = case.fixture.params["args"]
    with torch.no_grad():
        embedded = encoder.pos_encoding(encoder.embedding(X))
        for blk in encoder.blks:
            embedded = blk(embedded, valid_lens)
    if close(out(student), embedded, LOOSE):
        return "scale the embeddings by sqrt(num_hiddens) before adding the positional encoding"
    return None


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
            _block_init(16, [16], 32, 4, 0),
            2,
            5,
            6,
            [6, 3],
            1191,
        ),
        c(
            "prediction: the cache grows by the second call's token",
            _block_init(16, [16], 32, 4, 0),
            2,
            3,
            6,
            [6, 3],
            1192,
            predict=True,
        ),
        c(
            "prediction: block 1 of 2 keeps its own cache",
            _block_init(8, [8], 16, 2, 1),
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
            _block_init(6, [6], 12, 1, 1),
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
            _block_init(12, [12], 24, 3, 0),
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
    block = _reference(transformer.DecoderBlock, case, expected)
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


def _module(
    id_: str, target: str, points: int, reference: Any, cases: Any, hint: Any, **kw: Any
) -> Exercise:
    return Exercise(
        id=id_,
        target=target,
        points=points,
        reference=reference,
        cases=cases,
        notebook=NB_TRANSFORMER,
        kind="module",
        forbidden=FORBIDDEN,
        hint=hint,
        **kw,
    )


EXERCISES = [
    _module(
        "ch10.PositionWiseFFN",
        "PositionWiseFFN",
        1,
        transformer.PositionWiseFFN,
        _ffn_cases,
        _ffn_hint,
    ),
    _module("ch10.AddNorm", "AddNorm", 1, transformer.AddNorm, _addnorm_cases, _addnorm_hint),
    _module(
        "ch10.EncoderBlock",
        "EncoderBlock",
        2,
        transformer.EncoderBlock,
        _encoder_block_cases,
        _encoder_block_hint,
        compare=BLOCKS,
    ),
    _module(
        "ch10.TransformerEncoder",
        "TransformerEncoder",
        2,
        transformer.TransformerEncoder,
        _encoder_cases,
        _encoder_hint,
        compare=Compare(checker=decoder_checker(BLOCKS)),
        description="outputs and parameter gradients after loading the reference's state",
    ),
    _module(
        "ch10.DecoderBlock",
        "DecoderBlock",
        3,
        transformer.DecoderBlock,
        _decoder_block_cases,
        _decoder_block_hint,
        compare=Compare(checker=decoder_checker(BLOCKS)),
        description="the causal mask in training, the key-value cache in prediction",
    ),
    _module(
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
