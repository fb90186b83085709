"""8.5 a recurrent neural network from scratch: parameters, state, the forward pass and the model
class (gradient clipping, prediction and training: `rnn_training`).

`rnn` is compared with `d2lkit.rnn.rnn` (itself tested against `nn.RNN` with copied weights),
values and the gradients of the inputs, the state and every parameter. `RNNModelScratch` takes
functions, so the notebook's `run_rnn_model_scratch` (a given cell) builds it around recording
stand-ins the case supplies and calls it once.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from autograder.checks.ch08._common import _out, _shape, compare_grads
from autograder.compare import compare_values
from autograder.spec import Case, Compare, Exercise, Fixture
from autograder.strategies import randint, randn
from d2lkit import rnn as reference

NB_RNN_SCRATCH = "8.5-rnn-scratch"
PARAM_NAMES = ["W_xh", "W_hh", "b_h", "W_hq", "b_q"]
RNN_BUILTINS = ("rnn_tanh", "rnn_tanh_cell", "rnn_relu", "rnn_relu_cell", "d2lkit.rnn")
# clip_grad_norm_ reaches _foreach_norm, or linalg_vector_norm with foreach=False
CLIP_BUILTINS = (
    "clip_grad_norm_", "clip_grad_norm", "_foreach_norm", "linalg_vector_norm", "d2lkit.rnn",
)  # fmt: skip


def weights(vocab_size: int, num_hiddens: int, seed: int, scale: float = 0.5) -> list[torch.Tensor]:
    """Random RNN parameters `[W_xh, W_hh, b_h, W_hq, b_q]`, large enough for tanh to bend."""
    shapes = [
        (vocab_size, num_hiddens), (num_hiddens, num_hiddens), (num_hiddens,),
        (num_hiddens, vocab_size), (vocab_size,),
    ]  # fmt: skip
    return [randn(*shape, seed=seed + i, scale=scale) for i, shape in enumerate(shapes)]


# ---------------------------------------------------------------- get_params, init_rnn_state


def _get_params_cases() -> list[Case]:
    return [
        Case("vocab 28, 512 hiddens (the book's)", (28, 512, "cpu"), seed=41),
        Case("vocab 10, 64 hiddens", (10, 64, "cpu"), seed=42),
        Case("vocab 50, 200 hiddens", (50, 200), {"device": "cpu"}, seed=43, visible=False),
    ]


def _check_get_params(case: Case, expected: dict, student: dict) -> str | None:
    vocab_size, num_hiddens = case.args[:2]
    out = _out(student)
    if not isinstance(out, (list, tuple)) or len(out) != 5:
        return "return the list [W_xh, W_hh, b_h, W_hq, b_q]"
    want = [(vocab_size, num_hiddens), (num_hiddens, num_hiddens), (num_hiddens,),
            (num_hiddens, vocab_size), (vocab_size,)]  # fmt: skip
    for name, p, shape in zip(PARAM_NAMES, out, want):
        if _shape(p) != shape:
            return (
                f"{name} should be a tensor of shape {shape}, got {_shape(p) or type(p).__name__}"
            )
        if p.dtype != torch.float32:
            return f"{name} should be float32, got {p.dtype}"
    for name in ("b_h", "b_q"):
        p = out[PARAM_NAMES.index(name)]
        if bool(p.any()):
            return f"{name} should start at zeros"
    for name in ("W_xh", "W_hh", "W_hq"):
        p = out[PARAM_NAMES.index(name)].double()
        n = p.numel()
        std, mean = float(p.std()), float(p.mean())
        if abs(std - 0.01) > 0.01 * 6 / math.sqrt(2 * n) + 1e-4 or abs(mean) > 0.01 * 6 / math.sqrt(
            n
        ):
            return (
                f"{name} should be drawn from N(0, 0.01^2): torch.randn(shape) * 0.01; yours has "
                f"mean {mean:.3g} and standard deviation {std:.3g}"
            )
    return None


def _state_cases() -> list[Case]:
    return [
        Case("batch 2, 512 hiddens", (2, 512, "cpu")),
        Case("batch 1, 4 hiddens", (1, 4, "cpu")),
        Case(
            "batch 32, 16 hiddens, device as a keyword", (32, 16), {"device": "cpu"}, visible=False
        ),
    ]


def _state_hint(case: Case, expected: dict, student: dict) -> str | None:
    if isinstance(_out(student), torch.Tensor):
        return (
            "return a tuple holding the tensor, (H,): an LSTM's state has two, and the "
            "harness treats every model alike"
        )
    return None


# ---------------------------------------------------------------- rnn


def _rnn_case(
    name: str, steps: int, batch: int, vocab: int, hiddens: int, seed: int, **kw: Any
) -> Case:
    dtype = kw.pop("dtype", torch.float32)
    one_hot = kw.pop("one_hot", True)
    if one_hot:
        inputs = F.one_hot(randint(vocab, steps, batch, seed=seed), vocab).to(dtype)
    else:
        inputs = randn(steps, batch, vocab, seed=seed, dtype=dtype)
    state = (randn(batch, hiddens, seed=seed + 1, scale=0.5, dtype=dtype),)
    params = [w.to(dtype) for w in weights(vocab, hiddens, seed + 2)]
    fixture = Fixture("ch08.scratch_forward", {"inputs": inputs, "state": state, "params": params})
    return Case(name, fixture=fixture, grad=(0,), seed=seed, **kw)


def _rnn_cases() -> list[Case]:
    return [
        _rnn_case("5 steps, batch 2, vocab 28, 32 hiddens", 5, 2, 28, 32, 51),
        _rnn_case("one step, batch 3, vocab 6, 4 hiddens", 1, 3, 6, 4, 52),
        _rnn_case(
            "10 steps, batch 1, dense inputs (4 features), 8 hiddens",
            10,
            1,
            4,
            8,
            53,
            one_hot=False,
        ),
        _rnn_case(
            "float64, 7 steps, batch 4, vocab 5, 6 hiddens",
            7,
            4,
            5,
            6,
            54,
            dtype=torch.float64,
            visible=False,
        ),
        _rnn_case("35 steps, batch 2, vocab 28, 16 hiddens", 35, 2, 28, 16, 55, visible=False),
    ]


# 35 float32 steps of a recurrence summed in another order than the reference's drift past the
# default float32 tolerance; float64 keeps its own
_RNN_SPEC = Compare(rtol=1e-4, atol=1e-5)


def _rnn_spec(case: Case) -> Compare:
    if case.fixture.params["inputs"].dtype == torch.float64:
        return Compare()
    return _RNN_SPEC


def _check_rnn(case: Case, expected: dict, student: dict) -> str | None:
    spec = _rnn_spec(case)
    problem = compare_values(expected["output"], _out(student), spec)
    if problem:
        return problem
    problem = compare_grads(expected["grads"], student.get("grads"), ["inputs"], spec)
    if problem:
        return problem
    want, got = expected["after"], student.get("after") or {}
    problem = compare_grads(want["state_grads"], got.get("state_grads"), ["the state H"], spec)
    if problem:
        return problem
    return compare_grads(want["param_grads"], got.get("param_grads"), PARAM_NAMES, spec)


def _rnn_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        return "return the pair (outputs, (H,))"
    outputs, state = out
    want_outputs, _ = expected["output"]
    steps, batch = case.fixture.params["inputs"].shape[:2]
    vocab = want_outputs.shape[1]
    if _shape(outputs) in ((batch, steps * vocab), (steps, batch, vocab)):
        return "concatenate the steps' outputs on dimension 0: (num_steps * batch_size, vocab_size)"
    if not isinstance(state, (list, tuple)):
        return "return the state as a tuple (H,), as it came in"
    if compare_values(expected["output"], out, _rnn_spec(case)) is None:
        return (
            "the outputs are right but a gradient is not: keep every step on the graph "
            "(no .detach() or torch.no_grad inside), and use tanh"
        )
    return None


# ---------------------------------------------------------------- RNNModelScratch


def run_rnn_model_scratch(
    X: Any, vocab_size: int, num_hiddens: int, get_params: Any, init_state: Any, forward_fn: Any
) -> Any:
    """The reference side of the notebook's `run_rnn_model_scratch`."""
    net = reference.RNNModelScratch(
        vocab_size, num_hiddens, "cpu", get_params, init_state, forward_fn
    )
    state = net.begin_state(X.shape[0], "cpu")
    return net(X, state)


def _model_case(
    name: str, batch: int, steps: int, vocab: int, hiddens: int, seed: int, **kw: Any
) -> Case:
    params = {
        "X": randint(vocab, batch, steps, seed=seed),
        "vocab_size": vocab,
        "num_hiddens": hiddens,
        "weights": weights(vocab, hiddens, seed + 1),
        "fill": 0.25,
    }
    return Case(name, fixture=Fixture("ch08.model_stand_ins", params), seed=seed, **kw)


def _model_cases() -> list[Case]:
    return [
        _model_case("X (2, 5), vocab 28, 16 hiddens", 2, 5, 28, 16, 61),
        _model_case("X (3, 1), vocab 5, 4 hiddens", 3, 1, 5, 4, 62),
        _model_case("X (1, 8), vocab 7, 6 hiddens", 1, 8, 7, 6, 63, visible=False),
    ]


_MODEL_LOG = {
    "get_params": "the arguments get_params received (vocab_size, num_hiddens)",
    "init_state": "the arguments init_state received (batch_size, num_hiddens)",
    "inputs": "the inputs forward_fn received",
    "state": "the state forward_fn received",
}


def _check_model(case: Case, expected: dict, student: dict) -> str | None:
    want, got = expected["after"], student.get("after") or {}
    for key, label in _MODEL_LOG.items():
        problem = compare_values(want[key], got.get(key), Compare(), label)
        if problem:
            if key == "inputs":
                problem += (
                    "\nhint: forward_fn takes one-hot inputs, time first: "
                    "F.one_hot(X.T, vocab_size) as float32, (num_steps, batch_size, vocab_size)"
                )
            return problem
    return compare_values(expected["output"], _out(student), Compare())


EXERCISES = [
    Exercise(
        id="ch08.get_params",
        target="get_params",
        points=1,
        reference=reference.get_params,
        cases=_get_params_cases,
        notebook=NB_RNN_SCRATCH,
        compare=Compare(checker=_check_get_params),
        forbidden=("d2lkit.rnn",),
        description="shapes, zero biases, weights drawn from N(0, 0.01^2)",
    ),
    Exercise(
        id="ch08.init_rnn_state",
        target="init_rnn_state",
        points=1,
        reference=reference.init_rnn_state,
        cases=_state_cases,
        notebook=NB_RNN_SCRATCH,
        forbidden=("d2lkit.rnn",),
        hint=_state_hint,
    ),
    Exercise(
        id="ch08.rnn",
        target="rnn",
        points=3,
        reference=reference.rnn,
        cases=_rnn_cases,
        notebook=NB_RNN_SCRATCH,
        compare=Compare(checker=_check_rnn),
        forbidden=RNN_BUILTINS,
        hint=_rnn_hint,
        description="outputs, last state, and the gradients of the inputs, the state and every parameter",
    ),
    Exercise(
        id="ch08.RNNModelScratch",
        target="run_rnn_model_scratch",
        points=2,
        reference=run_rnn_model_scratch,
        cases=_model_cases,
        notebook=NB_RNN_SCRATCH,
        compare=Compare(checker=_check_model),
        forbidden=("d2lkit.rnn",),
        description="get_params, begin_state and one-hot, time-major inputs to forward_fn",
    ),
]
