"""Chapter 10.7: the Transformer encoder-decoder (post-norm, as in the book).

Every block maps (batch_size, num_steps, num_hiddens) to the same shape. The decoder's state is
the book's list ``[enc_outputs, enc_valid_lens, cache]``: ``cache[i]`` holds every position block
``i`` has read so far, so that in prediction mode (eval), fed one token at a time, a block's
self-attention reaches back over the whole prefix. Blocks write their cache into the state they
are given, as the book's do.

One deliberate difference from d2l-zh v2's `TransformerDecoder`: there every call adds the
positional encoding of positions 0..n-1, so in prediction, one token per call, every token is
encoded as position 0, unlike in training. Here the decoder starts at the number of positions
already cached, so a token has the same encoding whether the target comes at once or token by
token (d2l's later editions do the same).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor, nn

from d2lkit.attention import AttentionDecoder, MultiHeadAttention, PositionalEncoding
from d2lkit.seq2seq import Encoder

__all__ = [
    "AddNorm",
    "DecoderBlock",
    "EncoderBlock",
    "PositionWiseFFN",
    "TransformerDecoder",
    "TransformerEncoder",
]


class PositionWiseFFN(nn.Module):
    """The same two-layer MLP (ReLU between) applied at every position.

    forward X: (..., ffn_num_input) -> (..., ffn_num_outputs).
    """

    def __init__(
        self, ffn_num_input: int, ffn_num_hiddens: int, ffn_num_outputs: int, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.dense1 = nn.Linear(ffn_num_input, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)

    def forward(self, X: Tensor) -> Tensor:
        return self.dense2(self.relu(self.dense1(X)))


class AddNorm(nn.Module):
    """The residual connection then layer normalisation: ``LayerNorm(dropout(Y) + X)``.

    forward X, Y: same shape, ending in ``normalized_shape`` -> that shape.
    """

    def __init__(self, normalized_shape: Any, dropout: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(normalized_shape)

    def forward(self, X: Tensor, Y: Tensor) -> Tensor:
        return self.ln(self.dropout(Y) + X)


class EncoderBlock(nn.Module):
    """Multi-head self-attention and a position-wise FFN, each followed by `AddNorm`.

    forward X: (b, n, num_hiddens), valid_lens: (b,) -> (b, n, num_hiddens).
    """

    def __init__(
        self,
        key_size: int,
        query_size: int,
        value_size: int,
        num_hiddens: int,
        norm_shape: Any,
        ffn_num_input: int,
        ffn_num_hiddens: int,
        num_heads: int,
        dropout: float,
        use_bias: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.attention = MultiHeadAttention(
            key_size, query_size, value_size, num_hiddens, num_heads, dropout, use_bias
        )
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(norm_shape, dropout)

    def forward(self, X: Tensor, valid_lens: Tensor | None) -> Tensor:
        Y = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(Y, self.ffn(Y))


class TransformerEncoder(Encoder):
    """Embeddings scaled by sqrt(num_hiddens) (so they are not drowned by the positional
    encoding, which lies in [-1, 1]), the positional encoding, then ``num_layers`` EncoderBlocks.

    forward X: (b, n) int64, valid_lens: (b,) -> (b, n, num_hiddens); ``attention_weights`` lists
    each block's (b * num_heads, n, n) weights.
    """

    def __init__(
        self,
        vocab_size: int,
        key_size: int,
        query_size: int,
        value_size: int,
        num_hiddens: int,
        norm_shape: Any,
        ffn_num_input: int,
        ffn_num_hiddens: int,
        num_heads: int,
        num_layers: int,
        dropout: float,
        use_bias: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.num_hiddens = num_hiddens
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            self.blks.add_module(
                f"block{i}",
                EncoderBlock(
                    key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                    ffn_num_hiddens, num_heads, dropout, use_bias,
                ),
            )  # fmt: skip
        self.attention_weights: list[Tensor | None] = [None] * num_layers

    def forward(self, X: Tensor, valid_lens: Tensor | None = None, *args: Any) -> Tensor:
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        self.attention_weights = [None] * len(self.blks)
        for i, blk in enumerate(self.blks):
            X = blk(X, valid_lens)
            self.attention_weights[i] = blk.attention.attention.attention_weights
        return X


class DecoderBlock(nn.Module):
    """The ``i``-th decoder block: masked self-attention, attention over the encoder's outputs
    and a position-wise FFN, each followed by `AddNorm`.

    forward X: (b, n, num_hiddens), state ``[enc_outputs: (b, n_k, num_hiddens), enc_valid_lens:
    (b,), cache: list]`` -> ``(output: (b, n, num_hiddens), state)``, with ``cache[i]`` now the
    positions read so far (the old cache, if any, followed by ``X``). In training mode the whole
    target comes at once and position t may attend to positions 1..t only; in eval mode the
    queries attend to the whole cache, which holds only the past.
    """

    def __init__(
        self,
        key_size: int,
        query_size: int,
        value_size: int,
        num_hiddens: int,
        norm_shape: Any,
        ffn_num_input: int,
        ffn_num_hiddens: int,
        num_heads: int,
        dropout: float,
        i: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.i = i
        self.attention1 = MultiHeadAttention(
            key_size, query_size, value_size, num_hiddens, num_heads, dropout
        )
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.attention2 = MultiHeadAttention(
            key_size, query_size, value_size, num_hiddens, num_heads, dropout
        )
        self.addnorm2 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm3 = AddNorm(norm_shape, dropout)

    def forward(self, X: Tensor, state: list) -> tuple[Tensor, list]:
        enc_outputs, enc_valid_lens = state[0], state[1]
        cached = state[2][self.i]
        key_values = X if cached is None else torch.cat((cached, X), dim=1)
        state[2][self.i] = key_values
        if self.training:
            batch_size, num_steps, _ = X.shape
            # query t sees keys 1..t: a causal mask given as per-query valid lengths
            dec_valid_lens = torch.arange(1, num_steps + 1, device=X.device).repeat(batch_size, 1)
        else:
            dec_valid_lens = None
        Y = self.addnorm1(X, self.attention1(X, key_values, key_values, dec_valid_lens))
        Z = self.addnorm2(Y, self.attention2(Y, enc_outputs, enc_outputs, enc_valid_lens))
        return self.addnorm3(Z, self.ffn(Z)), state


class TransformerDecoder(AttentionDecoder):
    """Scaled embeddings and the positional encoding, ``num_layers`` DecoderBlocks, then a
    Linear layer to the vocabulary.

    ``init_state(enc_outputs, enc_valid_lens)`` -> ``[enc_outputs, enc_valid_lens, [None] *
    num_layers]``. forward X: (b, n) int64 (positions continue after those cached) ->
    ``(logits: (b, n, vocab_size), state)``;
    ``attention_weights`` is ``[self-attention weights, encoder-decoder weights]``, each a list of
    every block's (b * num_heads, n, n_keys) weights.
    """

    def __init__(
        self,
        vocab_size: int,
        key_size: int,
        query_size: int,
        value_size: int,
        num_hiddens: int,
        norm_shape: Any,
        ffn_num_input: int,
        ffn_num_hiddens: int,
        num_heads: int,
        num_layers: int,
        dropout: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.num_hiddens = num_hiddens
        self.num_layers = num_layers
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            self.blks.add_module(
                f"block{i}",
                DecoderBlock(
                    key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                    ffn_num_hiddens, num_heads, dropout, i,
                ),
            )  # fmt: skip
        self.dense = nn.Linear(num_hiddens, vocab_size)
        self._attention_weights: list[list[Tensor | None]] = [[None] * num_layers for _ in "ab"]

    def init_state(self, enc_outputs: Tensor, enc_valid_lens: Tensor | None, *args: Any) -> list:
        return [enc_outputs, enc_valid_lens, [None] * self.num_layers]

    def forward(self, X: Tensor, state: list) -> tuple[Tensor, list]:
        cached = state[2][0]
        offset = 0 if cached is None else cached.shape[1]
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens), offset)
        self._attention_weights = [[None] * self.num_layers for _ in "ab"]
        for i, blk in enumerate(self.blks):
            X, state = blk(X, state)
            self._attention_weights[0][i] = blk.attention1.attention.attention_weights
            self._attention_weights[1][i] = blk.attention2.attention.attention_weights
        return self.dense(X), state

    @property
    def attention_weights(self) -> list[list[Tensor | None]]:
        return self._attention_weights
