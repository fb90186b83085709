"""4.7 backpropagation by hand."""

from __future__ import annotations

import torch

from autograder.checks.ch04._common import AUTOGRAD, _nonfinite
from autograder.hints import close
from autograder.spec import Case, Exercise
from autograder.strategies import randint, randn
from d2lkit import mlp

NB_BACKPROP = "4.7-backprop"


def _backprop_args(seed: int, n: int, d: int, h: int, q: int, lambd: float, **kw) -> tuple:
    dtype = kw.get("dtype", torch.float32)
    return (
        randn(n, d, seed=seed, dtype=dtype),
        randint(q, n, seed=seed + 1),
        randn(d, h, seed=seed + 2, scale=kw.get("scale1", 0.5), dtype=dtype),
        randn(h, q, seed=seed + 3, scale=kw.get("scale2", 0.5), dtype=dtype),
        lambd,
    )


def _backprop_cases() -> list[Case]:
    return [
        Case("n 4, d 3, h 5, q 2, lambd 0.1", _backprop_args(191, 4, 3, 5, 2, 0.1)),
        Case("n 16, d 10, h 8, q 4, no penalty", _backprop_args(195, 16, 10, 8, 4, 0.0)),
        Case(
            "float64, n 32, d 20, h 16, q 10, lambd 0.01",
            _backprop_args(199, 32, 20, 16, 10, 0.01, dtype=torch.float64),
            visible=False,
        ),
        Case(
            "large logits (o ~ 1e3), lambd 1e-3",
            _backprop_args(203, 8, 6, 12, 5, 1e-3, scale1=3.0, scale2=100.0),
            visible=False,
        ),
    ]


def _backprop_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    if not isinstance(out, dict):
        return "return a dict with the keys z, h, o, loss, dW1, dW2" if student.get("ok") else None
    if any(_nonfinite(v) for v in out.values()):
        return (
            "exp(o) overflows for large logits: subtract each row's maximum from o before exp "
            "(softmax and log-softmax do not change when a row is shifted)"
        )
    X, _, W1, W2, lambd = case.args
    want = expected["output"]
    data_dW2 = want["dW2"] - lambd * W2
    got = out.get("dW2")
    if lambd and close(got, data_dW2):
        return "add the gradient of the penalty s = lambd/2 (||W1||² + ||W2||²): lambd * W"
    if close(got, data_dW2 * X.shape[0] + lambd * W2):
        return (
            "L is the MEAN cross-entropy over the n examples: dL/do = (softmax(o) - onehot(y)) / n"
        )
    if close(got, data_dW2.T + lambd * W2) or close(got, data_dW2.T):
        return "dJ/dW2 has W2's shape (h, q): h.T @ dJ/do"
    loss = out.get("loss")
    s = lambd / 2 * ((W1.double() ** 2).sum() + (W2.double() ** 2).sum())
    if (
        lambd
        and isinstance(loss, (torch.Tensor, float))
        and close(torch.as_tensor(loss).double(), want["loss"].double() - s)
    ):
        return "the objective is J = L + s: add the penalty to the loss"
    return None


EXERCISES = [
    Exercise(
        id="ch04.manual_backprop",
        origin="kit",
        target="manual_backprop",
        points=3,
        reference=mlp.manual_backprop,
        cases=_backprop_cases,
        notebook=NB_BACKPROP,
        forbidden=(*AUTOGRAD, "cross_entropy", "nll_loss"),
        hint=_backprop_hint,
    ),
]
