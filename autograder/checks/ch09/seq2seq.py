"""9.7 sequence-to-sequence learning: the GRU encoder and decoder, the mask, the masked loss,
greedy prediction and BLEU.

The modules are called through `sequences.module_call`, which records their parameters'
gradients; the decoder is also asked for `init_state` and called a second time with the state it
returned (what prediction does). `predict_seq2seq` runs on the encoder-decoder stand-in of
`autograder.fixtures.sequences`, so it is judged apart from any trained model.
"""

from __future__ import annotations

import collections
import math
from typing import Any

import torch

from autograder.checks.ch09._common import _out, _value, module_checker, translator_case
from autograder.hints import LAYERS, LOOSE, close
from autograder.spec import Case, Compare, Exercise, Fixture, T
from autograder.strategies import randint, randn
from d2lkit import seq2seq

NB_SEQ2SEQ = "9.7-seq2seq"
FORBIDDEN = ("d2lkit.seq2seq",)


# ---------------------------------------------------------------- the encoder
def _encoder_case(name: str, seed: int, init: tuple, b: int, s: int, visible: bool = True) -> Case:
    vocab_size = init[0]
    params = {
        "args": [randint(vocab_size, b, s, seed=seed), randint(s, b, seed=seed + 1) + 1],
        "seed": seed,
    }
    fixture = Fixture("sequences.module_call", params)
    return Case(name, init=init, fixture=fixture, seed=seed, visible=visible)


def _encoder_cases() -> list[Case]:
    return [
        _encoder_case(
            "the book's sizes: vocab 10, embed 8, hiddens 16, 2 layers", 911, (10, 8, 16, 2), 4, 7
        ),
        _encoder_case("one layer, batch 3, 5 steps", 912, (7, 4, 6, 1), 3, 5),
        _encoder_case("three layers, batch 1", 913, (12, 5, 6, 3), 1, 4, visible=False),
        _encoder_case("two layers, batch 5, 2 steps", 914, (9, 3, 4, 2), 5, 2, visible=False),
    ]


def _encoder_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the GRU's pair (output, state)"
    got = tuple(out[0].shape) if isinstance(out[0], torch.Tensor) else None
    if got == tuple(want[0].permute(1, 0, 2).shape) and got != tuple(want[0].shape):
        return (
            "the GRU is time-major: permute the embeddings to (num_steps, batch_size, embed_size) "
            "before the GRU, and return its output as it is"
        )
    return None


# ---------------------------------------------------------------- the decoder
def _decoder_case(
    name: str, seed: int, init: tuple, b: int, t: int, s: int, visible: bool = True
) -> Case:
    vocab_size, _, h, layers = init
    context = randn(b, h, seed=seed + 1, scale=0.5)
    hidden = randn(layers, b, h, seed=seed + 2, scale=0.5)
    params = {
        "args": [randint(vocab_size, b, t, seed=seed), (T(context, True), T(hidden, True))],
        "seed": seed,
        "then": [randint(vocab_size, b, 2, seed=seed + 3)],
        "init_state": [(randn(s, b, h, seed=seed + 4), randn(layers, b, h, seed=seed + 5))],
    }
    fixture = Fixture("sequences.module_call", params)
    return Case(name, init=init, fixture=fixture, seed=seed, visible=visible)


def _decoder_cases() -> list[Case]:
    return [
        _decoder_case(
            "the book's sizes: vocab 10, embed 8, hiddens 16, 2 layers",
            921,
            (10, 8, 16, 2),
            4,
            7,
            5,
        ),
        _decoder_case("one layer, batch 3, 4 steps", 922, (7, 4, 6, 1), 3, 4, 6),
        _decoder_case("one step at a time: 1 step, batch 2", 923, (8, 5, 6, 2), 2, 1, 3),
        _decoder_case("three layers, batch 1", 924, (11, 3, 5, 3), 1, 5, 2, visible=False),
    ]


def _reference_decoder(case: Case) -> Any:
    torch.manual_seed(case.seed)
    return seq2seq.Seq2SeqDecoder(*case.init)


def _decoder_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the pair (output, state)"
    if not (isinstance(out[1], (list, tuple)) and len(out[1]) == 2):
        return (
            "return the new state as the pair (context, new_hidden): the context must stay the "
            "encoder's for the next call"
        )
    logits = out[0]
    time_major = want[0].permute(1, 0, 2).shape
    if isinstance(logits, torch.Tensor) and logits.shape == time_major != want[0].shape:
        return "return the logits batch-major: (batch_size, num_steps, vocab_size)"
    X, (context, hidden) = case.fixture.params["args"]
    hidden = _value(hidden)
    with torch.no_grad():
        from_hidden, _ = _reference_decoder(case)(X, (hidden[-1], hidden))
    if close(logits, from_hidden, LAYERS) and not close(logits, want[0], LAYERS):
        return (
            "take the context from the state you are given (state[0]), not from the hidden "
            "state's last layer: once decoding has started they differ"
        )
    return None


# ---------------------------------------------------------------- sequence_mask
def _mask_cases() -> list[Case]:
    X = torch.tensor([[1, 2, 3], [4, 5, 6]])
    return [
        Case("the book's [[1, 2, 3], [4, 5, 6]], valid [1, 2]", (X, torch.tensor([1, 2]))),
        Case(
            "the book's ones (2, 3, 4), value=-1",
            (T(torch.ones(2, 3, 4), True), torch.tensor([1, 2])),
            {"value": -1},
            grad=(0,),
        ),
        Case(
            "float (4, 5), valid 0 and full length",
            (T(randn(4, 5, seed=931), True), torch.tensor([0, 5, 2, 3])),
            grad=(0,),
        ),
        Case(
            "float64 (3, 6, 2), value -1e6",
            (T(randn(3, 6, 2, seed=932, dtype=torch.float64), True), torch.tensor([6, 1, 4])),
            {"value": -1e6},
            grad=(0,),
            visible=False,
        ),
        Case(
            "(5, 4, 2, 3), valid lengths as int32",
            (
                T(randn(5, 4, 2, 3, seed=933), True),
                torch.tensor([4, 0, 1, 3, 2], dtype=torch.int32),
            ),
            grad=(0,),
            visible=False,
        ),
    ]


def _mask_hint(case: Case, expected: dict, student: dict) -> str | None:
    before = _value(case.args[0])
    after = (student.get("args_after") or [{}])[0].get("value")
    if isinstance(after, torch.Tensor) and not torch.equal(after, before):
        return "return a new tensor and leave X as it is (torch.where, or X.clone() first)"
    return None


# ---------------------------------------------------------------- MaskedSoftmaxCELoss
def _loss_cases() -> list[Case]:
    def case(name: str, b: int, s: int, v: int, seed: int, valid: list[int], **kw: Any) -> Case:
        pred = randn(b, s, v, seed=seed, dtype=kw.pop("dtype", torch.float32))
        args = (T(pred, True), randint(v, b, s, seed=seed + 1), torch.tensor(valid))
        return Case(name, args, grad=(0,), seed=seed, **kw)

    book = (
        T(torch.ones(3, 4, 10), True),
        torch.ones((3, 4), dtype=torch.long),
        torch.tensor([4, 2, 0]),
    )
    return [
        Case("the book's demo: [2.3026, 1.1513, 0]", book, grad=(0,)),
        case("batch 2, 5 steps, 7 classes", 2, 5, 7, 941, [3, 5]),
        case("batch 4, 3 steps, 5 classes, one empty", 4, 3, 5, 942, [0, 3, 1, 2]),
        case(
            "float64, batch 3, 6 steps, 4 classes",
            3,
            6,
            4,
            943,
            [6, 2, 4],
            dtype=torch.float64,
            visible=False,
        ),
        case("batch 1, 1 step, 3 classes", 1, 1, 3, 944, [1], visible=False),
    ]


def _loss_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    pred, label, valid_len = (_value(a) for a in case.args)
    if isinstance(out, torch.Tensor) and out.dim() == 0:
        return "return one loss per sequence, shape (batch_size,): average over the steps only"
    num_steps = pred.shape[1]
    per_valid = want * num_steps / valid_len.clamp(min=1).to(want.dtype)
    if close(out, per_valid, LOOSE) and not close(out, want, LOOSE):
        return "divide by num_steps (.mean(dim=1)): the padded steps count as zeros, as in the book"
    if close(out, want * num_steps, LOOSE):
        return "average over the steps (.mean(dim=1)) rather than summing them"
    unmasked = torch.nn.functional.cross_entropy(
        pred.permute(0, 2, 1).double(), label, reduction="none"
    ).mean(dim=1)
    if close(out, unmasked, LOOSE):
        return "weigh each step's loss by the mask: 1 below the valid length, 0 from there on"
    return None


# ---------------------------------------------------------------- predict_seq2seq
def _predict_cases() -> list[Case]:
    return [
        translator_case("'hi !', 6 steps", 6, "hi !", 6),
        translator_case("'i run', 6 steps", 14, "i run", 6),
        translator_case("'Hi !' (capitals are lower-cased), 5 steps", 5, "Hi !", 5),
        translator_case(
            "a source longer than num_steps", 5, "i run . go . hi run", 4, visible=False
        ),
        translator_case("an unknown word, 8 steps", 4, "hi you", 8, visible=False),
        translator_case(
            "save_attention_weights=True", 2, "run .", 3, visible=False, save_attention_weights=True
        ),
    ]


def _predict_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    if not (isinstance(out, (list, tuple)) and len(out) == 2):
        return "return the pair (translation, attention_weight_seq)"
    if not isinstance(out[0], str):
        return "the translation is one string: the predicted tokens joined by spaces"
    if "<eos>" in out[0].split(" "):
        return "stop at '<eos>' and leave it out of the translation"
    if "<bos>" in out[0].split(" ") and "<bos>" not in expected["output"][0].split(" "):
        return "start from '<bos>' but do not put it in the translation"
    return None


# ---------------------------------------------------------------- BLEU
def _bleu_cases() -> list[Case]:
    return [
        Case("an exact match, k=2", ("il est calme .", "il est calme .", 2)),
        Case("too short: the brevity penalty, k=2", ("a b", "a b c d", 2)),
        Case(
            "clipping: 'the the the the' against 'the cat the', k=1",
            ("the the the the", "the cat the", 1),
        ),
        Case("partial matches, k=2", ("a b c e", "a b c d", 2)),
        Case("k longer than the prediction: 'va !' against 'va !', k=3", ("va !", "va !", 3)),
        Case("no matching bigram, k=2", ("b a", "a b", 2)),
        Case(
            "longer than the label, k=3",
            ("je suis calme et content .", "je suis calme .", 3),
            visible=False,
        ),
        Case("repeated bigrams clipped, k=2", ("a b a b a b", "a b c a b", 2), visible=False),
        Case(
            "k=4 on a long sentence",
            ("i am going to the big house now", "i am going to a big house", 4),
            visible=False,
        ),
        Case("nothing matches, k=1", ("x y", "a b", 1), visible=False),
    ]


def _bleu_variant(pred: str, label: str, k: int, clip: bool = True, penalty: bool = True,
                  weight: str = "book") -> float:  # fmt: skip
    p, lab = pred.split(" "), label.split(" ")
    score = math.exp(min(0.0, 1 - len(lab) / len(p))) if penalty else 1.0
    for n in range(1, k + 1):
        total = len(p) - n + 1
        if total <= 0:
            break
        want = collections.Counter(tuple(lab[i : i + n]) for i in range(len(lab) - n + 1))
        got = collections.Counter(tuple(p[i : i + n]) for i in range(total))
        matches = sum(min(c, want[g]) if clip else (c if want[g] else 0) for g, c in got.items())
        score *= (matches / total) ** (0.5**n if weight == "book" else 1 / k)
    return score


def _bleu_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    if isinstance(out, torch.Tensor) and out.numel() == 1:
        out = out.item()
    if not isinstance(out, (int, float)):
        return "return the score as a Python float"
    pred, label, k = case.args
    for kw, advice in (
        (
            {"clip": False},
            "clip: a prediction's n-gram matches at most as often as it occurs in the label",
        ),
        (
            {"penalty": False},
            "multiply by the brevity penalty exp(min(0, 1 - len_label / len_pred))",
        ),
        ({"weight": "mean"}, "weigh p_n by the power 1 / 2**n, as the book does"),
    ):
        if math.isclose(out, _bleu_variant(pred, label, k, **kw), rel_tol=1e-6):
            return advice
    return None


EXERCISES = [
    Exercise(
        id="ch09.Seq2SeqEncoder",
        target="Seq2SeqEncoder",
        points=2,
        reference=seq2seq.Seq2SeqEncoder,
        cases=_encoder_cases,
        notebook=NB_SEQ2SEQ,
        kind="module",
        compare=Compare(checker=module_checker()),
        forbidden=FORBIDDEN,
        hint=_encoder_hint,
        description="output, state and parameter gradients after loading the reference's state",
    ),
    Exercise(
        id="ch09.Seq2SeqDecoder",
        target="Seq2SeqDecoder",
        points=3,
        reference=seq2seq.Seq2SeqDecoder,
        cases=_decoder_cases,
        notebook=NB_SEQ2SEQ,
        kind="module",
        compare=Compare(checker=module_checker(state_names=("context", "hidden"))),
        forbidden=FORBIDDEN,
        hint=_decoder_hint,
        description="init_state, forward, a second call with the returned state, and gradients",
    ),
    Exercise(
        id="ch09.sequence_mask",
        target="sequence_mask",
        points=1,
        reference=seq2seq.sequence_mask,
        cases=_mask_cases,
        notebook=NB_SEQ2SEQ,
        forbidden=FORBIDDEN,
        hint=_mask_hint,
    ),
    Exercise(
        id="ch09.MaskedSoftmaxCELoss",
        target="MaskedSoftmaxCELoss",
        points=2,
        reference=seq2seq.MaskedSoftmaxCELoss,
        cases=_loss_cases,
        notebook=NB_SEQ2SEQ,
        kind="module",
        compare=Compare(rtol=1e-5, atol=1e-6),
        forbidden=FORBIDDEN,
        hint=_loss_hint,
    ),
    Exercise(
        id="ch09.predict_seq2seq",
        target="predict_seq2seq",
        points=2,
        reference=seq2seq.predict_seq2seq,
        cases=_predict_cases,
        notebook=NB_SEQ2SEQ,
        forbidden=FORBIDDEN,
        hint=_predict_hint,
        description="greedy decoding on a deterministic stand-in encoder-decoder",
    ),
    Exercise(
        id="ch09.bleu",
        target="bleu",
        points=2,
        reference=seq2seq.bleu,
        cases=_bleu_cases,
        notebook=NB_SEQ2SEQ,
        forbidden=FORBIDDEN,
        hint=_bleu_hint,
    ),
]
