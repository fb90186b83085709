"""Grading where the container is the sandbox (Gradescope): no bubblewrap, an unprivileged user.

A grading container holds one student's submission. Where user namespaces are not allowed,
bubblewrap cannot start, so the grader (root) and its warm worker stay as they are and each
notebook's process drops to an unprivileged user before the student's code runs: no
capabilities and none to regain (`no_new_privs` ignores set-uid programs), not dumpable, its
own process group, rlimits (`autograder.isolate.apply_limits`), and the first pick of the
kernel's OOM killer, so that a notebook that fills the container's memory is ended before the
grader. That user can read the kit's code and the case inputs (its code runs them) but not the
chapter's checks (`lock`: root's alone), and can write only its own copy of the submission and
its outputs. The expected outputs never leave the grader's process. Where root may make a network
namespace, the notebook gets an empty one; else it has the container's network.

Notebooks run one at a time: after each one, every process of the user is killed (`kill_all`).
The worker adopts the notebooks' orphans (`adopt_orphans`) to reap them: a zombie still counts
against the user's process cap, and the container's first process may never reap it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from autograder import isolate
from d2lkit.errors import D2lkitError

CLONE_NEWNET = 0x40000000
PR_SET_CHILD_SUBREAPER = 36
DEFAULT_USER = "student"


@dataclass(frozen=True)
class User:
    """The unprivileged user a notebook runs as: `uid:gid:name`, as the worker's argument."""

    uid: int
    gid: int
    name: str

    def __str__(self) -> str:
        return f"{self.uid}:{self.gid}:{self.name}"

    @classmethod
    def parse(cls, text: str) -> User:
        uid, gid, name = text.split(":", 2)
        return cls(int(uid), int(gid), name)


def lookup(name: str) -> User:
    """The user called `name`; a one-line error when there is none or it is root, or when this
    process is not root (only root can drop to another user)."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise D2lkitError(
            f"no user {name!r} to run the students' code as: create it "
            f"(useradd --system --no-create-home {name})"
        ) from None
    if entry.pw_uid == 0:
        raise D2lkitError(f"user {name!r} is root: the students' code needs an unprivileged user")
    if os.geteuid() != 0:
        raise D2lkitError("grading as another user needs root (Gradescope runs run_autograder so)")
    return User(entry.pw_uid, entry.pw_gid, name)


def share(root: Path, inputs: Path, scratch: Path, private: list[Path]) -> None:
    """The grader's folders, as the user needs them: `root` and `scratch` can be passed through
    (not listed), `inputs` read; each of `private` (the workers' log) stays the grader's."""
    for folder, mode in ((root, 0o711), (scratch, 0o711), (inputs, 0o755)):
        folder.chmod(mode)
    for path in private:
        path.chmod(0o600 if path.is_file() else 0o700)


def give(folder: str, user: User) -> None:
    """The job's folder (its copy of the submission, its outputs) to the user. Links are changed
    themselves, never what they point to: the copy is the student's and may link anywhere."""
    os.lchown(folder, user.uid, user.gid)
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            os.lchown(os.path.join(parent, name), user.uid, user.gid)


def drop(user: User, home: str) -> None:
    """In the notebook's first process, as root: leave the network where root may, become
    `user` for good, and lose what could bring privileges back."""
    with contextlib.suppress(OSError):
        isolate.unshare(CLONE_NEWNET)
    with contextlib.suppress(OSError):
        Path("/proc/self/oom_score_adj").write_text("1000")
    os.setgroups([])
    os.setresgid(user.gid, user.gid, user.gid)
    os.setresuid(user.uid, user.uid, user.uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise isolate.IsolationError(0, "still root after dropping privileges")
    os.environ.update(HOME=home, USER=user.name, LOGNAME=user.name)
    libc = ctypes.CDLL(None, use_errno=True)
    for option, value in ((isolate.PR_SET_NO_NEW_PRIVS, 1), (isolate.PR_SET_DUMPABLE, 0)):
        if libc.prctl(option, value, 0, 0, 0) != 0:
            raise isolate.IsolationError(ctypes.get_errno(), "prctl")


def adopt_orphans() -> None:
    """In the worker: the orphans of its notebooks' processes become its children."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise isolate.IsolationError(ctypes.get_errno(), "child subreaper")


def processes(uid: int) -> list[int]:
    """The processes whose real uid is `uid`, zombies too (read from their status: the folder of
    a process that is not dumpable is root's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("Uid:") and int(line.split()[1]) == uid:
                    found.append(int(entry.name))
    return found


def _reap() -> None:
    """Every child of this process that has ended."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def kill_all(user: User, tries: int = 200) -> None:
    """End every process of `user` (what a notebook left behind, wherever it went): a process of
    that user's own sends SIGKILL to all it may signal, until none is left, and the orphans the
    worker adopted are reaped."""
    for _ in range(tries):
        _reap()
        if not processes(user.uid):
            return
        pid = os.fork()
        if pid == 0:
            try:
                os.setgroups([])
                os.setresgid(user.gid, user.gid, user.gid)
                os.setresuid(user.uid, user.uid, user.uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.02)


def lock(source: Path) -> None:
    """The bundle as the grader needs it: root's, nothing writable by others, and the checks
    (every case, hidden ones too) readable by root alone."""
    for parent, folders, files in os.walk(source):
        for name in [".", *folders, *files]:
            path = os.path.join(parent, name)
            os.lchown(path, 0, 0)
            if not os.path.islink(path):
                mode = os.lstat(path).st_mode & 0o7777
                os.chmod(path, (mode & ~0o022) | (0o555 if os.path.isdir(path) else 0o444))
    checks = source / "autograder" / "checks"
    if checks.is_dir():
        checks.chmod(0o700)
