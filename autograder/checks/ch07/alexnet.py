"""7.1 AlexNet."""

from __future__ import annotations

from autograder.checks.ch07._common import _image, _net, _network
from autograder.spec import Case
from d2lkit import modern_cnn as mc

NB_ALEXNET = "7.1-alexnet"


def _alexnet_cases() -> list[Case]:
    return [
        _network(
            "one 224x224 image, evaluation mode",
            (),
            _image(1, 1, 224, 224, seed=301),
            301,
            mode="eval",
        ),
    ]


EXERCISES = [
    _net("ch07.alexnet", "alexnet", 2, mc.alexnet, _alexnet_cases, NB_ALEXNET),
]
