"""Control groups for each notebook's process count and memory, where the grader may make them.

The rlimits (`autograder.isolate`) are the caps everywhere; a cgroup adds what they cannot give.
The kernel does not hold root to RLIMIT_NPROC, so a grader running as root (as in CI or a
container) needs the `pids` controller to stop a fork bomb; and RLIMIT_DATA counts one process's
heap, where a cgroup's memory limit counts the whole notebook, its tmpfs and its children.

The grader makes a folder per worker below its own cgroup (cgroup v1, one hierarchy per
controller) and binds it into that worker's sandbox; the worker makes a folder per notebook in
it, which the notebook's first process joins before it takes its namespaces. Nothing is done
where the hierarchies are not writable: the rlimits stay.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

CONTROLLERS = ("pids", "memory")
V1_ROOT = Path("/sys/fs/cgroup")
INSIDE = "/tmp/autograder/cgroup"
MEMORY_HEADROOM = 512 << 20
"""Above the notebook's memory limit: RLIMIT_DATA stops a heap first, with a MemoryError the
notebook sees; the cgroup ends what it does not count."""


def _own(controller: str) -> Path | None:
    """This process's cgroup folder in the v1 hierarchy of `controller`, if it is mounted."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            folder = V1_ROOT / controller / path.lstrip("/")
            return folder if folder.is_dir() else None
    return None


class Delegation:
    """The grader's folders: `<own cgroup>/autograder-<pid>/w<k>` per controller and sandbox."""

    def __init__(self) -> None:
        self.bases: dict[str, Path] = {}
        for controller in CONTROLLERS:
            own = _own(controller)
            if own is None:
                continue
            _remove_stale(own)
            base = own / f"autograder-{os.getpid()}"
            try:
                base.mkdir()
            except OSError:
                _remove(base)
                continue
            self.bases[controller] = base

    def binds(self, worker: int) -> list[str]:
        """bwrap arguments that give sandbox `worker` its folders, writable."""
        args = []
        for controller, base in self.bases.items():
            folder = base / f"w{worker}"
            try:
                folder.mkdir(exist_ok=True)
            except OSError:
                continue
            args += ["--bind", str(folder), f"{INSIDE}/{controller}"]
        return args

    def close(self) -> None:
        for base in self.bases.values():
            _remove(base)


def _remove_stale(own: Path) -> None:
    """The folders of graders that were killed (kill -9 leaves them behind, empty)."""
    for folder in own.glob("autograder-*"):
        pid = folder.name.removeprefix("autograder-")
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            _remove(folder)


def _remove(folder: Path) -> None:
    """Remove a cgroup folder and those below it; a folder still holding a process that is
    dying is retried briefly."""
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.is_dir():
            _remove(child)
    for _ in range(50):
        try:
            folder.rmdir()
            return
        except OSError:
            time.sleep(0.02)


def join(job: int, processes: int, memory: int) -> list[Path]:
    """In the worker's fork: make this notebook's folders, set their limits, and join them."""
    joined = []
    for controller in CONTROLLERS:
        parent = Path(INSIDE) / controller
        if not parent.is_dir():
            continue
        folder = parent / f"nb{job}"
        folder.mkdir(exist_ok=True)
        if controller == "pids":
            # the notebook's first process and its reaper count too
            (folder / "pids.max").write_text(str(processes + 2))
        else:
            (folder / "memory.limit_in_bytes").write_text(str(memory + MEMORY_HEADROOM))
        (folder / "cgroup.procs").write_text(str(os.getpid()))
        joined.append(folder)
    return joined


def breach(job: int) -> str | None:
    """In the worker, after the notebook: the limit its cgroup reports it ran into, if any."""
    for controller, name, word in (
        ("memory", "memory.failcnt", "memory"),
        ("pids", "pids.events", "processes"),
    ):
        with contextlib.suppress(OSError, ValueError):
            text = (Path(INSIDE) / controller / f"nb{job}" / name).read_text().split()
            if text and int(text[-1]) > 0:
                return word
    return None


def leave(job: int) -> None:
    """In the worker, after the notebook's processes are gone."""
    for controller in CONTROLLERS:
        _remove(Path(INSIDE) / controller / f"nb{job}")
