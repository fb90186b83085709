"""8.6 the concise RNN: `RNNModel` around a torch recurrent layer.

The class takes a layer object, so the notebook's `run_rnn_model` (a given cell) builds it around
the layer a case supplies, loads the output layer's weights, and calls it on `begin_state`'s
state. The case records the call (`sequences.module_call`): the check compares the outputs, the
state returned and the initial state, the gradients of every parameter (so the layers must be
named `rnn` and `linear`, as in the book), and a second call with the state the first returned.
"""

from __future__ import annotations

from typing import Any

from autograder.checks.ch08._common import _out, _shape
from autograder.compare import GRAD_LOOSENING, compare_values
from autograder.spec import Case, Compare, Exercise, Fixture
from autograder.strategies import randint
from d2lkit import rnn as reference

NB_RNN_CONCISE = "8.6-rnn-concise"


def run_rnn_model(rnn_layer: Any, vocab_size: int, X: Any, linear_state: Any) -> Any:
    """The reference side of the notebook's `run_rnn_model`."""
    net = reference.RNNModel(rnn_layer, vocab_size)
    net.linear.load_state_dict(linear_state)
    state = net.begin_state(device="cpu", batch_size=X.shape[0])
    Y, new_state = net(X, state)
    return Y, new_state, state


def _case(
    name: str,
    kind: str,
    batch: int,
    steps: int,
    vocab: int,
    hiddens: int,
    layers: int,
    bidirectional: bool,
    seed: int,
    **kw: Any,
) -> Case:
    params = {
        "kind": kind,
        "vocab_size": vocab,
        "num_hiddens": hiddens,
        "num_layers": layers,
        "bidirectional": bidirectional,
        "X": randint(vocab, batch, steps, seed=seed),
        "then": randint(vocab, batch, 2, seed=seed + 1),
        "seed": seed,
    }
    return Case(name, fixture=Fixture("ch08.rnn_layer_model", params), seed=seed, **kw)


def _cases() -> list[Case]:
    return [
        _case("nn.RNN, X (2, 5), vocab 28, 16 hiddens", "rnn", 2, 5, 28, 16, 1, False, 101),
        _case("nn.RNN, one step, batch 3", "rnn", 3, 1, 6, 4, 1, False, 102),
        _case("nn.RNN, 2 layers", "rnn", 2, 4, 7, 5, 2, False, 103),
        _case("nn.GRU, X (2, 3)", "gru", 2, 3, 6, 5, 1, False, 104, visible=False),
        _case("nn.LSTM: the state is a pair (H, C)", "lstm", 2, 4, 6, 5, 1, False, 105),
        _case("bidirectional nn.RNN", "rnn", 2, 3, 6, 4, 1, True, 106, visible=False),
        _case("nn.LSTM, 2 layers, batch 1", "lstm", 1, 6, 5, 3, 2, False, 107, visible=False),
    ]


_PARTS = ("the outputs Y", "the state returned", "the state begin_state made")


def _check(case: Case, expected: dict, student: dict) -> str | None:
    want, got = expected["output"], _out(student)
    if not isinstance(got, (list, tuple)) or len(got) != 3:
        return "run_rnn_model returns (Y, state, begin_state's state): keep its cell as given"
    for label, w, g in zip(_PARTS, want, got):
        problem = compare_values(w, g, Compare(), label)
        if problem:
            return problem
    want_after, got_after = expected["after"], student.get("after") or {}
    grads = want_after.get("param_grads", {})
    got_grads = got_after.get("param_grads") or {}
    if sorted(got_grads) != sorted(grads):
        return (
            f"the model's parameters are named {sorted(got_grads)}; expected {sorted(grads)}: "
            "keep the layer as self.rnn and the output layer as self.linear"
        )
    for name, w in grads.items():
        problem = compare_values(
            w, got_grads[name], Compare(), f"gradient of {name}", GRAD_LOOSENING
        )
        if problem:
            return problem
    return compare_values(
        want_after.get("then"), got_after.get("then"), Compare(),
        "the output of a second call with the state the first call returned",
    )  # fmt: skip


def _hint(case: Case, expected: dict, student: dict) -> str | None:
    got = _out(student)
    want = expected["output"]
    if not isinstance(got, (list, tuple)) or len(got) != 3:
        return None
    steps, batch = case.fixture.params["X"].shape[1], case.fixture.params["X"].shape[0]
    if _shape(got[0]) in ((steps, batch, want[0].shape[1]), (batch, steps, want[0].shape[1])):
        return "flatten Y to (num_steps * batch_size, hidden width) before the linear layer"
    return None


EXERCISES = [
    Exercise(
        id="ch08.RNNModel",
        target="run_rnn_model",
        points=3,
        reference=run_rnn_model,
        cases=_cases,
        notebook=NB_RNN_CONCISE,
        compare=Compare(checker=_check),
        forbidden=("d2lkit.rnn",),
        hint=_hint,
        description="one-hot, time-major inputs, begin_state, any torch recurrent layer",
    ),
]
