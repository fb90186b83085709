"""12.1-12.3 computational performance: the `Benchmark` timer and the workloads the sections time.

`Benchmark` is a context manager that waits for the device before it reads the clock, so that an
asynchronous GPU's queued work is counted (12.2). `get_net` is 12.1's MLP (512-256-128-2), timed
eager, under `torch.jit.script` and under `torch.compile`. `run` and `copy_to_cpu` are 12.3's
independent workloads.
"""

from __future__ import annotations

import time
from types import TracebackType

import torch
from torch import Tensor, nn

__all__ = ["Benchmark", "copy_to_cpu", "get_net", "run", "synchronize"]


def synchronize(device: torch.device | str | None = None) -> None:
    """Wait until every queued kernel of `device` (all GPUs when None) has finished; a no-op on
    the CPU, whose torch ops return when their work is done."""
    if torch.cuda.is_available() and (device is None or torch.device(device).type == "cuda"):
        torch.cuda.synchronize(device)


class Benchmark:
    """Time a block: `with Benchmark('torch'): ...` prints `torch: 0.0013 sec`.

    sync: also wait for the GPUs before reading the clock, at the start and at the end (the book's
    Benchmark does not, which is how 12.2 shows asynchrony). The time is kept in `elapsed`.
    """

    def __init__(self, description: str = "Done", *, sync: bool = False, quiet: bool = False):
        self.description, self.sync, self.quiet = description, sync, quiet
        self.elapsed = float("nan")

    def __enter__(self) -> Benchmark:
        if self.sync:
            synchronize()
        self._start = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.sync:
            synchronize()
        self.elapsed = time.perf_counter() - self._start
        if not self.quiet and exc_type is None:
            print(f"{self.description}: {self.elapsed:.4f} sec")


def get_net() -> nn.Sequential:
    """12.1's MLP: Linear(512, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 2).

    X: (batch_size, 512) -> (batch_size, 2)
    """
    return nn.Sequential(
        nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 2)
    )


def run(x: Tensor, repeats: int = 50) -> list[Tensor]:
    """12.3's workload: `repeats` independent products x @ x, x: (n, n) -> a list of (n, n)."""
    return [x.mm(x) for _ in range(repeats)]


def copy_to_cpu(x: list[Tensor], non_blocking: bool = False) -> list[Tensor]:
    """Copies of the tensors in host memory (`non_blocking`: queued behind the device's work)."""
    return [y.to("cpu", non_blocking=non_blocking) for y in x]
