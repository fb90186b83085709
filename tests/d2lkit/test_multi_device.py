"""12.5 data parallelism and 12.7's ring allreduce against torch: `torch.chunk` and
`nn.parallel.scatter` for split_batch, autograd on one device for train_batch, and
`torch.distributed.all_reduce` (gloo, real processes) for the allreduces."""

from __future__ import annotations

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

from d2lkit.multi_device import (
    allreduce,
    get_params,
    init_lenet_params,
    lenet,
    ring_allreduce,
    ring_chunks,
    ring_reduce_scatter,
    split_batch,
    train_batch,
)
from d2lkit.performance import Benchmark, get_net

CPUS = [torch.device("cpu")] * 4


def _book_lenet(params):
    """12.5's LeNet as nn layers, sharing the given parameters."""
    W1, b1, W2, b2, W3, b3, W4, b4 = params
    conv1, conv2 = nn.Conv2d(1, 20, 3), nn.Conv2d(20, 50, 5)
    fc1, fc2 = nn.Linear(800, 128), nn.Linear(128, 10)
    pairs = ((conv1, W1, b1), (conv2, W2, b2), (fc1, W3.T, b3), (fc2, W4.T, b4))
    for layer, W, b in pairs:
        del layer.weight, layer.bias
        layer.weight, layer.bias = W, b
    pool = nn.AvgPool2d(2)

    def forward(X):
        h = pool(torch.relu(conv2(pool(torch.relu(conv1(X))))))
        return fc2(torch.relu(fc1(h.flatten(1))))

    return forward


def test_lenet_against_nn_layers(seeded):
    params = [p.requires_grad_() for p in init_lenet_params(0.1)]
    X = torch.randn(3, 1, 28, 28, requires_grad=True)
    ours = lenet(X, params)
    ref = _book_lenet(params)(X)
    torch.testing.assert_close(ours, ref)
    up = torch.randn_like(ours)
    assert all(
        torch.allclose(a, b, atol=1e-6)
        for a, b in zip(
            torch.autograd.grad(ours, [X, *params], up), torch.autograd.grad(ref, [X, *params], up)
        )
    )


def test_get_params_copies_on_the_same_device(seeded):
    params = init_lenet_params()
    replica = get_params(params, "cpu")
    assert all(r.requires_grad and r.is_leaf for r in replica)
    assert all(r.data_ptr() != p.data_ptr() and torch.equal(r, p) for r, p in zip(replica, params))
    assert not any(p.requires_grad for p in params)


@pytest.mark.parametrize(("n", "k"), [(20, 2), (10, 4), (7, 3), (5, 4), (2, 4), (256, 3)])
def test_split_batch_is_torch_chunk(n, k):
    X, y = torch.randn(n, 3), torch.arange(n)
    X_shards, y_shards = split_batch(X, y, CPUS[:1] * k)
    assert [s.shape for s in X_shards] == [c.shape for c in X.chunk(k)]
    assert all(torch.equal(a, b) for a, b in zip(X_shards, X.chunk(k)))
    assert all(torch.equal(a, b) for a, b in zip(y_shards, y.chunk(k)))


@pytest.mark.skipif(torch.cuda.device_count() < 1, reason="nn.parallel.scatter needs a GPU")
def test_split_batch_is_scatter():
    devices = [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
    X = torch.arange(20.0).reshape(10, 2)
    ours = split_batch(X, torch.arange(10), devices)[0]
    theirs = nn.parallel.scatter(X, devices)
    assert all(torch.equal(a, b) and a.device == b.device for a, b in zip(ours, theirs))


def test_split_batch_rejects_mismatched_rows():
    with pytest.raises(ValueError, match="rows"):
        split_batch(torch.zeros(4, 2), torch.zeros(3), CPUS[:2])


def test_allreduce_book_example():
    data = [torch.ones(1, 2), torch.ones(1, 2) * 2]
    allreduce(data)
    assert all(torch.equal(d, torch.tensor([[3.0, 3.0]])) for d in data)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_train_batch_equals_one_device_sgd(k, seeded):
    """k replicas on k CPU "devices" take the step one net takes on the whole batch."""
    params = init_lenet_params(0.1)
    X, y = torch.randn(10, 1, 28, 28), torch.randint(0, 10, (10,))
    single = get_params(params, "cpu")
    nn.functional.cross_entropy(lenet(X, single), y, reduction="sum").backward()
    with torch.no_grad():
        want = [p - 0.3 * p.grad / 10 for p in single]
    device_params = [get_params(params, d) for d in CPUS[:k]]
    train_batch(X, y, device_params, CPUS[:k], 0.3)
    for replica in device_params:
        for p, w in zip(replica, want):
            torch.testing.assert_close(p.detach(), w, atol=1e-6, rtol=1e-5)
            assert not p.grad.any()


@pytest.mark.parametrize("shape", [(6,), (5, 3), (2, 1), (4, 4, 3)])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_ring_allreduce_sums(shape, k, seeded):
    data = [torch.randn(shape, dtype=torch.float64) for _ in range(k)]
    total = torch.stack(data).sum(0)
    out = ring_allreduce([d.clone() for d in data])
    for t in out:
        torch.testing.assert_close(t, total)
        assert torch.equal(t, out[0])


def test_ring_reduce_scatter_leaves_one_full_piece_per_rank(seeded):
    k = 4
    data = [torch.randn(10) for _ in range(k)]
    chunks = ring_chunks(ring_reduce_scatter([d.clone() for d in data]))
    total = torch.stack(data).sum(0).tensor_split(k)
    for r in range(k):
        torch.testing.assert_close(chunks[r][(r + 1) % k], total[(r + 1) % k])


def _all_reduce_worker(rank: int, world_size: int, init: str, data, results) -> None:
    dist.init_process_group("gloo", init_method=init, rank=rank, world_size=world_size)
    try:
        tensor = data[rank].clone()
        dist.all_reduce(tensor)
        results[rank] = tensor
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize("world_size", [2, 3])
def test_ring_allreduce_is_dist_all_reduce(world_size, tmp_path, seeded):
    """The simulated ring agrees with gloo's all_reduce across real processes; so does the
    book's allreduce."""
    data = [torch.randn(7, 3) for _ in range(world_size)]
    results = mp.Manager().dict()
    mp.spawn(
        _all_reduce_worker,
        args=(world_size, f"file://{tmp_path / 'rendezvous'}", data, results),
        nprocs=world_size,
    )
    ring = ring_allreduce([d.clone() for d in data])
    book = [d.clone() for d in data]
    allreduce(book)
    for rank in range(world_size):
        torch.testing.assert_close(ring[rank], results[rank])
        torch.testing.assert_close(book[rank], results[rank])


def test_benchmark_times_the_block(capsys):
    with Benchmark("nap") as bench:
        sum(range(10000))
    assert bench.elapsed > 0
    assert capsys.readouterr().out.startswith("nap: ")


def test_scripted_net_matches_eager(seeded):
    net = get_net().eval()
    X = torch.randn(4, 512)
    torch.testing.assert_close(torch.jit.script(net)(X), net(X))
