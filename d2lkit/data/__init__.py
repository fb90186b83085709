"""The book's datasets: a verified registry of files under one data root, Fashion-MNIST batches,
the synthetic arrays of chapter 3, the Time Machine corpus of chapters 8-9 and the fra-eng
translation pairs of chapters 9-10, and the airfoil regression of chapter 11."""

from d2lkit.data.airfoil import airfoil_tensors, get_data_ch11
from d2lkit.data.arrays import load_array, synthetic_data
from d2lkit.data.fashion_mnist import (
    TensorBatches,
    fashion_mnist_tensors,
    get_fashion_mnist_labels,
    load_data_fashion_mnist,
)
from d2lkit.data.fra_eng import (
    build_array_nmt,
    load_data_nmt,
    preprocess_nmt,
    read_data_nmt,
    tokenize_nmt,
    truncate_pad,
)
from d2lkit.data.registry import DATASETS, DataError, data_root, dataset, get_path, verify
from d2lkit.data.timemachine import (
    SeqDataLoader,
    load_corpus_time_machine,
    load_data_time_machine,
    read_time_machine,
    seq_data_iter_random,
    seq_data_iter_sequential,
)

__all__ = [
    "airfoil_tensors",
    "get_data_ch11",
    "build_array_nmt",
    "load_data_nmt",
    "preprocess_nmt",
    "read_data_nmt",
    "tokenize_nmt",
    "truncate_pad",
    "DATASETS",
    "DataError",
    "SeqDataLoader",
    "TensorBatches",
    "data_root",
    "dataset",
    "fashion_mnist_tensors",
    "get_fashion_mnist_labels",
    "get_path",
    "load_array",
    "load_corpus_time_machine",
    "load_data_fashion_mnist",
    "load_data_time_machine",
    "read_time_machine",
    "seq_data_iter_random",
    "seq_data_iter_sequential",
    "synthetic_data",
    "verify",
]
