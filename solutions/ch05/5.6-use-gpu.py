# %% [markdown]
# # 5.6 GPUs — GPU
#
# Every tensor and every parameter lives on a device: the CPU (`torch.device("cpu")`) or the GPU
# number $i$ (`torch.device(f"cuda:{i}")`). An operation takes all its inputs from one device and
# puts its result there. This notebook is not graded: the asserts check what it shows, and it
# runs on a machine without a GPU too, where everything falls back to the CPU.

# %%
import torch
from torch import nn

from d2lkit import try_all_gpus, try_gpu

# %%
n_gpus = torch.cuda.device_count()
print(torch.device("cpu"), torch.device("cuda"), torch.device("cuda:1"))
print("GPUs on this machine:", n_gpus)

# %% [markdown]
# ## Choosing a device
#
# The book's helpers make the same code run with or without GPUs: `try_gpu(i)` is `cuda:i` if that
# GPU exists and the CPU otherwise; `try_all_gpus()` lists every GPU, or just the CPU when there is
# none.

# %%
print(try_gpu(), try_gpu(10), try_all_gpus())

assert try_gpu(n_gpus) == torch.device("cpu")  # one past the last GPU
assert try_gpu() == (torch.device("cuda:0") if n_gpus else torch.device("cpu"))
assert try_all_gpus() == (
    [torch.device(f"cuda:{i}") for i in range(n_gpus)] or [torch.device("cpu")]
)

# %% [markdown]
# ## Tensors on a device
#
# A new tensor is on the CPU unless told otherwise (`device=`). `.to(device)` copies a tensor to
# another device, and returns the tensor itself when it is already there. To combine two tensors,
# bring them onto one device first: PyTorch never moves data behind your back, since a copy
# between devices is slow.

# %%
x = torch.tensor([1, 2, 3])
print(x.device)

X = torch.ones(2, 3, device=try_gpu())
Y = torch.rand(2, 3, device=try_gpu(1))
Z = X.to(try_gpu(1))
print(X, Y, Z, Y + Z, sep="\n")

assert X.device == try_gpu() and Z.device == Y.device
assert Z.to(try_gpu(1)) is Z  # already there: no copy

# %% [markdown]
# ## A model on a device
#
# `net.to(device)` moves every parameter and buffer of the block tree (this is why 5.1 registers
# sub-blocks and buffers with the module). The inputs must then be on the same device.

# %%
net = nn.Sequential(nn.Linear(3, 1))
net = net.to(device=try_gpu())
print(net(X))
print(net[0].weight.data.device)

assert all(p.device == X.device for p in net.parameters())
assert net(X).device == X.device

# %% [markdown]
# Printing a tensor or calling `.item()` copies it to the CPU and waits for the GPU to finish; in
# a training loop, keep the values on the device and read them out rarely. The trainers of d2lkit
# pick a device the same way (`d2lkit train ... --device auto|cpu|cuda`).

# %% [markdown] tags=["written"]
# Why does copying a tensor between CPU and GPU, or calling `.item()` at every step, slow training
# down even when the tensor is tiny?

# %% [markdown] tags=["answer"]
# Each transfer has a fixed latency, and reading a value on the CPU makes it wait until all the
# GPU work queued before has finished, so the CPU can no longer run ahead and queue more work.

# %% [markdown] tags=["written"]
# Which runs faster on a GPU than on a CPU: a 10 × 10 matrix product, or a 4096 × 4096 one? Why?

# %% [markdown] tags=["answer"]
# The large one: its millions of independent multiply-adds fill the GPU's many cores. For the
# small one the cost of launching a kernel (and of any copy) dominates, and a CPU is as fast or
# faster.
