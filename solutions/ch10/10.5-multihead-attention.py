# %% [markdown]
# # 10.5 Multi-Head Attention — 多头注意力
#
# One attention layer mixes the values in one way. Multi-head attention runs $h$ of them side by
# side, each on its own learned projections of the queries, keys and values into a smaller
# space, and concatenates what they return:
# $$\mathrm{MultiHead}(\mathbf Q, \mathbf K, \mathbf V) = \big[\mathrm{head}_1, \dots,
# \mathrm{head}_h\big]\mathbf W_o,\qquad \mathrm{head}_i = \mathrm{Attention}(\mathbf Q\mathbf
# W_q^{(i)}, \mathbf K\mathbf W_k^{(i)}, \mathbf V\mathbf W_v^{(i)}).$$
# With `num_hiddens` outputs split evenly over the heads, one `Linear` per role computes every
# head's projection at once; two reshapes then let one batched scaled dot-product attention run
# all heads in parallel. You will write the reshapes and the module.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run as
# well (values and gradients; for the module, the reference's weights are copied into yours).

# %%
import torch
from torch import nn

from autograder import check
from d2lkit.attention import DotProductAttention

# %% [markdown]
# ## Folding the heads into the batch
#
# `transpose_qkv(X, num_heads)` takes `(b, n, num_hiddens)`, splits the last axis into
# `num_heads` chunks of `d = num_hiddens / num_heads`, and returns `(b * num_heads, n, d)` with
# each example's heads next to each other: row `i * num_heads + j` is head `j` of example `i`.
# `transpose_output(X, num_heads)` undoes it: `(b * num_heads, n, d)` to `(b, n, num_heads * d)`.
# A plain `reshape` is not enough: the positions would end up mixed with the heads.


# %% tags=["solution"]
def transpose_qkv(X, num_heads):
    """(b, n, num_hiddens) -> (b * num_heads, n, num_hiddens / num_heads)."""
    ### BEGIN SOLUTION
    b, n, num_hiddens = X.shape
    heads = X.reshape(b, n, num_heads, num_hiddens // num_heads).transpose(1, 2)
    return heads.reshape(b * num_heads, n, num_hiddens // num_heads)
    ### END SOLUTION


# %%
check("ch10.transpose_qkv", transpose_qkv)


# %% tags=["solution"]
def transpose_output(X, num_heads):
    """(b * num_heads, n, d) -> (b, n, num_heads * d)."""
    ### BEGIN SOLUTION
    bh, n, d = X.shape
    heads = X.reshape(bh // num_heads, num_heads, n, d).transpose(1, 2)
    return heads.reshape(bh // num_heads, n, num_heads * d)
    ### END SOLUTION


# %%
check("ch10.transpose_output", transpose_output)

# %% [markdown]
# ## The module
#
# Parts (the names matter): `attention = DotProductAttention(dropout)` (from `d2lkit`),
# `W_q`, `W_k`, `W_v`: `Linear` layers from `query_size`, `key_size`, `value_size` to
# `num_hiddens`, and `W_o` from `num_hiddens` to `num_hiddens`, all with `bias=bias`; keep
# `num_heads`. In `forward`: project, fold the heads into the batch, attend, unfold, apply `W_o`.
# Every head of an example must keep that example's valid lengths: repeat each length
# `num_heads` times in place along dimension 0 (`torch.repeat_interleave`), in the order
# `transpose_qkv` put the heads. Built-in attention (`nn.MultiheadAttention`,
# `F.scaled_dot_product_attention`) is off limits.


# %% tags=["solution"]
class MultiHeadAttention(nn.Module):
    """forward queries: (b, n_q, query_size), keys: (b, n_k, key_size), values: (b, n_k,
    value_size), valid_lens -> (b, n_q, num_hiddens)."""

    def __init__(self, key_size, query_size, value_size, num_hiddens, num_heads, dropout,
                 bias=False, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)
        ### END SOLUTION

    def forward(self, queries, keys, values, valid_lens=None):
        ### BEGIN SOLUTION
        h = self.num_heads
        q, k, v = (
            transpose_qkv(layer(x), h)
            for layer, x in ((self.W_q, queries), (self.W_k, keys), (self.W_v, values))
        )
        if valid_lens is not None:
            valid_lens = valid_lens.repeat_interleave(h, dim=0)
        return self.W_o(transpose_output(self.attention(q, k, v, valid_lens), h))
        ### END SOLUTION


# %%
check("ch10.MultiHeadAttention", MultiHeadAttention)

# %% [markdown]
# The book's shape check: 100 hidden units in 5 heads, 4 queries attending to 6 key-value pairs.

# %%
attention = MultiHeadAttention(100, 100, 100, 100, 5, 0.5)
attention.eval()
X, Y = torch.ones((2, 4, 100)), torch.ones((2, 6, 100))
print(attention(X, Y, Y, torch.tensor([3, 2])).shape)

# %% [markdown] tags=["written"]
# Why use several heads of size d/h rather than one head of size d? Is it more expensive?

# %% [markdown] tags=["answer"]
# Each head has its own projections and can attend to a different kind of relation (a different
# subspace). With heads of size d/h the total cost is about the same as one head of size d.

# %% [markdown] tags=["written"]
# `transpose_qkv` reshapes the inputs so that all heads are computed together. Why not loop over
# the heads?

# %% [markdown] tags=["answer"]
# One batched matrix product over all heads runs in parallel and is much faster than h small
# products launched one after another.
