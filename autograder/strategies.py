"""Seeded input generators shared by the chapters' cases (minitorch's shared strategies)."""

from __future__ import annotations

import torch


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def randn(
    *shape: int, seed: int, scale: float = 1.0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Standard normal values times `scale`: `scale=1e3` is the large-magnitude case."""
    return (torch.randn(shape, generator=generator(seed), dtype=torch.float64) * scale).to(dtype)


def rand(*shape: int, seed: int, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
    return torch.rand(shape, generator=generator(seed)) * (high - low) + low


def randint(high: int, *shape: int, seed: int) -> torch.Tensor:
    return torch.randint(high, shape, generator=generator(seed))


def probabilities(*shape: int, seed: int) -> torch.Tensor:
    """Rows that sum to one, like softmax outputs."""
    return torch.softmax(randn(*shape, seed=seed, scale=2.0), dim=-1)
