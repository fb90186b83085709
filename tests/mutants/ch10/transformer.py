"""10.7 the Transformer: wrong implementations, each rejected by its check."""

import math

import torch
from torch import nn

from d2lkit.attention import MultiHeadAttention, PositionalEncoding
from d2lkit.transformer import AddNorm, DecoderBlock, EncoderBlock, PositionWiseFFN


class PositionWiseFFNNoReLU(nn.Module):
    """Two linear layers and nothing between: one linear map."""

    def __init__(self, ffn_num_input, ffn_num_hiddens, ffn_num_outputs, **kwargs):
        super().__init__(**kwargs)
        self.dense1 = nn.Linear(ffn_num_input, ffn_num_hiddens)
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)

    def forward(self, X):
        return self.dense2(self.dense1(X))


class AddNormNormThenAdd(nn.Module):
    """Normalises Y, then adds X: the residual sum is left unnormalised."""

    def __init__(self, normalized_shape, dropout, **kwargs):
        super().__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(normalized_shape)

    def forward(self, X, Y):
        return self.ln(self.dropout(Y)) + X


class EncoderBlockNoMask(nn.Module):
    """Ignores valid_lens: the padding is attended to."""

    def __init__(self, key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                 ffn_num_hiddens, num_heads, dropout, use_bias=False, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.attention = MultiHeadAttention(
            key_size, query_size, value_size, num_hiddens, num_heads, dropout, use_bias
        )
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(norm_shape, dropout)

    def forward(self, X, valid_lens):
        Y = self.addnorm1(X, self.attention(X, X, X, None))
        return self.addnorm2(Y, self.ffn(Y))


class TransformerEncoderUnscaled(nn.Module):
    """Adds the positional encoding to unscaled embeddings."""

    def __init__(self, vocab_size, key_size, query_size, value_size, num_hiddens, norm_shape,
                 ffn_num_input, ffn_num_hiddens, num_heads, num_layers, dropout, use_bias=False,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            self.blks.add_module(f"block{i}", EncoderBlock(
                key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                ffn_num_hiddens, num_heads, dropout, use_bias,
            ))  # fmt: skip

    def forward(self, X, valid_lens, *args):
        X = self.pos_encoding(self.embedding(X))
        for blk in self.blks:
            X = blk(X, valid_lens)
        return X


class _DecoderBlock(nn.Module):
    mistake = None

    def __init__(self, key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                 ffn_num_hiddens, num_heads, dropout, i, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.i = i
        self.attention1 = MultiHeadAttention(key_size, query_size, value_size, num_hiddens,
                                             num_heads, dropout)  # fmt: skip
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.attention2 = MultiHeadAttention(key_size, query_size, value_size, num_hiddens,
                                             num_heads, dropout)  # fmt: skip
        self.addnorm2 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm3 = AddNorm(norm_shape, dropout)

    def forward(self, X, state):
        enc_outputs, enc_valid_lens = state[0], state[1]
        if state[2][self.i] is None or self.mistake == "no cache":
            key_values = X
        else:
            key_values = torch.cat((state[2][self.i], X), dim=1)
        state[2][self.i] = key_values
        dec_valid_lens = None
        if self.training and self.mistake != "no causal mask":
            batch_size, num_steps, _ = X.shape
            dec_valid_lens = torch.arange(1, num_steps + 1).repeat(batch_size, 1)
        Y = self.addnorm1(X, self.attention1(X, key_values, key_values, dec_valid_lens))
        Z = self.addnorm2(Y, self.attention2(Y, enc_outputs, enc_outputs, enc_valid_lens))
        return self.addnorm3(Z, self.ffn(Z)), state


class DecoderBlockNoCache(_DecoderBlock):
    """Attends to the current input only: in prediction, the prefix is forgotten."""

    mistake = "no cache"


class DecoderBlockNoCausalMask(_DecoderBlock):
    """Lets every position see the whole target in training: it can copy the answer."""

    mistake = "no causal mask"


class TransformerDecoderPositionZero(nn.Module):
    """d2l-zh v2's: every call starts the positional encoding at position 0."""

    def __init__(self, vocab_size, key_size, query_size, value_size, num_hiddens, norm_shape,
                 ffn_num_input, ffn_num_hiddens, num_heads, num_layers, dropout, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.num_hiddens, self.num_layers = num_hiddens, num_layers
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            self.blks.add_module(f"block{i}", DecoderBlock(
                key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                ffn_num_hiddens, num_heads, dropout, i,
            ))  # fmt: skip
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, enc_valid_lens, *args):
        return [enc_outputs, enc_valid_lens, [None] * self.num_layers]

    def forward(self, X, state):
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        for blk in self.blks:
            X, state = blk(X, state)
        return self.dense(X), state


MUTANTS = {
    "ch10.PositionWiseFFN": [("no ReLU", PositionWiseFFNNoReLU, "put a ReLU")],
    "ch10.AddNorm": [("norm then add", AddNormNormThenAdd, "normalise the sum")],
    "ch10.EncoderBlock": [("no mask", EncoderBlockNoMask, "pass valid_lens")],
    "ch10.TransformerEncoder": [
        ("unscaled embeddings", TransformerEncoderUnscaled, "scale the embeddings"),
    ],
    "ch10.DecoderBlock": [
        ("no key-value cache", DecoderBlockNoCache, "the cache state[2][self.i]"),
        ("no causal mask", DecoderBlockNoCausalMask, "arange(1, num_steps + 1)"),
    ],
    "ch10.TransformerDecoder": [
        ("positions restart at 0", TransformerDecoderPositionZero, "start the positional encoding"),
    ],
}
