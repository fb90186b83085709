"""Chapter 7 references: AlexNet, VGG, NiN, GoogLeNet, ResNet, DenseNet (7.5's batch
normalization lives in `d2lkit.batch_norm` and is re-exported here).

Every builder defaults to the book's setting: Fashion-MNIST, so 1 input channel and 10 classes,
upsampled to the input size listed in `INPUT_SIZES`. `STAGE_SHAPES` holds the shape traces that
the book prints (`for layer in net: X = layer(X)`), for checking a rebuilt network stage by stage.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from d2lkit.batch_norm import BatchNorm, batch_norm, lenet_bn, lenet_bn_concise

__all__ = [
    "CONV_ARCH",
    "INPUT_SIZES",
    "STAGE_SHAPES",
    "BatchNorm",
    "DenseBlock",
    "Inception",
    "Residual",
    "alexnet",
    "batch_norm",
    "conv_block",
    "count_parameters",
    "densenet",
    "googlenet",
    "lenet_bn",
    "lenet_bn_concise",
    "nin",
    "nin_block",
    "resnet18",
    "resnet_block",
    "stage_shapes",
    "transition_block",
    "vgg",
    "vgg11",
    "vgg_block",
]

# side length the book resizes Fashion-MNIST to for each model
INPUT_SIZES = {
    "lenet": 28,
    "alexnet": 224,
    "vgg11": 224,
    "nin": 224,
    "googlenet": 96,
    "lenet_bn": 28,
    "lenet_bn_concise": 28,
    "resnet18": 96,
    "densenet": 96,
}


_C, _R, _M, _F, _L, _D, _S = (
    "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "Dropout", "Sequential"
)  # fmt: skip

# (input shape, [(top-level layer class, output shape), ...]) as printed by the book's traces,
# which run a single example; vgg11 is traced at ratio=1 (the book traces the full conv_arch)
# and resnet18 at 224 like the book. densenet is not traced in the book: its entry is derived
# from the 7.7 architecture at the training size 96.
STAGE_SHAPES: dict[str, tuple[tuple[int, ...], list[tuple[str, tuple[int, ...]]]]] = {
    "alexnet": ((1, 1, 224, 224), [
        (_C, (1, 96, 54, 54)), (_R, (1, 96, 54, 54)), (_M, (1, 96, 26, 26)),
        (_C, (1, 256, 26, 26)), (_R, (1, 256, 26, 26)), (_M, (1, 256, 12, 12)),
        (_C, (1, 384, 12, 12)), (_R, (1, 384, 12, 12)),
        (_C, (1, 384, 12, 12)), (_R, (1, 384, 12, 12)),
        (_C, (1, 256, 12, 12)), (_R, (1, 256, 12, 12)), (_M, (1, 256, 5, 5)),
        (_F, (1, 6400)), (_L, (1, 4096)), (_R, (1, 4096)), (_D, (1, 4096)),
        (_L, (1, 4096)), (_R, (1, 4096)), (_D, (1, 4096)), (_L, (1, 10)),
    ]),
    "vgg11": ((1, 1, 224, 224), [
        (_S, (1, 64, 112, 112)), (_S, (1, 128, 56, 56)), (_S, (1, 256, 28, 28)),
        (_S, (1, 512, 14, 14)), (_S, (1, 512, 7, 7)), (_F, (1, 25088)),
        (_L, (1, 4096)), (_R, (1, 4096)), (_D, (1, 4096)),
        (_L, (1, 4096)), (_R, (1, 4096)), (_D, (1, 4096)), (_L, (1, 10)),
    ]),
    "nin": ((1, 1, 224, 224), [
        (_S, (1, 96, 54, 54)), (_M, (1, 96, 26, 26)), (_S, (1, 256, 26, 26)),
        (_M, (1, 256, 12, 12)), (_S, (1, 384, 12, 12)), (_M, (1, 384, 5, 5)),
        (_D, (1, 384, 5, 5)), (_S, (1, 10, 5, 5)), ("AdaptiveAvgPool2d", (1, 10, 1, 1)),
        (_F, (1, 10)),
    ]),
    "googlenet": ((1, 1, 96, 96), [
        (_S, (1, 64, 24, 24)), (_S, (1, 192, 12, 12)), (_S, (1, 480, 6, 6)),
        (_S, (1, 832, 3, 3)), (_S, (1, 1024)), (_L, (1, 10)),
    ]),
    "resnet18": ((1, 1, 224, 224), [
        (_S, (1, 64, 56, 56)), (_S, (1, 64, 56, 56)), (_S, (1, 128, 28, 28)),
        (_S, (1, 256, 14, 14)), (_S, (1, 512, 7, 7)), ("AdaptiveAvgPool2d", (1, 512, 1, 1)),
        (_F, (1, 512)), (_L, (1, 10)),
    ]),
    "densenet": ((1, 1, 96, 96), [
        (_S, (1, 64, 24, 24)), ("DenseBlock", (1, 192, 24, 24)), (_S, (1, 96, 12, 12)),
        ("DenseBlock", (1, 224, 12, 12)), (_S, (1, 112, 6, 6)),
        ("DenseBlock", (1, 240, 6, 6)), (_S, (1, 120, 3, 3)),
        ("DenseBlock", (1, 248, 3, 3)), ("BatchNorm2d", (1, 248, 3, 3)), (_R, (1, 248, 3, 3)),
        ("AdaptiveAvgPool2d", (1, 248, 1, 1)), (_F, (1, 248)), (_L, (1, 10)),
    ]),
}  # fmt: skip


def count_parameters(net: nn.Module) -> int:
    """Number of scalar parameters (buffers such as batch-norm statistics are not counted)."""
    return sum(p.numel() for p in net.parameters())


def stage_shapes(net: nn.Sequential, X: torch.Tensor) -> list[tuple[str, tuple[int, ...]]]:
    """Run X through the top-level layers of `net` and record (layer class name, output shape),
    as the book's shape traces do."""
    trace = []
    for layer in net:
        X = layer(X)
        trace.append((type(layer).__name__, tuple(X.shape)))
    return trace


# ---------------------------------------------------------------- 7.1 AlexNet
def alexnet(in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """The book's AlexNet (single tower, 1-channel input).

    X: (batch_size, in_channels, 224, 224) -> logits (batch_size, num_classes)
    """
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


# ---------------------------------------------------------------- 7.2 VGG
# VGG-11: (number of 3x3 convs, output channels) per block
CONV_ARCH = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))


def vgg_block(num_convs: int, in_channels: int, out_channels: int) -> nn.Sequential:
    """`num_convs` 3x3 same-padding convs with ReLU, then a 2x2 max-pool that halves H and W.

    X: (batch_size, in_channels, h, w) -> (batch_size, out_channels, h // 2, w // 2)
    """
    layers: list[nn.Module] = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(
    conv_arch: Sequence[tuple[int, int]], in_channels: int = 1, num_classes: int = 10
) -> nn.Sequential:
    """VGG from a list of (num_convs, out_channels) blocks and the 4096-4096 classifier.

    Five blocks take a 224x224 input to 7x7, which the first Linear assumes.
    X: (batch_size, in_channels, 224, 224) -> logits (batch_size, num_classes)
    """
    conv_blks = []
    for num_convs, out_channels in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(
        *conv_blks, nn.Flatten(),
        nn.Linear(in_channels * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, num_classes),
    )  # fmt: skip


def vgg11(ratio: int = 4, in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """VGG-11 with every block's channels divided by `ratio`.

    The book trains `small_conv_arch`, ratio 4 (16, 32, 64, 128, 128 channels) to fit
    Fashion-MNIST in time; ratio=1 is the full VGG-11. The classifier stays 4096 wide.
    """
    small_conv_arch = [(num_convs, channels // ratio) for num_convs, channels in CONV_ARCH]
    return vgg(small_conv_arch, in_channels, num_classes)


# ---------------------------------------------------------------- 7.3 NiN
def nin_block(
    in_channels: int, out_channels: int, kernel_size: int, strides: int, padding: int
) -> nn.Sequential:
    """A conv followed by two 1x1 convs (a per-pixel MLP), each with ReLU.

    X: (batch_size, in_channels, h, w) -> (batch_size, out_channels, h', w') where h', w'
    follow `d2lkit.cnn.conv_output_shape(kernel_size, padding, strides)`.
    """
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
    )  # fmt: skip


def nin(in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """NiN: no fully connected layers; the last block emits one channel per class and global
    average pooling turns each channel into a logit.

    X: (batch_size, in_channels, 224, 224) -> logits (batch_size, num_classes)
    """
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


# ---------------------------------------------------------------- 7.4 GoogLeNet
class Inception(nn.Module):
    """Four parallel paths, concatenated on the channel dimension; H and W are kept.

    c1: 1x1 conv channels; c2 = (1x1 reduce, 3x3) channels; c3 = (1x1 reduce, 5x5) channels;
    c4: channels of the 1x1 conv after a 3x3 max-pool.
    X: (batch_size, in_channels, h, w) -> (batch_size, c1 + c2[1] + c3[1] + c4, h, w)
    """

    def __init__(
        self,
        in_channels: int,
        c1: int,
        c2: tuple[int, int],
        c3: tuple[int, int],
        c4: int,
    ) -> None:
        super().__init__()
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        p1 = F.relu(self.p1_1(X))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(X))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(X))))
        p4 = F.relu(self.p4_2(self.p4_1(X)))
        return torch.cat((p1, p2, p3, p4), dim=1)


def googlenet(in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """GoogLeNet as five stages b1..b5 (9 Inception blocks) and a Linear(1024, num_classes).

    X: (batch_size, in_channels, 96, 96) -> logits (batch_size, num_classes); each stage
    halves H and W (96 -> 24 -> 12 -> 6 -> 3), b5 pools globally.
    """
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


# ---------------------------------------------------------------- 7.6 ResNet
class Residual(nn.Module):
    """Two 3x3 conv-BN layers plus a shortcut; a 1x1 conv on the shortcut matches channels and
    stride when they change.

    X: (batch_size, input_channels, h, w) -> (batch_size, num_channels, h', w') with
    h' = ceil(h / strides), w' = ceil(w / strides).
    """

    def __init__(
        self, input_channels: int, num_channels: int, use_1x1conv: bool = False, strides: int = 1
    ) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(
            input_channels, num_channels, kernel_size=3, padding=1, stride=strides
        )
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = (
            nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
            if use_1x1conv
            else None
        )
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.conv3(X)
        return F.relu(Y + X)


def resnet_block(
    input_channels: int, num_channels: int, num_residuals: int, first_block: bool = False
) -> nn.Sequential:
    """`num_residuals` Residual blocks; all but the first stage start by halving H and W."""
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return nn.Sequential(*blk)


def _stem(in_channels: int, out_channels: int = 64) -> nn.Sequential:
    # the GoogLeNet-style stem shared by ResNet and DenseNet: /4 in H and W
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=7, stride=2, padding=3),
        nn.BatchNorm2d(out_channels), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    )  # fmt: skip


def resnet18(num_classes: int = 10, in_channels: int = 1) -> nn.Sequential:
    """The 7.6 ResNet-18: 7x7 stem with max-pool, four stages of two Residual blocks
    (64, 128, 256, 512 channels), global average pooling, Linear(512, num_classes).

    Not d2l's saved `resnet18` of 12.6, which has a 3x3 stem and no max-pool.
    X: (batch_size, in_channels, 96, 96) -> logits (batch_size, num_classes)
    """
    return nn.Sequential(
        _stem(in_channels),
        resnet_block(64, 64, 2, first_block=True),
        resnet_block(64, 128, 2),
        resnet_block(128, 256, 2),
        resnet_block(256, 512, 2),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
        nn.Linear(512, num_classes),
    )


# ---------------------------------------------------------------- 7.7 DenseNet
def conv_block(input_channels: int, num_channels: int) -> nn.Sequential:
    """BN-ReLU-3x3 conv (pre-activation); H and W are kept.

    X: (batch_size, input_channels, h, w) -> (batch_size, num_channels, h, w)
    """
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1),
    )


class DenseBlock(nn.Module):
    """`num_convs` conv_blocks, each fed the concatenation of the block input and all earlier
    outputs; every conv adds `num_channels` (the growth rate) channels.

    X: (batch_size, input_channels, h, w)
    -> (batch_size, input_channels + num_convs * num_channels, h, w)
    """

    def __init__(self, num_convs: int, input_channels: int, num_channels: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            *(conv_block(num_channels * i + input_channels, num_channels) for i in range(num_convs))
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for blk in self.net:
            X = torch.cat((X, blk(X)), dim=1)
        return X


def transition_block(input_channels: int, num_channels: int) -> nn.Sequential:
    """BN-ReLU-1x1 conv to cut channels, then 2x2 average pooling to halve H and W.

    X: (batch_size, input_channels, h, w) -> (batch_size, num_channels, h // 2, w // 2)
    """
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2),
    )


def densenet(
    num_channels: int = 64,
    growth_rate: int = 32,
    num_convs_in_dense_blocks: Sequence[int] = (4, 4, 4, 4),
    in_channels: int = 1,
    num_classes: int = 10,
) -> nn.Sequential:
    """The 7.7 DenseNet: ResNet's stem (num_channels wide), dense blocks separated by
    transition blocks that halve the channels, then BN-ReLU, global average pooling and a
    Linear layer.

    With the book's defaults the channels go 64 -> 192 -> 96 -> 224 -> 112 -> 240 -> 120 -> 248.
    X: (batch_size, in_channels, 96, 96) -> logits (batch_size, num_classes)
    """
    stem_channels = num_channels  # the stem's output feeds the first dense block
    blks: list[nn.Module] = []
    for i, num_convs in enumerate(num_convs_in_dense_blocks):
        blks.append(DenseBlock(num_convs, num_channels, growth_rate))
        num_channels += num_convs * growth_rate
        if i != len(num_convs_in_dense_blocks) - 1:
            blks.append(transition_block(num_channels, num_channels // 2))
            num_channels //= 2
    return nn.Sequential(
        _stem(in_channels, stem_channels), *blks,
        nn.BatchNorm2d(num_channels), nn.ReLU(),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
        nn.Linear(num_channels, num_classes),
    )  # fmt: skip
