"""What several sections of chapter 9 share: the stand-in translator's weights, the judge of a
module called through `sequences.module_call`, and small helpers for hints."""

from __future__ import annotations

from typing import Any

import torch

from autograder.compare import GRAD_LOOSENING, compare_values
from autograder.spec import Case, Compare, Fixture, T

# the word lists the stand-in translator's vocabularies are made of (<unk>, <pad>, <bos>, <eos>
# come first); TINY_TGT makes a 6-token target vocabulary, small enough for exhaustive search
SRC_WORDS = ["go", "i", "run", "hi", "."]
TGT_WORDS = ["va", "je", "cours", "!", "salut", "."]
TINY_TGT = ["a", "b"]


def _out(student: dict) -> Any:
    return student.get("output")


def _value(arg: Any) -> Any:
    return arg.value if isinstance(arg, T) else arg


def stand_in_weights(
    seed: int, src_words: list[str], tgt_words: list[str], num_hiddens: int = 5, junk: float = -4.0
) -> dict[str, torch.Tensor]:
    """Plain tensors for `sequences.stand_in_translator`; `<unk>`, `<pad>` and `<bos>` get the
    output bias `junk` (very negative: never likely)."""
    g = torch.Generator().manual_seed(seed)
    h, S, V = num_hiddens, len(src_words) + 4, len(tgt_words) + 4

    def normal(*shape: int, scale: float = 1.0) -> torch.Tensor:
        return torch.randn(shape, generator=g) * scale

    weights = {
        "src_embedding": normal(S, h),
        "W_enc": normal(h, h),
        "tgt_embedding": normal(V, h),
        "W_in": normal(h, h, scale=0.7),
        "W_h": normal(h, h, scale=0.7),
        "W_ctx": normal(h, h, scale=0.7),
        "W_out": normal(h, V, scale=0.8),
        "b_out": normal(V, scale=0.3),
    }
    weights["b_out"][:3] = junk
    return weights


def translator_case(
    name: str,
    seed: int,
    src_sentence: str,
    num_steps: int,
    beam_size: int | None = None,
    tgt_words: list[str] = TGT_WORDS,
    eos_slope: float = 0.4,
    junk: float = -4.0,
    visible: bool = True,
    **kwargs: Any,
) -> Case:
    """A call of `predict_seq2seq` (or, with `beam_size`, `beam_search`) on the stand-in."""
    params = {
        "weights": stand_in_weights(seed, SRC_WORDS, tgt_words, junk=junk),
        "src_words": SRC_WORDS,
        "tgt_words": tgt_words,
        "src_sentence": src_sentence,
        "num_steps": num_steps,
        "eos_slope": eos_slope,
        "beam_size": beam_size,
        "kwargs": kwargs,
    }
    return Case(name, fixture=Fixture("ch09.translator", params), visible=visible, seed=seed)


# ---------------------------------------------------------------- modules called by module_call
MODULE_CHANGES = (
    ("init_state", "init_state(enc_outputs)"),
    ("then", "output of a second call with the state your first call returned"),
)


def module_checker(spec: Compare | None = None, state_names: tuple[str, ...] = ()):
    """Judge a module called through `sequences.module_call`: the output, the state_dict after
    the call, `init_state` and the second call when the case asks for them, then the gradients of
    the parameters and of the state tensors passed in (named `state_names`)."""
    spec = spec or Compare()

    def check(case: Case, expected: dict, student: dict) -> str | None:
        problem = compare_values(expected["output"], _out(student), spec)
        if problem:
            return problem
        problem = compare_values(expected.get("state"), student.get("state"), spec, "state_dict")
        if problem:
            return problem
        want, got = expected.get("after") or {}, student.get("after") or {}
        for key, label in MODULE_CHANGES:
            if key in want:
                problem = compare_values(want[key], got.get(key), spec, label)
                if problem:
                    return problem
        if not spec.grads:
            return None
        for name, grad in (want.get("param_grads") or {}).items():
            mine = (got.get("param_grads") or {}).get(name)
            problem = compare_values(grad, mine, spec, f"gradient of {name}", GRAD_LOOSENING)
            if problem:
                return problem
        mine_inputs = list(got.get("input_grads") or [])
        for i, grad in enumerate(want.get("input_grads") or []):
            label = state_names[i] if i < len(state_names) else f"input {i}"
            mine = mine_inputs[i] if i < len(mine_inputs) else None
            problem = compare_values(grad, mine, spec, f"gradient of {label}", GRAD_LOOSENING)
            if problem:
                return problem
        return None

    return check
