# %% [markdown]
# # 12.5 Training on multiple GPUs — 多GPU训练
#
# Data parallelism: every device holds a full copy (a *replica*) of the parameters and gets a
# slice of each minibatch. Each device computes the gradients of its slice; the gradients are
# summed over the devices (*allreduce*) so that every replica takes the same step, the step one
# device would take on the whole minibatch. You write the three pieces: cutting the batch,
# the allreduce and one training step.
#
# **Grading.** Each `check(...)` cell grades one function on visible cases here and on more
# hidden cases when graded. The devices in the checks are CPU "devices",
# `[torch.device('cpu')] * k`: a replica is its own copy of the parameters, so k copies on the
# CPU behave as k GPUs would, and every machine can grade the notebook. The training demo at the
# end is not graded.

# %%
import time

import torch
from torch import nn

from autograder import check
from d2lkit import load_data_fashion_mnist, sgd
from d2lkit.multi_device import get_params, init_lenet_params, lenet
from d2lkit.utils import try_all_gpus

# %% [markdown]
# ## The network and its replicas (given)
#
# The section's LeNet is written on explicit parameters, `lenet(X, params)`: two
# convolution-ReLU-average-pooling stages (20 then 50 channels) and two linear layers
# (800 → 128 → 10), with `params = [W1, b1, W2, b2, W3, b3, W4, b4]`.
# `get_params(params, device)` makes a replica on `device`: new leaf tensors that require
# gradients. It copies even when the tensors already are on `device`, since `Tensor.to` returns
# the tensor itself in that case, and two "replicas" on the CPU would then be one.

# %%
params = init_lenet_params(scale=0.01)
loss = nn.CrossEntropyLoss(reduction="none")
replica = get_params(params, torch.device("cpu"))
print("b1 of a replica:", replica[1][:4], replica[1].requires_grad)
assert replica[0].data_ptr() != params[0].data_ptr()

# %% [markdown]
# ## Cutting a minibatch
#
# `split_batch(X, y, devices)` cuts the $n$ rows of `X` and of `y` into one shard per device and
# moves each shard to its device. Cut them as `nn.parallel.scatter` does (which only accepts
# GPUs): shards of $\lceil n / k \rceil$ rows for $k$ devices, the last shard smaller, so 10 rows
# on 4 devices are 3, 3, 3 and 1 rows (this is `torch.chunk`'s rule; when $n$ is small it may
# give fewer than $k$ shards). `X` and `y` must have the same number of rows. Return
# `(X_shards, y_shards)`.


# %% tags=["solution"]
def split_batch(X: torch.Tensor, y: torch.Tensor, devices: list) -> tuple[list, list]:
    """X: (n, ...), y: (n, ...) -> (X_shards, y_shards), shard i on devices[i]."""
    ### BEGIN SOLUTION
    assert X.shape[0] == y.shape[0]
    size = -(-X.shape[0] // len(devices))
    X_shards = [X[i : i + size].to(d) for i, d in zip(range(0, len(X), size), devices)]
    y_shards = [y[i : i + size].to(d) for i, d in zip(range(0, len(y), size), devices)]
    return X_shards, y_shards
    ### END SOLUTION


# %%
check("ch12.split_batch", split_batch)

# %%
data = torch.arange(20).reshape(4, 5)
X_shards, _ = split_batch(data, torch.arange(4), [torch.device("cpu")] * 2)
print(X_shards)

# %% [markdown]
# ## Allreduce
#
# `allreduce(data)` takes one tensor per device, all of one shape, and leaves the sum
# $\sum_i \texttt{data}[i]$ in every one of them: add every tensor into `data[0]` (moved to
# `data[0]`'s device), then copy `data[0]` back into each of the others. Work **in place**
# (`data[0][:] += ...`, `data[i][:] = ...`): the tensors are the gradients of the replicas, and
# rebinding a name would leave them as they were. Return nothing.


# %% tags=["solution"]
def allreduce(data: list) -> None:
    """data: k tensors of one shape, one per device; each becomes their sum, in place."""
    ### BEGIN SOLUTION
    for i in range(1, len(data)):
        data[0][:] += data[i].to(data[0].device)
    for i in range(1, len(data)):
        data[i][:] = data[0].to(data[i].device)
    ### END SOLUTION


# %%
check("ch12.allreduce", allreduce)

# %%
data = [torch.ones((1, 2)), torch.ones((1, 2)) * 2]
allreduce(data)
print(data)

# %% [markdown]
# ## One training step
#
# `train_batch(X, y, device_params, devices, lr)`: `device_params[i]` is the replica on
# `devices[i]`. Split the batch with your `split_batch`; on each device compute the **summed**
# loss of its shard, `loss(lenet(X_shard, params), y_shard).sum()`, and backpropagate it; then,
# for each parameter, allreduce the gradients of all replicas with your `allreduce` (under
# `torch.no_grad()`); finally update every replica with `sgd(params, lr, X.shape[0])`: the whole
# minibatch's size, since the summed gradients are those of the whole minibatch's summed loss.
# `sgd` also resets the gradients. Return nothing: the replicas change in place, and every
# replica must end equal to the one parameter set that a single device would train.


# %% tags=["solution"]
def train_batch(X: torch.Tensor, y: torch.Tensor, device_params: list, devices: list, lr: float):
    """X: (n, 1, 28, 28), y: (n,); one SGD step of every replica, in place."""
    ### BEGIN SOLUTION
    X_shards, y_shards = split_batch(X, y, devices)
    losses = [
        loss(lenet(X_shard, params), y_shard).sum()
        for X_shard, y_shard, params in zip(X_shards, y_shards, device_params)
    ]
    for l in losses:
        l.backward()
    with torch.no_grad():
        for i in range(len(device_params[0])):
            allreduce([params[i].grad for params in device_params])
    for params in device_params:
        sgd(params, lr, X.shape[0])
    ### END SOLUTION


# %%
check("ch12.train_batch", train_batch)

# %% [markdown]
# ## Training (a short demo)
#
# The book's `train(num_gpus, batch_size, lr)`: replicate the parameters on each device, run
# `train_batch` over the epoch, and evaluate replica 0. Here one epoch on 1,024 images runs on
# one device and then on two (two CPU "devices", or two GPUs when there are): the two runs end
# with the same parameters, up to the order of floating-point sums. Too short to learn much;
# the book trains 10 epochs (batch 256, lr 0.2): test accuracy 0.84 on one GPU and 0.83 on two,
# 2.7 and 3.6 s per epoch, since LeNet is too small to gain from a second GPU.


# %% tags=["demo"]
def train(devices: list, batch_size: int, lr: float, num_epochs: int, limit: int) -> list:
    """Train replicas of `params` on `devices`; returns replica 0."""
    train_iter, test_iter = load_data_fashion_mnist(batch_size, limit=limit, seed=0)
    device_params = [get_params(params, d) for d in devices]
    start = time.perf_counter()
    for _ in range(num_epochs):
        for X, y in train_iter:
            train_batch(X, y, device_params, devices, lr)
    seconds = (time.perf_counter() - start) / num_epochs
    with torch.no_grad():
        correct = sum(
            int((lenet(X.to(devices[0]), device_params[0]).argmax(1) == y.to(devices[0])).sum())
            for X, y in test_iter
        )
    print(f"test acc {correct / test_iter.num_examples:.2f}, {seconds:.1f} s/epoch on {devices}")
    return [p.detach().cpu() for p in device_params[0]]


gpus = try_all_gpus()
devices = gpus[:2] if len(gpus) >= 2 else [torch.device("cpu")] * 2
one = train(devices[:1], batch_size=256, lr=0.2, num_epochs=1, limit=1_024)
two = train(devices, batch_size=256, lr=0.2, num_epochs=1, limit=1_024)
print("largest difference:", max((a - b).abs().max().item() for a, b in zip(one, two)))

# %% [markdown] tags=["written"]
# With data parallelism on k GPUs, why keep each GPU's batch size and grow the total batch, and
# what must then change in the learning rate?

# %% [markdown] tags=["answer"]
# A small per-GPU batch leaves each GPU underused. A total batch k times larger means fewer steps
# per epoch, so the learning rate is usually scaled up (with a warm-up).

# %% [markdown] tags=["written"]
# Compare splitting the batch across GPUs with splitting the network's layers across them. When is
# each the better choice?

# %% [markdown] tags=["answer"]
# Data parallelism is simple and scales well when the model fits on one GPU, but must synchronise
# gradients each step. Splitting layers is needed when the model does not fit; GPUs then wait for
# each other unless the work is pipelined.
