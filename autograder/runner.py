"""Run one notebook's cells and harvest its exercises, in the forked process that holds its code.

Cells run in IPython's `InteractiveShell`, so magics, `display` and tracebacks behave as in
Jupyter; nothing of ipykernel's messaging is needed, since no grade depends on what a cell shows.
Each cell and each harvest has the per-cell timeout: an interval timer interrupts it with
KeyboardInterrupt, as Jupyter's interrupt does, and the worker kills the whole notebook if that
does not end it. What the grader needs travels as JSON lines on the `events` pipe: when each step
starts (so the worker can hold it to its deadline) and how it ended. Printed output is counted
and dropped: the grader never keeps what a notebook prints, so a gigabyte of it costs nothing.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import sys
import time

import torch

from autograder import harvest

EXIT_BREACH = 3
STOPPING = ("memory", "processes")
"""The limits whose breach in a cell ends the notebook."""
MEMORY_WORDS = ("MemoryError", "can't allocate memory", "Cannot allocate memory")


class _Sink(io.TextIOBase):
    """A stream that counts what is written to it and keeps nothing."""

    def __init__(self) -> None:
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)


class Runner:
    def __init__(self, shell, events: int, timeout: float) -> None:
        self.shell = shell
        self.events = events
        self.timeout = timeout
        self.pid = os.getpid()
        self.timed_out = False

    def send(self, **event) -> None:
        data = (json.dumps(event) + "\n").encode()
        # a forked copy of this process (a student's os.fork) must not speak for it
        if os.getpid() == self.pid:
            os.write(self.events, data)

    def _alarm(self, _signum, _frame) -> None:
        self.timed_out = True
        raise KeyboardInterrupt(f"timed out after {self.timeout:g} s")

    def _timed(self, step: str, call):
        """Run `call` under the timeout; returns (result, exception)."""
        self.timed_out = False
        self.send(e="start", step=step, timeout=self.timeout)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            return call(), None
        except BaseException as exc:  # noqa: BLE001 - whatever the student's code raises is a result
            return None, exc
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if os.getpid() != self.pid:
                # a student's fork that fell out of its cell must not go on to run the notebook
                os._exit(0)

    def cell(self, index: int, source: str) -> None:
        result, exc = self._timed(f"cell {index + 1}", lambda: self.shell.run_cell(source))
        error = (
            exc
            or (result.error_in_exec if result else None)
            or (result.error_before_exec if result else None)
        )
        if error is None:
            return
        kind = breach(error)
        self.send(
            e="cell",
            index=index,
            timed_out=self.timed_out,
            error=f"{type(error).__name__}: {str(error)[:200]}",
            breach=kind,
        )
        if kind in STOPPING:
            # a breach is the notebook's result: nothing after it is graded
            os._exit(EXIT_BREACH)

    def harvest(
        self, exercise_id: str, target: str, inputs: str, outputs: str, others: dict
    ) -> None:
        namespace = self.shell.user_ns
        results, exc = self._timed(
            exercise_id, lambda: _harvest(inputs, outputs, target, namespace, others)
        )
        if exc is None:
            # a case that ran into a limit makes the limit the exercise's result, in words
            kinds = [_breach_text(r.get("error", "")) for r in results if not r.get("ok")]
            kind = next((k for k in kinds if k), None)
            self.send(e="harvest", id=exercise_id, breach=kind, error=kind)
            return
        self.send(
            e="harvest",
            id=exercise_id,
            timed_out=self.timed_out,
            error=f"{type(exc).__name__}: {str(exc)[:200]}",
            breach=breach(exc),
        )


def _harvest(
    inputs: str, outputs: str, target_name: str, namespace: dict, others: dict
) -> list[dict]:
    """`harvest.run_file`, keeping the results to look at; the notebook's other targets are their
    references meanwhile (`harvest.substituted`)."""
    payloads = torch.load(inputs, weights_only=True)
    target = namespace.get(target_name)
    if target is None:
        results = [{"ok": False, "error": f"`{target_name}` is not defined"} for _ in payloads]
    else:
        with harvest.substituted(namespace, others):
            results = [harvest.run_case(target, p) for p in payloads]
    torch.save(results, outputs)
    return results


def references(exercises: list[list[str]]) -> dict[str, object]:
    """Target name → reference, for the job's exercises (`[id, target, "module:qualname"]`),
    imported before the notebook's code runs, so that none of it can swap one for its own. A
    reference that cannot be imported is not substituted: the student's code runs instead."""
    found = {}
    for _, target, path in exercises:
        try:
            found[target] = harvest.resolve(path)
        except Exception:  # noqa: BLE001, S112 - a missing reference costs only the substitution
            continue
    return found


def _breach_text(error: str) -> str | None:
    if any(w in error for w in MEMORY_WORDS):
        return "memory"
    if "Resource temporarily unavailable" in error:
        return "processes"
    return None


def breach(error: BaseException) -> str | None:
    """Which limit an exception shows the notebook ran into, if any."""
    if isinstance(error, MemoryError) or any(w in str(error) for w in MEMORY_WORDS):
        return "memory"
    if isinstance(error, OSError) and error.errno == errno.EAGAIN:
        return "processes"
    if isinstance(error, OSError) and error.errno == errno.EFBIG:
        return "file_size"
    return None


def run(job: dict, events: int, shell) -> None:
    """Execute `job` (cells, exercises) in `shell`; never returns (the process exits)."""
    sink = _Sink()
    sys.stdout = sys.stderr = sink
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long file is an error, not a death
    runner = Runner(shell, events, job["timeout"])
    signal.signal(signal.SIGALRM, runner._alarm)
    started = time.monotonic()
    substitutes = references(job["exercises"])
    for index, source in enumerate(job["cells"]):
        runner.cell(index, source)
    for exercise_id, target, _ in job["exercises"]:
        inputs = os.path.join(job["inputs"], f"{exercise_id}.pt")
        outputs = os.path.join(job["outputs"], f"{exercise_id}.pt")
        others = {name: r for name, r in substitutes.items() if name != target}
        runner.harvest(exercise_id, target, inputs, outputs, others)
    runner.send(e="end", printed=sink.written, seconds=time.monotonic() - started)
    os._exit(0)
