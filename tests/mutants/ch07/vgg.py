"""7.2 VGG: wrong implementations, each rejected by its check."""

from torch import nn


def vgg_block_no_padding(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3), nn.ReLU()]
        in_channels = out_channels
    return nn.Sequential(*layers, nn.MaxPool2d(kernel_size=2, stride=2))


def vgg_block_avg_pool(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    return nn.Sequential(*layers, nn.AvgPool2d(kernel_size=2, stride=2))


def vgg_block_pool_after_each_conv(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        in_channels = out_channels
    return nn.Sequential(*layers)


def _vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    return nn.Sequential(*layers, nn.MaxPool2d(kernel_size=2, stride=2))


def _classifier(features, num_classes):
    return [
        nn.Flatten(),
        nn.Linear(features, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, num_classes),
    ]  # fmt: skip


def vgg_channels_not_chained(conv_arch, in_channels=1, num_classes=10):
    blocks = [_vgg_block(n, in_channels, c) for n, c in conv_arch]
    return nn.Sequential(*blocks, *_classifier(conv_arch[-1][1] * 7 * 7, num_classes))


def vgg_hardcoded_classifier(conv_arch, in_channels=1, num_classes=10):
    blocks = []
    for num_convs, out_channels in conv_arch:
        blocks.append(_vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(*blocks, *_classifier(512 * 7 * 7, num_classes))


MUTANTS = {
    "ch07.vgg_block": [
        ("3x3 convs without padding", vgg_block_no_padding, "padding and stride"),
        (
            "average pooling",
            vgg_block_avg_pool,
            "is an AvgPool2d where the reference has a MaxPool2d",
        ),
        ("pools after every conv", vgg_block_pool_after_each_conv, "named"),
    ],
    "ch07.vgg": [
        ("in_channels not carried to the next block", vgg_channels_not_chained, "has shape"),
        ("classifier sized for 512 channels", vgg_hardcoded_classifier, "has shape"),
    ],
}
