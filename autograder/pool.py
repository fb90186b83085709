"""The grader's side of the warm workers: start them, hand each a job, restart one that dies.

Workers answer one JSON line per job on a pipe. A worker that dies mid-job (which a notebook
cannot cause: it cannot see or signal its worker) costs that job its result, with the reason,
and is replaced; the other jobs are unaffected.
"""

from __future__ import annotations

import json
import queue
import subprocess
from collections.abc import Callable
from typing import IO


class Worker:
    def __init__(self, argv: list[str], env: dict[str, str], log: IO) -> None:
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            text=True,
            bufsize=1,
        )
        self.ready = False

    def _line(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            raise ConnectionError(f"the grading worker exited with status {code}")
        return json.loads(line)

    def run(self, job: dict) -> dict:
        if not self.ready:
            self._line()
            self.ready = True
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        return self._line()

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


class Pool:
    """`size` workers started at once (they warm up in parallel); `run` is thread-safe. `start(k)`
    starts worker k (again, when it died)."""

    def __init__(self, size: int, start: Callable[[int], Worker]) -> None:
        self.start = start
        self.workers = [start(k) for k in range(size)]
        self.idle: queue.Queue[Worker] = queue.Queue()
        for worker in self.workers:
            self.idle.put(worker)

    def run(self, job: dict) -> dict:
        worker = self.idle.get()
        try:
            return worker.run(job)
        except (ConnectionError, OSError, ValueError) as exc:
            worker.close()
            k = self.workers.index(worker)
            worker = self.workers[k] = self.start(k)
            return {"id": job["id"], "lost": str(exc)}
        finally:
            self.idle.put(worker)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
