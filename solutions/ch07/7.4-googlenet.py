# %% [markdown]
# # 7.4 Networks with parallel concatenations (GoogLeNet) — 含并行连结的网络（GoogLeNet）
#
# GoogLeNet's Inception block runs four paths side by side, with 1x1, 3x3 and 5x5 convolutions and
# a max-pooling, and concatenates their outputs on the channel dimension. Nine such blocks, in
# five stages, make GoogLeNet.

# %%
import torch
import torch.nn.functional as F
from torch import nn

from autograder import check

# %% [markdown]
# ## The Inception block
#
# Every path keeps the height and width (mind the padding), and ends in a ReLU:
#
# 1. `p1_1`: 1x1 conv to `c1` channels;
# 2. `p2_1`: 1x1 conv to `c2[0]`, ReLU, `p2_2`: 3x3 conv (padding 1) to `c2[1]`;
# 3. `p3_1`: 1x1 conv to `c3[0]`, ReLU, `p3_2`: 5x5 conv (padding 2) to `c3[1]`;
# 4. `p4_1`: `MaxPool2d(kernel_size=3, stride=1, padding=1)`, `p4_2`: 1x1 conv to `c4`.
#
# Concatenate the four results on dimension 1, in this order. Use these attribute names: the check
# copies the reference's parameters into yours by name (`p1_1.weight`, ...).


# %% tags=["solution"]
class Inception(nn.Module):
    """X: (batch_size, in_channels, h, w) -> (batch_size, c1 + c2[1] + c3[1] + c4, h, w)."""

    def __init__(self, in_channels: int, c1: int, c2: tuple[int, int], c3: tuple[int, int], c4: int):
        super().__init__()
        ### BEGIN SOLUTION
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)
        ### END SOLUTION

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        p1 = F.relu(self.p1_1(X))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(X))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(X))))
        p4 = F.relu(self.p4_2(self.p4_1(X)))
        return torch.cat((p1, p2, p3, p4), dim=1)
        ### END SOLUTION


# %%
check("ch07.Inception", Inception)

# %% [markdown]
# ## The network
#
# Five stages `b1`..`b5` and a `Linear(1024, num_classes)`, as the top-level entries of one
# `nn.Sequential` (each stage an `nn.Sequential` of its own); for a 96x96 input:
#
# - `b1`: `Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3)`, ReLU,
#   `MaxPool2d(kernel_size=3, stride=2, padding=1)` → 64 x 24 x 24;
# - `b2`: `Conv2d(64, 64, kernel_size=1)`, ReLU, `Conv2d(64, 192, kernel_size=3, padding=1)`, ReLU,
#   the same max-pool → 192 x 12 x 12;
# - `b3`: `Inception(192, 64, (96, 128), (16, 32), 32)`, `Inception(256, 128, (128, 192), (32, 96), 64)`,
#   max-pool → 480 x 6 x 6;
# - `b4`: `Inception(480, 192, (96, 208), (16, 48), 64)`, `Inception(512, 160, (112, 224), (24, 64), 64)`,
#   `Inception(512, 128, (128, 256), (24, 64), 64)`, `Inception(512, 112, (144, 288), (32, 64), 64)`,
#   `Inception(528, 256, (160, 320), (32, 128), 128)`, max-pool → 832 x 3 x 3;
# - `b5`: `Inception(832, 256, (160, 320), (32, 128), 128)`, `Inception(832, 384, (192, 384), (48, 128), 128)`,
#   `AdaptiveAvgPool2d((1, 1))`, Flatten → 1024.


# %% tags=["solution"]
def googlenet(in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """X: (batch_size, in_channels, 96, 96) -> logits (batch_size, num_classes)."""
    ### BEGIN SOLUTION
    b1 = nn.Sequential(
        nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )  # fmt: skip
    b2 = nn.Sequential(
        nn.Conv2d(64, 64, kernel_size=1), nn.ReLU(),
        nn.Conv2d(64, 192, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )  # fmt: skip
    b3 = nn.Sequential(
        Inception(192, 64, (96, 128), (16, 32), 32),
        Inception(256, 128, (128, 192), (32, 96), 64),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )
    b4 = nn.Sequential(
        Inception(480, 192, (96, 208), (16, 48), 64),
        Inception(512, 160, (112, 224), (24, 64), 64),
        Inception(512, 128, (128, 256), (24, 64), 64),
        Inception(512, 112, (144, 288), (32, 64), 64),
        Inception(528, 256, (160, 320), (32, 128), 128),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )
    b5 = nn.Sequential(
        Inception(832, 256, (160, 320), (32, 128), 128),
        Inception(832, 384, (192, 384), (48, 128), 128),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
    )
    return nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, num_classes))
    ### END SOLUTION


# %%
check("ch07.googlenet", googlenet)

# %% [markdown]
# The book's trace at 96x96. Training (10 epochs at lr 0.1) is `d2lkit train googlenet`, on a GPU.

# %%
net = googlenet()
X = torch.rand(size=(1, 1, 96, 96))
with torch.no_grad():
    for layer in net:
        X = layer(X)
        print(layer.__class__.__name__, "output shape:\t", X.shape)
print(f"parameters: {sum(p.numel() for p in net.parameters()):,}")

# %% [markdown] tags=["written"]
# Why do the 3 × 3 and 5 × 5 paths of an Inception block start with a 1 × 1 convolution?

# %% [markdown] tags=["answer"]
# To reduce the number of channels before the expensive larger kernels: the 1 × 1 bottleneck cuts
# their computation and parameters many times.

# %% [markdown] tags=["written"]
# The four paths of an Inception block are concatenated along the channels. What must their
# outputs share, and how does the block make sure they do?

# %% [markdown] tags=["answer"]
# The same height and width: every path uses stride 1 and padding that preserves the size (1 for 3
# × 3, 2 for 5 × 5, 1 for the 3 × 3 max pooling).
