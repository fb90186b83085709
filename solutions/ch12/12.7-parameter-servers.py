# %% [markdown]
# # 12.7 Parameter servers: a ring allreduce — 参数服务器
#
# Section 12.7 explains how gradients are synchronised across many devices and proposes, as an
# exercise, to improve the ring synchronisation. It prints no code: the two functions here are
# the kit's own exercise, a ring allreduce simulated in one process.
#
# $k$ ranks (devices) stand in a ring; rank $r$ only sends to rank $(r + 1) \bmod k$. Each rank's
# tensor is flattened and cut into $k$ pieces (`torch.tensor_split`, sizes differing by at most
# one; `t.view(-1).tensor_split(k)` gives views, so writing into a piece writes into the
# tensor). The allreduce has two halves of $k - 1$ steps each:
#
# - **reduce-scatter**: at step $s$ every rank $r$ sends its piece $(r - s) \bmod k$ to rank
#   $r + 1$, which adds it to its own piece of that index. After $k - 1$ steps, rank $r$ holds
#   the sum over all ranks of piece $(r + 1) \bmod k$.
# - **all-gather**: at step $s$ every rank $r$ sends its piece $(r + 1 - s) \bmod k$ to rank
#   $r + 1$, which *overwrites* its own piece with it. After $k - 1$ steps every rank holds every
#   summed piece.
#
# Each step moves $1/k$ of a tensor over every link at once, so a rank sends
# $2(k - 1)/k$ tensors in all, nearly independent of $k$: that is why the ring scales.
#
# **Grading.** `data` is a list of $k$ tensors, one per simulated rank. Both functions work in
# place and return `data`. The reduce-scatter is compared piece by piece with the reference
# after its $k - 1$ steps (the partial sums on the other pieces show whether you followed the
# schedule); the allreduce must leave the sum on every rank, and on one case whose float32 sum
# depends on the order of the additions, exactly the ring's sum. Collectives
# (`torch.distributed`), `torch.stack` and `d2lkit.multi_device` are off limits. The kit's
# reference is tested against `torch.distributed.all_reduce` across real processes.

# %%
import torch

from autograder import check

# %% [markdown]
# ## Reduce-scatter
#
# Within one step, no rank receives into the piece it sends, so you may simulate the $k$
# simultaneous sends one after another.


# %% tags=["solution"]
def ring_reduce_scatter(data: list) -> list:
    """data: k contiguous tensors of one shape; after the k - 1 steps rank r holds the full sum
    in its piece (r + 1) % k. In place; returns data."""
    ### BEGIN SOLUTION
    k = len(data)
    pieces = [t.view(-1).tensor_split(k) for t in data]
    for s in range(k - 1):
        for r in range(k):
            pieces[(r + 1) % k][(r - s) % k].add_(pieces[r][(r - s) % k])
    return data
    ### END SOLUTION


# %%
check("ch12.ring_reduce_scatter", ring_reduce_scatter)

# %%
ranks = [torch.full((4,), 10.0**r) for r in range(4)]
for r, t in enumerate(ring_reduce_scatter(ranks)):
    print(f"rank {r}: {t.tolist()}")

# %% [markdown]
# ## Allreduce
#
# Your reduce-scatter, then the all-gather.


# %% tags=["solution"]
def ring_allreduce(data: list) -> list:
    """data: k contiguous tensors of one shape; each becomes their sum. In place; returns data."""
    ### BEGIN SOLUTION
    ring_reduce_scatter(data)
    k = len(data)
    pieces = [t.view(-1).tensor_split(k) for t in data]
    for s in range(k - 1):
        for r in range(k):
            pieces[(r + 1) % k][(r + 1 - s) % k].copy_(pieces[r][(r + 1 - s) % k])
    return data
    ### END SOLUTION


# %%
check("ch12.ring_allreduce", ring_allreduce)

# %%
ranks = [torch.full((4,), 10.0**r) for r in range(4)]
print(ring_allreduce(ranks))

# %% [markdown]
# ## How much each rank sends
#
# The book's 12.5 `allreduce` gathers everything on device 0 and sends it back: device 0
# receives and sends $k - 1$ whole tensors, so its link is the bottleneck and the time grows
# with $k$. In the ring every rank sends $2(k - 1)$ pieces of $1/k$ tensor.

# %%
for k in (2, 4, 8, 16):
    print(f"k = {k:2d}: gather-and-broadcast {2 * (k - 1):2d} tensors through device 0, "
          f"ring {2 * (k - 1) / k:.2f} tensors per rank")  # fmt: skip

# %% [markdown] tags=["written"]
# Why does the time of a ring allreduce stay nearly constant as the number of GPUs grows?

# %% [markdown] tags=["answer"]
# Each GPU sends and receives about 2(n - 1)/n times the gradient's size, independent of n, all
# links working at once; only the number of steps (latency) grows with n.

# %% [markdown] tags=["written"]
# Where is the bottleneck when all GPUs send their gradients to a single parameter server?

# %% [markdown] tags=["answer"]
# At the server's link: it receives n gradients and sends n copies back, so its time grows
# linearly with n while the other links sit idle.
