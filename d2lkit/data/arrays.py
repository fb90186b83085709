"""Synthetic regression data and the one-line DataLoader of chapter 3."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.utils.data import DataLoader, TensorDataset


def synthetic_data(w: Tensor, b: float, num_examples: int) -> tuple[Tensor, Tensor]:
    """Examples of ``y = Xw + b + noise`` drawn with torch's global RNG.

    ``w: (num_inputs,)`` -> ``X: (num_examples, num_inputs)`` ~ N(0, 1) and
    ``y: (num_examples, 1)``, whose noise is N(0, 0.01^2).
    """
    X = torch.normal(0, 1, (num_examples, len(w)), dtype=w.dtype)
    y = X @ w.reshape(-1) + b
    y += torch.normal(0, 0.01, y.shape, dtype=w.dtype)
    return X, y.reshape(-1, 1)


def load_array(
    data_arrays: tuple[Tensor, ...], batch_size: int, is_train: bool = True
) -> DataLoader[tuple[Tensor, ...]]:
    """A DataLoader over tensors sharing their first dimension ``n``: each batch is the tuple of
    their ``(batch_size, ...)`` slices, in a new random order every pass when ``is_train``."""
    return DataLoader(TensorDataset(*data_arrays), batch_size, shuffle=is_train)
