"""7.4 GoogLeNet: the Inception block and the network."""

from __future__ import annotations

from autograder.checks.ch07._common import _block, _image, _net, _network
from autograder.spec import Case
from autograder.strategies import randn
from d2lkit import modern_cnn as mc

NB_GOOGLENET = "7.4-googlenet"


def _inception_cases() -> list[Case]:
    return [
        _block(
            "4 -> 2 + 4 + 3 + 2 channels, (2, 4, 6, 6)",
            (4, 2, (3, 4), (2, 3), 2),
            randn(2, 4, 6, 6, seed=351),
            351,
        ),
        _block(
            "3 -> 1 + 2 + 2 + 1 channels, odd size (2, 3, 5, 7)",
            (3, 1, (2, 2), (1, 2), 1),
            randn(2, 3, 5, 7, seed=352),
            352,
        ),
        _block(
            "the book's first Inception (192 -> 256), (1, 192, 4, 4)",
            (192, 64, (96, 128), (16, 32), 32),
            randn(1, 192, 4, 4, seed=353),
            353,
            visible=False,
        ),
    ]


def _googlenet_cases() -> list[Case]:
    return [
        _network("one 96x96 image", (), _image(1, 1, 96, 96, seed=361), 361),
        _network(
            "3 channels, 5 classes, (2, 3, 64, 64)",
            (3, 5),
            _image(2, 3, 64, 64, seed=362),
            362,
            visible=False,
        ),
    ]


EXERCISES = [
    _net("ch07.Inception", "Inception", 2, mc.Inception, _inception_cases, NB_GOOGLENET),
    _net("ch07.googlenet", "googlenet", 2, mc.googlenet, _googlenet_cases, NB_GOOGLENET),
]
