"""12.5 data parallelism from scratch, the ring allreduce of 12.7 (the kit's; no code in the
book), and 12.6's small-image ResNet-18.

A "device" is anything `Tensor.to` takes. The functions work as well on a list of the same CPU
device, [torch.device('cpu')] * k, as on k GPUs: every replica is its own copy (`get_params`
copies even when the device does not change), so k CPU "devices" simulate k GPUs exactly, up to
the order of floating-point sums.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from d2lkit.linear import sgd

Device = torch.device | str
Params = list[Tensor]

__all__ = [
    "allreduce",
    "get_params",
    "init_lenet_params",
    "init_normal",
    "lenet",
    "ring_all_gather",
    "ring_allreduce",
    "ring_chunks",
    "resnet18_small",
    "ring_reduce_scatter",
    "split_batch",
    "train_batch",
]


def init_lenet_params(scale: float = 0.01) -> Params:
    """12.5's LeNet parameters, N(0, scale^2) weights and zero biases: W1 (20, 1, 3, 3), b1 (20,),
    W2 (50, 20, 5, 5), b2 (50,), W3 (800, 128), b3 (128,), W4 (128, 10), b4 (10,)."""
    shapes = [(20, 1, 3, 3), (20,), (50, 20, 5, 5), (50,), (800, 128), (128,), (128, 10), (10,)]
    return [torch.randn(s) * scale if len(s) > 1 else torch.zeros(s) for s in shapes]


def lenet(X: Tensor, params: Sequence[Tensor]) -> Tensor:
    """12.5's LeNet on explicit parameters: two conv-ReLU-avgpool stages, two linear layers.

    X: (batch_size, 1, 28, 28) -> logits (batch_size, 10)
    """
    h1 = F.avg_pool2d(F.relu(F.conv2d(X, params[0], params[1])), kernel_size=2, stride=2)
    h2 = F.avg_pool2d(F.relu(F.conv2d(h1, params[2], params[3])), kernel_size=2, stride=2)
    h3 = F.relu(h2.reshape(h2.shape[0], -1) @ params[4] + params[5])
    return h3 @ params[6] + params[7]


def get_params(params: Sequence[Tensor], device: Device) -> Params:
    """A replica of `params` on `device`: new leaf tensors that require gradients.

    A copy even when `device` is where params already are (`Tensor.to` would return the same
    tensor, and replicas on one device would share their values and gradients).
    """
    return [p.detach().to(device, copy=True).requires_grad_() for p in params]


def allreduce(data: Sequence[Tensor]) -> None:
    """Sum the tensors into data[0], then copy the sum back to every other one, in place.

    data: k tensors of one shape, one per device.
    """
    for i in range(1, len(data)):
        data[0][:] += data[i].to(data[0].device)
    for i in range(1, len(data)):
        data[i][:] = data[0].to(data[i].device)


def split_batch(
    X: Tensor, y: Tensor, devices: Sequence[Device]
) -> tuple[list[Tensor], list[Tensor]]:
    """Cut a minibatch into one shard per device and move each there, as `nn.parallel.scatter`.

    X: (n, ...), y: (n, ...); shard i has ceil(n / k) rows except the last ones (torch.chunk's
    sizes; fewer than k shards when n is small). Returns (X_shards, y_shards).
    """
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
    step = -(-X.shape[0] // len(devices))
    starts = range(0, X.shape[0], step)
    X_shards = [X[s : s + step].to(d) for s, d in zip(starts, devices)]
    y_shards = [y[s : s + step].to(d) for s, d in zip(starts, devices)]
    return X_shards, y_shards


def train_batch(
    X: Tensor,
    y: Tensor,
    device_params: Sequence[Sequence[Tensor]],
    devices: Sequence[Device],
    lr: float,
) -> None:
    """One data-parallel SGD step of `lenet` on the minibatch (X, y), in place.

    Each device computes the summed cross-entropy of its shard and its gradients; the gradients
    are allreduced, so every replica takes the same step, sgd with the whole batch size.
    X: (n, 1, 28, 28), y: (n,); device_params[i] are the replica on devices[i].
    """
    loss = nn.CrossEntropyLoss(reduction="none")
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


# ---------------------------------------------------------------- 12.7 ring allreduce


def ring_chunks(data: Sequence[Tensor]) -> list[list[Tensor]]:
    """Each rank's tensor, flattened, as k pieces (`tensor_split`: sizes differ by at most one).

    The pieces are views: writing to them writes to data. data: k contiguous tensors of one shape.
    """
    return [t.view(-1).tensor_split(len(data)) for t in data]


def ring_reduce_scatter(data: Sequence[Tensor]) -> list[Tensor]:
    """The first half of a ring allreduce, in place; returns data.

    Ranks 0..k-1 stand in a ring, rank r sending to rank (r + 1) % k. At step s = 0..k-2 every
    rank r sends its piece (r - s) % k, and its successor adds it to its own piece of that index.
    After k - 1 steps rank r holds the full sum in piece (r + 1) % k. Within a step no rank
    receives into the piece it sends, so the simultaneous sends can be simulated one by one.
    """
    k = len(data)
    chunks = ring_chunks(data)
    for s in range(k - 1):
        for r in range(k):
            chunks[(r + 1) % k][(r - s) % k].add_(chunks[r][(r - s) % k])
    return list(data)


def ring_all_gather(data: Sequence[Tensor]) -> list[Tensor]:
    """The second half, in place, after `ring_reduce_scatter`; returns data.

    At step s = 0..k-2 every rank r sends its piece (r + 1 - s) % k, and its successor overwrites
    its own piece of that index with it: each complete piece travels once around the ring.
    """
    k = len(data)
    chunks = ring_chunks(data)
    for s in range(k - 1):
        for r in range(k):
            chunks[(r + 1) % k][(r + 1 - s) % k].copy_(chunks[r][(r + 1 - s) % k])
    return list(data)


def ring_allreduce(data: Sequence[Tensor]) -> list[Tensor]:
    """Every rank's tensor becomes the sum of all of them, by a ring: reduce-scatter, then
    all-gather, 2 (k - 1) steps that each send 1/k of a tensor per rank. In place; returns data.

    data: k contiguous tensors of one shape, one per (simulated) rank.
    """
    return ring_all_gather(ring_reduce_scatter(data))


# ---------------------------------------------------------------- 12.6 the concise version's net


def resnet18_small(num_classes: int = 10, in_channels: int = 1) -> nn.Sequential:
    """12.6's ResNet-18 for small images (the book saves it as `resnet18`; `d2lkit.modern_cnn.resnet18`
    is 7.6's): a 3x3 stride-1 conv stem without max-pooling, the four stages of two Residual
    blocks (64, 128, 256, 512 channels), global average pooling, Linear(512, num_classes).

    X: (batch_size, in_channels, 28, 28) -> logits (batch_size, num_classes)
    """
    from d2lkit.modern_cnn import resnet_block

    net = nn.Sequential(
        nn.Conv2d(in_channels, 64, kernel_size=3, stride=1, padding=1),
        nn.BatchNorm2d(64),
        nn.ReLU(),
    )
    net.add_module("resnet_block1", resnet_block(64, 64, 2, first_block=True))
    net.add_module("resnet_block2", resnet_block(64, 128, 2))
    net.add_module("resnet_block3", resnet_block(128, 256, 2))
    net.add_module("resnet_block4", resnet_block(256, 512, 2))
    net.add_module("global_avg_pool", nn.AdaptiveAvgPool2d((1, 1)))
    net.add_module("fc", nn.Sequential(nn.Flatten(), nn.Linear(512, num_classes)))
    return net


def init_normal(m: nn.Module) -> None:
    """12.6's init: N(0, 0.01^2) weights for every Linear and Conv2d (biases keep torch's)."""
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        nn.init.normal_(m.weight, std=0.01)
