# %% [markdown]
# # 12.2 Asynchronous computation — 异步计算
#
# On a GPU, PyTorch's Python front end only *queues* each operation for the device and returns
# at once; the device works through the queue while Python goes on. The time a Python block
# takes is then not the time its work takes, unless one waits for the device
# (`torch.cuda.synchronize()`). A value read back to Python (`print`, `.item()`, `.tolist()`,
# converting to NumPy) waits too.
#
# This notebook is not graded; it was written and measured on a CPU-only machine, where the
# GPU cells are skipped, and its timing cells are tagged `demo`. The book (a V100, 10 products
# of 1000 x 1000 matrices): NumPy 1.0704 s; torch 0.0013 s without waiting (only queued), 0.0049
# s with `synchronize`.

# %%
import numpy as np
import torch

from d2lkit.performance import Benchmark, synchronize
from d2lkit.utils import try_gpu

device = try_gpu()
print("device:", device)

# %% [markdown]
# ## NumPy and torch
#
# `Benchmark(sync=True)` waits for the GPU before it reads the clock, at the start and the end.

# %% tags=["demo"]
a = np.random.normal(size=(1000, 1000))
with Benchmark("numpy"):
    for _ in range(10):
        b = np.dot(a, a)

a = torch.randn(1000, 1000, device=device)
with Benchmark("torch, queued only"):
    for _ in range(10):
        b = torch.mm(a, a)
with Benchmark("torch, finished", sync=True):
    for _ in range(10):
        b = torch.mm(a, a)
synchronize()

# %% [markdown]
# ## On the CPU
#
# The book's exercise: can asynchrony be seen on the CPU? Not through PyTorch's CPU backend: a
# CPU operation returns when its result is computed (it may use several threads inside), so the
# "queued" and the "finished" timings agree. What remains asynchronous on a CPU-only machine is
# what runs beside the Python thread: `torch.jit.fork` tasks (12.3), or data loading in worker
# processes. With a GPU, the queued time is much shorter than the finished one.

# %% tags=["demo"]
x = torch.randn(1000, 1000)
with Benchmark("CPU, no wait") as no_wait:
    y = [x.mm(x) for _ in range(10)]
with Benchmark("CPU, with synchronize", sync=True) as waited:
    y = [x.mm(x) for _ in range(10)]
print(f"ratio {no_wait.elapsed / waited.elapsed:.2f} (about 1 on a CPU)")

# %% [markdown]
# ## A dependency graph
#
# Python sees `z = x * y + 2` as two queued operations; only reading `z` waits. On a GPU the
# loop below returns from Python long before the device finishes, and `z.sum().item()` waits.

# %% tags=["demo"]
x = torch.ones((1, 2), device=device)
y = torch.ones((1, 2), device=device)
with Benchmark("queue 1000 small operations"):
    for _ in range(1000):
        z = x * y + 2
with Benchmark("read the result"):
    print(z.sum().item())

# %% [markdown] tags=["written"]
# Why does timing GPU code without synchronising first give wrong numbers?

# %% [markdown] tags=["answer"]
# Operations are queued and the call returns at once; the clock stops before the GPU has done the
# work, unless you synchronise (or read a result) first.

# %% [markdown] tags=["written"]
# Why is reading the loss with `.item()` at every iteration a performance problem?

# %% [markdown] tags=["answer"]
# It forces a synchronisation each step: the CPU waits for the GPU and cannot queue the next work
# in advance, so the two take turns instead of overlapping.
