"""6.4 multiple input and output channels: wrong implementations, each rejected by its check."""

import torch

from ._common import _corr2d


def corr2d_multi_in_average(X, K):
    return sum(_corr2d(x, k) for x, k in zip(X, K)) / len(X)


def corr2d_multi_in_first_channel(X, K):
    return _corr2d(X[0], K[0])


def _multi_in(X, K):
    return sum(_corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out_stack_dim1(X, K):
    return torch.stack([_multi_in(X, k) for k in K], 1)


def corr2d_multi_in_out_transposed_kernel(X, K):
    return torch.stack([_multi_in(X, k.transpose(-1, -2)) for k in K], 0)


def corr2d_multi_in_out_1x1_wrong_reshape(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    return (K.reshape(c_o, c_i) @ X.reshape(h * w, c_i).T).reshape(c_o, h, w)


def corr2d_multi_in_out_1x1_swapped_kernel(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    return (K.reshape(c_i, c_o).T @ X.reshape(c_i, h * w)).reshape(c_o, h, w)


MUTANTS = {
    "ch06.corr2d_multi_in": [
        ("averages the channels", corr2d_multi_in_average, "do not average"),
        ("first channel only", corr2d_multi_in_first_channel, "output[0, 0]: expected"),
    ],
    "ch06.corr2d_multi_in_out": [
        ("stacks on dimension 1", corr2d_multi_in_out_stack_dim1, "dimension 0"),
        (
            "transposes each kernel",
            corr2d_multi_in_out_transposed_kernel,
            "output[0, 0, 0]: expected",
        ),
    ],
    "ch06.corr2d_multi_in_out_1x1": [
        (
            "reshapes X pixel-major",
            corr2d_multi_in_out_1x1_wrong_reshape,
            "output[0, 0, 0]: expected",
        ),
        (
            "reads K as (c_i, c_o)",
            corr2d_multi_in_out_1x1_swapped_kernel,
            "output[0, 0, 0]: expected",
        ),
    ],
}
