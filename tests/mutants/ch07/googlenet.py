"""7.4 GoogLeNet: wrong implementations, each rejected by its check."""

import torch
import torch.nn.functional as F
from torch import nn


class _Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4, pool_padding=1, relu4=True, dim=1):
        super().__init__()
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=pool_padding)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)
        self.relu4, self.dim = relu4, dim

    def forward(self, X):
        p1 = F.relu(self.p1_1(X))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(X))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(X))))
        p4 = self.p4_2(self.p4_1(X))
        return torch.cat((p1, p2, p3, F.relu(p4) if self.relu4 else p4), dim=self.dim)


class InceptionPoolWithoutPadding(_Inception):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__(in_channels, c1, c2, c3, c4, pool_padding=0)


class InceptionNoReluOnPath4(_Inception):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__(in_channels, c1, c2, c3, c4, relu4=False)


def _googlenet(b1_pool_padding=1, b2_relu=True):
    b1 = nn.Sequential(
        nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=b1_pool_padding),
    )  # fmt: skip
    b2 = nn.Sequential(
        nn.Conv2d(64, 64, kernel_size=1), nn.ReLU() if b2_relu else nn.Identity(),
        nn.Conv2d(64, 192, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )  # fmt: skip
    b3 = nn.Sequential(
        _Inception(192, 64, (96, 128), (16, 32), 32),
        _Inception(256, 128, (128, 192), (32, 96), 64),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )
    b4 = nn.Sequential(
        _Inception(480, 192, (96, 208), (16, 48), 64),
        _Inception(512, 160, (112, 224), (24, 64), 64),
        _Inception(512, 128, (128, 256), (24, 64), 64),
        _Inception(512, 112, (144, 288), (32, 64), 64),
        _Inception(528, 256, (160, 320), (32, 128), 128),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )
    b5 = nn.Sequential(
        _Inception(832, 256, (160, 320), (32, 128), 128),
        _Inception(832, 384, (192, 384), (48, 128), 128),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
    )
    return nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))


def googlenet_b1_pool_without_padding(in_channels=1, num_classes=10):
    return _googlenet(b1_pool_padding=0)


def googlenet_b2_without_relu(in_channels=1, num_classes=10):
    return _googlenet(b2_relu=False)


MUTANTS = {
    "ch07.Inception": [
        (
            "max-pool path without padding",
            InceptionPoolWithoutPadding,
            "in the network's own forward",
        ),
        ("no ReLU on the pooling path", InceptionNoReluOnPath4, "output[0, 10, 0, 1]: expected"),
    ],
    "ch07.googlenet": [
        (
            "b1's max-pool without padding",
            googlenet_b1_pool_without_padding,
            "layer `0.2` (MaxPool2d)",
        ),
        (
            "no ReLU after b2's 1x1 conv",
            googlenet_b2_without_relu,
            "layer `1.1` (Identity) outputs values",
        ),
    ],
}
