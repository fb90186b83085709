"""Per-notebook isolation inside the warm worker: namespaces, limits and dropped privileges.

bubblewrap sandboxes the worker it starts; a notebook runs in a process forked from that worker,
so the fork gives itself what bubblewrap cannot: its own user, mount and PID namespaces (a user
namespace needs no privilege, and owning one is what allows the other two). In its mount namespace
the worker's scratch folder, which holds every other notebook's copy, is covered by an empty tmpfs
after this notebook's own copy has been bound elsewhere. Its processes live in a PID namespace
whose first process is a small reaper: when the notebook's runner ends the reaper exits, and the
kernel kills whatever else is left in the namespace.

Python 3.12 has `os.unshare`; 3.10 and 3.11 go through libc with ctypes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
from dataclasses import dataclass

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MS_MOVE = 0x2000
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
_CAP_VERSION_3 = 0x20080522
STUDENT_UID = 1000
"""The student's uid inside its user namespace: not 0, so that running a program gives back no
capability (root in a namespace regains them on exec)."""

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


class IsolationError(OSError):
    """The kernel refused a namespace or mount this sandbox needs."""


@dataclass(frozen=True)
class Limits:
    """What one notebook may use. Memory is per process (RLIMIT_DATA: heap and anonymous maps,
    so importing CUDA torch, which reserves address space, still works); processes count every
    process and thread the notebook starts; CPU is seconds of CPU time per process."""

    memory: int = 4 << 30
    processes: int = 64
    cpu_seconds: int = 3600
    file_size: int = 1 << 30


CELL_TIMEOUT = 60.0
"""Seconds per cell: the one default of every grading path (`autograder grade`, nbgrader's)."""


# the folders below /tmp that the sandbox binds back (read-only) and each notebook keeps
KEEP_VARIABLE = "AUTOGRADER_KEEP_IN_TMP"


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise IsolationError(errno, f"{what}: {os.strerror(errno)}")


def unshare(flags: int) -> None:
    if hasattr(os, "unshare"):
        os.unshare(flags)
    else:
        _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data=None) -> None:
    encoded = [None if s is None else s.encode() for s in (source, target, fstype, data)]
    _check(_libc.mount(*encoded[:3], ctypes.c_ulong(flags), encoded[3]), f"mount {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def enter_namespaces(
    binds: dict[str, str], tmp_bytes: int, stage: str, keep: tuple[str, ...] = ()
) -> None:
    """Give this (single-threaded) process its own user, mount and PID namespaces, with a fresh
    /tmp and /dev/shm of its own, and each folder `binds` maps (source: name) bound at /tmp/name.
    The worker's /tmp, which holds every other notebook's copy, is then out of sight. The fresh
    ones hold `tmp_bytes` at most (tmpfs pages are memory that no rlimit counts). `keep`: folders
    below /tmp that stay where they are (a kit or a virtual environment installed there, which
    the sandbox binds read-only; the binds stay read-only)."""
    uid, gid = os.getuid(), os.getgid()
    unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID)
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{STUDENT_UID} {uid} 1")
    _write("/proc/self/gid_map", f"{STUDENT_UID} {gid} 1")
    # mounts made from here on stay in this namespace
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    # the new /tmp is built at `stage` while the sources under the old one are still in sight,
    # then moved over it
    options = f"mode=1777,size={tmp_bytes}"
    os.makedirs(stage, exist_ok=True)
    _mount("tmpfs", stage, "tmpfs", 0, options)
    for source, name in binds.items():
        target = os.path.join(stage, name)
        os.makedirs(target)
        _mount(source, target, None, MS_BIND | MS_REC)
    for path in keep:
        target = stage + path.removeprefix("/tmp")
        os.makedirs(target, exist_ok=True)
        _mount(path, target, None, MS_BIND | MS_REC)
    _mount(stage, "/tmp", None, MS_MOVE)
    if os.path.isdir("/dev/shm"):
        _mount("tmpfs", "/dev/shm", "tmpfs", 0, options)


def drop_privileges() -> None:
    """No capabilities, none to regain by exec, and no ptrace or /proc/PID/mem access from a
    sibling with the same uid (a non-dumpable process is reachable only with CAP_SYS_PTRACE in
    the namespace its memory was created in, which no notebook has)."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [(n, ctypes.c_uint32) for n in ("effective", "permitted", "inheritable")]

    empty = (Data * 2)()
    _check(_libc.capset(ctypes.byref(Header(_CAP_VERSION_3, 0)), empty), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _check(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "dumpable")


def die_with_parent(parent: int | None) -> None:
    """SIGKILL this process when its parent dies (and at once if `parent` already has; None for a
    PID namespace's first process, whose parent lies outside it and reads as 0)."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0), "pdeathsig")
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def data_size() -> int:
    """This process's data segment now (what RLIMIT_DATA counts), from /proc/self/status."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_limits(limits: Limits) -> None:
    """Set after `enter_namespaces`: the process count is then this namespace's own (the kernel
    counts processes per user namespace on 5.14 and later). The memory a fork shares with the warm
    worker is not the notebook's: the cap is on what it adds."""
    for which, value in (
        (resource.RLIMIT_DATA, limits.memory + data_size()),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_FSIZE, limits.file_size),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(which, (value, value))
