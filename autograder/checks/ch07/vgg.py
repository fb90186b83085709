"""7.2 VGG: the block and the network."""

from __future__ import annotations

from autograder.checks.ch07._common import _block, _image, _net, _network
from autograder.spec import Case
from autograder.strategies import randn
from d2lkit import modern_cnn as mc

NB_VGG = "7.2-vgg"


# VGG-11's five blocks with the channels divided by 16 (the book trains them divided by 4): the
# same depths and shapes, a cheaper check. The classifier (4096 wide) is the book's.
TINY_VGG11 = tuple((num_convs, channels // 16) for num_convs, channels in mc.CONV_ARCH)


def _vgg_block_cases() -> list[Case]:
    return [
        _block(
            "1 conv, 3 -> 4 channels, (2, 3, 8, 8)", (1, 3, 4), randn(2, 3, 8, 8, seed=311), 311
        ),
        _block(
            "2 convs, 2 -> 5 channels, odd size (2, 2, 9, 7)",
            (2, 2, 5),
            randn(2, 2, 9, 7, seed=312),
            312,
        ),
        _block(
            "3 convs, 1 -> 2 channels, (1, 1, 6, 10)",
            (3, 1, 2),
            randn(1, 1, 6, 10, seed=313),
            313,
            visible=False,
        ),
    ]


def _vgg_cases() -> list[Case]:
    return [
        _network(
            "VGG-11's blocks (channels / 16), one 224x224 image",
            (TINY_VGG11,),
            _image(1, 1, 224, 224, seed=321),
            321,
            mode="eval",
        ),
        _network(
            "two blocks ((1, 8), (2, 16)), 3 channels, 5 classes, 28x28",
            (((1, 8), (2, 16)), 3, 5),
            _image(2, 3, 28, 28, seed=322),
            322,
            mode="eval",
            visible=False,
        ),
    ]


EXERCISES = [
    _net("ch07.vgg_block", "vgg_block", 1, mc.vgg_block, _vgg_block_cases, NB_VGG),
    _net("ch07.vgg", "vgg", 2, mc.vgg, _vgg_cases, NB_VGG),
]
