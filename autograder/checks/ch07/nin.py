"""7.3 NiN: the block and the network."""

from __future__ import annotations

from autograder.checks.ch07._common import _block, _image, _net, _network
from autograder.spec import Case
from autograder.strategies import randn
from d2lkit import modern_cnn as mc

NB_NIN = "7.3-nin"


def _nin_block_cases() -> list[Case]:
    return [
        _block(
            "the first block: 1 -> 4, kernel 11, stride 4, (1, 1, 32, 32)",
            (1, 4, 11, 4, 0),
            randn(1, 1, 32, 32, seed=331),
            331,
        ),
        _block(
            "3 -> 5, kernel 3, padding 1, (2, 3, 7, 7)",
            (3, 5, 3, 1, 1),
            randn(2, 3, 7, 7, seed=332),
            332,
        ),
        _block(
            "2 -> 3, kernel 5, stride 2, padding 2, (2, 2, 9, 9)",
            (2, 3, 5, 2, 2),
            randn(2, 2, 9, 9, seed=333),
            333,
            visible=False,
        ),
    ]


def _nin_cases() -> list[Case]:
    return [
        _network(
            "one 224x224 image, evaluation mode",
            (),
            _image(1, 1, 224, 224, seed=341),
            341,
            mode="eval",
        ),
        _network(
            "3 channels, 5 classes, (2, 3, 224, 224)",
            (3, 5),
            _image(2, 3, 224, 224, seed=342),
            342,
            mode="eval",
            visible=False,
        ),
    ]


EXERCISES = [
    _net("ch07.nin_block", "nin_block", 1, mc.nin_block, _nin_block_cases, NB_NIN),
    _net("ch07.nin", "nin", 1, mc.nin, _nin_cases, NB_NIN),
]
