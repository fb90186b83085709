"""9.3 deep recurrent networks: a stack of tanh RNN layers from scratch."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch09._common import (
    RNN_BUILTINS,
    _out,
    gate_shapes,
    params_checker,
    scratch_case,
    scratch_checker,
    scratch_hint_shapes,
)
from autograder.hints import LAYERS, close
from autograder.spec import Case, Compare, Exercise
from d2lkit import modern_rnn

NB_DEEP_RNN = "9.3-deep-rnn"


def _names(num_layers: int) -> list[str]:
    layers = [f"{n}^{layer + 1}" for layer in range(num_layers) for n in ("W_xh", "W_hh", "b_h")]
    return [*layers, "W_hq", "b_q"]


def _shapes(
    vocab_size: int, num_hiddens: int, device: Any = "cpu", num_layers: int = 2
) -> list[tuple[int, ...]]:
    layers = [
        s
        for layer in range(num_layers)
        for s in gate_shapes(vocab_size if layer == 0 else num_hiddens, num_hiddens)
    ]
    return [*layers, (num_hiddens, vocab_size), (vocab_size,)]


def _params_cases() -> list[Case]:
    return [
        Case("vocab 28, 256 hiddens, 2 layers (the default)", (28, 256, "cpu"), seed=991),
        Case("vocab 10, 64 hiddens, 3 layers", (10, 64, "cpu", 3), seed=992),
        Case("vocab 40, 100 hiddens, 1 layer", (40, 100, "cpu"), {"num_layers": 1}, visible=False),
    ]


def _check_params(case: Case, expected: dict, student: dict) -> str | None:
    num_layers = case.args[3] if len(case.args) > 3 else case.kwargs.get("num_layers", 2)
    names = _names(num_layers)
    weights = [n for n in names if n.startswith("W_")]
    return params_checker(_shapes, names, weights)(case, expected, student)


def _case(name: str, steps: int, batch: int, vocab: int, hiddens: int, layers: int, seed: int,
          **kw: Any) -> Case:  # fmt: skip
    shapes = _shapes(vocab, hiddens, num_layers=layers)
    return scratch_case(name, steps, batch, vocab, shapes, layers, seed, hiddens=hiddens, **kw)


def _deep_cases() -> list[Case]:
    return [
        _case("two layers, 5 steps, batch 2, vocab 28, 16 hiddens", 5, 2, 28, 16, 2, 1001),
        _case("two layers, one step, batch 3, vocab 6, 4 hiddens", 1, 3, 6, 4, 2, 1002),
        _case("three layers, 6 steps, batch 2, vocab 5, 6 hiddens", 6, 2, 5, 6, 3, 1003),
        _case(
            "float64, two layers, 7 steps, batch 4, vocab 7, 5 hiddens",
            7,
            4,
            7,
            5,
            2,
            1004,
            dtype=torch.float64,
            visible=False,
        ),  # fmt: skip
        _case(
            "one layer, 4 steps, dense inputs", 4, 2, 5, 6, 1, 1005, one_hot=False, visible=False
        ),
        _case("two layers, 35 steps, batch 2, vocab 28", 35, 2, 28, 12, 2, 1006, visible=False),
    ]


def deep_variant(inputs, state, params, read_bottom=False):
    """The deep RNN, or (`read_bottom`) one whose output layer reads the bottom layer."""
    num_layers = (len(params) - 2) // 3
    X, layer_states = inputs, []
    for layer in range(num_layers):
        W_xh, W_hh, b_h = params[3 * layer : 3 * layer + 3]
        H, Hs = state[layer], []
        for x in X:
            H = torch.tanh(x @ W_xh + H @ W_hh + b_h)
            Hs.append(H)
        X = torch.stack(Hs)
        layer_states.append(X)
    top = layer_states[0] if read_bottom else layer_states[-1]
    W_hq, b_q = params[-2:]
    return top.reshape(-1, top.shape[-1]) @ W_hq + b_q


def _check_deep(case: Case, expected: dict, student: dict) -> str | None:
    layers = len(case.fixture.params["state"])
    states = [f"the state of layer {i + 1}" for i in range(layers)]
    return scratch_checker(_names(layers), states)(case, expected, student)


def _deep_hint(case: Case, expected: dict, student: dict) -> str | None:
    shapes = scratch_hint_shapes(case, expected, student)
    if shapes:
        return shapes
    outputs, state = _out(student)
    p = case.fixture.params
    bottom = deep_variant(p["inputs"], p["state"], p["params"], read_bottom=True)
    if len(p["state"]) > 1 and close(outputs, bottom, LAYERS):
        return "the output layer reads the top layer's states, not the bottom one's"
    if len(state) != len(p["state"]):
        return f"return one final state per layer, bottom first: a tuple of {len(p['state'])}"
    if close(outputs, expected["output"][0], LAYERS):
        return (
            "the outputs are right but the state or a gradient is not: keep every step on the graph"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch09.get_deep_rnn_params",
        origin="kit",
        target="get_deep_rnn_params",
        points=1,
        reference=modern_rnn.get_deep_rnn_params,
        cases=_params_cases,
        notebook=NB_DEEP_RNN,
        compare=Compare(checker=_check_params),
        forbidden=RNN_BUILTINS,
        description="one [W_xh, W_hh, b_h] per layer, then the output layer",
    ),
    Exercise(
        id="ch09.deep_rnn",
        origin="kit",
        target="deep_rnn",
        points=3,
        reference=modern_rnn.deep_rnn,
        cases=_deep_cases,
        notebook=NB_DEEP_RNN,
        compare=Compare(checker=_check_deep),
        forbidden=RNN_BUILTINS,
        hint=_deep_hint,
        description="outputs, every layer's final state, and the gradients",
    ),
]
