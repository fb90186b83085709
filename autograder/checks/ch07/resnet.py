"""7.6 ResNet: the residual block, a stage of them, and ResNet-18."""

from __future__ import annotations

from autograder.checks.ch07._common import _block, _image, _net, _network
from autograder.spec import Case
from autograder.strategies import randn
from d2lkit import modern_cnn as mc

NB_RESNET = "7.6-resnet"


def _residual_cases() -> list[Case]:
    return [
        _block(
            "Residual(3, 3), (4, 3, 6, 6)",
            (3, 3),
            randn(4, 3, 6, 6, seed=411),
            411,
            eval_X=randn(2, 3, 6, 6, seed=412),
        ),
        _block(
            "Residual(3, 6, use_1x1conv=True, strides=2), (4, 3, 6, 6)",
            (3, 6, True, 2),
            randn(4, 3, 6, 6, seed=413),
            413,
            eval_X=randn(2, 3, 6, 6, seed=414),
        ),
        _block(
            "Residual(4, 8, True, 2), odd size (2, 4, 7, 7)",
            (4, 8, True, 2),
            randn(2, 4, 7, 7, seed=415),
            415,
            visible=False,
        ),
        _block(
            "Residual(5, 5), (3, 5, 5, 4)", (5, 5), randn(3, 5, 5, 4, seed=416), 416, visible=False
        ),
    ]


def _resnet_block_cases() -> list[Case]:
    return [
        _block(
            "first block: 4 -> 4, 2 residuals, (2, 4, 6, 6)",
            (4, 4, 2, True),
            randn(2, 4, 6, 6, seed=421),
            421,
        ),
        _block("4 -> 8, 2 residuals, (2, 4, 6, 6)", (4, 8, 2), randn(2, 4, 6, 6, seed=422), 422),
        _block(
            "3 -> 6, 3 residuals, odd size (2, 3, 7, 7)",
            (3, 6, 3),
            randn(2, 3, 7, 7, seed=423),
            423,
            visible=False,
        ),
    ]


def _resnet18_cases() -> list[Case]:
    return [
        _network("a batch of 2 at 96x96, training mode", (), _image(2, 1, 96, 96, seed=431), 431),
        _network(
            "5 classes, 3 channels, (2, 3, 64, 64)",
            (5, 3),
            _image(2, 3, 64, 64, seed=432),
            432,
            visible=False,
        ),
    ]


EXERCISES = [
    _net("ch07.Residual", "Residual", 2, mc.Residual, _residual_cases, NB_RESNET),
    _net("ch07.resnet_block", "resnet_block", 1, mc.resnet_block, _resnet_block_cases, NB_RESNET),
    _net("ch07.resnet18", "resnet18", 2, mc.resnet18, _resnet18_cases, NB_RESNET),
]
