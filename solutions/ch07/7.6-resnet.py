# %% [markdown]
# # 7.6 Residual networks (ResNet) — 残差网络（ResNet）
#
# A residual block learns $f(\mathbf x) - \mathbf x$ instead of $f(\mathbf x)$: its input is added
# back to the output of two convolutional layers. You will write the block, the stage built from
# it, and ResNet-18.

# %%
import torch
import torch.nn.functional as F
from torch import nn

from autograder import check

# %% [markdown]
# ## The residual block
#
# `conv1`: 3x3 conv (padding 1, stride `strides`) to `num_channels`, `bn1`, ReLU; `conv2`: 3x3 conv
# (padding 1), `bn2`. When `use_1x1conv`, the input goes through `conv3`, a 1x1 conv with stride
# `strides`, so that its shape matches; otherwise `self.conv3 = None`. The output is
# $\mathrm{ReLU}(Y + X)$: the ReLU comes *after* the addition. Use `nn.BatchNorm2d` and these
# attribute names (the check copies the reference's parameters and running statistics by name).


# %% tags=["solution"]
class Residual(nn.Module):
    """X: (batch_size, input_channels, h, w) -> (batch_size, num_channels, ceil(h / strides), ceil(w / strides))."""

    def __init__(self, input_channels: int, num_channels: int, use_1x1conv: bool = False, strides: int = 1):
        super().__init__()
        ### BEGIN SOLUTION
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.conv3(X)
        return F.relu(Y + X)
        ### END SOLUTION


# %%
check("ch07.Residual", Residual)

# %%
blk = Residual(3, 3)
X = torch.rand(4, 3, 6, 6)
print(blk(X).shape)  # the book: torch.Size([4, 3, 6, 6])
blk = Residual(3, 6, use_1x1conv=True, strides=2)
print(blk(X).shape)  # the book: torch.Size([4, 6, 3, 3])

# %% [markdown]
# ## A stage of residual blocks
#
# `num_residuals` blocks in an `nn.Sequential`. Every stage but the first starts with
# `Residual(input_channels, num_channels, use_1x1conv=True, strides=2)`, which halves the height
# and width and changes the channels; the other blocks are `Residual(num_channels, num_channels)`.
# With `first_block=True` (the first stage, which follows a max-pool) no block halves.


# %% tags=["solution"]
def resnet_block(input_channels: int, num_channels: int, num_residuals: int, first_block: bool = False) -> nn.Sequential:
    """X: (batch_size, input_channels, h, w) -> (batch_size, num_channels, h', w'), halved unless first_block."""
    ### BEGIN SOLUTION
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return nn.Sequential(*blk)
    ### END SOLUTION


# %%
check("ch07.resnet_block", resnet_block)

# %% [markdown]
# ## ResNet-18
#
# One `nn.Sequential` of eight entries:
#
# 1. the stem, an `nn.Sequential` of `Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3)`,
#    `BatchNorm2d(64)`, ReLU, `MaxPool2d(kernel_size=3, stride=2, padding=1)`;
# 2. to 5. `resnet_block(64, 64, 2, first_block=True)`, `resnet_block(64, 128, 2)`,
#    `resnet_block(128, 256, 2)`, `resnet_block(256, 512, 2)`;
# 6. to 8. `AdaptiveAvgPool2d((1, 1))`, Flatten, `Linear(512, num_classes)`.
#
# (The argument order `num_classes, in_channels` is that of d2l's `resnet18`.)


# %% tags=["solution"]
def resnet18(num_classes: int = 10, in_channels: int = 1) -> nn.Sequential:
    """X: (batch_size, in_channels, 96, 96) -> logits (batch_size, num_classes)."""
    ### BEGIN SOLUTION
    b1 = nn.Sequential(
        nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3),
        nn.BatchNorm2d(64), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )  # fmt: skip
    return nn.Sequential(
        b1,
        resnet_block(64, 64, 2, first_block=True),
        resnet_block(64, 128, 2),
        resnet_block(128, 256, 2),
        resnet_block(256, 512, 2),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
        nn.Linear(512, num_classes),
    )
    ### END SOLUTION


# %%
check("ch07.resnet18", resnet18)

# %% [markdown]
# The book traces a 224x224 image; training uses 96x96 (10 epochs at lr 0.05, `d2lkit train
# resnet18`, on a GPU).

# %%
net = resnet18()
X = torch.rand(size=(1, 1, 224, 224))
net.eval()
with torch.no_grad():
    for layer in net:
        X = layer(X)
        print(layer.__class__.__name__, "output shape:\t", X.shape)
print(f"parameters: {sum(p.numel() for p in net.parameters()):,}")

# %% [markdown] tags=["written"]
# Why does computing x + g(x) instead of g(x) make very deep networks easier to train? Think of
# what the block must learn to do nothing, and of the gradient.

# %% [markdown] tags=["answer"]
# To be the identity the block only needs g = 0, easy to reach (weights near zero), so extra
# blocks cannot make the network much worse. The gradient gets a direct path: the Jacobian is I +
# dg/dx, so it does not vanish through many blocks.

# %% [markdown] tags=["written"]
# Why does a residual block that changes the number of channels or the resolution need a 1 × 1
# convolution on its shortcut?

# %% [markdown] tags=["answer"]
# x and g(x) must have the same shape to be added; a 1 × 1 convolution with the block's stride
# maps x to the new channel count and size.
