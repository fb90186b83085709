# %% [markdown]
# # 10.3 Attention Scoring Functions — 注意力评分函数
#
# Nadaraya-Watson scored a query against a key by their distance. In general an attention
# layer computes a **score** $a(\mathbf q, \mathbf k_i)$ for every key, turns the scores into
# weights with a softmax, and returns the weighted sum of the values:
# $$f(\mathbf q) = \sum_i \mathrm{softmax}_i\big(a(\mathbf q, \mathbf k_i)\big)\, \mathbf v_i.$$
# You will write the softmax that skips padded keys, then the two classic scores: additive
# (a small MLP) and scaled dot product.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run
# as well (values and gradients; for the modules, the reference's weights are copied into yours
# first).

# %%
import math

import torch
from torch import nn

from autograder import check
from d2lkit.attention import show_heatmaps

# %% [markdown]
# ## The masked softmax
#
# A batch of sentences is padded to one length, and a query must give the padding keys no
# weight. `X` holds scores `(batch_size, num_queries, num_keys)`; `valid_lens` is `None` (keep
# everything), a `(batch_size,)` tensor (one length per example, shared by its queries) or a
# `(batch_size, num_queries)` tensor (one length per query). Replace every score at or beyond
# its length by $-10^6$, so that its exponential vanishes, then take the softmax over the last
# axis. (With a length of 0 every score is $-10^6$ and the weights come out uniform, as in the
# book.) Do not write into `X`.


# %% tags=["solution"]
def masked_softmax(X, valid_lens):
    """X: (batch_size, num_queries, num_keys); valid_lens: None, (batch_size,) or
    (batch_size, num_queries) -> weights of X's shape."""
    ### BEGIN SOLUTION
    if valid_lens is None:
        return torch.softmax(X, dim=-1)
    num_queries, num_keys = X.shape[1], X.shape[2]
    if valid_lens.dim() == 1:
        valid_lens = valid_lens.reshape(-1, 1).expand(-1, num_queries)
    positions = torch.arange(num_keys, device=X.device).reshape(1, 1, -1)
    keep = positions < valid_lens.unsqueeze(-1)
    masked = torch.where(keep, X, torch.full_like(X, -1e6))
    return torch.softmax(masked, dim=-1)
    ### END SOLUTION


# %%
check("ch10.masked_softmax", masked_softmax)

# %%
print(masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3])))

# %% [markdown]
# ## Additive attention
#
# When queries and keys have different sizes, project both to `num_hiddens` and score them with
# a one-hidden-layer MLP:
# $$a(\mathbf q, \mathbf k) = \mathbf w_v^\top \tanh(\mathbf W_q \mathbf q + \mathbf W_k \mathbf k).$$
# Three bias-free linear layers: `W_k` (`key_size` to `num_hiddens`), `W_q` (`query_size` to
# `num_hiddens`), `w_v` (`num_hiddens` to 1), and `dropout = nn.Dropout(dropout)` applied to the
# weights before they average the values. After projecting, add every query to every key by
# broadcasting: `(b, n_q, 1, h) + (b, 1, n_k, h)`. Keep the weights in
# `self.attention_weights` (before dropout).


# %% tags=["solution"]
class AdditiveAttention(nn.Module):
    """forward queries: (b, n_q, query_size), keys: (b, n_k, key_size), values: (b, n_k, d_v),
    valid_lens -> (b, n_q, d_v)."""

    def __init__(self, key_size, query_size, num_hiddens, dropout, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)
        ### END SOLUTION

    def forward(self, queries, keys, values, valid_lens=None):
        ### BEGIN SOLUTION
        hidden = torch.tanh(self.W_q(queries)[:, :, None, :] + self.W_k(keys)[:, None, :, :])
        scores = self.w_v(hidden)[..., 0]
        self.attention_weights = masked_softmax(scores, valid_lens)
        return self.dropout(self.attention_weights) @ values
        ### END SOLUTION


# %%
check("ch10.AdditiveAttention", AdditiveAttention)

# %% [markdown]
# The book's demo: ten identical keys, so every valid key gets the same weight, and the output
# is the mean of the first 2 (then 6) rows of the values.

# %%
queries, keys = torch.normal(0, 1, (2, 1, 20)), torch.ones((2, 10, 2))
values = torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(2, 1, 1)
valid_lens = torch.tensor([2, 6])
additive = AdditiveAttention(key_size=2, query_size=20, num_hiddens=8, dropout=0.1)
additive.eval()
print(additive(queries, keys, values, valid_lens))

# %% tags=["demo"]
show_heatmaps(additive.attention_weights.reshape(1, 1, 2, 10), "keys", "queries")

# %% [markdown]
# ## Scaled dot-product attention
#
# When queries and keys share a size $d$, their dot product is a cheaper score. With entries of
# unit variance it has variance $d$, so divide by $\sqrt d$:
# $$\mathrm{softmax}\Big(\frac{\mathbf Q \mathbf K^\top}{\sqrt d}\Big)\mathbf V.$$
# Use `torch.bmm` for the batched products, the masked softmax, and `dropout` on the weights;
# keep them in `self.attention_weights`. (`F.scaled_dot_product_attention` is off limits.)


# %% tags=["solution"]
class DotProductAttention(nn.Module):
    """forward queries: (b, n_q, d), keys: (b, n_k, d), values: (b, n_k, d_v), valid_lens
    -> (b, n_q, d_v)."""

    def __init__(self, dropout, **kwargs):
        super().__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        ### BEGIN SOLUTION
        scores = torch.bmm(queries, keys.permute(0, 2, 1)) / math.sqrt(keys.shape[-1])
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)
        ### END SOLUTION


# %%
check("ch10.DotProductAttention", DotProductAttention)

# %%
dot = DotProductAttention(dropout=0.5)
dot.eval()
print(dot(torch.normal(0, 1, (2, 1, 2)), keys, values, valid_lens))

# %% [markdown] tags=["written"]
# Why does scaled dot-product attention divide the scores by the square root of the dimension d?

# %% [markdown] tags=["answer"]
# With independent unit-variance entries, a dot product has variance d; large scores saturate the
# softmax, which then has tiny gradients. The scaling keeps the scores' variance near 1.

# %% [markdown] tags=["written"]
# Compare additive attention with dot-product attention: when can each be used, and which is
# cheaper?

# %% [markdown] tags=["answer"]
# Dot product needs queries and keys of the same size and has no parameters; it is one matrix
# product, fast. Additive attention learns parameters and works with different sizes, at a higher
# cost.
