"""Small d2l utilities: a timer, running sums, and device selection."""

from __future__ import annotations

import itertools
import re
import time

import torch

from d2lkit.errors import D2lkitError


class Timer:
    """Records the durations of intervals; the first interval starts on construction."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """Start a new interval."""
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """End the current interval, record it and return its length in seconds."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        """Mean length of the recorded intervals."""
        return sum(self.times) / len(self.times)

    def sum(self) -> float:
        """Total length of the recorded intervals."""
        return sum(self.times)

    def cumsum(self) -> list[float]:
        """Running totals of the recorded intervals."""
        return list(itertools.accumulate(self.times))


class Accumulator:
    """`n` running float sums, e.g. (loss sum, correct count, example count) over an epoch."""

    def __init__(self, n: int) -> None:
        self.data = [0.0] * n

    def add(self, *args: float) -> None:
        """Add one value to each sum; exactly `n` values are expected."""
        if len(args) != len(self.data):
            raise ValueError(f"Accumulator of {len(self.data)} sums was given {len(args)} values")
        self.data = [total + float(value) for total, value in zip(self.data, args)]

    def reset(self) -> None:
        """Set every sum back to 0."""
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]


def try_gpu(i: int = 0) -> torch.device:
    """`cuda:i` if that GPU exists, else the CPU."""
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


def try_all_gpus() -> list[torch.device]:
    """Every GPU, or `[cpu]` when there is none."""
    devices = [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
    return devices or [torch.device("cpu")]


def resolve_device(spec: str = "auto") -> torch.device:
    """The device named by `spec`: `auto` (a GPU when there is one), `cpu`, `cuda` or `cuda:N`.

    Raises D2lkitError for an unknown name, or when a GPU is named that this machine lacks.
    """
    if spec == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if spec == "cpu":
        return torch.device("cpu")
    match = re.fullmatch(r"cuda(?::(\d+))?", spec)
    if match is None:
        raise D2lkitError(f"unknown device {spec!r}: expected 'auto', 'cpu', 'cuda' or 'cuda:N'")
    if not torch.cuda.is_available():
        raise D2lkitError("CUDA was requested but torch.cuda.is_available() is False")
    if match.group(1) is not None and int(match.group(1)) >= torch.cuda.device_count():
        raise D2lkitError(
            f"device {spec!r} was requested but only {torch.cuda.device_count()} GPU(s) are visible"
        )
    return torch.device(spec)
