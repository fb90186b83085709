"""7.7 DenseNet: wrong implementations, each rejected by its check."""

import torch
from torch import nn


def conv_block_post_activation(input_channels, num_channels):
    return nn.Sequential(
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1),
        nn.BatchNorm2d(num_channels), nn.ReLU(),
    )  # fmt: skip


def conv_block_no_padding(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3),
    )  # fmt: skip


def _conv_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1),
    )  # fmt: skip


class DenseBlockNewestFirst(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super().__init__()
        self.net = nn.Sequential(
            *(
                _conv_block(num_channels * i + input_channels, num_channels)
                for i in range(num_convs)
            )
        )

    def forward(self, X):
        for blk in self.net:
            X = torch.cat((blk(X), X), dim=1)
        return X


class DenseBlockNoConcatenation(DenseBlockNewestFirst):
    def forward(self, X):
        for blk in self.net:
            X = blk(X)
        return X


def transition_block_max_pool(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.MaxPool2d(kernel_size=2, stride=2),
    )  # fmt: skip


def transition_block_pool_stride_1(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=1),
    )  # fmt: skip


class _DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super().__init__()
        self.net = nn.Sequential(
            *(
                _conv_block(num_channels * i + input_channels, num_channels)
                for i in range(num_convs)
            )
        )

    def forward(self, X):
        for blk in self.net:
            X = torch.cat((X, blk(X)), dim=1)
        return X


def _densenet(num_channels, growth_rate, num_convs_in_dense_blocks, in_channels, num_classes,
              halve=True, final_bn=True):  # fmt: skip
    stem = nn.Sequential(
        nn.Conv2d(in_channels, num_channels, kernel_size=7, stride=2, padding=3),
        nn.BatchNorm2d(num_channels), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )  # fmt: skip
    blks = []
    for i, num_convs in enumerate(num_convs_in_dense_blocks):
        blks.append(_DenseBlock(num_convs, num_channels, growth_rate))
        num_channels += num_convs * growth_rate
        if i != len(num_convs_in_dense_blocks) - 1:
            out = num_channels // 2 if halve else num_channels
            blks.append(nn.Sequential(
                nn.BatchNorm2d(num_channels), nn.ReLU(),
                nn.Conv2d(num_channels, out, kernel_size=1), nn.AvgPool2d(kernel_size=2, stride=2),
            ))  # fmt: skip
            num_channels = out
    tail = [nn.BatchNorm2d(num_channels), nn.ReLU()] if final_bn else []
    return nn.Sequential(
        stem,
        *blks,
        *tail,
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
        nn.Linear(num_channels, num_classes),
    )


def densenet_transitions_keep_channels(
    num_channels=64,
    growth_rate=32,
    num_convs_in_dense_blocks=(4, 4, 4, 4),
    in_channels=1,
    num_classes=10,
):
    return _densenet(
        num_channels, growth_rate, num_convs_in_dense_blocks, in_channels, num_classes, halve=False
    )


def densenet_no_final_bn(num_channels=64, growth_rate=32, num_convs_in_dense_blocks=(4, 4, 4, 4),
                         in_channels=1, num_classes=10):  # fmt: skip
    return _densenet(num_channels, growth_rate, num_convs_in_dense_blocks, in_channels, num_classes,
                     final_bn=False)  # fmt: skip


MUTANTS = {
    "ch07.conv_block": [
        ("conv-BN-ReLU order", conv_block_post_activation, "named"),
        ("3x3 conv without padding", conv_block_no_padding, "padding and stride"),
    ],
    "ch07.DenseBlock": [
        ("newest output first", DenseBlockNewestFirst, "layer `net.1.2` (Conv2d) outputs values"),
        ("no concatenation", DenseBlockNoConcatenation, "ShapeError"),
    ],
    "ch07.transition_block": [
        (
            "max pooling",
            transition_block_max_pool,
            "is a MaxPool2d where the reference has an AvgPool2d",
        ),
        ("pooling with stride 1", transition_block_pool_stride_1, "layer `3` (AvgPool2d)"),
    ],
    "ch07.densenet": [
        ("transitions keep the channels", densenet_transitions_keep_channels, "has shape"),
        ("no BN-ReLU before pooling", densenet_no_final_bn, "named"),
    ],
}
