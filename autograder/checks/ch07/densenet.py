"""7.7 DenseNet: the convolution block, the dense block, the transition and the network."""

from __future__ import annotations

from autograder.checks.ch07._common import _block, _image, _net, _network
from autograder.spec import Case
from autograder.strategies import randn
from d2lkit import modern_cnn as mc

NB_DENSENET = "7.7-densenet"


def _conv_block_cases() -> list[Case]:
    return [
        _block(
            "3 -> 10 channels, (4, 3, 8, 8)",
            (3, 10),
            randn(4, 3, 8, 8, seed=441),
            441,
            eval_X=randn(2, 3, 8, 8, seed=442),
        ),
        _block(
            "5 -> 2 channels, odd size (2, 5, 5, 7)",
            (5, 2),
            randn(2, 5, 5, 7, seed=443),
            443,
            visible=False,
        ),
    ]


def _dense_block_cases() -> list[Case]:
    return [
        _block("DenseBlock(2, 3, 10), (4, 3, 8, 8)", (2, 3, 10), randn(4, 3, 8, 8, seed=451), 451),
        _block(
            "DenseBlock(3, 4, 5), (2, 4, 5, 5)",
            (3, 4, 5),
            randn(2, 4, 5, 5, seed=452),
            452,
            eval_X=randn(2, 4, 5, 5, seed=453),
        ),
        _block(
            "DenseBlock(1, 2, 3), (3, 2, 4, 6)",
            (1, 2, 3),
            randn(3, 2, 4, 6, seed=454),
            454,
            visible=False,
        ),
    ]


def _transition_cases() -> list[Case]:
    return [
        _block(
            "transition_block(23, 10), (4, 23, 8, 8)", (23, 10), randn(4, 23, 8, 8, seed=461), 461
        ),
        _block(
            "transition_block(6, 3), odd size (2, 6, 7, 7)",
            (6, 3),
            randn(2, 6, 7, 7, seed=462),
            462,
            visible=False,
        ),
    ]


def _densenet_cases() -> list[Case]:
    return [
        _network("a batch of 2 at 96x96, training mode", (), _image(2, 1, 96, 96, seed=471), 471),
        _network(
            "densenet(16, 8, (2, 3), 3, 5) on (2, 3, 32, 32)",
            (16, 8, (2, 3), 3, 5),
            _image(2, 3, 32, 32, seed=472),
            472,
            visible=False,
        ),
    ]


EXERCISES = [
    _net("ch07.conv_block", "conv_block", 1, mc.conv_block, _conv_block_cases, NB_DENSENET),
    _net("ch07.DenseBlock", "DenseBlock", 2, mc.DenseBlock, _dense_block_cases, NB_DENSENET),
    _net("ch07.transition_block", "transition_block", 1, mc.transition_block, _transition_cases, NB_DENSENET),
    _net("ch07.densenet", "densenet", 2, mc.densenet, _densenet_cases, NB_DENSENET),
]  # fmt: skip
