"""9.6 the encoder-decoder architecture: `EncoderDecoder.forward` wires encoder, init_state and
decoder. A case hands the student's class two recording stand-ins (`ch09.recording_encoder_decoder`)
through the notebook's `run_encoder_decoder`, which builds `EncoderDecoder(encoder, decoder)` and
calls it: a class taking modules cannot be built from a case's plain arguments."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch09._common import _out
from autograder.spec import Case, Exercise, Fixture
from autograder.strategies import randint, randn
from d2lkit import seq2seq

NB_ENCODER_DECODER = "9.6-encoder-decoder"


def run_encoder_decoder(encoder: Any, decoder: Any, enc_X: Any, dec_X: Any, *args: Any) -> Any:
    """The reference side of the notebook's `run_encoder_decoder`: d2lkit's EncoderDecoder."""
    return seq2seq.EncoderDecoder(encoder, decoder)(enc_X, dec_X, *args)


def _case(name: str, seed: int, b: int, s: int, t: int, valid: bool, **kw: Any) -> Case:
    dtype = kw.pop("dtype", torch.float32)
    params: dict[str, Any] = {
        "W": randn(3, 4, seed=seed, dtype=dtype),
        "V": randn(2, 4, seed=seed + 1, dtype=dtype),
        "enc_X": randn(b, s, 3, seed=seed + 2, dtype=dtype),
        "dec_X": randn(b, t, 2, seed=seed + 3, dtype=dtype),
    }
    if valid:
        params["valid_len"] = randint(s, b, seed=seed + 4) + 1
    fixture = Fixture("ch09.recording_encoder_decoder", params)
    return Case(name, fixture=fixture, grad=(2, 3), seed=seed, **kw)


def _cases() -> list[Case]:
    return [
        _case("batch 2, source 5 steps, target 4, with valid lengths", 901, 2, 5, 4, True),
        _case("no extra arguments", 902, 3, 4, 2, False),
        _case("batch 1, one target step, with valid lengths", 903, 1, 6, 1, True, visible=False),
        _case(
            "float64, batch 4, with valid lengths",
            904,
            4,
            3,
            5,
            True,
            dtype=torch.float64,
            visible=False,
        ),
    ]


def _hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return what the decoder returns: the pair (output, state)"
    want = {entry[0]: entry for entry in expected.get("after") or []}
    got = {entry[0]: entry for entry in student.get("after") or []}
    if "init_state" not in got:
        return (
            "turn the encoder's outputs into the decoder's state with "
            "self.decoder.init_state(enc_outputs, *args) before calling the decoder"
        )
    for method in ("encoder", "init_state"):
        if method in want and got.get(method, [None, None, None])[2] != want[method][2]:
            where = "self.encoder" if method == "encoder" else "self.decoder.init_state"
            return f"pass the extra arguments (*args, e.g. the valid lengths) on to {where}"
    return None


EXERCISES = [
    Exercise(
        id="ch09.EncoderDecoder",
        target="run_encoder_decoder",
        points=2,
        reference=run_encoder_decoder,
        cases=_cases,
        notebook=NB_ENCODER_DECODER,
        forbidden=("d2lkit.seq2seq",),
        hint=_hint,
        description="encoder(enc_X, *args), decoder.init_state(.., *args), decoder(dec_X, state)",
    ),
]
