"""10.5 multi-head attention: the head-splitting reshapes and the module, whose projections
are loaded from the reference."""

from __future__ import annotations

import torch

from autograder.checks.ch10._common import ATTENTION_BUILTINS, module_case, out, value
from autograder.hints import LOOSE, TIGHT, close
from autograder.spec import Case, Exercise, T
from autograder.strategies import randn
from d2lkit import attention

NB_MULTIHEAD = "10.5-multihead-attention"


# ---------------------------------------------------------------- transpose_qkv / transpose_output
def _qkv_cases() -> list[Case]:
    return [
        Case(
            "(2, 4, 100), 5 heads (the book's)",
            (T(randn(2, 4, 100, seed=1111), True), 5),
            grad=(0,),
        ),
        Case("(3, 2, 6), 3 heads", (T(randn(3, 2, 6, seed=1112), True), 3), grad=(0,)),
        Case("one head changes nothing", (T(randn(2, 3, 4, seed=1113), True), 1), grad=(0,)),
        Case(
            "(1, 5, 8), 8 heads of size 1",
            (T(randn(1, 5, 8, seed=1114), True), 8),
            grad=(0,),
            visible=False,
        ),
        Case(
            "float64 (4, 3, 12), 4 heads",
            (T(randn(4, 3, 12, seed=1115, dtype=torch.float64), True), 4),
            grad=(0,),
            visible=False,
        ),
    ]


def _head_major(X: torch.Tensor, num_heads: int) -> torch.Tensor:
    b, n, _ = X.shape
    return (
        X.reshape(b, n, num_heads, -1).permute(2, 0, 1, 3).reshape(-1, n, X.shape[2] // num_heads)
    )


def _qkv_hint(case: Case, expected: dict, student: dict) -> str | None:
    X, num_heads = value(case.args[0]), case.args[1]
    got = out(student)
    if close(got, _head_major(X.detach(), num_heads), TIGHT):
        return (
            "keep each example's heads together: permute to (b, num_heads, n, d) before flattening"
        )
    if close(got, X.detach().reshape(-1, X.shape[1], X.shape[2] // num_heads), TIGHT):
        return (
            "a plain reshape mixes positions into heads: "
            "reshape to (b, n, num_heads, d), then permute(0, 2, 1, 3)"
        )
    return None


def _output_cases() -> list[Case]:
    return [
        Case(
            "(10, 4, 20), 5 heads (the book's)",
            (T(randn(10, 4, 20, seed=1121), True), 5),
            grad=(0,),
        ),
        Case("(6, 2, 2), 3 heads", (T(randn(6, 2, 2, seed=1122), True), 3), grad=(0,)),
        Case("one head changes nothing", (T(randn(2, 3, 4, seed=1123), True), 1), grad=(0,)),
        Case(
            "(8, 5, 1), 8 heads", (T(randn(8, 5, 1, seed=1124), True), 8), grad=(0,), visible=False
        ),
        Case(
            "float64 (12, 3, 3), 4 heads",
            (T(randn(12, 3, 3, seed=1125, dtype=torch.float64), True), 4),
            grad=(0,),
            visible=False,
        ),
    ]


def _output_hint(case: Case, expected: dict, student: dict) -> str | None:
    X, num_heads = value(case.args[0]), case.args[1]
    got = out(student)
    bh, n, d = X.shape
    plain = X.detach().reshape(bh // num_heads, n, num_heads * d)
    if close(got, plain, TIGHT):
        return (
            "a plain reshape mixes heads and positions: "
            "reshape to (b, num_heads, n, d), then permute(0, 2, 1, 3)"
        )
    return None


# ---------------------------------------------------------------- MultiHeadAttention
def _mha_cases() -> list[Case]:
    def case(name, sizes, heads, b, n_q, n_k, seed, valid=None, bias=False, **kw):
        key_size, query_size, value_size, num_hiddens = sizes
        args = (
            T(randn(b, n_q, query_size, seed=seed), True),
            T(randn(b, n_k, key_size, seed=seed + 1), True),
            T(randn(b, n_k, value_size, seed=seed + 2), True),
            None if valid is None else torch.tensor(valid),
        )
        return module_case(name, (*sizes, heads, 0.0, bias), args, seed, **kw)

    return [
        case(
            "the book's: 100 hiddens, 5 heads, X (2, 4), Y (2, 6), valid [3, 2]",
            (100, 100, 100, 100),
            5,
            2,
            4,
            6,
            1131,
            [3, 2],
        ),
        case("sizes 6, 5, 4 -> 8 hiddens, 2 heads, no mask", (6, 5, 4, 8), 2, 3, 2, 3, 1132),
        case("with biases, 4 heads", (8, 8, 8, 8), 4, 2, 3, 5, 1133, [5, 1], bias=True),
        case(
            "2-D valid lengths, 3 heads",
            (6, 6, 6, 12),
            3,
            2,
            3,
            4,
            1134,
            [[1, 2, 3], [4, 4, 2]],
            visible=False,
        ),
        case("one head", (4, 4, 4, 4), 1, 3, 2, 2, 1135, [1, 2, 2], visible=False),
        case("batch 1, 8 heads of size 2", (5, 7, 3, 16), 8, 1, 3, 5, 1136, [4], visible=False),
    ]


def _tiled_lengths(case: Case, state: dict) -> torch.Tensor:
    """The reference's computation with the valid lengths tiled (`valid_lens.repeat(num_heads)`)
    where each example's should be repeated in place: heads then get other examples' lengths."""
    queries, keys, values, valid_lens = (value(a) for a in case.args)
    heads = case.init[4]

    def proj(name: str, X: torch.Tensor) -> torch.Tensor:
        bias = state.get(f"{name}.bias")
        return torch.nn.functional.linear(X.detach(), state[f"{name}.weight"], bias)

    q = attention.transpose_qkv(proj("W_q", queries), heads)
    k = attention.transpose_qkv(proj("W_k", keys), heads)
    v = attention.transpose_qkv(proj("W_v", values), heads)
    if valid_lens is not None:
        valid_lens = valid_lens.repeat(heads, *([1] * (valid_lens.dim() - 1)))
    scores = torch.bmm(q, k.transpose(1, 2)) / q.shape[-1] ** 0.5
    output = torch.bmm(attention.masked_softmax(scores, valid_lens), v)
    return proj("W_o", attention.transpose_output(output, heads))


def _mha_hint(case: Case, expected: dict, student: dict) -> str | None:
    if case.args[3] is None or case.init[4] == 1:
        return None
    if close(out(student), _tiled_lengths(case, expected["state"]), LOOSE):
        return (
            "repeat each example's valid length once per head, next to each other "
            "(torch.repeat_interleave(valid_lens, num_heads, dim=0)), as transpose_qkv orders them"
        )
    return None


EXERCISES = [
    Exercise(
        id="ch10.transpose_qkv",
        target="transpose_qkv",
        points=1,
        reference=attention.transpose_qkv,
        cases=_qkv_cases,
        notebook=NB_MULTIHEAD,
        hint=_qkv_hint,
    ),
    Exercise(
        id="ch10.transpose_output",
        target="transpose_output",
        points=1,
        reference=attention.transpose_output,
        cases=_output_cases,
        notebook=NB_MULTIHEAD,
        hint=_output_hint,
    ),
    Exercise(
        id="ch10.MultiHeadAttention",
        target="MultiHeadAttention",
        points=3,
        reference=attention.MultiHeadAttention,
        cases=_mha_cases,
        notebook=NB_MULTIHEAD,
        kind="module",
        forbidden=ATTENTION_BUILTINS,
        hint=_mha_hint,
        description="outputs and gradients after loading the reference's W_q, W_k, W_v, W_o",
    ),
]
