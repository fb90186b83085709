"""Time one epoch of the 8.5 character RNN from scratch: d2lkit's `train_epoch_ch8` against d2l's.

The book's settings: `load_data_time_machine(32, 35)` (the first 10,000 characters, sequential
partitioning, 8 minibatches of 32 x 35 tokens), 512 hidden units, lr 1, gradients clipped to 1.
Every contender starts from the same seed and draws the same minibatches.

- d2lkit: `d2lkit.rnn.RNNModelScratch` with `get_params`, `init_rnn_state`, `rnn` (input and
  output projections batched over the steps, back-propagation through time written out), trained
  by `d2lkit.rnn.train_epoch_ch8`;
- d2l: the model as the book's section 8.5 writes it (`book_rnn` below: one step at a time, each
  with its own input and output products, gradients by autograd) in `d2l.RNNModelScratch`, trained
  by `d2l.train_epoch_ch8` with `d2l.sgd`, exactly what `d2l.train_ch8` runs in each epoch;
- d2l loop, d2lkit model: d2l's `train_epoch_ch8` on d2lkit's model, which splits the gain
  between the model and the loop.

The two d2l contenders run only when `import d2l.torch` gives the d2l of the book's v2 chapters,
0.17.x, which the zh v2 notebooks ran (`pip install --no-deps d2l==0.17.6`, or such an install put
on PYTHONPATH): d2l 1.x has no `train_epoch_ch8`. d2lkit never depends on it.

Each contender runs in a process of its own, so that process-wide settings (d2lkit tunes the CPU
allocator) stay with it; each warms up with one untimed epoch. Repetitions are interleaved, in a
rotating order, so that a machine shared with other work slows all of them alike; each ratio is
taken within a repetition, and the median over repetitions is printed, of wall-clock time and of
the process's CPU time. On a machine shared with other work the CPU time is the steadier of the
two (with `--threads 1`, it is the work the epoch did, whatever share of a core it was given).

    python benchmarks/bench_rnn.py [--repeats 9] [--device cpu] [--threads N]

On a CPU shared with other work, `--threads 1` gives the steady comparison: with more threads,
each of the book's many small per-step ops waits for every thread, and the ratio swings with the
load (on 2 busy cores it went past 4x).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import interleave
import torch
from torch import Tensor, nn

from d2lkit import rnn as R
from d2lkit.data import load_data_time_machine
from d2lkit.linear import sgd
from d2lkit.utils import resolve_device

BATCH_SIZE, NUM_STEPS, NUM_HIDDENS, LR = 32, 35, 512, 1.0

Epoch = Callable[[], None]


def book_rnn(inputs: Tensor, state: tuple[Tensor], params: list[Tensor]):
    """The RNN of the book's 8.5, step by step: `(outputs, (H,))` as `d2lkit.rnn.rnn` returns."""
    W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    outputs = []
    for X in inputs:
        H = torch.tanh(X @ W_xh + H @ W_hh + b_h)
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), (H,)


def _setup(device: torch.device):
    torch.manual_seed(0)
    train_iter, vocab = load_data_time_machine(BATCH_SIZE, NUM_STEPS, seed=0)
    return train_iter, len(vocab)


def d2lkit_epoch(device: torch.device) -> Epoch:
    train_iter, vocab_size = _setup(device)
    net = R.RNNModelScratch(vocab_size, NUM_HIDDENS, device, R.get_params, R.init_rnn_state, R.rnn)
    loss = nn.CrossEntropyLoss()

    def epoch() -> None:
        R.train_epoch_ch8(net, train_iter, loss, lambda bs: sgd(net.params, LR, bs), device, False)

    return epoch


def _d2l_epoch(device: torch.device, forward_fn) -> Epoch | None:
    try:
        import d2l.torch as d2l
    except ImportError:
        return None
    if not hasattr(d2l, "train_epoch_ch8"):
        return None
    train_iter, vocab_size = _setup(device)
    net = d2l.RNNModelScratch(
        vocab_size, NUM_HIDDENS, device, R.get_params, R.init_rnn_state, forward_fn
    )
    loss = nn.CrossEntropyLoss()

    def epoch() -> None:
        d2l.train_epoch_ch8(
            net, train_iter, loss, lambda batch_size: d2l.sgd(net.params, LR, batch_size), device,
            False,
        )  # fmt: skip

    return epoch


def d2l_epoch(device: torch.device) -> Epoch | None:
    return _d2l_epoch(device, book_rnn)


def d2l_loop_d2lkit_model_epoch(device: torch.device) -> Epoch | None:
    return _d2l_epoch(device, R.rnn)


CONTENDERS: dict[str, Callable[[torch.device], Epoch | None]] = {
    "d2lkit": d2lkit_epoch,
    "d2l": d2l_epoch,
    "d2l loop, d2lkit rnn": d2l_loop_d2lkit_model_epoch,
}


def worker(name: str, device: torch.device, threads: int | None, conn: Connection) -> None:
    """Serve one contender: warm up, send True (False if it cannot run), then time one epoch
    per request, sending back its wall-clock and CPU seconds, until asked to stop."""
    import warnings

    # d2l's Accumulator calls float() on a loss that requires grad, which torch warns about
    warnings.filterwarnings("ignore", "Converting a tensor with requires_grad=True")
    if threads is not None:
        torch.set_num_threads(threads)
    epoch = CONTENDERS[name](device)
    if epoch is not None:
        epoch()
    conn.send(epoch is not None)
    while epoch is not None and conn.recv():
        start, start_cpu = time.perf_counter(), time.process_time()
        epoch()  # each loop reads its loss back, so the device is done
        conn.send((time.perf_counter() - start, time.process_time() - start_cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed epochs per contender")
    parser.add_argument("--device", default="cpu", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--threads", type=int, help="torch intra-op threads, for all of them")
    args = parser.parse_args()
    device = resolve_device(args.device)

    samples, ready, load_before, load_after = interleave.run(
        worker, CONTENDERS, (device, args.threads), args.repeats
    )
    names = list(samples)
    seconds = {name: [wall for wall, _ in pairs] for name, pairs in samples.items()}
    cpu_seconds = {name: [cpu for _, cpu in pairs] for name, pairs in samples.items()}

    threads = args.threads or torch.get_num_threads()
    tokens = sum(X.numel() for X, _ in load_data_time_machine(BATCH_SIZE, NUM_STEPS, seed=0)[0])
    print(
        f"RNN from scratch (8.5), one epoch of {tokens} tokens (batch {BATCH_SIZE}, {NUM_STEPS} "
        f"steps, {NUM_HIDDENS} hidden, lr {LR}) on {device}, {threads} threads"
    )
    print(
        f"{args.repeats} interleaved repetitions; load average {load_before:.2f} before, "
        f"{load_after:.2f} after"
    )
    print(f"{'':<22}{'best s/epoch':>14}{'median s/epoch':>16}{'tokens/s':>10}{'median cpu s':>14}")
    for name, times in seconds.items():
        median = statistics.median(times)
        cpu = statistics.median(cpu_seconds[name])
        print(f"{name:<22}{min(times):>14.3f}{median:>16.3f}{tokens / median:>10.0f}{cpu:>14.3f}")
    for name in names[1:]:
        ratio, cpu_ratio = (
            statistics.median(t / o for t, o in zip(timings[name], timings["d2lkit"]))
            for timings in (seconds, cpu_seconds)
        )
        target = " (target >= 1.3x)" if name == "d2l" else ""
        print(f"{name} / d2lkit: {ratio:.2f}x wall clock, {cpu_ratio:.2f}x CPU time{target}")
    if not ready["d2l"]:
        print("d2l: skipped, no d2l 0.17 to import (pip install --no-deps d2l==0.17.6)")


if __name__ == "__main__":
    main()
