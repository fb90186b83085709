"""What several sections of chapter 9 share: the stand-in translator's weights, the judge of a
module called through `sequences.module_call`, and small helpers for hints."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from autograder.compare import GRAD_LOOSENING, compare_values
from autograder.hints import LAYERS
from autograder.spec import Case, Compare, Fixture, T
from autograder.strategies import randint, randn

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


# ---------------------------------------------------------------- 9.1-9.4 cells from scratch
# the built-ins a from-scratch recurrent layer could hide behind, and the reference modules
RNN_BUILTINS = (
    "gru", "gru_cell", "lstm", "lstm_cell", "rnn_tanh", "rnn_tanh_cell", "rnn_relu",
    "rnn_relu_cell", "_thnn_fused_gru_cell", "_thnn_fused_lstm_cell", "d2lkit.modern_rnn",
    "d2lkit.rnn",
)  # fmt: skip


def _shape(value: Any) -> tuple[int, ...] | None:
    return tuple(value.shape) if isinstance(value, torch.Tensor) else None


def gate_shapes(num_inputs: int, num_hiddens: int) -> list[tuple[int, ...]]:
    """[W_x*, W_h*, b_*] of one gate (or one tanh layer)."""
    return [(num_inputs, num_hiddens), (num_hiddens, num_hiddens), (num_hiddens,)]


def _scale(shape: tuple[int, ...], hiddens: int) -> float:
    reads_state = len(shape) == 2 and shape[0] in (hiddens, 2 * hiddens)
    return 0.8 / math.sqrt(shape[0]) if reads_state else 0.5


def scratch_case(
    name: str,
    steps: int,
    batch: int,
    vocab: int,
    shapes: list[tuple[int, ...]],
    num_states: int,
    seed: int,
    **kw: Any,
) -> Case:
    """A call `f(inputs, state, params)` through `ch09.scratch_rnn`: one-hot (or, with
    `one_hot=False`, dense) inputs, a random state of `num_states` tensors, random parameters
    of `shapes` (large enough for the gates to bend)."""
    dtype = kw.pop("dtype", torch.float32)
    hiddens = kw.pop("hiddens")
    if kw.pop("one_hot", True):
        inputs = torch.nn.functional.one_hot(randint(vocab, steps, batch, seed=seed), vocab)
        inputs = inputs.to(dtype)
    else:
        inputs = randn(steps, batch, vocab, seed=seed, dtype=dtype)
    state = tuple(
        randn(batch, hiddens, seed=seed + 1 + i, scale=0.5, dtype=dtype) for i in range(num_states)
    )
    # a matrix that reads a hidden state is scaled by 0.8 / sqrt(num_hiddens): a recurrence that
    # neither dies out nor explodes over 35 steps, whose gradients float32 computes to 1e-4
    params = [
        randn(*shape, seed=seed + 10 + i, scale=_scale(shape, hiddens), dtype=dtype)
        for i, shape in enumerate(shapes)
    ]
    fixture = Fixture("ch09.scratch_rnn", {"inputs": inputs, "state": state, "params": params})
    return Case(name, fixture=fixture, grad=(0,), seed=seed, **kw)


def compare_grads(expected: Any, got: Any, names: list[str], spec: Compare) -> str | None:
    """The first of `names`' gradients that differs (tolerances loosened as for every gradient)."""
    expected = list(expected or [])
    got = list(got) if isinstance(got, (list, tuple)) else []
    got += [None] * (len(expected) - len(got))
    for name, want, have in zip(names, expected, got):
        if want is None:
            continue
        if have is None:
            return f"gradient of {name}: expected a gradient, got None (is it on the graph?)"
        problem = compare_values(want, have, spec, f"gradient of {name}", GRAD_LOOSENING)
        if problem:
            return problem
    return None


# a recurrence over 35 steps, summed in another order than the reference's, drifts by a few 1e-6
# in float32: the tolerance of a network's layers (`hints.LAYERS`)
RECURRENCE = Compare(rtol=LAYERS[0], atol=LAYERS[1])


def scratch_checker(param_names: list[str], state_names: list[str], spec: Compare = RECURRENCE):
    """Judge `f(inputs, state, params)`: the outputs and the final state, then the gradients of
    the inputs, of the initial state and of every parameter."""

    def check(case: Case, expected: dict, student: dict) -> str | None:
        problem = compare_values(expected["output"], _out(student), spec)
        if problem:
            return problem
        problem = compare_grads(expected["grads"], student.get("grads"), ["inputs"], spec)
        if problem:
            return problem
        want, got = expected["after"], student.get("after") or {}
        problem = compare_grads(want["state_grads"], got.get("state_grads"), state_names, spec)
        if problem:
            return problem
        return compare_grads(want["param_grads"], got.get("param_grads"), param_names, spec)

    return check


def scratch_hint_shapes(case: Case, expected: dict, student: dict) -> str | None:
    """The shape mistakes every from-scratch recurrent forward can make."""
    out = _out(student)
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        return "return the pair (outputs, state)"
    outputs, state = out
    want_outputs, want_state = expected["output"]
    steps, batch = case.fixture.params["inputs"].shape[:2]
    if _shape(outputs) == (steps, batch, want_outputs.shape[1]):
        return "concatenate the steps' outputs on dimension 0: (num_steps * batch_size, vocab_size)"
    if not isinstance(state, (list, tuple)):
        return f"return the state as a tuple of {len(want_state)} tensors, as it came in"
    return None


def params_checker(shapes_of: Any, names: list[str], weights: list[str]):
    """Judge `get_*_params(vocab_size, num_hiddens, device, ...)`: a list of float32 tensors of
    `shapes_of(*args)`, biases zero, the `weights` drawn from N(0, 0.01^2)."""

    def check(case: Case, expected: dict, student: dict) -> str | None:
        out = _out(student)
        shapes = shapes_of(*case.args, **case.kwargs)
        if not isinstance(out, (list, tuple)) or len(out) != len(shapes):
            return f"return the list [{', '.join(names)}]"
        for name, p, shape in zip(names, out, shapes):
            if _shape(p) != shape:
                got = _shape(p) or type(p).__name__
                return f"{name} should be a tensor of shape {shape}, got {got}"
            if p.dtype != torch.float32:
                return f"{name} should be float32, got {p.dtype}"
        for name, p in zip(names, out):
            if name.startswith("b_") and bool(p.any()):
                return f"{name} should start at zeros"
        for name, p in zip(names, out):
            if name not in weights:
                continue
            p = p.double()
            n, std, mean = p.numel(), float(p.std()), float(p.mean())
            if abs(std - 0.01) > 0.06 / math.sqrt(2 * n) + 1e-4 or abs(mean) > 0.06 / math.sqrt(n):
                return (
                    f"{name} should be drawn from N(0, 0.01^2): torch.randn(shape) * 0.01; yours "
                    f"has mean {mean:.3g} and standard deviation {std:.3g}"
                )
        return None

    return check


def params_cases(extra: tuple = ()) -> list[Case]:
    return [
        Case("vocab 28, 256 hiddens (the book's)", (28, 256, "cpu", *extra), seed=951),
        Case("vocab 10, 64 hiddens", (10, 64, "cpu", *extra), seed=952),
        Case("vocab 40, 100 hiddens", (40, 100, "cpu", *extra), seed=953, visible=False),
    ]


def state_cases() -> list[Case]:
    return [
        Case("batch 2, 256 hiddens", (2, 256, "cpu")),
        Case("batch 1, 4 hiddens", (1, 4, "cpu")),
        Case(
            "batch 32, 16 hiddens, device as a keyword", (32, 16), {"device": "cpu"}, visible=False
        ),
    ]


def state_hint(case: Case, expected: dict, student: dict) -> str | None:
    if isinstance(_out(student), torch.Tensor):
        return "return a tuple of tensors, as the other models' states are"
    return None


def cell_cases(
    shapes: Callable[[int, int], list[tuple[int, ...]]],
    num_states: int,
    seed: int,
    dense: tuple[int, int] = (8, 8),
) -> list[Case]:
    """The five cases of a from-scratch recurrent cell (9.1, 9.2, 9.4), seeds `seed` to `seed + 4`:
    `shapes(vocab_size, num_hiddens)` gives its parameters' shapes, `num_states` its state's
    tensors, `dense` the steps and hiddens of the case fed dense inputs instead of one-hot."""

    def case(name: str, steps: int, batch: int, vocab: int, hiddens: int, i: int, **kw: Any):
        return scratch_case(
            name, steps, batch, vocab, shapes(vocab, hiddens), num_states, seed + i,
            hiddens=hiddens, **kw,
        )  # fmt: skip

    steps, hiddens = dense
    return [
        case("5 steps, batch 2, vocab 28, 16 hiddens", 5, 2, 28, 16, 0),
        case("one step, batch 3, vocab 6, 4 hiddens", 1, 3, 6, 4, 1),
        case(f"{steps} steps, batch 1, dense inputs, {hiddens} hiddens", steps, 1, 5, hiddens, 2,
             one_hot=False),
        case("float64, 6 steps, batch 4, vocab 7, 5 hiddens", 6, 4, 7, 5, 3, dtype=torch.float64,
             visible=False),
        case("35 steps, batch 2, vocab 28, 12 hiddens", 35, 2, 28, 12, 4, visible=False),
    ]  # fmt: skip
