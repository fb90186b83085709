"""Contenders timed side by side: each in a spawned process of its own (process-wide settings, such
as d2lkit's tuning of the CPU allocator, stay with it), repetitions interleaved in a rotating order,
so that a machine shared with other work slows all of them alike.

A contender's process runs `worker(name, *worker_args, conn)`: it warms up, sends True (False if it
cannot run), then answers every True it receives with one timed sample, until it receives False.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from typing import Any


def run(
    worker: Callable[..., None], names: Iterable[str], worker_args: tuple, repeats: int
) -> tuple[dict[str, list[Any]], dict[str, bool], float, float]:
    """`(samples by contender, whether each could run, load average before, after)`; only the
    contenders that could run have samples."""
    # spawn: a fork would share this process's allocator and thread pool state
    context = multiprocessing.get_context("spawn")
    workers = {}
    for name in names:
        ours, theirs = context.Pipe()
        process = context.Process(target=worker, args=(name, *worker_args, theirs))
        process.start()
        workers[name] = (process, ours)
    ready = {name: conn.recv() for name, (_, conn) in workers.items()}
    running = [name for name in workers if ready[name]]
    load_before = os.getloadavg()[0]
    samples: dict[str, list[Any]] = {name: [] for name in running}
    for r in range(repeats):
        for name in running[r % len(running) :] + running[: r % len(running)]:
            workers[name][1].send(True)
            samples[name].append(workers[name][1].recv())
    load_after = os.getloadavg()[0]
    for name in running:
        workers[name][1].send(False)
    for process, _ in workers.values():
        process.join()
    return samples, ready, load_before, load_after
