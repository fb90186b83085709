"""10.1-10.6 against torch: `masked_softmax` against softmax over -inf-masked scores,
`DotProductAttention` against `F.scaled_dot_product_attention`, `MultiHeadAttention` against
`nn.MultiheadAttention` with mapped weights (values and gradients), the Bahdanau decoder against
a hand-run loop, and the book's demos."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from d2lkit.attention import (
    AdditiveAttention,
    DotProductAttention,
    MultiHeadAttention,
    NWKernelRegression,
    PositionalEncoding,
    Seq2SeqAttentionDecoder,
    masked_softmax,
    nadaraya_watson,
    show_heatmaps,
    transpose_output,
    transpose_qkv,
)
from d2lkit.seq2seq import Seq2SeqEncoder
from tests.helpers import assert_same_values_and_grads

torch.set_num_threads(1)


def _key_mask(valid_lens: torch.Tensor, n_q: int, n_k: int) -> torch.Tensor:
    """(b, n_q, n_k) True where a key is within its query's valid length."""
    if valid_lens.dim() == 1:
        valid_lens = valid_lens[:, None].expand(-1, n_q)
    return torch.arange(n_k)[None, None, :] < valid_lens[:, :, None]


# ---------------------------------------------------------------- 10.1 heatmaps
def test_show_heatmaps_draws_the_books_identity_demo(tmp_path):
    path = tmp_path / "eye.png"
    fig = show_heatmaps(torch.eye(10).reshape(1, 1, 10, 10), "keys", "queries", path=path)
    assert path.read_bytes().startswith(b"\x89PNG")
    assert len(fig.axes) == 2  # one heatmap and its colour bar


def test_show_heatmaps_titles_its_columns(tmp_path):
    fig = show_heatmaps(torch.rand(2, 3, 4, 5), "k", "q", titles=["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes[:3]] == ["a", "b", "c"]


# ---------------------------------------------------------------- 10.2 Nadaraya-Watson
def test_nadaraya_watson_is_a_gaussian_kernel_average():
    x_train = torch.sort(torch.rand(50) * 5).values
    y_train = 2 * torch.sin(x_train) + x_train**0.8
    queries = torch.arange(0, 5, 0.1)
    y_hat, weights = nadaraya_watson(queries, x_train, y_train)
    kernel = torch.exp(-((queries[:, None] - x_train[None, :]) ** 2) / 2)
    torch.testing.assert_close(weights, kernel / kernel.sum(dim=1, keepdim=True))
    torch.testing.assert_close(y_hat, weights @ y_train)
    assert y_hat.shape == (50,)


def test_nw_kernel_regression_with_w_1_is_the_nonparametric_pooling():
    net = NWKernelRegression()
    with torch.no_grad():
        net.w.fill_(1.0)
    x = torch.rand(6) * 5
    keys, values = x.repeat(6, 1), torch.sin(x).repeat(6, 1)
    torch.testing.assert_close(net(x, keys, values), nadaraya_watson(x, x, torch.sin(x))[0])
    assert net.attention_weights.shape == (6, 6)


def test_nw_kernel_regression_learns_w_as_the_book_trains_it():
    torch.manual_seed(0)
    n = 50
    x_train = torch.sort(torch.rand(n) * 5).values
    y_train = 2 * torch.sin(x_train) + x_train**0.8 + torch.normal(0.0, 0.5, (n,))
    # leave-one-out: each training point is a query over the other 49
    keep = (1 - torch.eye(n)).bool()
    keys = x_train.repeat(n, 1)[keep].reshape(n, -1)
    values = y_train.repeat(n, 1)[keep].reshape(n, -1)
    net = NWKernelRegression()
    trainer = torch.optim.SGD(net.parameters(), lr=0.5)
    losses = []
    for _ in range(5):
        trainer.zero_grad()
        loss = ((net(x_train, keys, values) - y_train) ** 2 / 2).sum()
        loss.backward()
        trainer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] and net.w.grad is not None


# ---------------------------------------------------------------- 10.3 masked softmax
@pytest.mark.parametrize(
    "valid_lens", [torch.tensor([2, 3]), torch.tensor([[1, 3], [2, 4]]), torch.tensor([4, 1])]
)
def test_masked_softmax_matches_softmax_over_minus_infinity(valid_lens):
    X = torch.randn(2, 2, 4, dtype=torch.float64)
    mask = _key_mask(valid_lens, 2, 4)

    def reference(X):
        return torch.softmax(X.masked_fill(~mask, float("-inf")), dim=-1)

    assert_same_values_and_grads(lambda X: masked_softmax(X, valid_lens), reference, X)


def test_masked_softmax_without_lengths_is_softmax():
    X = torch.randn(3, 2, 5)
    torch.testing.assert_close(masked_softmax(X, None), torch.softmax(X, dim=-1))


def test_masked_softmax_book_demo_zeros_the_masked_entries():
    out = masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3]))
    assert (out[0, :, 2:] == 0).all() and (out[1, :, 3:] == 0).all()
    torch.testing.assert_close(out.sum(dim=-1), torch.ones(2, 2))


def test_masked_softmax_with_length_zero_is_uniform_as_in_the_book():
    out = masked_softmax(torch.randn(1, 1, 4), torch.tensor([0]))
    torch.testing.assert_close(out, torch.full((1, 1, 4), 0.25))


# ---------------------------------------------------------------- 10.3 scoring functions
def _book_demo():
    queries = torch.normal(0, 1, (2, 1, 20))
    keys = torch.ones((2, 10, 2))
    values = torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(2, 1, 1)
    return queries, keys, values, torch.tensor([2, 6])


def test_additive_attention_book_demo():
    queries, keys, values, valid_lens = _book_demo()
    attention = AdditiveAttention(key_size=2, query_size=20, num_hiddens=8, dropout=0.1)
    attention.eval()
    out = attention(queries, keys, values, valid_lens)
    torch.testing.assert_close(out, torch.tensor([[[2.0, 3, 4, 5]], [[10.0, 11, 12, 13]]]))
    assert attention.attention_weights.shape == (2, 1, 10)


def test_additive_attention_matches_its_formula():
    attention = AdditiveAttention(3, 5, 4, dropout=0)
    q, k, v = torch.randn(2, 3, 5), torch.randn(2, 6, 3), torch.randn(2, 6, 2)
    valid_lens = torch.tensor([4, 6])

    def reference(q, k, v):
        Wq, Wk, wv = attention.W_q.weight, attention.W_k.weight, attention.w_v.weight
        scores = torch.einsum(
            "h,bqkh->bqk", wv[0], torch.tanh((q @ Wq.T)[:, :, None] + (k @ Wk.T)[:, None])
        )
        mask = _key_mask(valid_lens, 3, 6)
        return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1) @ v

    assert_same_values_and_grads(
        lambda q, k, v: attention(q, k, v, valid_lens), reference, q, k, v, rtol=1e-5, atol=1e-6
    )


def test_dot_product_attention_book_demo():
    queries, keys, values, valid_lens = _book_demo()
    attention = DotProductAttention(dropout=0.5)
    attention.eval()
    out = attention(queries[:, :, :2], keys, values, valid_lens)
    torch.testing.assert_close(out, torch.tensor([[[2.0, 3, 4, 5]], [[10.0, 11, 12, 13]]]))


@pytest.mark.parametrize("valid_lens", [None, torch.tensor([3, 5]), torch.tensor([[1, 2, 5]] * 2)])
def test_dot_product_attention_matches_scaled_dot_product_attention(valid_lens):
    q, k = torch.randn(2, 3, 8, dtype=torch.float64), torch.randn(2, 5, 8, dtype=torch.float64)
    v = torch.randn(2, 5, 4, dtype=torch.float64)
    mask = None if valid_lens is None else _key_mask(valid_lens, 3, 5)
    attention = DotProductAttention(dropout=0)
    assert_same_values_and_grads(
        lambda q, k, v: attention(q, k, v, valid_lens),
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
        q, k, v,
    )  # fmt: skip


# ---------------------------------------------------------------- 10.4 Bahdanau
def test_seq2seq_attention_decoder_book_shape_check():
    encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2)
    decoder = Seq2SeqAttentionDecoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2)
    encoder.eval(), decoder.eval()
    X = torch.zeros((4, 7), dtype=torch.long)
    state = decoder.init_state(encoder(X), None)
    output, state = decoder(X, state)
    got = (output.shape, len(state), state[0].shape, len(state[1]), state[1][0].shape)
    assert got == ((4, 7, 10), 3, (4, 7, 16), 2, (4, 16))
    assert len(decoder.attention_weights) == 7 and decoder.attention_weights[0].shape == (4, 1, 7)


def test_seq2seq_attention_decoder_matches_a_hand_run_loop():
    torch.manual_seed(0)
    decoder = Seq2SeqAttentionDecoder(vocab_size=9, embed_size=4, num_hiddens=6, num_layers=2)
    enc_outputs, hidden = torch.randn(5, 3, 6), torch.randn(2, 3, 6)
    valid_lens, X = torch.tensor([2, 5, 3]), torch.randint(0, 9, (3, 4))
    out, (_, last_hidden, _) = decoder(X, decoder.init_state((enc_outputs, hidden), valid_lens))
    keys = enc_outputs.permute(1, 0, 2)
    h, logits = hidden, []
    for t in range(4):
        att = decoder.attention
        scores = att.w_v(torch.tanh(att.W_q(h[-1])[:, None] + att.W_k(keys))).squeeze(-1)
        scores = scores.masked_fill(~(torch.arange(5)[None] < valid_lens[:, None]), float("-inf"))
        context = (torch.softmax(scores, dim=-1)[:, :, None] * keys).sum(dim=1)
        step = torch.cat([context, decoder.embedding(X[:, t])], dim=-1)[None]
        y, h = decoder.rnn(step, h)
        logits.append(decoder.dense(y[0]))
    torch.testing.assert_close(out, torch.stack(logits, dim=1))
    torch.testing.assert_close(last_hidden, h)


# ---------------------------------------------------------------- 10.5 multi-head attention
def test_transpose_qkv_and_output_are_inverse_and_head_major():
    X = torch.randn(2, 4, 6)
    heads = transpose_qkv(X, 3)
    assert heads.shape == (6, 4, 2)
    torch.testing.assert_close(heads[1 * 3 + 2], X[1, :, 4:6])  # example 1, head 2
    torch.testing.assert_close(transpose_output(heads, 3), X)


def test_multi_head_attention_book_shape():
    attention = MultiHeadAttention(100, 100, 100, 100, 5, 0.5)
    attention.eval()
    X, Y = torch.ones((2, 4, 100)), torch.ones((2, 6, 100))
    assert attention(X, Y, Y, torch.tensor([3, 2])).shape == (2, 4, 100)


@pytest.mark.parametrize("bias", [False, True])
def test_multi_head_attention_matches_nn_multihead_attention(bias):
    num_hiddens, num_heads = 12, 3
    ours = MultiHeadAttention(
        num_hiddens, num_hiddens, num_hiddens, num_hiddens, num_heads, 0, bias
    )
    ours.double()
    theirs = nn.MultiheadAttention(num_hiddens, num_heads, bias=bias, batch_first=True).double()
    with torch.no_grad():
        theirs.in_proj_weight.copy_(torch.cat([ours.W_q.weight, ours.W_k.weight, ours.W_v.weight]))
        theirs.out_proj.weight.copy_(ours.W_o.weight)
        if bias:
            theirs.in_proj_bias.copy_(torch.cat([ours.W_q.bias, ours.W_k.bias, ours.W_v.bias]))
            theirs.out_proj.bias.copy_(ours.W_o.bias)
    valid_lens = torch.tensor([2, 5])
    # nn.MultiheadAttention masks with True where a key is left out
    padding = ~_key_mask(valid_lens, 1, 5)[:, 0]
    q = torch.randn(2, 3, num_hiddens, dtype=torch.float64)
    kv = torch.randn(2, 5, num_hiddens, dtype=torch.float64)
    assert_same_values_and_grads(
        lambda q, kv: ours(q, kv, kv, valid_lens),
        lambda q, kv: theirs(q, kv, kv, key_padding_mask=padding, need_weights=False)[0],
        q, kv,
    )  # fmt: skip
    # and the parameters' gradients, pulled back through both
    upstream = torch.randn(2, 3, num_hiddens, dtype=torch.float64)
    ours(q, kv, kv, valid_lens).backward(upstream)
    theirs(q, kv, kv, key_padding_mask=padding, need_weights=False)[0].backward(upstream)
    W_grads = torch.cat([ours.W_q.weight.grad, ours.W_k.weight.grad, ours.W_v.weight.grad])
    torch.testing.assert_close(W_grads, theirs.in_proj_weight.grad)
    torch.testing.assert_close(ours.W_o.weight.grad, theirs.out_proj.weight.grad)


# ---------------------------------------------------------------- 10.6 positional encoding
def test_positional_encoding_sin_on_even_cos_on_odd_columns():
    encoding = PositionalEncoding(32, 0)
    P = encoding(torch.zeros((1, 60, 32)))[0]
    i, j = torch.arange(60, dtype=torch.float64)[:, None], torch.arange(16)[None, :]
    angles = i / 10000 ** (2 * j / 32)
    torch.testing.assert_close(P[:, 0::2].double(), torch.sin(angles), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(P[:, 1::2].double(), torch.cos(angles), rtol=1e-5, atol=1e-5)
    assert dict(encoding.state_dict()) == {}  # computed, not learned


def test_positional_encoding_offset_continues_the_positions():
    encoding = PositionalEncoding(8, 0)
    X = torch.randn(2, 5, 8)
    torch.testing.assert_close(encoding(X[:, 3:], offset=3), encoding(X)[:, 3:])


def test_self_attention_demo_shape():
    attention = MultiHeadAttention(100, 100, 100, 100, 5, 0.5)
    attention.eval()
    X = torch.ones((2, 4, 100))
    assert attention(X, X, X, torch.tensor([3, 2])).shape == (2, 4, 100)
    assert math.isclose(float(PositionalEncoding(100, 0)(torch.zeros(1, 1, 100))[0, 0, 1]), 1.0)
