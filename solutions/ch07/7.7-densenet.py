# %% [markdown]
# # 7.7 Densely connected networks (DenseNet) — 稠密连接网络（DenseNet）
#
# Where ResNet adds a block's input to its output, DenseNet concatenates them, so every layer of
# a dense block sees the outputs of all the layers before it. Transition layers keep the channels
# in check. You will write the convolution block, the dense block, the transition block and the
# network.

# %%
import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## The convolution block
#
# ResNet's later "pre-activation" order: `BatchNorm2d(input_channels)`, ReLU, then
# `Conv2d(input_channels, num_channels, kernel_size=3, padding=1)`, in one `nn.Sequential`.


# %% tags=["solution"]
def conv_block(input_channels: int, num_channels: int) -> nn.Sequential:
    """X: (batch_size, input_channels, h, w) -> (batch_size, num_channels, h, w)."""
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1),
    )  # fmt: skip
    ### END SOLUTION


# %%
check("ch07.conv_block", conv_block)

# %% [markdown]
# ## The dense block
#
# `self.net`: an `nn.Sequential` of `num_convs` conv blocks, the i-th taking
# `input_channels + i * num_channels` channels and producing `num_channels` (the growth rate). In
# `forward`, feed each block the current `X` and concatenate its output after it on the channel
# dimension: `X = torch.cat((X, Y), dim=1)`.


# %% tags=["solution"]
class DenseBlock(nn.Module):
    """X: (batch_size, input_channels, h, w) -> (batch_size, input_channels + num_convs * num_channels, h, w)."""

    def __init__(self, num_convs: int, input_channels: int, num_channels: int):
        super().__init__()
        ### BEGIN SOLUTION
        layer = []
        for i in range(num_convs):
            layer.append(conv_block(num_channels * i + input_channels, num_channels))
        self.net = nn.Sequential(*layer)
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((X, Y), dim=1)
        return X
        ### END SOLUTION


# %%
check("ch07.DenseBlock", DenseBlock)

# %%
blk = DenseBlock(2, 3, 10)
X = torch.randn(4, 3, 8, 8)
Y = blk(X)
Y.shape  # the book: torch.Size([4, 23, 8, 8])

# %% [markdown]
# ## The transition block
#
# `BatchNorm2d(input_channels)`, ReLU, a 1x1 `Conv2d(input_channels, num_channels)` that cuts the
# channels, then `AvgPool2d(kernel_size=2, stride=2)` that halves the height and width.


# %% tags=["solution"]
def transition_block(input_channels: int, num_channels: int) -> nn.Sequential:
    """X: (batch_size, input_channels, h, w) -> (batch_size, num_channels, h // 2, w // 2)."""
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2),
    )  # fmt: skip
    ### END SOLUTION


# %%
check("ch07.transition_block", transition_block)

# %%
transition_block(23, 10)(Y).shape  # the book: torch.Size([4, 10, 4, 4])

# %% [markdown]
# ## The network
#
# One `nn.Sequential`:
#
# 1. the stem, an `nn.Sequential` of `Conv2d(in_channels, num_channels, kernel_size=7, stride=2,
#    padding=3)`, `BatchNorm2d(num_channels)`, ReLU, `MaxPool2d(kernel_size=3, stride=2, padding=1)`;
# 2. for each entry of `num_convs_in_dense_blocks`, a `DenseBlock(num_convs, channels, growth_rate)`
#    (which adds `num_convs * growth_rate` channels), and between two dense blocks (not after the
#    last) a `transition_block` that halves the channels (`channels // 2`);
# 3. `BatchNorm2d`, ReLU, `AdaptiveAvgPool2d((1, 1))`, Flatten, `Linear(channels, num_classes)`.
#
# With the book's values (64, growth rate 32, four blocks of 4 convs) the channels go
# 64 → 192 → 96 → 224 → 112 → 240 → 120 → 248.


# %% tags=["solution"]
def densenet(num_channels: int = 64, growth_rate: int = 32, num_convs_in_dense_blocks=(4, 4, 4, 4),
             in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """X: (batch_size, in_channels, 96, 96) -> logits (batch_size, num_classes)."""
    ### BEGIN SOLUTION
    b1 = nn.Sequential(
        nn.Conv2d(in_channels, num_channels, kernel_size=7, stride=2, padding=3),
        nn.BatchNorm2d(num_channels), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )  # fmt: skip
    blks = []
    for i, num_convs in enumerate(num_convs_in_dense_blocks):
        blks.append(DenseBlock(num_convs, num_channels, growth_rate))
        num_channels += num_convs * growth_rate
        if i != len(num_convs_in_dense_blocks) - 1:
            blks.append(transition_block(num_channels, num_channels // 2))
            num_channels = num_channels // 2
    return nn.Sequential(
        b1, *blks,
        nn.BatchNorm2d(num_channels), nn.ReLU(),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
        nn.Linear(num_channels, num_classes),
    )  # fmt: skip
    ### END SOLUTION


# %%
check("ch07.densenet", densenet)

# %% [markdown]
# The shape trace at the training size, 96x96. Training (10 epochs at lr 0.1) is
# `d2lkit train densenet`, on a GPU.

# %%
net = densenet()
X = torch.rand(size=(1, 1, 96, 96))
net.eval()
with torch.no_grad():
    for layer in net:
        X = layer(X)
        print(layer.__class__.__name__, "output shape:\t", X.shape)
print(f"parameters: {sum(p.numel() for p in net.parameters()):,}")

# %% [markdown] tags=["written"]
# ResNet adds a block's input to its output, DenseNet concatenates them. What does concatenation
# keep that addition loses, and what does it cost?

# %% [markdown] tags=["answer"]
# Every earlier feature map stays available unchanged to every later layer; addition mixes them.
# The channels grow with every layer, so memory and computation grow, and transition layers are
# needed to cut them back.

# %% [markdown] tags=["written"]
# What do the transition layers' 1 × 1 convolution and average pooling each do, and why are both
# needed?

# %% [markdown] tags=["answer"]
# The 1 × 1 convolution reduces the number of channels that the dense blocks accumulated; the
# pooling halves the height and width. Without them the channels and the cost keep growing.
