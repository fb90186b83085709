"""`d2lkit train MODEL --nproc N` (12.6): data-parallel training with `DistributedDataParallel`.

The command spawns N processes with `torch.multiprocessing` (one machine; rendezvous through a
file in a temporary folder); under `torchrun` (several machines) it runs as the one process
torchrun started, rendezvous through torchrun's environment. Each process builds the same net from
the same seed and reads the same shuffled global batches, and takes its own slice of each (sizes
differing by at most one). Every process backpropagates its slice's summed loss times
world_size / global batch size; DDP averages the gradients over the processes (allreduce, gloo on
CPUs and NCCL on GPUs), so every replica steps with the gradient of the global batch's mean loss:
the same update as one process with the same global batch, up to the order of float sums and the
per-process statistics of batch normalisation (as the book's `nn.DataParallel`; not SyncBatchNorm).

Training loss and accuracy sum over all processes; the test set is shared out by batches. Rank 0
hands its metrics to the command, which writes `metrics.json` (with `world_size`) and the curves.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import Tensor, nn
from torch.nn.parallel import DistributedDataParallel

from d2lkit.errors import D2lkitError
from d2lkit.runs.classifier import DATASETS
from d2lkit.runs.spec import (
    ModelSpec,
    Report,
    TrainConfig,
    metrics,
    seed_everything,
    write_outputs,
)

__all__ = ["launched_by_torchrun", "run"]

_TORCHRUN_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


def launched_by_torchrun() -> bool:
    """Whether this process is one of torchrun's (its environment names the rank and world)."""
    return all(name in os.environ for name in _TORCHRUN_VARS)


def _check(spec: ModelSpec, config: TrainConfig, nproc: int) -> None:
    if spec.kind != "image-classifier":
        raise D2lkitError(
            f"--nproc trains image classifiers; model {spec.name!r} is of kind {spec.kind!r}"
        )
    if config.amp or config.compile or config.channels_last or config.amp_dtype:
        raise D2lkitError(
            "--nproc runs in float32, eager, NCHW: leave out --amp, --compile and --channels-last"
        )
    if config.batch_size < nproc:
        raise D2lkitError(
            f"a global batch of {config.batch_size} cannot be shared by {nproc} processes"
        )
    if config.device.type == "cuda" and nproc > torch.cuda.device_count():
        raise D2lkitError(
            f"--nproc {nproc} on CUDA needs {nproc} GPUs; {torch.cuda.device_count()} visible "
            "(use --device cpu for CPU processes)"
        )


def run(
    spec: ModelSpec, config: TrainConfig, nproc: int, lookup: Callable[[str], ModelSpec]
) -> Report:
    """Train `spec` data-parallel in `nproc` processes (or in torchrun's processes, when this one
    is one of them); write the outputs from rank 0. Returns rank 0's report (other ranks under
    torchrun return it with no files).

    lookup(name) -> the spec, in a spawned process: the registry's `get`, passed in (by
    reference, it pickles) since a runner does not import the registry.
    """
    if launched_by_torchrun():
        _check(spec, config, int(os.environ["LOCAL_WORLD_SIZE"]))
        result = _worker_body(spec, config, None)
        return _report(spec, config, result, write=int(os.environ["RANK"]) == 0)
    _check(spec, config, nproc)
    with tempfile.TemporaryDirectory(prefix="d2lkit-ddp-") as tmp:
        folder = Path(tmp)
        # the children inherit no terminal progress; their output would interleave
        child_config = replace(config, progress=False, out_dir=None)
        mp.spawn(_spawned, args=(nproc, lookup, spec.name, child_config, str(folder)), nprocs=nproc)
        result = json.loads((folder / "result.json").read_text())
    return _report(spec, config, result, write=True)


def _spawned(
    rank: int,
    nproc: int,
    lookup: Callable[[str], ModelSpec],
    name: str,
    config: TrainConfig,
    folder: str,
) -> None:
    rendezvous = f"file://{Path(folder) / 'rendezvous'}"
    result = _worker_body(lookup(name), config, (rank, nproc, rendezvous))
    if rank == 0:
        (Path(folder) / "result.json").write_text(json.dumps(result))


def _worker_body(
    spec: ModelSpec, config: TrainConfig, spawned: tuple[int, int, str] | None
) -> dict[str, Any]:
    """Join the process group, train, leave it; returns the run's measurements (on every rank)."""
    backend = "nccl" if config.device.type == "cuda" else "gloo"
    if spawned is None:
        dist.init_process_group(backend)
        local_rank = int(os.environ["LOCAL_RANK"])
    else:
        rank, world_size, rendezvous = spawned
        dist.init_process_group(backend, init_method=rendezvous, rank=rank, world_size=world_size)
        local_rank = rank
    try:
        device = config.device
        if device.type == "cuda":
            device = torch.device("cuda", local_rank)
            torch.cuda.set_device(device)
        else:
            # the machine's cores shared out, rather than every process using them all
            local = int(os.environ.get("LOCAL_WORLD_SIZE", dist.get_world_size()))
            torch.set_num_threads(max(1, len(os.sched_getaffinity(0)) // local))
        return _train(spec, replace(config, device=device))
    finally:
        dist.destroy_process_group()


def _shard(X: Tensor, y: Tensor, rank: int, world_size: int) -> tuple[Tensor, Tensor]:
    return X.tensor_split(world_size)[rank], y.tensor_split(world_size)[rank]


def _train(spec: ModelSpec, config: TrainConfig) -> dict[str, Any]:
    rank, world_size, device = dist.get_rank(), dist.get_world_size(), config.device
    # every process: the same seed, so the same initial net and the same global batch order
    seed_everything(config.seed)
    train_iter, test_iter = DATASETS[spec.dataset](config, spec.resize)
    net = spec.build().to(device)
    ddp = DistributedDataParallel(net, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = spec.optimizer(ddp.parameters(), config.lr)
    loss = spec.loss()
    history: dict[str, list[float]] = {"train_loss": [], "train_acc": [], "test_acc": []}
    train_seconds, train_examples = 0.0, 0
    start = time.perf_counter()
    for _ in range(config.epochs):
        ddp.train()
        # loss sum, correct, examples: summed over the processes once per epoch
        totals = torch.zeros(3, dtype=torch.float64, device=device)
        epoch_start = time.perf_counter()
        for X, y in islice(train_iter, config.max_batches):
            batch_size = X.shape[0]
            X, y = (t.to(device) for t in _shard(X, y, rank, world_size))
            y_hat = ddp(X)
            l = loss(y_hat, y)
            optimizer.zero_grad()
            # DDP divides the summed gradients by world_size: this makes them the global mean's
            (l.sum() * (world_size / batch_size)).backward()
            optimizer.step()
            with torch.no_grad():
                totals += torch.stack(
                    [l.sum().double(), (y_hat.argmax(dim=1) == y).sum().double(), _n(y, device)]
                )
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        train_seconds += time.perf_counter() - epoch_start
        test = _evaluate(ddp.module, test_iter, config.max_batches, rank, world_size, device)
        dist.all_reduce(totals)
        loss_sum, correct, n = totals.tolist()
        if n == 0:
            raise D2lkitError("the training data yielded no batches")
        train_examples += int(n)
        history["train_loss"].append(loss_sum / n)
        history["train_acc"].append(correct / n)
        history["test_acc"].append(test)
    return {
        "history": history,
        "seconds": time.perf_counter() - start,
        "examples_per_sec": train_examples / train_seconds if train_seconds > 0 else math.nan,
        "world_size": world_size,
        "backend": dist.get_backend(),
        "device": str(device if device.type == "cpu" else torch.device(device.type)),
    }


def _n(y: Tensor, device: torch.device) -> Tensor:
    return torch.tensor(float(y.shape[0]), dtype=torch.float64, device=device)


def _evaluate(
    net: nn.Module,
    test_iter: Any,
    max_batches: int | None,
    rank: int,
    world_size: int,
    device: torch.device,
) -> float:
    """Test accuracy: process r evaluates the batches r, r + world_size, ...; counts summed."""
    net.eval()
    counts = torch.zeros(2, dtype=torch.float64, device=device)
    with torch.no_grad():
        for i, (X, y) in enumerate(islice(test_iter, max_batches)):
            if i % world_size == rank:
                X, y = X.to(device), y.to(device)
                counts += torch.stack([(net(X).argmax(dim=1) == y).sum().double(), _n(y, device)])
    dist.all_reduce(counts)
    correct, n = counts.tolist()
    return correct / n if n else math.nan


def _report(spec: ModelSpec, config: TrainConfig, result: dict[str, Any], write: bool) -> Report:
    history = result["history"]
    device = f"{result['device']} x {result['world_size']}"
    report = metrics(
        spec,
        config,
        device=device,
        seconds=result["seconds"],
        settings={
            "limit": config.limit,
            "max_batches": config.max_batches,
            "amp": "off",
            "channels_last": False,
            "compile": False,
            "world_size": result["world_size"],
            "backend": result["backend"],
        },
        results={
            "train_loss": history["train_loss"][-1],
            "train_acc": history["train_acc"][-1],
            "test_acc": history["test_acc"][-1],
            "examples_per_sec": result["examples_per_sec"],
        },
        history=history,
    )
    summary = (
        f"loss {history['train_loss'][-1]:.3f}, train acc {history['train_acc'][-1]:.3f}, "
        f"test acc {history['test_acc'][-1]:.3f}, {result['examples_per_sec']:.1f} examples/sec "
        f"on {device} ({result['backend']})"
    )
    files = []
    if write and config.out_dir is not None:
        files = write_outputs(report, history, config.out_dir, spec.name)
    return Report(report, summary, files)
