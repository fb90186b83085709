"""Chapter 12 — computational performance: the exercises of 12.5 and 12.7.

12.1-12.3 are measured, not graded (their timings are demo cells). 12.5's `split_batch`,
`allreduce` and `train_batch` run on CPU "devices" ([torch.device('cpu')] * k) so that every
machine grades them, against `d2lkit.multi_device`; 12.7's ring allreduce (the kit's exercise) is
simulated in one process, one tensor per rank, against the same module, whose agreement with
`torch.distributed.all_reduce` is tested in tests/d2lkit.

One module per section; `EXERCISES` lists them in the book's order.
"""

from __future__ import annotations

from autograder.checks.ch12 import multi_gpu, ring
from autograder.checks.ch12.multi_gpu import NB_MULTI_GPU
from autograder.checks.ch12.ring import NB_RING

__all__ = ["EXERCISES", "NB_MULTI_GPU", "NB_RING"]

EXERCISES = [*multi_gpu.EXERCISES, *ring.EXERCISES]
