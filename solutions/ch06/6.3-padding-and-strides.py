# %% [markdown]
# # 6.3 Padding and stride — 填充和步幅
#
# Padding adds rows and columns around the input, so the output need not shrink; a stride larger
# than 1 moves the window several positions at a time, so the output shrinks faster. You will
# write the output-shape formula and check it against `nn.Conv2d`.

# %%
import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## The output shape
#
# With an $n_h \times n_w$ input, a $k_h \times k_w$ kernel, $p_h$ rows of padding on **each** of
# the top and bottom (and $p_w$ columns on each of the left and right), and strides $s_h, s_w$:
#
# $$\left\lfloor \frac{n_h - k_h + 2p_h + s_h}{s_h} \right\rfloor \times
# \left\lfloor \frac{n_w - k_w + 2p_w + s_w}{s_w} \right\rfloor .$$
#
# This is `nn.Conv2d`'s convention: `padding=1` adds one row at the top *and* one at the bottom
# (the book writes the total as $p_h$). Every size argument is an int (the same for height and
# width) or a pair `(height, width)`. Return a tuple of two Python ints.


# %% tags=["solution"]
def conv_output_shape(input_shape, kernel_size, padding=0, stride=1) -> tuple[int, int]:
    """(n_h, n_w), kernel (k_h, k_w), padding (p_h, p_w) per side, stride (s_h, s_w) -> (h, w)."""
    ### BEGIN SOLUTION
    def pair(v):
        return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))

    (n_h, n_w), (k_h, k_w) = pair(input_shape), pair(kernel_size)
    (p_h, p_w), (s_h, s_w) = pair(padding), pair(stride)
    return (n_h - k_h + 2 * p_h + s_h) // s_h, (n_w - k_w + 2 * p_w + s_w) // s_w
    ### END SOLUTION


# %%
check("ch06.conv_output_shape", conv_output_shape)

# %% [markdown]
# ## Applying a layer to one image
#
# `nn.Conv2d` wants a 4-D input `(batch_size, channels, height, width)`. `comp_conv2d` lets us try
# a one-channel layer on a plain `(height, width)` image: add the two leading dimensions of size
# 1, apply the layer, and strip them again.


# %% tags=["solution"]
def comp_conv2d(conv2d: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """X: (h, w) -> conv2d's output for it, as (out_h, out_w)."""
    ### BEGIN SOLUTION
    X = X.reshape((1, 1) + tuple(X.shape))
    Y = conv2d(X)
    return Y.reshape(Y.shape[2:])
    ### END SOLUTION


# %%
check("ch06.comp_conv2d", comp_conv2d)

# %% [markdown]
# The book's four examples on an 8x8 input, next to your formula:

# %%
X = torch.rand(size=(8, 8))
for kernel_size, padding, stride in [(3, 1, 1), ((5, 3), (2, 1), 1), (3, 1, 2), ((3, 5), (0, 1), (3, 4))]:
    conv2d = nn.Conv2d(1, 1, kernel_size=kernel_size, padding=padding, stride=stride)
    print(
        f"kernel {kernel_size}, padding {padding}, stride {stride}:",
        tuple(comp_conv2d(conv2d, X).shape),
        conv_output_shape(X.shape, kernel_size, padding, stride),
    )

# %% [markdown] tags=["written"]
# Why do most CNNs use odd kernel sizes with padding (k - 1) / 2 on each side?

# %% [markdown] tags=["answer"]
# With stride 1 the output keeps the input's height and width, the padding is the same on both
# sides, and each output lies centred on an input pixel.

# %% [markdown] tags=["written"]
# Is a convolution with stride 2 the same as one with stride 1 followed by keeping every other
# output in each direction? What does the stride save, and what can it lose?

# %% [markdown] tags=["answer"]
# Yes, the outputs are the same, but stride 2 computes only a quarter of them, about 4 times less
# work. It can lose fine detail: high-frequency patterns alias, since nothing smooths them before
# the subsampling.
