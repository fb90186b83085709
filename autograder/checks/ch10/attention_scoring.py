"""10.3 attention scoring functions: the masked softmax, additive attention and scaled
dot-product attention (the book's demo among the cases), values and gradients."""

from __future__ import annotations

import torch

from autograder.checks.ch10._common import ATTENTION_BUILTINS, module_case, out, value
from autograder.hints import LOOSE, close
from autograder.spec import Case, Exercise, T
from autograder.strategies import randn
from d2lkit import attention

NB_SCORING = "10.3-attention-scoring-functions"


def _mask(valid_lens: torch.Tensor, n_q: int, n_k: int) -> torch.Tensor:
    if valid_lens.dim() == 1:
        valid_lens = valid_lens[:, None].expand(-1, n_q)
    return torch.arange(n_k)[None, None, :] < valid_lens[:, :, None]


# ---------------------------------------------------------------- masked_softmax
def _softmax_cases() -> list[Case]:
    return [
        Case(
            "the book's (2, 2, 4), valid [2, 3]",
            (T(randn(2, 2, 4, seed=1041), True), torch.tensor([2, 3])),
            grad=(0,),
        ),
        Case(
            "the book's 2-D lengths [[1, 3], [2, 4]]",
            (T(randn(2, 2, 4, seed=1042), True), torch.tensor([[1, 3], [2, 4]])),
            grad=(0,),
        ),
        Case("no lengths: a plain softmax", (T(randn(3, 2, 5, seed=1043), True), None), grad=(0,)),
        Case(
            "full lengths change nothing",
            (T(randn(2, 3, 3, seed=1044), True), torch.tensor([3, 3])),
            grad=(0,),
        ),
        Case(
            "float64, large scores",
            (T(randn(3, 4, 6, seed=1045, dtype=torch.float64) * 30, True), torch.tensor([1, 6, 4])),
            grad=(0,),
            visible=False,
        ),
        Case(
            "a length of 0: uniform weights, as the book's",
            (T(randn(2, 1, 4, seed=1046), True), torch.tensor([0, 2])),
            grad=(0,),
            visible=False,
        ),
        Case(
            "2-D lengths, batch 3, 5 queries",
            (
                T(randn(3, 5, 7, seed=1047), True),
                torch.tensor([[1, 2, 3, 4, 5], [7, 7, 1, 1, 2], [3, 3, 3, 6, 6]]),
            ),
            grad=(0,),
            visible=False,
        ),
    ]


def _softmax_hint(case: Case, expected: dict, student: dict) -> str | None:
    X, valid_lens = (value(a) for a in case.args)
    got = out(student)
    if valid_lens is None:
        return None
    if valid_lens.dim() == 2:
        first = attention.masked_softmax(X.detach(), valid_lens[:, 0])
        if close(got, first, LOOSE):
            return (
                "with 2-D valid_lens each query has its own length: flatten them with reshape(-1)"
            )
    keep = _mask(valid_lens, X.shape[1], X.shape[2])
    zeroed = torch.softmax(X.detach().masked_fill(~keep, 0.0), dim=-1)
    if close(got, zeroed, LOOSE):
        return "replace the masked scores by a very negative number (-1e6), not 0: exp(0) is 1"
    if close(got, torch.softmax(X.detach(), dim=-1) * keep, LOOSE):
        return "mask the scores before the softmax, so that the kept weights still sum to 1"
    return None


# ---------------------------------------------------------------- the book's demo
def _book_demo(query_size: int) -> tuple:
    queries = torch.normal(0, 1, (2, 1, query_size), generator=torch.Generator().manual_seed(1050))
    keys = torch.ones((2, 10, 2))
    values = torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(2, 1, 1)
    return queries, keys, values, torch.tensor([2, 6])


def _additive_cases() -> list[Case]:
    def case(name, init, b, n_q, n_k, d_v, seed, valid=None, **kw):
        key_size, query_size = init[0], init[1]
        args = (
            T(randn(b, n_q, query_size, seed=seed), True),
            T(randn(b, n_k, key_size, seed=seed + 1), True),
            T(randn(b, n_k, d_v, seed=seed + 2), True),
            None if valid is None else torch.tensor(valid),
        )
        return module_case(name, init, args, seed, **kw)

    demo = _book_demo(20)
    return [
        Case(
            "the book's demo: [[2, 3, 4, 5]], [[10, 11, 12, 13]]",
            demo,
            init=(2, 20, 8, 0.0),
            seed=1051,
        ),
        case("batch 2, 3 queries, 5 keys, valid [2, 5]", (4, 6, 8, 0.0), 2, 3, 5, 3, 1052, [2, 5]),
        case("no mask", (3, 3, 5, 0.0), 3, 2, 4, 2, 1053),
        case(
            "2-D valid lengths",
            (5, 2, 4, 0.0),
            2,
            3,
            4,
            6,
            1054,
            [[1, 2, 4], [4, 3, 2]],
            visible=False,
        ),
        case("one query, one key", (2, 2, 3, 0.0), 1, 1, 1, 2, 1055, [1], visible=False),
    ]


def _additive_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = out(student)
    if isinstance(got, torch.Tensor) and got.shape != expected["output"].shape:
        return "return the weighted values, shape (batch_size, num_queries, value_dim): bmm(weights, values)"
    state = expected["state"]
    queries, keys, values, valid_lens = (value(a) for a in case.args)
    with torch.no_grad():
        q, k = queries @ state["W_q.weight"].T, keys @ state["W_k.weight"].T
        features = q.unsqueeze(2) + k.unsqueeze(1)
        scores = (features @ state["w_v.weight"].T).squeeze(-1)
        untanh = torch.bmm(attention.masked_softmax(scores, valid_lens), values)
    if close(got, untanh, LOOSE):
        return "pass the sum of the projected query and key through tanh before w_v"
    return None


def _dot_cases() -> list[Case]:
    def case(name, b, n_q, n_k, d, d_v, seed, valid=None, **kw):
        args = (
            T(randn(b, n_q, d, seed=seed), True),
            T(randn(b, n_k, d, seed=seed + 1), True),
            T(randn(b, n_k, d_v, seed=seed + 2), True),
            None if valid is None else torch.tensor(valid),
        )
        return module_case(name, (0.0,), args, seed, **kw)

    queries, keys, values, valid_lens = _book_demo(2)
    return [
        Case(
            "the book's demo: [[2, 3, 4, 5]], [[10, 11, 12, 13]]",
            (queries, keys, values, valid_lens),
            init=(0.0,),
            seed=1061,
        ),
        case("batch 2, 3 queries, 5 keys of size 8, valid [3, 5]", 2, 3, 5, 8, 4, 1062, [3, 5]),
        case("no mask, size 16", 3, 4, 6, 16, 2, 1063),
        case("2-D valid lengths", 2, 2, 4, 5, 3, 1064, [[1, 4], [2, 3]], visible=False),
        case("size 64: the scaling matters", 1, 3, 3, 64, 5, 1065, [3], visible=False),
    ]


def _dot_hint(case: Case, expected: dict, student: dict) -> str | None:
    queries, keys, values, valid_lens = (value(a) for a in case.args)
    got = out(student)
    with torch.no_grad():
        scores = torch.bmm(queries, keys.transpose(1, 2))
        for factor, advice in (
            (1.0, "divide the scores by sqrt(d), d the size of a query"),
            (1 / queries.shape[-1], "divide by sqrt(d), not by d"),
        ):
            weights = attention.masked_softmax(scores * factor, valid_lens)
            if close(got, torch.bmm(weights, values), LOOSE):
                return advice
    return None


EXERCISES = [
    Exercise(
        id="ch10.masked_softmax",
        target="masked_softmax",
        points=2,
        reference=attention.masked_softmax,
        cases=_softmax_cases,
        notebook=NB_SCORING,
        hint=_softmax_hint,
        description="1-D and 2-D valid lengths, values and gradients",
    ),
    Exercise(
        id="ch10.AdditiveAttention",
        target="AdditiveAttention",
        points=2,
        reference=attention.AdditiveAttention,
        cases=_additive_cases,
        notebook=NB_SCORING,
        kind="module",
        forbidden=ATTENTION_BUILTINS,
        hint=_additive_hint,
        description="outputs and gradients after loading the reference's W_q, W_k, w_v",
    ),
    Exercise(
        id="ch10.DotProductAttention",
        target="DotProductAttention",
        points=2,
        reference=attention.DotProductAttention,
        cases=_dot_cases,
        notebook=NB_SCORING,
        kind="module",
        forbidden=ATTENTION_BUILTINS,
        hint=_dot_hint,
    ),
]
