"""3.5 the image classification dataset: wrong implementations, each rejected by its check."""


def get_fashion_mnist_labels_misordered(labels):
    names = [
        "t-shirt",
        "trouser",
        "pullover",
        "dress",
        "coat",
        "sandal",
        "sneaker",
        "shirt",
        "bag",
        "ankle boot",
    ]
    return [names[int(i)] for i in labels]


MUTANTS = {
    "ch03.get_fashion_mnist_labels": [
        ("shirt and sneaker swapped", get_fashion_mnist_labels_misordered, "output[0]: expected")
    ],
}
