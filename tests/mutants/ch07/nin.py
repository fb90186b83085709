"""7.3 NiN: wrong implementations, each rejected by its check."""

from torch import nn


def nin_block_last_relu_missing(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
    )  # fmt: skip


def nin_block_all_full_kernels(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size, padding=padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size, padding=padding), nn.ReLU(),
    )  # fmt: skip


def _nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
    )  # fmt: skip


def nin_pool_default_stride(in_channels=1, num_classes=10):
    return nn.Sequential(
        _nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0), nn.MaxPool2d(3),
        _nin_block(96, 256, kernel_size=5, strides=1, padding=2), nn.MaxPool2d(3),
        _nin_block(256, 384, kernel_size=3, strides=1, padding=1), nn.MaxPool2d(3),
        nn.Dropout(0.5),
        _nin_block(384, num_classes, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
    )  # fmt: skip


def nin_without_dropout(in_channels=1, num_classes=10):
    return nn.Sequential(
        _nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0), nn.MaxPool2d(3, stride=2),
        _nin_block(96, 256, kernel_size=5, strides=1, padding=2), nn.MaxPool2d(3, stride=2),
        _nin_block(256, 384, kernel_size=3, strides=1, padding=1), nn.MaxPool2d(3, stride=2),
        _nin_block(384, num_classes, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
    )  # fmt: skip


MUTANTS = {
    "ch07.nin_block": [
        (
            "no ReLU after the last 1x1 conv",
            nin_block_last_relu_missing,
            "output[0, 1, 0, 0]: expected",
        ),
        ("full-size kernels instead of 1x1", nin_block_all_full_kernels, "has shape"),
    ],
    "ch07.nin": [
        ("max-pool with the default stride (3)", nin_pool_default_stride, "layer `1` (MaxPool2d)"),
        ("no dropout layer", nin_without_dropout, "named"),
    ],
}
