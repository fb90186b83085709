# %% [markdown]
# # 6.5 Pooling — 汇聚层
#
# A pooling layer slides a window like a convolution but has no kernel: it returns the maximum or
# the mean of each window. You will write it with padding and stride, for any number of leading
# (batch, channel) dimensions.

# %%
import torch
import torch.nn.functional as F
from torch import nn

from autograder import check

# %% [markdown]
# ## Max and average pooling
#
# `pool2d(X, pool_size, mode, padding, stride)` pools the last two dimensions of `X` and keeps
# the leading ones. The output size follows the convolution formula of 6.3,
# $\lfloor (n - k + 2p + s) / s \rfloor$ per dimension.
#
# - `stride` **defaults to 1**, as in the book's `pool2d` (so `pool2d(X, (2, 2))` gives the book's
#   results); `nn.MaxPool2d(3)` means stride 3, so pass `stride=3` to mimic it.
# - Padding must never win a maximum: pad with $-\infty$ for `'max'`. For `'avg'`, pad with zeros
#   and divide every window by its full size, padding included (`F.avg_pool2d`'s default).
#
# Loop over output positions; `F.pad` is fine, but `F.max_pool2d`, `F.avg_pool2d`, `nn.MaxPool2d`
# and friends are off limits.


# %% tags=["solution"]
def pool2d(X: torch.Tensor, pool_size, mode: str = "max", padding=0, stride=1) -> torch.Tensor:
    """X: (..., n_h, n_w) -> (..., out_h, out_w); pool_size, padding, stride: int or (h, w)."""
    ### BEGIN SOLUTION
    def pair(v):
        return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))

    (p_h, p_w), (pad_h, pad_w), (s_h, s_w) = pair(pool_size), pair(padding), pair(stride)
    fill = float("-inf") if mode == "max" else 0.0
    X = F.pad(X, (pad_w, pad_w, pad_h, pad_h), value=fill)
    out_h = (X.shape[-2] - p_h + s_h) // s_h
    out_w = (X.shape[-1] - p_w + s_w) // s_w
    Y = X.new_zeros(X.shape[:-2] + (out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = X[..., i * s_h : i * s_h + p_h, j * s_w : j * s_w + p_w]
            if mode == "max":
                Y[..., i, j] = window.amax(dim=(-2, -1))
            else:
                Y[..., i, j] = window.mean(dim=(-2, -1))
    return Y
    ### END SOLUTION


# %%
check("ch06.pool2d", pool2d)

# %%
X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
print(pool2d(X, (2, 2)))  # the book: [[4., 5.], [7., 8.]]
print(pool2d(X, (2, 2), "avg"))  # the book: [[2., 3.], [5., 6.]]

# %% [markdown]
# Against the built-in layers, on the book's 4x4 input:

# %%
X = torch.arange(16, dtype=torch.float32).reshape((1, 1, 4, 4))
print(nn.MaxPool2d(3)(X), pool2d(X, 3, stride=3))
print(nn.MaxPool2d(3, padding=1, stride=2)(X), pool2d(X, 3, padding=1, stride=2))
X = torch.cat((X, X + 1), 1)  # two channels: pooling keeps them apart
print(pool2d(X, 3, padding=1, stride=2).shape)

# %% [markdown] tags=["written"]
# Why does a pooling layer have no parameters, and how does max pooling make the output robust to
# small shifts of the input?

# %% [markdown] tags=["answer"]
# It is a fixed operation (maximum or mean over a window). If a feature moves within the window,
# the window's maximum does not change.

# %% [markdown] tags=["written"]
# Average pooling is a convolution with a fixed kernel. Is max pooling a convolution too? What is
# its gradient with respect to its input?

# %% [markdown] tags=["answer"]
# No: a convolution is linear and the maximum is not. Its gradient sends each output's gradient to
# the one input that was the maximum of its window and zero to the others.
