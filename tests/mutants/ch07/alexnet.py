"""7.1 AlexNet: wrong implementations, each rejected by its check."""

from torch import nn


def _alexnet(pool_stride=2, first_padding=1, classifier_act=nn.ReLU):
    return nn.Sequential(
        nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=first_padding), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=pool_stride),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=pool_stride),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=pool_stride),
        nn.Flatten(),
        nn.Linear(6400, 4096), classifier_act(), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), classifier_act(), nn.Dropout(p=0.5),
        nn.Linear(4096, 10),
    )  # fmt: skip


def alexnet_pool_default_stride(in_channels=1, num_classes=10):
    return _alexnet(pool_stride=None)


def alexnet_no_first_padding(in_channels=1, num_classes=10):
    return _alexnet(first_padding=0)


def alexnet_sigmoid_classifier(in_channels=1, num_classes=10):
    return _alexnet(classifier_act=nn.Sigmoid)


MUTANTS = {
    "ch07.alexnet": [
        ("max-pool with the default stride (3)", alexnet_pool_default_stride, "in_features=6400"),
        (
            "no padding in the first conv",
            alexnet_no_first_padding,
            "layer `0` (Conv2d) outputs values",
        ),
        (
            "sigmoid in the classifier",
            alexnet_sigmoid_classifier,
            "is a Sigmoid where the reference has a ReLU",
        ),
    ],
}
