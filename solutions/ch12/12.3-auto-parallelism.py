# %% [markdown]
# # 12.3 Automatic parallelism — 自动并行
#
# Operations that do not depend on each other may run at the same time: on two GPUs, each
# device works through its own queue; on one GPU, computing and copying overlap. The book
# measures 50 products of 4000 x 4000 matrices on each of two GPUs: 0.4600 s and 0.4706 s
# alone, 0.4580 s together, since the two devices run in parallel.
#
# This notebook is not graded, and it was measured on a CPU-only machine: the GPU cells run only
# where there are GPUs. On a CPU, PyTorch parallelises *inside* an operation (intra-op threads,
# `torch.get_num_threads()`); independent operations can also run side by side, on the
# inter-op thread pool, when launched with `torch.jit.fork`. The timing cells are tagged `demo`.

# %%
import torch

from d2lkit.performance import Benchmark, copy_to_cpu, run
from d2lkit.utils import try_all_gpus

print(
    "intra-op threads:",
    torch.get_num_threads(),
    "inter-op threads:",
    torch.get_num_interop_threads(),
)

# %% [markdown]
# ## Two independent workloads on the CPU
#
# `run(x)` is the section's workload, independent products `x @ x`. With one intra-op thread
# each, two workloads run one after the other, or side by side with `torch.jit.fork` (which
# returns a future; `torch.jit.wait` collects it). On a machine with two free cores the second
# takes about half the time of the first.

# %% tags=["demo"]
threads = torch.get_num_threads()
torch.set_num_threads(1)
x1, x2 = torch.randn(400, 400), torch.randn(400, 400)
run(x1, 2)  # warm up
with Benchmark("one after the other"):
    run(x1, 20)
    run(x2, 20)
with Benchmark("side by side (torch.jit.fork)"):
    future = torch.jit.fork(run, x1, 20)
    run(x2, 20)
    torch.jit.wait(future)
torch.set_num_threads(threads)

# %% [markdown]
# ## On GPUs
#
# Where there are two GPUs, the book's experiment: each device alone, then both together (each
# device's queue runs on its own). Then computing on one GPU and copying the results to the
# CPU, one after the other and overlapped (`non_blocking=True`).

# %% tags=["demo"]
gpus = [d for d in try_all_gpus() if d.type == "cuda"]
if len(gpus) >= 2:
    x_gpu1 = torch.rand(size=(4000, 4000), device=gpus[0])
    x_gpu2 = torch.rand(size=(4000, 4000), device=gpus[1])
    run(x_gpu1), run(x_gpu2)
    with Benchmark("GPU1 time", sync=True):
        run(x_gpu1)
    with Benchmark("GPU2 time", sync=True):
        run(x_gpu2)
    with Benchmark("GPU1 & GPU2", sync=True):
        run(x_gpu1)
        run(x_gpu2)
if gpus:
    x_gpu1 = torch.rand(size=(4000, 4000), device=gpus[0])
    with Benchmark("run on GPU1", sync=True):
        y = run(x_gpu1)
    with Benchmark("copy to CPU", sync=True):
        y_cpu = copy_to_cpu(y)
    with Benchmark("run on GPU1 and copy to CPU", sync=True):
        y = run(x_gpu1)
        y_cpu = copy_to_cpu(y, True)
else:
    print("no GPU here: the book's GPU experiments are skipped")

# %% [markdown] tags=["written"]
# Two computations can run at the same time on two devices (or a computation and a copy). What
# makes this possible, and what dependency prevents it?

# %% [markdown] tags=["answer"]
# The scheduler sees they do not depend on each other's results, so it runs them concurrently; if
# one needs the other's output it has to wait.

# %% [markdown] tags=["written"]
# Why overlap communication with computation in training? Give an example.

# %% [markdown] tags=["answer"]
# Copies take time that otherwise adds to every step; overlapping hides it. For example, send the
# last layers' gradients while backward is still computing the earlier layers' gradients.
