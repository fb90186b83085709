# %% [markdown]
# # 7.2 Networks using blocks (VGG) — 使用块的网络（VGG）
#
# VGG builds a network from one repeated block: a few 3x3 convolutions that keep the height and
# width, then a 2x2 max-pooling that halves them. You will write the block and the network made of
# a list of blocks, VGG-11 being one such list.

# %%
import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## The VGG block
#
# `num_convs` times `Conv2d(·, out_channels, kernel_size=3, padding=1)` followed by ReLU (the
# first conv takes `in_channels`, the others `out_channels`), then
# `MaxPool2d(kernel_size=2, stride=2)`, all in one `nn.Sequential`.


# %% tags=["solution"]
def vgg_block(num_convs: int, in_channels: int, out_channels: int) -> nn.Sequential:
    """X: (batch_size, in_channels, h, w) -> (batch_size, out_channels, h // 2, w // 2)."""
    ### BEGIN SOLUTION
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)
    ### END SOLUTION


# %%
check("ch07.vgg_block", vgg_block)

# %% [markdown]
# ## The network
#
# `conv_arch` lists `(num_convs, out_channels)` per block. The blocks come first, each taking the
# previous block's channels, then the classifier of AlexNet: Flatten,
# `Linear(out_channels * 7 * 7, 4096)`, ReLU, `Dropout(0.5)`, `Linear(4096, 4096)`, ReLU,
# `Dropout(0.5)`, `Linear(4096, num_classes)`. Five blocks take 224x224 to 7x7; the blocks and
# the classifier's layers are the top-level entries of one `nn.Sequential`.


# %% tags=["solution"]
def vgg(conv_arch, in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """X: (batch_size, in_channels, h, w), with h, w halved by each block down to 7 -> logits."""
    ### BEGIN SOLUTION
    conv_blks = []
    for num_convs, out_channels in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(
        *conv_blks, nn.Flatten(),
        nn.Linear(out_channels * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, num_classes),
    )  # fmt: skip
    ### END SOLUTION


# %%
check("ch07.vgg", vgg)

# %% [markdown]
# VGG-11 has 8 convolutional layers in five blocks. The book trains it with every block's channels
# divided by 4 (`small_conv_arch`), which keeps the shapes of the full network's trace, with a
# quarter of the channels. Training is `d2lkit train vgg11`, on a GPU.

# %%
conv_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
ratio = 4
small_conv_arch = [(pair[0], pair[1] // ratio) for pair in conv_arch]
net = vgg(small_conv_arch)
X = torch.randn(size=(1, 1, 224, 224))
with torch.no_grad():
    for blk in net:
        X = blk(X)
        print(blk.__class__.__name__, "output shape:\t", X.shape)
print(f"parameters: {sum(p.numel() for p in net.parameters()):,}")

# %% [markdown] tags=["written"]
# Why does VGG stack two 3 × 3 convolutions instead of one 5 × 5? Compare receptive field,
# parameters and nonlinearities.

# %% [markdown] tags=["answer"]
# Two 3 × 3 layers see a 5 × 5 region, with 18c^2 weights instead of 25c^2 (c channels in and
# out), and an extra nonlinearity between them.

# %% [markdown] tags=["written"]
# Each VGG block halves the height and width and (up to 512) doubles the channels. Why does this
# keep the work of each block roughly the same?

# %% [markdown] tags=["answer"]
# The work is proportional to h × w × c_in × c_out: halving h and w divides it by 4 and doubling
# both channel counts multiplies it by 4.
