# %% [markdown]
# # 10.7 Transformer
#
# The Transformer drops recurrence: its encoder and decoder are stacks of identical blocks built
# from multi-head attention, a small per-position MLP, residual connections and layer
# normalisation. The encoder's blocks use self-attention; each decoder block first attends to
# the target prefix (masked, so a position never sees the future), then to the encoder's
# outputs. You will build every part, bottom up, then train the book's small model for a few
# epochs (`d2lkit train transformer` runs the book's 200).
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run as
# well. Modules are checked with the reference's parameters copied into yours (keep the names
# given), comparing outputs and the gradients of the inputs and of every parameter. The decoder
# block and the decoder are also checked in prediction mode (`eval()`), where a second call with
# the state the first returned must continue from the first.

# %%
import math

import torch
from torch import nn

from autograder import check
from d2lkit.attention import AttentionDecoder, MultiHeadAttention, PositionalEncoding
from d2lkit.data.fra_eng import load_data_nmt
from d2lkit.seq2seq import Encoder, EncoderDecoder, predict_seq2seq, train_seq2seq

# %% [markdown]
# ## The position-wise feed-forward network
#
# The same two-layer MLP at every position: `dense1` (`ffn_num_input` to `ffn_num_hiddens`),
# a ReLU, `dense2` (to `ffn_num_outputs`). `nn.Linear` acts on the last axis, so the input
# `(b, n, d)` needs no reshaping.


# %% tags=["solution"]
class PositionWiseFFN(nn.Module):
    """(..., ffn_num_input) -> (..., ffn_num_outputs)."""

    def __init__(self, ffn_num_input, ffn_num_hiddens, ffn_num_outputs, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.dense1 = nn.Linear(ffn_num_input, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)
        ### END SOLUTION

    def forward(self, X):
        ### BEGIN SOLUTION
        return self.dense2(self.relu(self.dense1(X)))
        ### END SOLUTION


# %%
check("ch10.PositionWiseFFN", PositionWiseFFN)

# %% [markdown]
# ## Add & norm
#
# Around each sublayer: dropout on its output $\mathbf Y$, the residual sum with its input
# $\mathbf X$, then layer normalisation, $\mathrm{LayerNorm}(\mathrm{dropout}(\mathbf Y) +
# \mathbf X)$. Parts: `dropout`, `ln = nn.LayerNorm(normalized_shape)`. Layer normalisation
# standardises each example on its own (over the last axes), unlike batch normalisation, which
# standardises each feature over the batch; so it does not depend on the batch or on how many
# positions are padding.


# %% tags=["solution"]
class AddNorm(nn.Module):
    """forward X, Y of the same shape -> LayerNorm(dropout(Y) + X)."""

    def __init__(self, normalized_shape, dropout, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(normalized_shape)
        ### END SOLUTION

    def forward(self, X, Y):
        ### BEGIN SOLUTION
        return self.ln(X + self.dropout(Y))
        ### END SOLUTION


# %%
check("ch10.AddNorm", AddNorm)

# %%
ln, bn = nn.LayerNorm(2), nn.BatchNorm1d(2)
X = torch.tensor([[1, 2], [2, 3]], dtype=torch.float32)
print("layer norm:", ln(X), "\nbatch norm:", bn(X))

# %% [markdown]
# ## The encoder block
#
# Self-attention, add & norm, the FFN, add & norm. Parts: `attention = MultiHeadAttention(
# key_size, query_size, value_size, num_hiddens, num_heads, dropout, use_bias)` (from
# `d2lkit`), `addnorm1`, `ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)`,
# `addnorm2` (both `AddNorm(norm_shape, dropout)`). The valid lengths keep the padding out of
# the self-attention. The block keeps the input's shape, so blocks stack.


# %% tags=["solution"]
class EncoderBlock(nn.Module):
    """forward X: (b, n, num_hiddens), valid_lens: (b,) -> (b, n, num_hiddens)."""

    def __init__(self, key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                 ffn_num_hiddens, num_heads, dropout, use_bias=False, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.attention = MultiHeadAttention(
            key_size, query_size, value_size, num_hiddens, num_heads, dropout, use_bias
        )
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(norm_shape, dropout)
        ### END SOLUTION

    def forward(self, X, valid_lens):
        ### BEGIN SOLUTION
        attended = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(attended, self.ffn(attended))
        ### END SOLUTION


# %%
check("ch10.EncoderBlock", EncoderBlock)

# %%
block = EncoderBlock(24, 24, 24, 24, [100, 24], 24, 48, 8, 0.5)
block.eval()
print(block(torch.ones((2, 100, 24)), torch.tensor([3, 2])).shape)

# %% [markdown]
# ## The encoder
#
# Token embeddings `embedding = nn.Embedding(vocab_size, num_hiddens)`, multiplied by
# $\sqrt{\text{num\_hiddens}}$ (the embeddings start small, and the positional encoding lies in
# $[-1, 1]$), plus `pos_encoding = PositionalEncoding(num_hiddens, dropout)`, then
# `num_layers` encoder blocks in `blks = nn.Sequential()`, added as `"block0"`, `"block1"`, ...
# Keep each block's attention weights (`blk.attention.attention.attention_weights`) in the list
# `self.attention_weights`.


# %% tags=["solution"]
class TransformerEncoder(Encoder):
    """forward X: (b, n) int64, valid_lens: (b,) -> (b, n, num_hiddens)."""

    def __init__(self, vocab_size, key_size, query_size, value_size, num_hiddens, norm_shape,
                 ffn_num_input, ffn_num_hiddens, num_heads, num_layers, dropout, use_bias=False,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.num_hiddens = num_hiddens
        ### BEGIN SOLUTION
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            block = EncoderBlock(key_size, query_size, value_size, num_hiddens, norm_shape,
                                 ffn_num_input, ffn_num_hiddens, num_heads, dropout, use_bias)  # fmt: skip
            self.blks.add_module(f"block{i}", block)
        ### END SOLUTION

    def forward(self, X, valid_lens, *args):
        ### BEGIN SOLUTION
        X = self.pos_encoding(math.sqrt(self.num_hiddens) * self.embedding(X))
        self.attention_weights = []
        for blk in self.blks:
            X = blk(X, valid_lens)
            self.attention_weights.append(blk.attention.attention.attention_weights)
        return X
        ### END SOLUTION


# %%
check("ch10.TransformerEncoder", TransformerEncoder)

# %% [markdown]
# ## The decoder block
#
# Parts: `attention1` (masked self-attention) and `attention2` (over the encoder's outputs),
# both `MultiHeadAttention(key_size, query_size, value_size, num_hiddens, num_heads, dropout)`;
# `addnorm1`, `addnorm2`, `addnorm3`; `ffn`; and `self.i`, the block's index in the decoder.
#
# The state is a list `[enc_outputs, enc_valid_lens, cache]`, `cache` a list with one entry per
# block. The block's self-attention reads its keys and values from `cache[self.i]` followed by
# `X` (just `X` when the entry is `None`), and stores that concatenation back in
# `state[2][self.i]`, so that the next call sees it:
#
# - **training** (`self.training`): the whole target comes in one call; position $t$ may only
#   attend to positions $1, \dots, t$. Pass the self-attention the per-query valid lengths
#   `[1, 2, ..., num_steps]` for every example.
# - **prediction** (`eval()`): one token per call; the cache holds only the past, so no mask.
#
# Then attention over `enc_outputs` (masked by `enc_valid_lens`), add & norm, the FFN, add &
# norm. Return `(output, state)`.


# %% tags=["solution"]
class DecoderBlock(nn.Module):
    """forward X: (b, n, num_hiddens), state -> (output: (b, n, num_hiddens), state)."""

    def __init__(self, key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                 ffn_num_hiddens, num_heads, dropout, i, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.i = i
        ### BEGIN SOLUTION
        sizes = (key_size, query_size, value_size, num_hiddens, num_heads, dropout)
        self.attention1 = MultiHeadAttention(*sizes)
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.attention2 = MultiHeadAttention(*sizes)
        self.addnorm2 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm3 = AddNorm(norm_shape, dropout)
        ### END SOLUTION

    def forward(self, X, state):
        ### BEGIN SOLUTION
        enc_outputs, enc_valid_lens, cache = state
        if cache[self.i] is not None:
            cache[self.i] = torch.cat([cache[self.i], X], dim=1)
        else:
            cache[self.i] = X
        key_values = cache[self.i]
        causal = None
        if self.training:
            steps = torch.arange(1, X.shape[1] + 1, device=X.device)
            causal = steps.expand(X.shape[0], -1)
        Y = self.addnorm1(X, self.attention1(X, key_values, key_values, causal))
        Z = self.addnorm2(Y, self.attention2(Y, enc_outputs, enc_outputs, enc_valid_lens))
        return self.addnorm3(Z, self.ffn(Z)), state
        ### END SOLUTION


# %%
check("ch10.DecoderBlock", DecoderBlock)

# %% [markdown]
# ## The decoder
#
# Like the encoder: `embedding`, `pos_encoding`, `blks` of `num_layers` decoder blocks (block
# `i` gets index `i`), then `dense = nn.Linear(num_hiddens, vocab_size)`. Keep `num_hiddens`
# and `num_layers`.
#
# - `init_state(enc_outputs, enc_valid_lens)` returns `[enc_outputs, enc_valid_lens, [None] *
#   num_layers]`.
# - In prediction each call brings the next token, so its position is the number of tokens
#   already cached (the length of `state[2][0]`, or 0): add the positional encoding of the
#   positions that follow, not of positions from 0 again. (d2l-zh v2 restarts at 0 on every
#   call, so a token is encoded differently in prediction than in training; `d2lkit`'s
#   `PositionalEncoding` takes the first position as `forward(X, offset)`.)
# - `attention_weights` is a property: `[self-attention weights, encoder-decoder weights]`,
#   each a list with one entry per block.


# %% tags=["solution"]
class TransformerDecoder(AttentionDecoder):
    """forward X: (b, n) int64, state -> (logits: (b, n, vocab_size), state)."""

    def __init__(self, vocab_size, key_size, query_size, value_size, num_hiddens, norm_shape,
                 ffn_num_input, ffn_num_hiddens, num_heads, num_layers, dropout, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.num_hiddens, self.num_layers = num_hiddens, num_layers
        ### BEGIN SOLUTION
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            block = DecoderBlock(key_size, query_size, value_size, num_hiddens, norm_shape,
                                 ffn_num_input, ffn_num_hiddens, num_heads, dropout, i)  # fmt: skip
            self.blks.add_module(f"block{i}", block)
        self.dense = nn.Linear(num_hiddens, vocab_size)
        self._weights = [[], []]
        ### END SOLUTION

    def init_state(self, enc_outputs, enc_valid_lens, *args):
        ### BEGIN SOLUTION
        return [enc_outputs, enc_valid_lens, [None] * self.num_layers]
        ### END SOLUTION

    def forward(self, X, state):
        ### BEGIN SOLUTION
        done = 0 if state[2][0] is None else state[2][0].shape[1]
        X = self.pos_encoding(math.sqrt(self.num_hiddens) * self.embedding(X), done)
        self._weights = [[], []]
        for blk in self.blks:
            X, state = blk(X, state)
            self._weights[0].append(blk.attention1.attention.attention_weights)
            self._weights[1].append(blk.attention2.attention.attention_weights)
        return self.dense(X), state
        ### END SOLUTION

    @property
    def attention_weights(self):
        ### BEGIN SOLUTION
        return self._weights
        ### END SOLUTION


# %%
check("ch10.TransformerDecoder", TransformerDecoder)

# %% [markdown]
# ## Training
#
# The book's settings (32 hidden units, 2 layers, 4 heads, FFN of 64, dropout 0.1, Adam at
# 0.005) for a few epochs only; `d2lkit train transformer` runs all 200 and translates the four
# test sentences.

# %% tags=["demo"]
torch.manual_seed(0)
train_iter, src_vocab, tgt_vocab = load_data_nmt(batch_size=64, num_steps=10)
sizes = (32, 32, 32, 32, [32], 32, 64, 4, 2, 0.1)
net = EncoderDecoder(
    TransformerEncoder(len(src_vocab), *sizes), TransformerDecoder(len(tgt_vocab), *sizes)
)
train_seq2seq(net, train_iter, 0.005, 10, tgt_vocab, "cpu", verbose=True)
for sentence in ["go .", "i lost .", "he's calm .", "i'm home ."]:
    print(sentence, "=>", predict_seq2seq(net, sentence, src_vocab, tgt_vocab, 10, "cpu")[0])

# %% [markdown] tags=["written"]
# Why does the decoder's self-attention use a mask in training?

# %% [markdown] tags=["answer"]
# In training the whole target sequence is fed at once; the mask stops each position from seeing
# the later tokens it is meant to predict, as will be the case at prediction time.

# %% [markdown] tags=["written"]
# Why does the Transformer use layer normalisation rather than batch normalisation?

# %% [markdown] tags=["answer"]
# Sequences have different lengths and padding, and batches may be small; layer normalisation
# normalises each token on its own, independent of the batch.
