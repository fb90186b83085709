"""6.5 pooling: wrong implementations, each rejected by its check."""

import torch
import torch.nn.functional as F

from ._common import _pair


def _pool(X, pool_size, mode="max", padding=0, stride=1, fill=None, count_pad=True):
    (p_h, p_w), (pad_h, pad_w), (s_h, s_w) = _pair(pool_size), _pair(padding), _pair(stride)
    if fill is None:
        fill = float("-inf") if mode == "max" else 0.0
    ones = torch.ones_like(X)
    X = F.pad(X, (pad_w, pad_w, pad_h, pad_h), value=fill)
    counts = F.pad(ones, (pad_w, pad_w, pad_h, pad_h), value=0.0)
    out_h = (X.shape[-2] - p_h + s_h) // s_h
    out_w = (X.shape[-1] - p_w + s_w) // s_w
    Y = X.new_zeros(X.shape[:-2] + (out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            rows, cols = slice(i * s_h, i * s_h + p_h), slice(j * s_w, j * s_w + p_w)
            window = X[..., rows, cols]
            if mode == "max":
                Y[..., i, j] = window.amax(dim=(-2, -1))
            elif count_pad:
                Y[..., i, j] = window.mean(dim=(-2, -1))
            else:
                Y[..., i, j] = window.sum(dim=(-2, -1)) / counts[..., rows, cols].sum(dim=(-2, -1))
    return Y


def pool2d_zero_padding(X, pool_size, mode="max", padding=0, stride=1):
    return _pool(X, pool_size, mode, padding, stride, fill=0.0)


def pool2d_excludes_padding(X, pool_size, mode="max", padding=0, stride=1):
    return _pool(X, pool_size, mode, padding, stride, count_pad=False)


def pool2d_stride_defaults_to_window(X, pool_size, mode="max", padding=0, stride=None):
    return _pool(X, pool_size, mode, padding, pool_size if stride is None else stride)


def pool2d_ignores_stride(X, pool_size, mode="max", padding=0, stride=1):
    return _pool(X, pool_size, mode, padding, 1)


def pool2d_builtin(X, pool_size, mode="max", padding=0, stride=1):
    X4 = X.reshape((-1, 1) + tuple(X.shape[-2:]))
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    Y = pool(X4, pool_size, stride, padding)
    return Y.reshape(X.shape[:-2] + Y.shape[-2:])


MUTANTS = {
    "ch06.pool2d": [
        ("max pads with zeros", pool2d_zero_padding, "-inf"),
        ("avg excludes the padding", pool2d_excludes_padding, "count_include_pad"),
        ("stride defaults to the window", pool2d_stride_defaults_to_window, "defaults to 1"),
        ("ignores the stride", pool2d_ignores_stride, "by `stride`"),
        ("calls F.max_pool2d", pool2d_builtin, "uses max_pool2d"),
    ],
}
