"""8.5 training the recurrent network from scratch: gradient clipping (the global norm, in
place), greedy prediction after a warm-up on the prefix, and one training epoch (perplexity, and
the state detached between minibatches in sequential mode). The model and its parts:
`rnn_scratch`, whose notebook and case weights these share.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from autograder.checks.ch08._common import _out
from autograder.checks.ch08.rnn_scratch import CLIP_BUILTINS, NB_RNN_SCRATCH, weights
from autograder.compare import compare_values
from autograder.hints import close
from autograder.spec import Case, Compare, Exercise, Fixture
from autograder.strategies import randint, randn
from d2lkit import rnn as reference

# ---------------------------------------------------------------- grad_clipping


def _clip_case(
    name: str,
    shapes: list[tuple[int, ...]],
    scale: float,
    theta: float,
    module: bool,
    seed: int,
    **kw: Any,
) -> Case:
    values = [randn(*s, seed=seed + i) for i, s in enumerate(shapes)]
    grads = [randn(*s, seed=seed + 50 + i, scale=scale) for i, s in enumerate(shapes)]
    params = {"values": values, "grads": grads, "theta": theta, "module": module}
    return Case(name, fixture=Fixture("ch08.net_with_grads", params), seed=seed, **kw)


def _clip_cases() -> list[Case]:
    shapes = [(6, 4), (4, 4), (4,), (4, 6), (6,)]
    return [
        _clip_case("a scratch model, global norm above theta = 1", shapes, 1.0, 1.0, False, 71),
        _clip_case("an nn.Module, global norm above theta = 1", shapes, 1.0, 1.0, True, 72),
        _clip_case("norm below theta: nothing changes", shapes, 0.01, 1.0, False, 73),
        _clip_case("each gradient below theta, their global norm above", [(3,)] * 8, 0.5, 1.5, False, 74),
        _clip_case("an nn.Module, theta = 5, large gradients", shapes, 10.0, 5.0, True, 75, visible=False),
        _clip_case("an nn.Module, norm below theta = 100", shapes, 1.0, 100.0, True, 76, visible=False),
    ]  # fmt: skip


def _check_clip(case: Case, expected: dict, student: dict) -> str | None:
    want, got = expected["after"], student.get("after")
    if not isinstance(got, list) or len(got) != len(want):
        return "the parameters' gradients are gone after the call"
    theta = case.fixture.params["theta"]
    before = case.fixture.params["grads"]
    for i, (w, g) in enumerate(zip(want, got)):
        problem = compare_values(
            w, g, Compare(rtol=1e-5, atol=1e-6), f"the gradient of parameter {i} after clipping"
        )
        if problem:
            if (
                isinstance(g, torch.Tensor)
                and torch.equal(g, before[i])
                and not torch.equal(w, before[i])
            ):
                problem += (
                    "\nhint: scale the gradients in place (param.grad[:] *= theta / norm), "
                    "so that the caller's update sees them"
                )
                return problem
            norms = [float(t.norm()) for t in got]
            total = math.sqrt(sum(float(t.norm()) ** 2 for t in before))
            if (
                total > theta
                and all(n <= theta * (1 + 1e-5) for n in norms)
                and not close(got, want)
            ):
                problem += (
                    "\nhint: clip by the global norm of all gradients together, sqrt of the sum "
                    "of every gradient's squared entries, not each gradient by its own"
                )
            elif total <= theta:
                problem += (
                    f"\nhint: the global norm {total:.4g} is at most theta = {theta}: "
                    "leave the gradients as they are"
                )
            return problem
    return None


# ---------------------------------------------------------------- predict_ch8


_CHARS = " etaoinshrdlumvc"


def _predict_case(name: str, prefix: str, num_preds: int, seed: int, **kw: Any) -> Case:
    vocab_size = len(_CHARS) + 1
    params = {
        "weights": weights(vocab_size, 12, seed, scale=1.2),
        "chars": _CHARS,
        "prefix": prefix,
        "num_preds": num_preds,
    }
    return Case(name, fixture=Fixture("ch08.char_model", params), seed=seed, **kw)


def _predict_cases() -> list[Case]:
    return [
        _predict_case("prefix 'time traveller', 10 predictions", "time traveller", 10, 81),
        _predict_case("prefix 'the ', 20 predictions", "the ", 20, 82),
        _predict_case("a one-character prefix", "t", 15, 83),
        _predict_case("no prediction: the prefix back", "hello", 0, 84, visible=False),
        _predict_case("a prefix with an unknown character", "a zebra", 12, 85, visible=False),
        _predict_case("50 predictions", "traveller", 50, 86, visible=False),
    ]


def _predict_variants(case: Case) -> dict[str, str]:
    """What two common mistakes return on this case: no warm-up, and a fresh state per step."""
    from autograder.fixtures import build

    (prefix, num_preds, net, vocab, _), _, _ = build(case.fixture.name, case.fixture.params)
    found = {}
    for mistake in ("no warm-up", "fresh state"):
        state = net.begin_state(1, "cpu")
        indices = [vocab[c] for c in prefix]
        with torch.no_grad():
            if mistake == "fresh state" and len(indices) > 1:
                _, state = net(torch.tensor([indices[:-1]]), state)
            for _ in range(num_preds):
                if mistake == "fresh state":
                    state = net.begin_state(1, "cpu")
                y, state = net(torch.tensor([[indices[-1]]]), state)
                indices.append(int(y.argmax(dim=1)[-1]))
        found[mistake] = "".join(vocab.to_tokens(indices))
    return found


def _predict_hint(case: Case, expected: dict, student: dict) -> str | None:
    out, want = _out(student), expected["output"]
    if not isinstance(out, str):
        return "return one string: the prefix and the predicted tokens joined"
    variants = _predict_variants(case)
    if out == variants["no warm-up"]:
        return "run the prefix through the net first (warm-up), so that the state has seen it"
    if out == variants["fresh state"]:
        return "keep the state: each prediction continues from the state the last call returned"
    if want.endswith(out) or not out.startswith(case.fixture.params["prefix"][:1]):
        return (
            f"return the prefix '{case.fixture.params['prefix']}' followed by num_preds = "
            f"{case.fixture.params['num_preds']} predicted tokens, as one string"
        )
    return None


# ---------------------------------------------------------------- train_epoch_ch8


def _train_case(
    name: str,
    batch: int,
    steps: int,
    num_batches: int,
    lr: float,
    use_random_iter: bool,
    module: bool,
    seed: int,
    **kw: Any,
) -> Case:
    vocab, hiddens = 8, 10
    corpus = randint(vocab, num_batches * steps * batch + 1, seed=seed)
    streams = corpus[: num_batches * steps * batch].reshape(batch, -1)
    labels = corpus[1 : num_batches * steps * batch + 1].reshape(batch, -1)
    Xs = torch.stack([streams[:, i * steps : (i + 1) * steps] for i in range(num_batches)])
    Ys = torch.stack([labels[:, i * steps : (i + 1) * steps] for i in range(num_batches)])
    params = {
        "weights": weights(vocab, hiddens, seed + 1, scale=0.8),
        "Xs": Xs,
        "Ys": Ys,
        "lr": lr,
        "use_random_iter": use_random_iter,
        "module": module,
    }
    return Case(name, fixture=Fixture("ch08.lm_epoch", params), seed=seed, **kw)


def _train_cases() -> list[Case]:
    return [
        _train_case(
            "scratch model, sequential, 4 minibatches (2, 5)", 2, 5, 4, 1.0, False, False, 91
        ),
        _train_case(
            "scratch model, random sampling, 3 minibatches (3, 4)", 3, 4, 3, 1.0, True, False, 92
        ),
        _train_case("nn.Module, sequential, 4 minibatches (2, 6)", 2, 6, 4, 1.0, False, True, 93),
        _train_case(
            "nn.Module, random sampling, 3 minibatches (4, 3)",
            4,
            3,
            3,
            2.0,
            True,
            True,
            94,
            visible=False,
        ),
        _train_case(
            "scratch model, sequential, 6 minibatches (1, 7)",
            1,
            7,
            6,
            0.5,
            False,
            False,
            95,
            visible=False,
        ),
    ]


_TRAIN_SPEC = Compare(rtol=1e-4, atol=1e-5)


def _check_train(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        return "return the pair (perplexity, tokens per second)"
    ppl, speed = out
    if isinstance(speed, torch.Tensor) and speed.numel() == 1:
        speed = speed.item()
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not speed > 0:
        return f"the speed should be a positive number of tokens per second, got {speed!r:.40}"
    want_after, got_after = expected["after"], student.get("after")
    state_problem = compare_values(
        want_after, got_after, _TRAIN_SPEC, "the parameters after the epoch"
    )
    problem = compare_values(expected["output"][0], ppl, _TRAIN_SPEC, "the perplexity")
    if problem and state_problem is None:
        return problem + (
            "\nhint: the perplexity is exp of the mean loss per token over the whole epoch: "
            "add up each minibatch's mean loss times its number of tokens, divide by all tokens"
        )
    if state_problem:
        if not case.fixture.params["use_random_iter"]:
            state_problem += (
                "\nhint: in sequential mode the state carries over from one minibatch to the next "
                "(begin_state only before the first), detached so that gradients stop there; "
                "clip the gradients to norm 1 before each update"
            )
        else:
            state_problem += (
                "\nhint: with random sampling each minibatch starts from net.begin_state; "
                "clip the gradients to norm 1 before each update, and call the scratch updater "
                "with batch_size 1 (the loss is already a mean)"
            )
        return state_problem
    return problem


EXERCISES = [
    Exercise(
        id="ch08.grad_clipping",
        target="grad_clipping",
        points=2,
        reference=reference.grad_clipping,
        cases=_clip_cases,
        notebook=NB_RNN_SCRATCH,
        compare=Compare(checker=_check_clip),
        forbidden=CLIP_BUILTINS,
        description="the gradients scaled in place to a global norm of at most theta",
    ),
    Exercise(
        id="ch08.predict_ch8",
        target="predict_ch8",
        points=2,
        reference=reference.predict_ch8,
        cases=_predict_cases,
        notebook=NB_RNN_SCRATCH,
        forbidden=("d2lkit.rnn",),
        hint=_predict_hint,
        description="greedy generation after warming the state up on the prefix",
    ),
    Exercise(
        id="ch08.train_epoch_ch8",
        target="train_epoch_ch8",
        points=3,
        reference=reference.train_epoch_ch8,
        cases=_train_cases,
        notebook=NB_RNN_SCRATCH,
        compare=Compare(checker=_check_train),
        forbidden=("d2lkit.rnn",),
        description="perplexity, the parameters after the epoch, the state detached between minibatches",
    ),
]
