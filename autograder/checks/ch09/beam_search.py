"""9.8 beam search over a 9.7-style encoder-decoder.

Every case runs on the stand-in encoder-decoder of `autograder.fixtures.sequences` (deterministic,
built from plain tensors): a beam of 1 (greedy search), beams of 2 and 3, and, on a six-token
target vocabulary whose `<unk>`, `<pad>` and `<bos>` are never likely, a beam as wide as the
vocabulary, which finds what exhaustive search finds. The translation must match the reference's
exactly and the score, the book's length-normalised log-probability, closely.
"""

from __future__ import annotations

import math

import torch

from autograder.checks.ch09._common import TINY_TGT, _out, translator_case
from autograder.spec import Case, Compare, Exercise
from d2lkit import beam_search as beam

NB_BEAM = "9.8-beam-search"
ALPHA = 0.75


def _cases() -> list[Case]:
    tiny = {"tgt_words": TINY_TGT, "eos_slope": 0.3, "junk": -50.0}
    return [
        translator_case("beam 1 is greedy search: 'hi !'", 6, "hi !", 6, beam_size=1),
        translator_case("beam 2 beats greedy: 'hi !'", 6, "hi !", 6, beam_size=2),
        translator_case("beam 3: 'hi !'", 6, "hi !", 6, beam_size=3),
        translator_case("beam 2: 'i run'", 14, "i run", 6, beam_size=2),
        translator_case(
            "beam 6 on a 6-token vocabulary: exhaustive", 15, "hi .", 3, beam_size=6, **tiny
        ),
        translator_case("beam 1, 'i run'", 14, "i run", 6, beam_size=1, visible=False),
        translator_case("beam 3, 'i run'", 14, "i run", 6, beam_size=3, visible=False),
        translator_case("beam 3, 'go .', 8 steps", 2, "go .", 8, beam_size=3, visible=False),
        translator_case(
            "beam 2, alpha 0 (no length normalisation)",
            6,
            "hi !",
            6,
            beam_size=2,
            visible=False,
            alpha=0.0,
        ),
        translator_case(
            "beam 6 on a 6-token vocabulary, 'i .'",
            24,
            "i .",
            3,
            beam_size=6,
            visible=False,
            **tiny,
        ),
        translator_case(
            "beam 6 on a 6-token vocabulary, 4 steps",
            15,
            "hi .",
            4,
            beam_size=6,
            visible=False,
            **tiny,
        ),
        translator_case(
            "beam 4 on a 6-token vocabulary", 7, "go go", 3, beam_size=4, visible=False, **tiny
        ),
    ]


def _hint(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the pair (translation, score)"
    translation, score = out
    if isinstance(score, torch.Tensor) and score.numel() == 1:
        score = score.item()
    if translation != want[0] or isinstance(score, bool) or not isinstance(score, (int, float)):
        if isinstance(translation, str) and "<eos>" in translation.split(" "):
            return "leave '<eos>' out of the translation"
        return None
    params = case.fixture.params
    alpha = params["kwargs"].get("alpha", ALPHA)
    num_tokens = len(translation.split(" ")) if translation else 0
    # L counts <eos> when it was generated: a translation shorter than num_steps ended with it
    length = num_tokens + 1 if num_tokens < params["num_steps"] else num_tokens
    log_prob = want[1] * length**alpha
    if math.isclose(score, log_prob, rel_tol=1e-4):
        return "divide the summed log-probabilities by L**alpha (the length-normalised score)"
    if num_tokens and math.isclose(score, log_prob / num_tokens**alpha, rel_tol=1e-4):
        return "L counts '<eos>' too, when the candidate generated it"
    if math.isclose(score, math.exp(log_prob) / length**alpha, rel_tol=1e-4):
        return "sum the log-probabilities (log_softmax), not the probabilities"
    return None


EXERCISES = [
    Exercise(
        id="ch09.beam_search",
        origin="kit",
        target="beam_search",
        points=4,
        reference=beam.beam_search,
        cases=_cases,
        notebook=NB_BEAM,
        compare=Compare(rtol=1e-5, atol=1e-6),
        forbidden=("d2lkit.beam_search", "d2lkit.seq2seq"),
        hint=_hint,
        description="translation and length-normalised score against the reference, beams 1 to 6",
    ),
]
