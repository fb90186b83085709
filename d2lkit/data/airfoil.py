"""11.5: the NASA airfoil self-noise data as the book's optimisers see it (`get_data_ch11`)."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import DataLoader

from d2lkit.data.arrays import load_array
from d2lkit.data.registry import get_path

__all__ = ["airfoil_tensors", "get_data_ch11"]


def airfoil_tensors(n: int = 1500) -> tuple[Tensor, Tensor]:
    """The first `n` rows, every column standardised over all 1,503 rows (float32).

    Returns X: (n, 5), the five physical features, and y: (n,), the sound pressure level.
    """
    table = np.genfromtxt(get_path("airfoil"), dtype=np.float32, delimiter="\t")
    table = torch.from_numpy((table - table.mean(axis=0)) / table.std(axis=0))
    return table[:n, :-1], table[:n, -1]


def get_data_ch11(batch_size: int = 10, n: int = 1500) -> tuple[DataLoader, int]:
    """Shuffled minibatches `(X: (batch_size, 5), y: (batch_size,))` of the first `n` rows, and
    the number of features (5)."""
    X, y = airfoil_tensors(n)
    return load_array((X, y), batch_size, is_train=True), X.shape[1]
