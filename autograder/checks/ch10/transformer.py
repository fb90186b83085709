"""10.7 the Transformer's encoder side: the position-wise FFN, add & norm, the encoder block and
the encoder (the decoder side is `transformer_decoder`).

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


def reference_module(cls: type, case: Case, expected: dict) -> Any:
    """The reference module of `case` with the state it ran with, for hints' variants."""
    module = cls(*case.init)
    module.load_state_dict(expected["state"])
    return module


def exercise(
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
    ffn = reference_module(transformer.PositionWiseFFN, case, expected)
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
    norm = reference_module(transformer.AddNorm, case, expected).ln
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
def block_init(h: int, norm_shape: list, ffn: int, heads: int, *extra: Any) -> tuple:
    return (h, h, h, h, norm_shape, h, ffn, heads, 0.0, *extra)


def _encoder_block_cases() -> list[Case]:
    def case(name, init, b, n, valid, seed, **kw):
        h = init[3]
        args = (T(randn(b, n, h, seed=seed), True), torch.tensor(valid))
        return module_case(name, init, args, seed, **kw)

    return [
        case(
            "the book's: 24 hiddens, norm [100, 24], 8 heads on (2, 100, 24)",
            block_init(24, [100, 24], 48, 8),
            2,
            100,
            [3, 2],
            1171,
        ),
        case(
            "16 hiddens, 4 heads, valid [5, 2, 3]",
            block_init(16, [16], 32, 4),
            3,
            5,
            [5, 2, 3],
            1172,
        ),
        case("with biases", block_init(8, [8], 16, 2, True), 2, 4, [4, 1], 1173),
        case("one head, batch 1", block_init(6, [6], 12, 1), 1, 3, [2], 1174, visible=False),
        case(
            "12 hiddens, 3 heads, batch 4",
            block_init(12, [12], 20, 3),
            4,
            6,
            [6, 1, 3, 5],
            1175,
            visible=False,
        ),
    ]


def _encoder_block_hint(case: Case, expected: dict, student: dict) -> str | None:
    block = reference_module(transformer.EncoderBlock, case, expected)
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
    encoder = reference_module(transformer.TransformerEncoder, case, expected)
    X, valid_lens = case.fixture.params["args"]
    with torch.no_grad():
        embedded = encoder.pos_encoding(encoder.embedding(X))
        for blk in encoder.blks:
            embedded = blk(embedded, valid_lens)
    if close(out(student), embedded, LOOSE):
        return "scale the embeddings by sqrt(num_hiddens) before adding the positional encoding"
    return None


EXERCISES = [
    exercise(
        "ch10.PositionWiseFFN",
        "PositionWiseFFN",
        1,
        transformer.PositionWiseFFN,
        _ffn_cases,
        _ffn_hint,
    ),
    exercise("ch10.AddNorm", "AddNorm", 1, transformer.AddNorm, _addnorm_cases, _addnorm_hint),
    exercise(
        "ch10.EncoderBlock",
        "EncoderBlock",
        2,
        transformer.EncoderBlock,
        _encoder_block_cases,
        _encoder_block_hint,
        compare=BLOCKS,
    ),
    exercise(
        "ch10.TransformerEncoder",
        "TransformerEncoder",
        2,
        transformer.TransformerEncoder,
        _encoder_cases,
        _encoder_hint,
        compare=Compare(checker=decoder_checker(BLOCKS)),
        description="outputs and parameter gradients after loading the reference's state",
    ),
]
