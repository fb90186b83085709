"""8.1 sequence models: lagged features of a series, and k-step-ahead prediction."""

from __future__ import annotations

import torch

from autograder.checks.ch08._common import _out, _shape, _value
from autograder.hints import TIGHT, close
from autograder.spec import Case, Exercise, Fixture, T
from autograder.strategies import randn
from d2lkit import sequence

NB_SEQUENCE = "8.1-sequence"


def _series(T_: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    time = torch.arange(1, T_ + 1, dtype=torch.float64)
    return (torch.sin(0.01 * time * 7) + randn(T_, seed=seed, dtype=torch.float64) * 0.2).to(dtype)


def _lagged_cases() -> list[Case]:
    return [
        Case("arange(10), tau 4", (torch.arange(10.0), 4)),
        Case("noisy sine (100,), tau 4, with gradients", (T(_series(100, 11), True), 4), grad=(0,)),
        Case("tau 1 on (7,)", (T(randn(7, seed=12), True), 1), grad=(0,)),
        Case("tau 6 on (20,)", (T(randn(20, seed=13), True), 6), grad=(0,)),
        Case(
            "float64 (50,), tau 5", (T(_series(50, 14, torch.float64), True), 5), grad=(0,),
            visible=False,
        ),
        Case("tau = T - 1: one example", (T(randn(9, seed=15), True), 8), grad=(0,), visible=False),
    ]  # fmt: skip


def _lagged_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    want_features, want_labels = expected["output"]
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        return "return the pair (features, labels)"
    features, labels = out
    if _shape(labels) == (want_labels.shape[0],):
        return "the labels are a column: reshape them to (T - tau, 1)"
    x, tau = _value(case.args[0]), case.args[1]
    if _shape(features) == tuple(want_features.shape) and close(
        features[:-1], want_features[1:], TIGHT
    ):
        return f"row i of the features is x[i : i + tau], the tau = {tau} values before label x[i + tau]"
    if _shape(features) == (want_features.shape[1], want_features.shape[0]):
        return "one row per example, one column per lag: features is (T - tau, tau)"
    del x
    return None


def _k_step_case(name: str, seed: int, T_: int, tau: int, max_steps: int, **kw) -> Case:
    params = {
        "W1": randn(10, tau, seed=seed, scale=0.6),
        "b1": randn(10, seed=seed + 1, scale=0.1),
        "W2": randn(1, 10, seed=seed + 2, scale=0.5),
        "b2": randn(1, seed=seed + 3, scale=0.1),
        "x": _series(T_, seed + 4),
        "tau": tau,
        "max_steps": max_steps,
    }
    return Case(name, fixture=Fixture("ch08.mlp_and_series", params), seed=seed, **kw)


def _k_step_cases() -> list[Case]:
    return [
        _k_step_case("T 60, tau 4, up to 8 steps", 21, 60, 4, 8),
        _k_step_case("T 30, tau 2, 1 step", 22, 30, 2, 1),
        _k_step_case("T 100, tau 4, 64 steps (the book's largest)", 23, 100, 4, 64),
        _k_step_case("T 40, tau 1, 5 steps", 24, 40, 1, 5, visible=False),
        _k_step_case("T 50, tau 6, 10 steps", 25, 50, 6, 10, visible=False),
    ]


def _one_step_everywhere(case: Case) -> torch.Tensor:
    """What a k_step_preds that predicts every column from observations would return."""
    from autograder.fixtures import build

    (net, x, tau, max_steps), _, _ = build(case.fixture.name, case.fixture.params)
    n = x.shape[0] - tau - max_steps + 1
    features = torch.zeros((n, tau + max_steps))
    for i in range(tau):
        features[:, i] = x[i : i + n]
    with torch.no_grad():
        for i in range(tau, tau + max_steps):
            window = torch.stack([x[i - tau + j : i - tau + j + n] for j in range(tau)], 1)
            features[:, i] = net(window).reshape(-1)
    return features


def _k_step_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student)
    want = expected["output"]
    if _shape(out) is not None and _shape(out) != tuple(want.shape):
        return (
            "one row per starting point and one column per observation or prediction: "
            f"(T - tau - max_steps + 1, tau + max_steps) = {tuple(want.shape)}"
        )
    if close(out, _one_step_everywhere(case), TIGHT):
        return (
            "feed your predictions back in: column tau + k - 1 is predicted from the tau columns "
            "before it, not from the observations"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch08.lagged_features",
        target="lagged_features",
        points=1,
        reference=sequence.lagged_features,
        cases=_lagged_cases,
        notebook=NB_SEQUENCE,
        forbidden=("d2lkit.sequence",),
        hint=_lagged_hint,
        description="features (T - tau, tau) and labels (T - tau, 1), with gradients",
    ),
    Exercise(
        id="ch08.k_step_preds",
        target="k_step_preds",
        points=2,
        reference=sequence.k_step_preds,
        cases=_k_step_cases,
        notebook=NB_SEQUENCE,
        forbidden=("d2lkit.sequence",),
        hint=_k_step_hint,
        description="k-step-ahead predictions, each made from the tau columns before it",
    ),
]
