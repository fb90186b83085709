"""What one notebook delivered: harvested outputs per exercise, or the reason in words.

The worker reports what happened (the runner's events, the exit status, a step it had to kill);
this module turns that into reasons a student can read, and loads the harvested outputs from the
notebook's scratch folder as plain data only. The scratch folder was the student's to write, so a
file there is opened without following links, only if it is a regular file of bounded size.
"""

from __future__ import annotations

import io
import os
import signal
import stat
from dataclasses import dataclass, field
from pathlib import Path

import torch

from autograder.isolate import Limits
from autograder.results import Problem
from autograder.spec import Exercise

OUTPUT_FILE_CAP = 256 << 20
PRINTED_NOTE = 16 << 20
"""Printed output beyond this is worth a note (it is never kept)."""


@dataclass
class NotebookRun:
    """What one notebook delivered: harvested outputs per exercise id, or the reason there are none."""

    outputs: dict[str, list[dict]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def size(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):g} {unit}"
    return f"{n} bytes"


def breach_words(kind: str | None, limits: Limits) -> str | None:
    return {
        "memory": f"exceeded the {size(limits.memory)} memory limit",
        "processes": f"tried to start more than {limits.processes} processes",
        "file_size": f"wrote a file over the {size(limits.file_size)} limit",
        "cpu": f"exceeded the CPU-time limit of {limits.cpu_seconds} s",
    }.get(kind or "")


def _death(status: int, limits: Limits) -> Problem:
    if status > 128:
        number = status - 128
        if number == signal.SIGXCPU:
            return Problem(f"the kernel died: it {breach_words('cpu', limits)}", "limit")
        if number == signal.SIGXFSZ:
            return Problem(f"the kernel died: it {breach_words('file_size', limits)}", "limit")
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        what = {"SIGSEGV": "a segmentation fault", "SIGKILL": "it was killed"}.get(name, name)
        return Problem(f"the kernel died ({what})", "error")
    return Problem(f"the kernel died (it exited with status {status})", "error")


def _load(path: Path) -> list[dict]:
    """Plain data from a file the student's process could have replaced with anything."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > OUTPUT_FILE_CAP:
            raise ValueError(f"over {size(OUTPUT_FILE_CAP)}")
        data = f.read(OUTPUT_FILE_CAP + 1)
    return torch.load(io.BytesIO(data), weights_only=True)


WORKER_LOST = "the grader lost this notebook's worker"
"""A worker that died mid-job: never the notebook's doing (it cannot reach its worker)."""


def from_worker(
    result: dict, exercises: list[Exercise], out_dir: Path, timeout: float, limits: Limits
) -> NotebookRun:
    run = NotebookRun(seconds=float(result.get("seconds", 0.0)))
    if "lost" in result:
        reason = Problem(f"{WORKER_LOST} ({result['lost']})", "error")
        run.notes.append(reason)
        run.reasons = {e.id: reason for e in exercises}
        return run
    by_id = {e.id: e for e in exercises}
    harvested: set[str] = set()
    for event in result.get("events", ()):
        kind = event.get("e")
        if kind == "cell":
            run.notes.append(_cell_note(event, timeout, limits))
        elif kind == "harvest" and event.get("id") in by_id:
            exercise = by_id[event["id"]]
            harvested.add(exercise.id)
            if event.get("error"):
                run.reasons[exercise.id] = _harvest_reason(exercise, event, timeout, limits)
        elif kind == "end" and int(event.get("printed", 0)) > PRINTED_NOTE:
            run.notes.append(f"printed {size(int(event['printed']))} of output, not kept")
    for exercise_id in harvested - set(run.reasons):
        try:
            run.outputs[exercise_id] = _load(out_dir / f"{exercise_id}.pt")
        except Exception as exc:  # noqa: BLE001 - anything but plain tensors is refused, with the reason
            reason = f"its outputs are not plain data ({type(exc).__name__})"
            run.reasons[exercise_id] = Problem(reason, "error")
    stopped = [e for e in result.get("events", ()) if e.get("e") == "cell" and e.get("breach")]
    ended = _ended(result, by_id, timeout, limits, stopped[-1] if stopped else None)
    if ended:
        run.notes.append(ended)
    for exercise in exercises:
        if exercise.id in run.outputs or exercise.id in run.reasons:
            continue
        if result.get("killed") == exercise.id:
            reason = f"`{exercise.target}` did not finish within {timeout:g} s"
            run.reasons[exercise.id] = Problem(reason, "timeout")
        else:
            run.reasons[exercise.id] = ended or Problem(
                "its outputs could not be collected (no output)", "error"
            )
    return run


def _cell_note(event: dict, timeout: float, limits: Limits) -> str:
    where = f"code cell {int(event.get('index', 0)) + 1}"
    breach = breach_words(event.get("breach"), limits)
    if breach:
        return f"{where} {breach}"
    if event.get("timed_out"):
        return f"{where} timed out after {timeout:g} s"
    return f"{where} raised {str(event.get('error'))[:300]}"


def _harvest_reason(exercise: Exercise, event: dict, timeout: float, limits: Limits) -> Problem:
    breach = breach_words(event.get("breach"), limits)
    if breach:
        return Problem(f"`{exercise.target}` {breach}", "limit")
    if event.get("timed_out"):
        return Problem(f"`{exercise.target}` did not finish within {timeout:g} s", "timeout")
    return Problem(f"its outputs could not be collected ({str(event.get('error'))[:200]})", "error")


def _ended(
    result: dict, by_id: dict[str, Exercise], timeout: float, limits: Limits, breach_event
) -> Problem | None:
    """Why the notebook stopped early, if it did."""
    if breach_event is not None and breach_event.get("breach") in ("memory", "processes"):
        where = f"code cell {int(breach_event.get('index', 0)) + 1}"
        words = breach_words(breach_event["breach"], limits)
        return Problem(f"the notebook was stopped: {where} {words}", "limit")
    killed = result.get("killed")
    if killed == "budget":
        return Problem("the notebook ran past its time budget and was stopped", "timeout")
    if killed:
        what = f"`{by_id[killed].target}`" if killed in by_id else killed
        words = f"{what} did not finish within {timeout:g} s and ignored the interrupt"
        return Problem(words, "timeout")
    status = int(result.get("status", 0))
    if status == 0:
        return None
    breach = breach_words(result.get("breach"), limits)
    if breach:
        return Problem(f"the notebook {breach} and was stopped", "limit")
    return _death(status, limits)
