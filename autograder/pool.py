"""The grader's side of the warm workers: start them, hand each a job, restart one that dies.

One process (one sandbox) warms up and forks a worker per channel, so the imports are paid once
however many notebooks run at a time. Workers answer one JSON line per job on a pipe. A worker
that dies mid-job (which a notebook cannot cause: it cannot see or signal its worker) costs that
job its result, with the reason, and is replaced; the other jobs are unaffected.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
from collections.abc import Callable
from typing import IO

Started = tuple[subprocess.Popen, list["Channel"]]


class Channel:
    """One worker's pipes: jobs out, answers in (a JSON line each)."""

    def __init__(self, jobs: int, answers: int) -> None:
        self.jobs = os.fdopen(jobs, "w")
        self.answers = os.fdopen(answers)
        self.ready = False

    def _line(self) -> dict:
        line = self.answers.readline()
        if not line:
            raise ConnectionError("the grading worker ended")
        return json.loads(line)

    def run(self, job: dict) -> dict:
        if not self.ready:
            self._line()
            self.ready = True
        self.jobs.write(json.dumps(job) + "\n")
        self.jobs.flush()
        return self._line()

    def close(self) -> None:
        for stream in (self.jobs, self.answers):
            with contextlib.suppress(OSError):
                stream.close()


def start(argv: list[str], env: dict[str, str], log: IO, count: int) -> Started:
    """Start `argv` (the worker, perhaps under bwrap) with `count` channels."""
    ours, theirs = [], []
    for _ in range(count):
        jobs_read, jobs_write = os.pipe()
        answers_read, answers_write = os.pipe()
        ours.append((jobs_write, answers_read))
        theirs.append((jobs_read, answers_write))
    spec = ",".join(f"{r}:{w}" for r, w in theirs)
    passed = [fd for pair in theirs for fd in pair]
    process = subprocess.Popen(
        [*argv, "--channels", spec],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env=env,
        pass_fds=passed,
    )
    for fd in passed:
        os.close(fd)
    return process, [Channel(*pair) for pair in ours]


class Pool:
    """`size` workers in one process group that warms up once; `run` is thread-safe. A worker
    that dies is replaced by a fresh sandbox with one worker (`begin(1)`)."""

    def __init__(self, size: int, begin: Callable[[int], Started]) -> None:
        self.begin = begin
        process, self.channels = begin(size)
        self.processes = [process]
        self.idle: queue.Queue[int] = queue.Queue()
        for k in range(size):
            self.idle.put(k)

    def run(self, job: dict) -> dict:
        k = self.idle.get()
        try:
            return self.channels[k].run(job)
        except (ConnectionError, OSError, ValueError) as exc:
            self.channels[k].close()
            process, (self.channels[k],) = self.begin(1)
            self.processes.append(process)
            return {"id": job["id"], "lost": str(exc)}
        finally:
            self.idle.put(k)

    def close(self) -> None:
        for channel in self.channels:
            channel.close()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
