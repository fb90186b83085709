"""12.5 data parallelism: wrong implementations, each rejected by its check."""

import torch
from torch import nn

from d2lkit.linear import sgd
from d2lkit.multi_device import lenet

loss = nn.CrossEntropyLoss(reduction="none")


def split_batch_balanced(X, y, devices):
    k = len(devices)
    return (
        [x.to(d) for x, d in zip(X.tensor_split(k), devices)],
        [t.to(d) for t, d in zip(y.tensor_split(k), devices)],
    )


def split_batch_whole_labels(X, y, devices):
    return [x.to(d) for x, d in zip(X.chunk(len(devices)), devices)], [y.to(d) for d in devices]


def allreduce_no_broadcast(data):
    for i in range(1, len(data)):
        data[0][:] += data[i].to(data[0].device)


def allreduce_mean(data):
    total = sum(d.to(data[0].device) for d in data) / len(data)
    for d in data:
        d[:] = total.to(d.device)


def allreduce_rebinds(data):
    total = data[0]
    for i in range(1, len(data)):
        total = total + data[i]
    for i in range(1, len(data)):
        data[i][:] = total


def _split(X, y, devices):
    return (
        [x.to(d) for x, d in zip(X.chunk(len(devices)), devices)],
        [t.to(d) for t, d in zip(y.chunk(len(devices)), devices)],
    )


def _allreduce(data):
    for i in range(1, len(data)):
        data[0][:] += data[i]
    for i in range(1, len(data)):
        data[i][:] = data[0]


def _backward(X, y, device_params, devices):
    X_shards, y_shards = _split(X, y, devices)
    for X_shard, y_shard, params in zip(X_shards, y_shards, device_params):
        loss(lenet(X_shard, params), y_shard).sum().backward()
    return X_shards


def train_batch_no_allreduce(X, y, device_params, devices, lr):
    _backward(X, y, device_params, devices)
    for params in device_params:
        sgd(params, lr, X.shape[0])


def train_batch_shard_size(X, y, device_params, devices, lr):
    X_shards = _backward(X, y, device_params, devices)
    with torch.no_grad():
        for i in range(len(device_params[0])):
            _allreduce([params[i].grad for params in device_params])
    for params in device_params:
        sgd(params, lr, X_shards[0].shape[0])


def train_batch_first_replica_only(X, y, device_params, devices, lr):
    _backward(X, y, device_params, devices)
    with torch.no_grad():
        for i in range(len(device_params[0])):
            _allreduce([params[i].grad for params in device_params])
    sgd(device_params[0], lr, X.shape[0])


MUTANTS = {
    "ch12.split_batch": [
        ("balanced shards (tensor_split)", split_batch_balanced, "torch.chunk"),
        ("every device gets all the labels", split_batch_whole_labels, "output[1]"),
    ],
    "ch12.allreduce": [
        ("no broadcast", allreduce_no_broadcast, "copy the sum in data[0] back"),
        ("the mean", allreduce_mean, "do not average"),
        ("the sum rebound, data[0] untouched", allreduce_rebinds, "data[0] after allreduce"),
    ],
    "ch12.train_batch": [
        ("no allreduce", train_batch_no_allreduce, "allreduce each parameter's gradients"),
        ("sgd divides by a shard's size", train_batch_shard_size, "X.shape[0]"),
        ("only replica 0 updated", train_batch_first_replica_only, "replicas differ"),
    ],
}
