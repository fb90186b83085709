"""Chapter 10.1-10.6: attention pooling, scoring functions, Bahdanau attention, multi-head
attention and positional encoding.

Every attention layer takes batch-major ``queries: (batch_size, n_q, d_q)``, ``keys:
(batch_size, n_k, d_k)`` and ``values: (batch_size, n_k, d_v)``, and keeps the weights of its last
call in ``attention_weights: (batch_size, n_q, n_k)`` (before dropout), for `show_heatmaps`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from d2lkit.seq2seq import Decoder, sequence_mask

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "AdditiveAttention",
    "AttentionDecoder",
    "DotProductAttention",
    "MultiHeadAttention",
    "NWKernelRegression",
    "PositionalEncoding",
    "Seq2SeqAttentionDecoder",
    "masked_softmax",
    "nadaraya_watson",
    "show_heatmaps",
    "transpose_output",
    "transpose_qkv",
]


# ---------------------------------------------------------------- 10.1 heatmaps
def show_heatmaps(
    matrices: Tensor,
    xlabel: str,
    ylabel: str,
    titles: Sequence[str] | None = None,
    figsize: tuple[float, float] = (2.5, 2.5),
    cmap: str = "Reds",
    path: str | Path | None = None,
) -> Figure:
    """Draw a grid of heatmaps with one shared colour bar.

    matrices: (num_rows, num_cols, n_q, n_k), e.g. (layers, heads, queries, keys). ``titles`` name
    the columns; ``figsize`` is the size of one heatmap. In a notebook the figure is shown inline;
    with ``path`` it is saved as a PNG. Returns the figure.
    """
    from matplotlib.figure import Figure

    from d2lkit.plotting import _display_inline, _in_notebook

    matrices = matrices.detach().cpu()
    num_rows, num_cols = matrices.shape[:2]
    fig = Figure(figsize=(figsize[0] * num_cols, figsize[1] * num_rows))
    axes = fig.subplots(num_rows, num_cols, sharex=True, sharey=True, squeeze=False)
    image = None
    for i in range(num_rows):
        for j in range(num_cols):
            ax = axes[i, j]
            image = ax.imshow(matrices[i, j].numpy(), cmap=cmap)
            if i == num_rows - 1:
                ax.set_xlabel(xlabel)
            if j == 0:
                ax.set_ylabel(ylabel)
            if titles is not None and j < len(titles):
                ax.set_title(titles[j])
    fig.colorbar(image, ax=axes, shrink=0.6)
    if path is not None:
        fig.savefig(path, bbox_inches="tight")
    elif _in_notebook():
        _display_inline(fig)
    return fig


# ---------------------------------------------------------------- 10.2 Nadaraya-Watson
def nadaraya_watson(queries: Tensor, keys: Tensor, values: Tensor) -> tuple[Tensor, Tensor]:
    """Nonparametric attention pooling with a Gaussian kernel: every query averages all the
    values, weighted by softmax over the keys of ``-(query - key)**2 / 2``.

    queries: (n_q,), keys: (n_k,), values: (n_k,) -> ``(y_hat: (n_q,), attention_weights:
    (n_q, n_k))``.
    """
    scores = -((queries[:, None] - keys[None, :]) ** 2) / 2
    attention_weights = torch.softmax(scores, dim=1)
    return attention_weights @ values, attention_weights


class NWKernelRegression(nn.Module):
    """Parametric Nadaraya-Watson pooling: the kernel's width is learned through a scalar ``w``,
    weights softmax(-((query - key) * w)**2 / 2) over each query's own keys.

    forward queries: (n,), keys: (n, m), values: (n, m) -> (n,); keeps ``attention_weights:
    (n, m)``.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.w = nn.Parameter(torch.rand((1,)))
        self.attention_weights: Tensor | None = None

    def forward(self, queries: Tensor, keys: Tensor, values: Tensor) -> Tensor:
        scores = -(((queries[:, None] - keys) * self.w) ** 2) / 2
        self.attention_weights = torch.softmax(scores, dim=1)
        return torch.bmm(self.attention_weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1)


# ---------------------------------------------------------------- 10.3 scoring functions
def masked_softmax(X: Tensor, valid_lens: Tensor | None) -> Tensor:
    """Softmax over the last axis of ``X`` that keeps only the first ``valid_lens`` keys.

    X: (batch_size, n_q, n_k); valid_lens: None (no mask), (batch_size,) (one length per
    example, shared by its queries) or (batch_size, n_q) (one per query). Masked scores are
    replaced by -1e6, as in the book, so a row with valid length 0 gets uniform weights.
    """
    if valid_lens is None:
        return torch.softmax(X, dim=-1)
    shape = X.shape
    if valid_lens.dim() == 1:
        valid_lens = torch.repeat_interleave(valid_lens, shape[1])
    else:
        valid_lens = valid_lens.reshape(-1)
    X = sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
    return torch.softmax(X.reshape(shape), dim=-1)


class AdditiveAttention(nn.Module):
    """Additive attention: score(q, k) = w_v^T tanh(W_q q + W_k k), every weight without bias.

    forward queries: (b, n_q, query_size), keys: (b, n_k, key_size), values: (b, n_k, d_v),
    valid_lens: as `masked_softmax` -> (b, n_q, d_v). Dropout acts on the attention weights.
    """

    def __init__(
        self, key_size: int, query_size: int, num_hiddens: int, dropout: float, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)
        self.attention_weights: Tensor | None = None

    def forward(
        self, queries: Tensor, keys: Tensor, values: Tensor, valid_lens: Tensor | None = None
    ) -> Tensor:
        queries, keys = self.W_q(queries), self.W_k(keys)
        # (b, n_q, 1, h) + (b, 1, n_k, h): every query against every key
        features = torch.tanh(queries.unsqueeze(2) + keys.unsqueeze(1))
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class DotProductAttention(nn.Module):
    """Scaled dot-product attention: score(q, k) = q . k / sqrt(d), queries and keys of size d.

    forward queries: (b, n_q, d), keys: (b, n_k, d), values: (b, n_k, d_v), valid_lens: as
    `masked_softmax` -> (b, n_q, d_v). Dropout acts on the attention weights.
    """

    def __init__(self, dropout: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.attention_weights: Tensor | None = None

    def forward(
        self, queries: Tensor, keys: Tensor, values: Tensor, valid_lens: Tensor | None = None
    ) -> Tensor:
        d = queries.shape[-1]
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


# ---------------------------------------------------------------- 10.4 Bahdanau attention
class AttentionDecoder(Decoder):
    """A decoder that exposes the attention weights of its last call (`attention_weights`)."""

    @property
    def attention_weights(self) -> Any:
        raise NotImplementedError


class Seq2SeqAttentionDecoder(AttentionDecoder):
    """The GRU decoder of 9.7 with additive attention over the encoder's outputs: at each step
    the query is the last layer's hidden state, and the context it pools is concatenated before
    the token's embedding.

    ``init_state((enc_outputs, hidden), enc_valid_lens)`` with the `Seq2SeqEncoder`'s time-major
    outputs -> ``(enc_outputs: (batch_size, n_k, num_hiddens), hidden, enc_valid_lens)``.
    forward X: (batch_size, num_steps) int64 -> ``(logits: (batch_size, num_steps, vocab_size),
    new state)``; ``attention_weights`` lists each step's (batch_size, 1, n_k) weights.
    """

    def __init__(
        self,
        vocab_size: int,
        embed_size: int,
        num_hiddens: int,
        num_layers: int,
        dropout: float = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.attention = AdditiveAttention(num_hiddens, num_hiddens, num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)
        self._attention_weights: list[Tensor] = []

    def init_state(
        self, enc_outputs: tuple[Tensor, Tensor], enc_valid_lens: Tensor | None = None, *args: Any
    ) -> tuple[Tensor, Tensor, Tensor | None]:
        outputs, hidden_state = enc_outputs
        return outputs.permute(1, 0, 2), hidden_state, enc_valid_lens

    def forward(self, X: Tensor, state: Sequence[Any]) -> tuple[Tensor, tuple]:
        enc_outputs, hidden_state, enc_valid_lens = state
        X = self.embedding(X).permute(1, 0, 2)
        outputs, self._attention_weights = [], []
        for x in X:
            query = hidden_state[-1].unsqueeze(1)
            context = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            step_input = torch.cat((context, x.unsqueeze(1)), dim=-1)
            out, hidden_state = self.rnn(step_input.permute(1, 0, 2), hidden_state)
            outputs.append(out)
            self._attention_weights.append(self.attention.attention_weights)
        logits = self.dense(torch.cat(outputs, dim=0))
        return logits.permute(1, 0, 2), (enc_outputs, hidden_state, enc_valid_lens)

    @property
    def attention_weights(self) -> list[Tensor]:
        return self._attention_weights


# ---------------------------------------------------------------- 10.5 multi-head attention
def transpose_qkv(X: Tensor, num_heads: int) -> Tensor:
    """Split the last axis into heads and fold the heads into the batch.

    X: (b, n, num_hiddens) -> (b * num_heads, n, num_hiddens / num_heads), example-major: rows
    ``i * num_heads + h`` are example i's head h.
    """
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)
    return X.permute(0, 2, 1, 3).reshape(-1, X.shape[1], X.shape[3])


def transpose_output(X: Tensor, num_heads: int) -> Tensor:
    """Undo `transpose_qkv`: (b * num_heads, n, d) -> (b, n, num_heads * d)."""
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    return X.permute(0, 2, 1, 3).reshape(X.shape[0], X.shape[2], -1)


class MultiHeadAttention(nn.Module):
    """``num_heads`` scaled dot-product attentions run in parallel on learned projections of
    size num_hiddens / num_heads, their outputs concatenated and projected by ``W_o``.

    forward queries: (b, n_q, query_size), keys: (b, n_k, key_size), values: (b, n_k,
    value_size), valid_lens: (b,) or (b, n_q) -> (b, n_q, num_hiddens). The attention weights are
    ``attention.attention_weights: (b * num_heads, n_q, n_k)``.
    """

    def __init__(
        self,
        key_size: int,
        query_size: int,
        value_size: int,
        num_hiddens: int,
        num_heads: int,
        dropout: float,
        bias: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(
        self, queries: Tensor, keys: Tensor, values: Tensor, valid_lens: Tensor | None = None
    ) -> Tensor:
        queries = transpose_qkv(self.W_q(queries), self.num_heads)
        keys = transpose_qkv(self.W_k(keys), self.num_heads)
        values = transpose_qkv(self.W_v(values), self.num_heads)
        if valid_lens is not None:
            # every head of an example keeps that example's lengths
            valid_lens = torch.repeat_interleave(valid_lens, self.num_heads, dim=0)
        output = self.attention(queries, keys, values, valid_lens)
        return self.W_o(transpose_output(output, self.num_heads))


# ---------------------------------------------------------------- 10.6 positional encoding
class PositionalEncoding(nn.Module):
    """Adds the sinusoidal encoding P, then dropout: for position i and column pair j,
    ``P[i, 2j] = sin(i / 10000**(2j / d))`` and ``P[i, 2j + 1] = cos(i / 10000**(2j / d))``.

    forward X: (b, n, num_hiddens), num_hiddens even, offset + n <= max_len -> same shape: X's
    positions are ``offset, ..., offset + n - 1`` (a decoder fed one token at a time passes how
    many it has read). ``P: (1, max_len, num_hiddens)`` is a buffer outside the state_dict (it is
    computed, not learned).
    """

    def __init__(self, num_hiddens: int, dropout: float, max_len: int = 1000) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        positions = torch.arange(max_len, dtype=torch.float32).reshape(-1, 1)
        frequencies = torch.pow(
            10000, torch.arange(0, num_hiddens, 2, dtype=torch.float32) / num_hiddens
        )
        angles = positions / frequencies
        P = torch.zeros((1, max_len, num_hiddens))
        P[:, :, 0::2] = torch.sin(angles)
        P[:, :, 1::2] = torch.cos(angles)
        self.register_buffer("P", P, persistent=False)

    def forward(self, X: Tensor, offset: int = 0) -> Tensor:
        X = X + self.P[:, offset : offset + X.shape[1], :].to(X.dtype)
        return self.dropout(X)
