"""10.6 self-attention and positional encoding: the sinusoidal encoding added to the inputs."""

from __future__ import annotations

import torch

from autograder.checks.ch10._common import module_case, out, value
from autograder.hints import LOOSE, close
from autograder.spec import Case, Exercise, T
from autograder.strategies import randn
from d2lkit import attention

NB_POSITIONAL = "10.6-self-attention-and-positional-encoding"


def _cases() -> list[Case]:
    def case(name, num_hiddens, b, n, seed, max_len=1000, **kw):
        args = (T(randn(b, n, num_hiddens, seed=seed), True),)
        return module_case(name, (num_hiddens, 0.0, max_len), args, seed, **kw)

    return [
        Case(
            "the book's plot: zeros (1, 60, 32)",
            (torch.zeros(1, 60, 32),),
            init=(32, 0.0),
            seed=1141,
        ),
        case("batch 2, 5 steps, 8 hiddens", 8, 2, 5, 1142),
        case("max_len 10, all 10 positions", 6, 3, 10, 1143, max_len=10),
        case("one position, 100 hiddens", 100, 2, 1, 1144, visible=False),
        case("float64, 400 steps, 4 hiddens", 4, 1, 400, 1145, visible=False),
    ]


def _encoding(n: int, d: int, swap: bool = False, exponent: str = "2j") -> torch.Tensor:
    i = torch.arange(n, dtype=torch.float64)[:, None]
    j = torch.arange(0, d, 2, dtype=torch.float64)
    power = j / d if exponent == "2j" else (j / 2) / d
    angles = i / torch.pow(10000, power)
    P = torch.zeros(n, d, dtype=torch.float64)
    P[:, 0::2], P[:, 1::2] = (
        (torch.cos(angles), torch.sin(angles)) if swap else (torch.sin(angles), torch.cos(angles))
    )
    return P


def _hint(case: Case, expected: dict, student: dict) -> str | None:
    X = value(case.args[0]).detach().double()
    got = out(student)
    if not isinstance(got, torch.Tensor) or got.shape != X.shape:
        return "return X + P[:, :num_steps, :], the same shape as X"
    n, d = X.shape[1:]
    if close(got.double() - X, _encoding(n, d, swap=True)[None], LOOSE):
        return "sine on the even columns (0, 2, ...), cosine on the odd ones"
    if close(got.double() - X, _encoding(n, d, exponent="j")[None], LOOSE):
        return (
            "the frequency of column pair j is 1 / 10000**(2j / d): step the exponent by 2 over d"
        )
    if close(got.double(), _encoding(n, d)[None].expand_as(X), LOOSE):
        return "add the encoding to X"
    return None


EXERCISES = [
    Exercise(
        id="ch10.PositionalEncoding",
        target="PositionalEncoding",
        points=2,
        reference=attention.PositionalEncoding,
        cases=_cases,
        notebook=NB_POSITIONAL,
        kind="module",
        hint=_hint,
        description="X + P for the first num_steps positions (no dropout)",
    ),
]
