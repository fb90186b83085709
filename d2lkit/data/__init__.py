"""The book's datasets: a verified registry of files under one data root, Fashion-MNIST batches
and the synthetic arrays of chapter 3."""

from d2lkit.data.arrays import load_array, synthetic_data
from d2lkit.data.fashion_mnist import (
    TensorBatches,
    fashion_mnist_tensors,
    get_fashion_mnist_labels,
    load_data_fashion_mnist,
)
from d2lkit.data.registry import DATASETS, DataError, data_root, dataset, get_path, verify

__all__ = [
    "DATASETS",
    "DataError",
    "TensorBatches",
    "data_root",
    "dataset",
    "fashion_mnist_tensors",
    "get_fashion_mnist_labels",
    "get_path",
    "load_array",
    "load_data_fashion_mnist",
    "synthetic_data",
    "verify",
]
