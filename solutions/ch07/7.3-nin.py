# %% [markdown]
# # 7.3 Network in network (NiN) — 网络中的网络（NiN）
#
# NiN follows each convolution with two 1x1 convolutions, a small fully connected network applied
# at every pixel, and drops the fully connected layers at the end: the last block emits one channel
# per class and global average pooling turns each channel into a logit.

# %%
import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## The NiN block
#
# `Conv2d(in_channels, out_channels, kernel_size, strides, padding)`, then two
# `Conv2d(out_channels, out_channels, kernel_size=1)`, each of the three followed by ReLU, in one
# `nn.Sequential` of six layers.


# %% tags=["solution"]
def nin_block(in_channels: int, out_channels: int, kernel_size: int, strides: int, padding: int) -> nn.Sequential:
    """X: (batch_size, in_channels, h, w) -> (batch_size, out_channels, h', w') (6.3's formula)."""
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
    )  # fmt: skip
    ### END SOLUTION


# %%
check("ch07.nin_block", nin_block)

# %% [markdown]
# ## The network
#
# | layers | output for one 224x224 image |
# |---|---|
# | `nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0)` | 96 x 54 x 54 |
# | `MaxPool2d(3, stride=2)` | 96 x 26 x 26 |
# | `nin_block(96, 256, kernel_size=5, strides=1, padding=2)`, `MaxPool2d(3, stride=2)` | 256 x 12 x 12 |
# | `nin_block(256, 384, kernel_size=3, strides=1, padding=1)`, `MaxPool2d(3, stride=2)` | 384 x 5 x 5 |
# | `Dropout(0.5)`, `nin_block(384, num_classes, kernel_size=3, strides=1, padding=1)` | num_classes x 5 x 5 |
# | `AdaptiveAvgPool2d((1, 1))`, Flatten | num_classes |
#
# Ten top-level layers in one `nn.Sequential`, in this order.


# %% tags=["solution"]
def nin(in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """X: (batch_size, in_channels, 224, 224) -> logits (batch_size, num_classes)."""
    ### BEGIN SOLUTION
    return nn.Sequential(
        nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0),
        nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, kernel_size=5, strides=1, padding=2),
        nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, kernel_size=3, strides=1, padding=1),
        nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5),
        nin_block(384, num_classes, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
    )
    ### END SOLUTION


# %%
check("ch07.nin", nin)

# %% [markdown]
# The shape trace, and how few parameters a network without fully connected layers needs.
# Training is `d2lkit train nin`, on a GPU.

# %%
net = nin()
X = torch.rand(size=(1, 1, 224, 224))
with torch.no_grad():
    for layer in net:
        X = layer(X)
        print(layer.__class__.__name__, "output shape:\t", X.shape)
print(f"parameters: {sum(p.numel() for p in net.parameters()):,}")

# %% [markdown] tags=["written"]
# NiN ends with global average pooling instead of fully connected layers. What does it save, and
# what does it assume?

# %% [markdown] tags=["answer"]
# The fully connected layers' millions of parameters, and with them much of the overfitting. It
# assumes each final channel can act as one class's score map whose average is the score, wherever
# in the image the evidence lies.

# %% [markdown] tags=["written"]
# Why does a NiN block follow its convolution with two 1 × 1 convolutions? What would you expect
# with only one?

# %% [markdown] tags=["answer"]
# Together they act as a small MLP at each pixel, mixing channels through two nonlinearities. With
# one the block has less capacity, and accuracy usually drops a little.
