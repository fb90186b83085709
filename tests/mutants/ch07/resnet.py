"""7.6 ResNet: wrong implementations, each rejected by its check."""

import torch.nn.functional as F
from torch import nn


class _Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1, *,
                 shortcut=True, relu_after_add=True, strided_1x1=True):  # fmt: skip
        super().__init__()
        self.conv1 = nn.Conv2d(
            input_channels, num_channels, kernel_size=3, padding=1, stride=strides
        )
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = (
            nn.Conv2d(
                input_channels, num_channels, kernel_size=1, stride=strides if strided_1x1 else 1
            )
            if use_1x1conv
            else None
        )
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)
        self.shortcut, self.relu_after_add = shortcut, relu_after_add

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.conv3(X)
        if not self.shortcut:
            return F.relu(Y)
        return F.relu(Y + X) if self.relu_after_add else F.relu(Y) + X


class ResidualWithoutShortcut(_Residual):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__(input_channels, num_channels, use_1x1conv, strides, shortcut=False)


class ResidualReluBeforeAdd(_Residual):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__(input_channels, num_channels, use_1x1conv, strides, relu_after_add=False)


class ResidualUnstrided1x1(_Residual):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__(input_channels, num_channels, use_1x1conv, strides, strided_1x1=False)


def resnet_block_ignores_first_block(
    input_channels, num_channels, num_residuals, first_block=False
):
    blk = []
    for i in range(num_residuals):
        if i == 0:
            blk.append(_Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(_Residual(num_channels, num_channels))
    return nn.Sequential(*blk)


def resnet_block_input_channels_everywhere(
    input_channels, num_channels, num_residuals, first_block=False
):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(_Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(_Residual(input_channels, num_channels))
    return nn.Sequential(*blk)


def _resnet_block(input_channels, num_channels, num_residuals, first_block=False):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(_Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(_Residual(num_channels, num_channels))
    return nn.Sequential(*blk)


def resnet18_stem_without_max_pool(num_classes=10, in_channels=1):
    return nn.Sequential(
        nn.Sequential(
            nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3),
            nn.BatchNorm2d(64), nn.ReLU(),
        ),
        _resnet_block(64, 64, 2, first_block=True),
        _resnet_block(64, 128, 2),
        _resnet_block(128, 256, 2),
        _resnet_block(256, 512, 2),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, num_classes),
    )  # fmt: skip


MUTANTS = {
    "ch07.Residual": [
        ("no shortcut", ResidualWithoutShortcut, "output[0, 0, 0, 0]: expected"),
        ("ReLU before the addition", ResidualReluBeforeAdd, "output[0, 0, 0, 0]: expected"),
        ("1x1 conv without the stride", ResidualUnstrided1x1, "in the network's own forward"),
    ],
    "ch07.resnet_block": [
        ("halves even the first block", resnet_block_ignores_first_block, "named"),
        (
            "every residual built from input_channels",
            resnet_block_input_channels_everywhere,
            "has shape",
        ),
    ],
    "ch07.resnet18": [
        ("stem without max-pool", resnet18_stem_without_max_pool, "layer `0` (Sequential)"),
    ],
}
