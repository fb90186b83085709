"""4.5 weight decay: the L2 and L1 penalties, and an epoch of scratch training with one."""

from __future__ import annotations

import math

import torch

from autograder.hints import close
from autograder.spec import Case, Compare, Exercise, T
from autograder.strategies import randn
from d2lkit import linear, mlp

NB_WEIGHT_DECAY = "4.5-weight-decay"


def _penalty_cases() -> list[Case]:
    return [
        Case("w (5, 1)", (T(randn(5, 1, seed=151), True),), grad=(0,)),
        Case("the book's w (200, 1)", (T(randn(200, 1, seed=152), True),), grad=(0,)),
        Case(
            "a matrix (8, 3), float64",
            (T(randn(8, 3, seed=153, dtype=torch.float64), True),),
            grad=(0,),
            visible=False,
        ),
    ]


def _l2_hint(case: Case, expected: dict, student: dict) -> str | None:
    got, want = student.get("output"), expected["output"]
    if isinstance(got, torch.Tensor) and got.numel() == 1 and float(want) > 0:
        ratio = float(got) / float(want)
        if math.isclose(ratio, 2, rel_tol=1e-3):
            return "divide by 2: with the 1/2 the penalty's gradient is exactly w"
        norm = float(case.args[0].value.double().norm())
        if math.isclose(float(got), norm, rel_tol=1e-4):
            return "that is the norm ||w||; the penalty is half its square, sum(w ** 2) / 2"
    if isinstance(got, torch.Tensor) and got.numel() > 1:
        return "return one number (a 0-d tensor): sum over every entry of w"
    return None


def train_epoch_wd(
    w: torch.Tensor,
    b: torch.Tensor,
    train_iter: list[tuple[torch.Tensor, torch.Tensor]],
    lambd: float,
    lr: float,
) -> None:
    """The reference epoch of 4.5's scratch training (the loop body of d2lkit's
    `train_weight_decay`): squared loss plus `lambd * l2_penalty(w)` per example, backward of the
    sum, `sgd([w, b], lr, batch_size)`. w: (num_inputs, 1), b: (1,), updated in place."""
    for X, y in train_iter:
        l = linear.squared_loss(linear.linreg(X, w, b), y) + lambd * mlp.l2_penalty(w)
        l.sum().backward()
        linear.sgd([w, b], lr, X.shape[0])


def _wd_args(seed: int, n: int, d: int, batch_size: int, lambd: float, lr: float) -> tuple:
    X, y = randn(n, d, seed=seed), randn(n, 1, seed=seed + 1, scale=0.1)
    batches = [(X[i : i + batch_size], y[i : i + batch_size]) for i in range(0, n, batch_size)]
    w = T(randn(d, 1, seed=seed + 2), True)
    b = T(randn(1, seed=seed + 3), True)
    return (w, b, batches, lambd, lr)


def _train_epoch_wd_cases() -> list[Case]:
    return [
        Case("20 examples, 200 inputs, batch 5, lambd 3", _wd_args(161, 20, 200, 5, 3.0, 0.003)),
        Case("12 examples, 4 inputs, batch 4, lambd 0.5", _wd_args(165, 12, 4, 4, 0.5, 0.05)),
        Case("lambd 0: plain SGD", _wd_args(169, 10, 3, 5, 0.0, 0.1), visible=False),
        Case("32 examples, batch 8, lambd 1", _wd_args(173, 32, 10, 8, 1.0, 0.02), visible=False),
    ]


def _simulate_wd(case: Case, lambd_scale: float, penalise_bias: bool) -> torch.Tensor:
    w0, b0, batches, lambd, lr = case.args
    w = w0.value.clone().requires_grad_(True)
    b = b0.value.clone().requires_grad_(True)
    for X, y in batches:
        penalty = mlp.l2_penalty(w) + (mlp.l2_penalty(b) if penalise_bias else 0)
        l = linear.squared_loss(linear.linreg(X, w, b), y) + lambd * lambd_scale * penalty
        l.sum().backward()
        linear.sgd([w, b], lr, X.shape[0])
    return w.detach()


def _train_epoch_wd_hint(case: Case, expected: dict, student: dict) -> str | None:
    after = student.get("args_after") or []
    if not (after and isinstance(after[0], dict)):
        return None
    got = after[0].get("value")
    lambd, batch_size = case.args[3], len(case.args[2][0][0])
    if lambd and close(got, _simulate_wd(case, 1 / batch_size, False)):
        return (
            "the penalty counts once per example: add lambd * l2_penalty(w) to the (n, 1) vector "
            "of losses before summing (sgd then divides the sum by the batch size)"
        )
    if lambd and close(got, _simulate_wd(case, 0.0, False)):
        return "w moved as without the penalty: add lambd * l2_penalty(w) to the loss"
    if lambd and close(got, _simulate_wd(case, 1.0, True)):
        return "only the weights are penalised, not the bias b"
    if torch.equal(got, case.args[0].value):
        return (
            "w did not change: backpropagate the summed loss and call sgd([w, b], lr, batch_size)"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch04.l2_penalty",
        target="l2_penalty",
        points=1,
        reference=mlp.l2_penalty,
        cases=_penalty_cases,
        notebook=NB_WEIGHT_DECAY,
        forbidden=("mse_loss",),
        hint=_l2_hint,
    ),
    Exercise(
        id="ch04.l1_penalty",
        origin="kit",
        target="l1_penalty",
        points=1,
        reference=mlp.l1_penalty,
        cases=_penalty_cases,
        notebook=NB_WEIGHT_DECAY,
        forbidden=("l1_loss",),
    ),
    Exercise(
        id="ch04.train_epoch_wd",
        target="train_epoch_wd",
        points=2,
        reference=train_epoch_wd,
        cases=_train_epoch_wd_cases,
        notebook=NB_WEIGHT_DECAY,
        compare=Compare(rtol=1e-4, atol=1e-6),
        forbidden=("d2lkit.mlp.train_weight_decay",),
        hint=_train_epoch_wd_hint,
        description="one epoch of scratch training with the L2 penalty, vs the reference's",
    ),
]
