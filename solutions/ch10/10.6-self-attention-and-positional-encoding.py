# %% [markdown]
# # 10.6 Self-Attention and Positional Encoding — 自注意力和位置编码
#
# In **self-attention** a sequence attends to itself: every token is a query, a key and a value,
# so each output position mixes information from every input position in one step, where an RNN
# needs as many steps as the distance. Attention ignores order, though: permuting the inputs
# permutes the outputs. The Transformer therefore adds to each input a **positional encoding**,
# a fixed vector per position. You will write the book's sinusoidal one.
#
# The check cell runs the visible cases here; when your notebook is graded, hidden cases run as
# well (values and gradients).

# %%
import torch
from torch import nn

from autograder import check
from d2lkit.attention import MultiHeadAttention, show_heatmaps
from d2lkit.plotting import plot_curves

# %% [markdown]
# ## Self-attention
#
# The same `MultiHeadAttention` (here `d2lkit`'s) with the sequence passed three times:

# %%
attention = MultiHeadAttention(100, 100, 100, 100, 5, 0.5)
attention.eval()
X = torch.ones((2, 4, 100))
print(attention(X, X, X, torch.tensor([3, 2])).shape)

# %% [markdown]
# ## The sinusoidal encoding
#
# For a sequence of $n$ positions and $d$ (even) features, the matrix $\mathbf P \in \mathbb
# R^{n\times d}$ holds, for position $i$ and column pair $j = 0, \dots, d/2 - 1$,
# $$p_{i, 2j} = \sin\Big(\frac{i}{10000^{2j/d}}\Big),\qquad
# p_{i, 2j+1} = \cos\Big(\frac{i}{10000^{2j/d}}\Big).$$
# Each column pair oscillates at its own frequency, from one cycle per $2\pi$ positions down to
# very slow ones: like the bits of a binary counter, but smooth.
#
# `PositionalEncoding(num_hiddens, dropout, max_len=1000)` builds `P` of shape `(1, max_len,
# num_hiddens)` once, in `__init__`, and keeps it as a plain attribute (`self.P = ...`) or a
# buffer registered with `persistent=False`: it is computed, not learned, and must not appear in
# the `state_dict`. `forward(X)` adds the first `X.shape[1]` rows of `P` to `X` and applies
# `dropout = nn.Dropout(dropout)`.


# %% tags=["solution"]
class PositionalEncoding(nn.Module):
    """forward X: (b, n, num_hiddens) -> X + P[:, :n, :], then dropout."""

    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        ### BEGIN SOLUTION
        i = torch.arange(max_len, dtype=torch.float32)[:, None]
        two_j = torch.arange(0, num_hiddens, 2, dtype=torch.float32)[None, :]
        angles = i / torch.pow(10000, two_j / num_hiddens)
        self.P = torch.zeros((1, max_len, num_hiddens))
        self.P[0, :, 0::2] = torch.sin(angles)
        self.P[0, :, 1::2] = torch.cos(angles)
        ### END SOLUTION

    def forward(self, X):
        ### BEGIN SOLUTION
        return self.dropout(X + self.P[:, : X.shape[1], :].to(X.device, X.dtype))
        ### END SOLUTION


# %%
check("ch10.PositionalEncoding", PositionalEncoding)

# %% [markdown]
# Columns 6 to 9 over 60 positions (the book's plot), and the whole encoding as a heatmap.

# %% tags=["demo"]
encoding = PositionalEncoding(32, 0)
P = encoding(torch.zeros((1, 60, 32)))[0]
plot_curves({f"col {j}": P[:, j].tolist() for j in range(6, 10)}, xlabel="row (position)")
show_heatmaps(P.reshape(1, 1, 60, 32), "column (encoding dimension)", "row (position)")

# %% [markdown] tags=["written"]
# Compare self-attention, an RNN and a CNN (kernel k) on a sequence of length n: the number of
# sequential steps, and the longest path between two positions.

# %% [markdown] tags=["answer"]
# RNN: n sequential steps, path n. CNN: parallel, path about n/k layers. Self-attention: parallel,
# path 1, but its cost grows with n^2.

# %% [markdown] tags=["written"]
# Why does self-attention need positional encodings? Why sines and cosines of different
# frequencies?

# %% [markdown] tags=["answer"]
# Without them self-attention treats the input as a set: permuting the tokens permutes the
# outputs. Sinusoids give every position a distinct code, express an offset as a linear map, and
# extend to lengths not seen in training.
