# %% [markdown]
# # 6.4 Multiple input and multiple output channels — 多输入多输出通道
#
# A colour image has three channels; a convolution sums one 2-D cross-correlation per input
# channel, and stacks one such sum per output channel. A 1x1 convolution turns out to be a fully
# connected layer applied at every pixel.

# %%
import torch

from autograder import check


def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """The 2-D cross-correlation of 6.2. X: (n_h, n_w), K: (k_h, k_w) -> (n_h - k_h + 1, ...).

    Not 6.2's loop (that is yours to write there), and no convolution built-in (off limits in this
    notebook's checks): every k_h x k_w window as a strided view of X, and one einsum.
    """
    h, w = K.shape
    out = (X.shape[0] - h + 1, X.shape[1] - w + 1)
    windows = X.as_strided((*out, h, w), (*X.stride(), *X.stride()))
    return torch.einsum("ijab,ab->ij", windows, K)


# %% [markdown]
# ## Multiple input channels
#
# With $c_i$ input channels the kernel has $c_i$ slices, and the result is the **sum** of the
# per-channel cross-correlations:
# $\mathbf{Y} = \sum_{c=1}^{c_i} \mathbf{X}_c \star \mathbf{K}_c$. Use `corr2d` above.


# %% tags=["solution"]
def corr2d_multi_in(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """X: (c_i, n_h, n_w), K: (c_i, k_h, k_w) -> (n_h - k_h + 1, n_w - k_w + 1)."""
    ### BEGIN SOLUTION
    return sum(corr2d(x, k) for x, k in zip(X, K))
    ### END SOLUTION


# %%
check("ch06.corr2d_multi_in", corr2d_multi_in)

# %%
X = torch.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
                  [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])  # fmt: skip
K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
corr2d_multi_in(X, K)  # the book: tensor([[ 56.,  72.], [104., 120.]])

# %% [markdown]
# ## Multiple output channels
#
# A kernel of shape $(c_o, c_i, k_h, k_w)$ holds one multi-input kernel per output channel;
# compute each output channel with `corr2d_multi_in` and stack them on dimension 0.


# %% tags=["solution"]
def corr2d_multi_in_out(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """X: (c_i, n_h, n_w), K: (c_o, c_i, k_h, k_w) -> (c_o, n_h - k_h + 1, n_w - k_w + 1)."""
    ### BEGIN SOLUTION
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)
    ### END SOLUTION


# %%
check("ch06.corr2d_multi_in_out", corr2d_multi_in_out)

# %%
K = torch.stack((K, K + 1, K + 2), 0)
print(K.shape)
corr2d_multi_in_out(X, K)

# %% [markdown]
# ## 1x1 convolutions
#
# With a $1 \times 1$ kernel every output pixel is a linear combination of the $c_i$ input values
# at the same pixel: reshape $\mathbf{X}$ to $(c_i, n_h n_w)$ and $\mathbf{K}$ to $(c_o, c_i)$,
# and one matrix product does all pixels at once. No loops here.


# %% tags=["solution"]
def corr2d_multi_in_out_1x1(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """X: (c_i, n_h, n_w), K: (c_o, c_i, 1, 1) -> (c_o, n_h, n_w)."""
    ### BEGIN SOLUTION
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    return torch.matmul(K, X).reshape((c_o, h, w))
    ### END SOLUTION


# %%
check("ch06.corr2d_multi_in_out_1x1", corr2d_multi_in_out_1x1)

# %%
X = torch.normal(0, 1, (3, 3, 3))
K = torch.normal(0, 1, (2, 3, 1, 1))
Y1 = corr2d_multi_in_out_1x1(X, K)
Y2 = corr2d_multi_in_out(X, K)
assert float(torch.abs(Y1 - Y2).sum()) < 1e-6

# %% [markdown] tags=["written"]
# What does a 1 × 1 convolution from c_i to c_o channels compute at each pixel? How many
# parameters does it have, and what is it used for?

# %% [markdown] tags=["answer"]
# The same fully connected layer (a c_o × c_i matrix plus biases) applied at every pixel: c_i ×
# c_o + c_o parameters. It changes the number of channels cheaply and mixes them, and with an
# activation adds a nonlinearity per pixel.

# %% [markdown] tags=["written"]
# How many multiply-adds does a convolution with c_i input channels, c_o output channels and a k_h
# × k_w kernel need for an output of h × w? What happens to the cost when both channel counts
# double?

# %% [markdown] tags=["answer"]
# c_i × c_o × k_h × k_w × h × w. Doubling both channel counts makes it four times larger.
