"""Time one LeNet epoch (6.6) three ways: `d2lkit train`, a bare torch loop, and d2l's `train_ch6`.

Each epoch trains on the 60,000 Fashion-MNIST training images (batch 256, lr 0.9, xavier init)
and then evaluates on the 10,000 test images, all three on in-memory ``TensorBatches`` of the
same data kept on ``--device`` (``load_data_fashion_mnist``), so only the loops differ:

- d2lkit: ``runs.train`` on the ``lenet`` spec, as ``d2lkit train lenet --epochs 1``
  runs it, with the speedups ``choose_speedups`` picks for the device;
- bare loop: the plainest PyTorch loop, NCHW float32, no metrics but the test accuracy: the
  floor that a training harness adds its bookkeeping to;
- d2l: ``d2l.train_ch6`` from the ``d2l`` package, only when ``import d2l.torch`` works
  (``pip install --no-deps d2l`` plus the few packages its import asks for; d2lkit never
  depends on it). Its progress plots are drawn but not shown and its prints are discarded.

Each contender runs in a process of its own, so that process-wide settings (d2lkit tunes the
CPU allocator) stay with it; each loads the data and warms up once. Repetitions are interleaved,
in a rotating order, so that a machine shared with other work slows all three alike; each ratio
is taken within a repetition, and the median over repetitions is printed. Every epoch builds
and initialises its net and cuts its batches, as a run does.

    python benchmarks/bench_lenet.py [--repeats 5] [--device cpu] [--threads N]

On a CPU shared with other work, ``--threads 1`` gives steadier numbers: every parallel region
of an op waits for all of torch's threads, so one thread that the scheduler takes away stalls
the rest (on 2 cores under a load of 4, an epoch then takes several times as long).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection

import interleave
import torch
from torch import nn

from d2lkit import models, runs
from d2lkit.cnn import _xavier_init, lenet
from d2lkit.data import TensorBatches, load_data_fashion_mnist
from d2lkit.speedups import choose_speedups
from d2lkit.utils import resolve_device

LR, BATCH_SIZE = 0.9, 256
# examples of the untimed warm-up epoch, which pays the one-off costs (oneDNN kernel selection,
# first-touch page faults) so that the first timed contender is not penalised
WARM_UP_EXAMPLES = 10 * BATCH_SIZE

Epoch = Callable[[int | None], None]  # one epoch on the first `limit` examples (None: all)


def _data(device: torch.device, limit: int | None) -> tuple[TensorBatches, TensorBatches]:
    return load_data_fashion_mnist(BATCH_SIZE, device=device, seed=0, limit=limit)


def d2lkit_epoch(device: torch.device) -> Epoch:
    """`d2lkit train lenet --epochs 1`, without the progress bar."""
    spec = models.get("lenet")

    def epoch(limit: int | None) -> None:
        config = runs.TrainConfig.for_spec(
            spec, epochs=1, device=device, limit=limit, progress=False
        )
        runs.train(spec, config)

    return epoch


def bare_epoch(device: torch.device) -> Epoch:
    """A naive loop: train on every batch, then count the correct test predictions."""

    def epoch(limit: int | None) -> None:
        train_iter, test_iter = _data(device, limit)
        net = lenet().apply(_xavier_init).to(device)
        optimizer = torch.optim.SGD(net.parameters(), lr=LR)
        loss = nn.CrossEntropyLoss()
        net.train()
        for X, y in train_iter:
            optimizer.zero_grad()
            loss(net(X), y).backward()
            optimizer.step()
        net.eval()
        correct = torch.zeros((), dtype=torch.int64, device=device)
        with torch.no_grad():
            for X, y in test_iter:
                correct += (net(X).argmax(dim=1) == y).sum()
        correct.item()  # waits for the device

    return epoch


def d2l_epoch(device: torch.device) -> Epoch | None:
    """d2l's `train_ch6` for one epoch, or None when the d2l package cannot be imported."""
    try:
        import d2l.torch as d2l
    except ImportError:
        return None
    from matplotlib import pyplot as plt

    def epoch(limit: int | None) -> None:
        train_iter, test_iter = _data(device, limit)
        # train_ch6 prints a figure's repr at every plot update outside a notebook, and its
        # x-axis of one epoch, [1, 1], makes matplotlib warn
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Attempting to set identical low and high xlims")
            d2l.train_ch6(lenet(), train_iter, test_iter, 1, LR, device)
        plt.close("all")

    return epoch


CONTENDERS: dict[str, Callable[[torch.device], Epoch | None]] = {
    "d2lkit train": d2lkit_epoch,
    "bare torch loop": bare_epoch,
    "d2l train_ch6": d2l_epoch,
}


def worker(name: str, device: torch.device, threads: int | None, conn: Connection) -> None:
    """Serve one contender: warm up, send True (False if it cannot run), then time one epoch
    per request, sending back its seconds, until asked to stop."""
    if threads is not None:
        torch.set_num_threads(threads)
    epoch = CONTENDERS[name](device)
    if epoch is not None:
        epoch(WARM_UP_EXAMPLES)
    conn.send(epoch is not None)
    while epoch is not None and conn.recv():
        start = time.perf_counter()
        epoch(None)  # each contender reads its results back, so the device is done
        conn.send(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed epochs per contender")
    parser.add_argument("--device", default="cpu", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--threads", type=int, help="torch intra-op threads, for all three")
    args = parser.parse_args()
    device = resolve_device(args.device)

    seconds, ready, load_before, load_after = interleave.run(
        worker, CONTENDERS, (device, args.threads), args.repeats
    )

    amp, channels_last = choose_speedups(lenet(), device, 28)
    layout = "channels-last" if channels_last else "NCHW"
    precision = "float32" if amp is None else str(amp).removeprefix("torch.")
    threads = args.threads or torch.get_num_threads()
    print(
        f"LeNet, one epoch of Fashion-MNIST (60,000 training + 10,000 test images, batch "
        f"{BATCH_SIZE}, lr {LR}) on {device}, {threads} threads; d2lkit runs {layout}, {precision}"
    )
    print(
        f"{args.repeats} interleaved repetitions; load average {load_before:.2f} before, "
        f"{load_after:.2f} after"
    )
    print(f"{'':<18}{'best s/epoch':>14}{'median s/epoch':>16}")
    for name, times in seconds.items():
        print(f"{name:<18}{min(times):>14.2f}{statistics.median(times):>16.2f}")
    ours = seconds["d2lkit train"]
    for name, target in (("bare torch loop", 1.0), ("d2l train_ch6", 1.3)):
        if name in seconds:
            ratio = statistics.median(t / o for t, o in zip(seconds[name], ours))
            print(f"{name} / d2lkit train: {ratio:.2f}x (target >= {target}x)")
    if not ready["d2l train_ch6"]:
        print("d2l train_ch6: skipped, `import d2l.torch` failed (pip install --no-deps d2l)")


if __name__ == "__main__":
    main()
