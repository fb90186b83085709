# %% [markdown]
# # 7.1 Deep convolutional neural networks (AlexNet) — 深度卷积神经网络（AlexNet）
#
# AlexNet is LeNet made deeper and wider: five convolutional layers, three fully connected ones,
# ReLU activations, max-pooling and dropout. For Fashion-MNIST the book upsamples the 28x28 images
# to 224x224. You will build the network and trace the shape of one image through it.

# %%
import torch
from torch import nn

from autograder import check

# %% [markdown]
# ## The network
#
# | layers | output for one 224x224 image |
# |---|---|
# | `Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1)`, ReLU | 96 x 54 x 54 |
# | `MaxPool2d(kernel_size=3, stride=2)` | 96 x 26 x 26 |
# | `Conv2d(96, 256, kernel_size=5, padding=2)`, ReLU, `MaxPool2d(3, stride=2)` | 256 x 12 x 12 |
# | three `Conv2d(·, ·, kernel_size=3, padding=1)` (384, 384, 256 channels), each with ReLU | 256 x 12 x 12 |
# | `MaxPool2d(3, stride=2)`, Flatten | 6400 |
# | `Linear(6400, 4096)`, ReLU, `Dropout(0.5)`, twice (the second `Linear(4096, 4096)`) | 4096 |
# | `Linear(4096, num_classes)` | num_classes |
#
# As in 6.6, return one flat `nn.Sequential` with every layer (activations, pooling, flatten and
# dropout included) in this order: the check copies the reference's parameters into yours by
# position. `nn.MaxPool2d(3)` alone would mean stride 3: give `stride=2`. The check runs your
# network in evaluation mode (dropout off) and compares every layer's output.


# %% tags=["solution"]
def alexnet(in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """X: (batch_size, in_channels, 224, 224) -> logits (batch_size, num_classes)."""
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),
        nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, num_classes),
    )  # fmt: skip
    ### END SOLUTION


# %%
check("ch07.alexnet", alexnet)

# %% [markdown]
# The book's shape trace, and the parameter count: the two 4096-wide layers hold almost all of
# them. Training (10 epochs at lr 0.01 on 224x224 images) is `d2lkit train alexnet`, on a GPU.

# %%
net = alexnet()
X = torch.randn(1, 1, 224, 224)
with torch.no_grad():
    for layer in net:
        X = layer(X)
        print(layer.__class__.__name__, "output shape:\t", X.shape)
print(f"parameters: {sum(p.numel() for p in net.parameters()):,}")

# %% [markdown] tags=["written"]
# Most of AlexNet's parameters are in its fully connected layers, yet most of its computation is
# in its convolutions. Why?

# %% [markdown] tags=["answer"]
# A fully connected layer has inputs × outputs weights (6400 × 4096 is about 26 million), each
# used once per example; a convolution has few weights, shared across positions, but applies them
# at every position of a large image.

# %% [markdown] tags=["written"]
# Fashion-MNIST images are upsampled from 28 × 28 to 224 × 224 to fit AlexNet. What does this cost
# and gain?

# %% [markdown] tags=["answer"]
# About 64 times more pixels to compute on, and no new information: the architecture's strides and
# pooling need that size. A network designed for small images would be far cheaper.
