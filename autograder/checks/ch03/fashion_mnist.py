"""3.5 the image classification dataset: Fashion-MNIST's text labels."""

from __future__ import annotations

from autograder.spec import Case, Exercise
from autograder.strategies import randint
from d2lkit import data

NB_DATASET = "3.5-image-classification-dataset"


def _labels_cases() -> list[Case]:
    return [
        Case("a tensor of labels", (randint(10, 12, seed=31),)),
        Case("a list of ints", ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9],)),
    ]


EXERCISES = [
    Exercise(
        id="ch03.get_fashion_mnist_labels",
        target="get_fashion_mnist_labels",
        points=1,
        reference=data.get_fashion_mnist_labels,
        cases=_labels_cases,
        notebook=NB_DATASET,
    ),
]
