"""10.2 attention pooling: Nadaraya-Watson kernel regression, nonparametric and with a learned
kernel width ``w``."""

from __future__ import annotations

import torch

from autograder.checks.ch10._common import module_case, out, value
from autograder.hints import LOOSE, close
from autograder.spec import Case, Exercise, T
from autograder.strategies import randn
from d2lkit import attention

NB_NW = "10.2-nadaraya-watson"


def _f(x: torch.Tensor) -> torch.Tensor:
    return 2 * torch.sin(x) + x**0.8


def _nw_cases() -> list[Case]:
    g = torch.Generator().manual_seed(1021)
    x_train = torch.sort(torch.rand(50, generator=g) * 5).values
    y_train = _f(x_train) + torch.randn(50, generator=g) * 0.5
    x_test = torch.arange(0, 5, 0.1)
    keys = randn(7, seed=1022, scale=2)
    return [
        Case(
            "the book's data: 50 noisy points, queries 0, 0.1, ..., 4.9", (x_test, x_train, y_train)
        ),
        Case(
            "3 queries, 4 keys, gradients",
            (
                T(randn(3, seed=1023), True),
                T(randn(4, seed=1024), True),
                T(randn(4, seed=1025), True),
            ),
            grad=(0, 1, 2),
        ),
        Case(
            "one key: every weight is 1",
            (randn(5, seed=1026), torch.tensor([0.3]), torch.tensor([2.0])),
        ),
        Case(
            "float64, far-apart keys",
            (
                T(randn(6, seed=1027, dtype=torch.float64) * 3, True),
                keys.double() * 3,
                _f(keys.abs()).double(),
            ),
            grad=(0,),
            visible=False,
        ),
        Case("queries equal to the keys", (keys, keys, randn(7, seed=1028)), visible=False),
    ]


def _nw_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = out(student)
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        return "return the pair (y_hat, attention_weights)"
    queries, keys, values = (value(a) for a in case.args)
    diff = queries[:, None] - keys[None, :]
    for scores, advice in (
        (-(diff**2), "the Gaussian kernel's exponent is -(x - x_i)**2 / 2: divide by 2"),
        (diff**2 / 2, "the exponent is negative: nearer keys must get larger weights"),
    ):
        weights = torch.softmax(scores, dim=1)
        if close(got[1], weights, LOOSE):
            return advice
    if close(got[1], torch.softmax(-(diff**2) / 2, dim=0), LOOSE):
        return "normalise over the keys (dim=1): each query's weights sum to 1"
    return None


def _nw_module_cases() -> list[Case]:
    def case(name: str, n: int, m: int, seed: int, **kw) -> Case:
        args = (
            T(randn(n, seed=seed, scale=2), True),
            T(randn(n, m, seed=seed + 1, scale=2), True),
            T(randn(n, m, seed=seed + 2), True),
        )
        return module_case(name, (), args, seed, **kw)

    return [
        case("4 queries, 3 keys each", 4, 3, 1031),
        case("one query, 6 keys", 1, 6, 1032),
        case("the book's leave-one-out: 50 queries, 49 keys", 50, 49, 1033, visible=False),
        case("7 queries, 1 key", 7, 1, 1034, visible=False),
    ]


def _nw_module_hint(case: Case, expected: dict, student: dict) -> str | None:
    queries, keys, values = (value(a) for a in case.args)
    w = expected["state"]["w"]
    got = out(student)
    if isinstance(got, torch.Tensor) and got.shape != expected["output"].shape:
        return (
            "return one prediction per query, shape (n,): reshape the bmm's result with reshape(-1)"
        )
    weights = torch.softmax(-((queries[:, None] - keys) ** 2) * w / 2, dim=1)
    if close(got, (weights * values).sum(dim=1), LOOSE):
        return "multiply the difference by w before squaring: ((q - k) * w)**2"
    return None


EXERCISES = [
    Exercise(
        id="ch10.nadaraya_watson",
        target="nadaraya_watson",
        points=1,
        reference=attention.nadaraya_watson,
        cases=_nw_cases,
        notebook=NB_NW,
        hint=_nw_hint,
        description="nonparametric pooling: predictions and weights",
    ),
    Exercise(
        id="ch10.NWKernelRegression",
        target="NWKernelRegression",
        points=2,
        reference=attention.NWKernelRegression,
        cases=_nw_module_cases,
        notebook=NB_NW,
        kind="module",
        hint=_nw_module_hint,
        description="the learned w: outputs and the gradients of w and the inputs",
    ),
]
