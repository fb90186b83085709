"""The warm worker: imports torch, d2lkit and IPython once, then forks a process per notebook.

    python -m autograder.worker --channels R:W[,R:W...] [--isolate | --user UID:GID:NAME]

Started by the grader (under bubblewrap unless grading without a sandbox), it warms up once and
forks one worker per channel (a pair of pipe ends the grader passed it); each reads one job per
line and answers one JSON line per job. Each notebook runs three processes
deep: the fork takes its own namespaces (`--isolate`) and limits, then forks the namespace's first
process, a reaper, which forks the runner that executes the cells. When the runner ends, the
reaper exits and the kernel ends everything else the notebook started. The worker holds every
step to its deadline and kills the notebook (and with it the namespace) when one passes.
Where the container is the sandbox (`--user`, `autograder.container`), the fork drops to that
user instead of taking namespaces, and every process of the user ends with the notebook.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import select
import shutil
import signal
import sys
import time
import traceback

from autograder import cgroups, container, isolate

KILL_GRACE_S = 2.0
EVENTS_CAP = 1 << 20
"""Bytes of events read from a notebook: its own code can write to the pipe too."""
EXIT_SETUP_FAILED = 70
WARM_IMPORTS = (
    "torch",
    "torch.nn.functional",
    "torch.distributions",
    "d2lkit",
    "d2lkit.mlp",
    "d2lkit.kaggle_house",
    "d2lkit.computation",
    "d2lkit.cnn",
    "d2lkit.modern_cnn",
    "d2lkit.batch_norm",
    "d2lkit.plotting",
    "autograder",
    "autograder.harvest",
    "autograder.runner",
    "autograder.fixtures",
    *(f"autograder.fixtures.ch{n:02d}" for n in range(2, 8)),
    "matplotlib.pyplot",
    "pandas",
    "numpy",
)
_CHANNEL: tuple[int, ...] = ()
"""This worker's pipe ends to the grader, which no notebook may hold."""


def warm_up() -> object:
    """Everything a notebook would import or build first, done once before forking."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    # the home folder is read-only or hidden here: the grader names a folder of the worker's own
    home = os.environ.pop("AUTOGRADER_HOME", "/tmp")
    mpl_dir = os.path.join(home, ".matplotlib")
    os.environ.update(HOME=home, IPYTHONDIR=os.path.join(home, ".ipython"), MPLCONFIGDIR=mpl_dir)
    cache = os.environ.pop("AUTOGRADER_MATPLOTLIB_CACHE", None)
    if cache and os.path.isdir(cache):
        shutil.copytree(cache, mpl_dir, dirs_exist_ok=True)
    import matplotlib
    import torch

    matplotlib.use("Agg")
    # what the chapters' notebooks import, so that no notebook pays for it
    for name in WARM_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    # no sqlite history (and no thread saving it): the home folder is not writable here
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    # tracebacks go to output nobody keeps (the grader records the exception itself), so IPython
    # formats them plainly: its default, with source context and colour, costs 0.3 s a traceback
    shell.InteractiveTB.set_mode("Plain")
    # the first cell, traceback and harvest set up what every later one reuses; small tensors
    # keep torch on this thread (its thread pool does not survive a fork)
    shell.run_cell("None", silent=True)
    with contextlib.redirect_stdout(io.StringIO()):
        shell.run_cell("raise NotImplementedError", silent=True)
    from autograder import harvest

    harvest.run_case(lambda x: x.sum(), {"args": [torch.ones(2)], "kwargs": {}})
    # an optimizer's first construction imports torch's compiler stack: 3 s, once per process
    net = torch.nn.Linear(2, 1)
    torch.optim.SGD(net.parameters(), lr=0.1)
    _preload_data()
    return shell


def _preload_data() -> None:
    """Fashion-MNIST's tensors, loaded once and shared by every fork (the cache is read-only)."""
    try:
        from d2lkit.data.fashion_mnist import fashion_mnist_tensors

        fashion_mnist_tensors(True)
        fashion_mnist_tensors(False)
    except Exception:  # noqa: BLE001 - without the data the notebooks that need it say so
        pass


def _status_code(status: int) -> int:
    """A wait status as one number: the exit code, or 128 + the signal that ended it."""
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def _reap_until(child: int) -> int:
    """As a PID namespace's first process: reap every orphan (a fork bomb's exited processes
    hold the notebook's process slots until reaped) until `child` ends."""
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return EXIT_SETUP_FAILED
        if pid == child:
            return _status_code(status)


def _notebook(job: dict, events: int, limits: isolate.Limits, isolated: bool, user, shell) -> None:
    """The fork's body; never returns."""
    worker = os.getppid()
    log = os.dup(2)
    try:
        isolate.die_with_parent(worker)
        # the notebook must not reach the grader's pipes (it could answer for the worker)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        for fd in _CHANNEL:
            os.close(fd)
        if isolated:
            cgroups.join(int(job["id"]), limits.processes, limits.memory)
            isolate.enter_namespaces(
                {job["dir"]: "job", job["inputs_dir"]: "inputs"},
                limits.file_size,
                _stage(job),
                keep=tuple(
                    filter(None, os.environ.get(isolate.KEEP_VARIABLE, "").split(os.pathsep))
                ),
            )
            isolate.drop_privileges()
            work, inputs, outputs = "/tmp/job/work", "/tmp/inputs", "/tmp/job/out"
        else:
            os.setpgid(0, 0)
            work = os.path.join(job["dir"], "work")
            inputs, outputs = job["inputs_dir"], os.path.join(job["dir"], "out")
            if user is not None:
                from autograder import runner

                # imported while the checks are readable (a few references live there)
                runner.references(job["exercises"])
                container.give(job["dir"], user)
                container.drop(user, work)
                # a change of user clears the parent-death signal
                isolate.die_with_parent(worker)
        isolate.apply_limits(limits)
        first = os.getpid()
        reaper = os.fork()
        if reaper:
            os.close(events)
            os._exit(_status_code(os.waitpid(reaper, 0)[1]))
        isolate.die_with_parent(None if isolated else first)
        notebook = os.fork()
        if notebook:
            os.close(events)
            os._exit(_reap_until(notebook))
        os.close(log)
        os.chdir(work)
        from autograder import runner

        runner.run({**job, "inputs": inputs, "outputs": outputs}, events, shell)
    except BaseException:  # noqa: BLE001 - a failed set-up is reported by the exit code
        with contextlib.suppress(OSError):
            os.write(log, traceback.format_exc().encode())
        os._exit(EXIT_SETUP_FAILED)


def _stage(job: dict) -> str:
    return f"/tmp/.stage-{int(job['id'])}"


def run_job(job: dict, limits: isolate.Limits, isolated: bool, shell, user=None) -> dict:
    read, write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _notebook(job, write, limits, isolated, user, shell)
    os.close(write)
    events, killed = _collect(read, pid, job)
    os.close(read)
    if killed is not None and not isolated:
        _kill_group(pid)
    status = _status_code(os.waitpid(pid, 0)[1])
    breach = None
    if isolated:
        with contextlib.suppress(OSError):
            os.rmdir(_stage(job))
        breach = cgroups.breach(int(job["id"]))
        cgroups.leave(int(job["id"]))
    else:
        _kill_group(pid)
    if user is not None:
        container.kill_all(user)
    return {
        "id": job["id"],
        "status": status,
        "killed": killed,
        "breach": breach,
        "events": events,
        "seconds": time.monotonic() - started,
    }


def _kill_group(pgid: int) -> None:
    """Without namespaces, the notebook's own process group is what can be ended."""
    with contextlib.suppress(OSError):
        os.killpg(pgid, signal.SIGKILL)


def _collect(read: int, pid: int, job: dict) -> tuple[list[dict], str | None]:
    """The notebook's events until its pipe closes; kills it when a step overruns its deadline
    (or the whole notebook its budget: its own code could keep announcing new steps)."""
    timeout = job["timeout"]
    steps = len(job["cells"]) + len(job["exercises"]) + 1
    budget = time.monotonic() + steps * (timeout + KILL_GRACE_S)
    deadline = time.monotonic() + timeout + KILL_GRACE_S
    events: list[dict] = []
    buffer = b""
    received = 0
    step = "start-up"
    while True:
        now = time.monotonic()
        wait = min(deadline, budget) - now
        if wait <= 0:
            os.kill(pid, signal.SIGKILL)
            if step == "the end":
                return events, None
            return events, step if now < budget else "budget"
        ready, _, _ = select.select([read], [], [], wait)
        if not ready:
            continue
        chunk = os.read(read, 65536)
        if not chunk:
            return events, None
        received += len(chunk)
        if received > EVENTS_CAP:
            continue
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            events.append(event)
            if event.get("e") == "start":
                step = str(event.get("step"))
                deadline = time.monotonic() + timeout + KILL_GRACE_S
            elif event.get("e") == "end":
                # the runner is done; what still holds the pipe is left over and ends soon
                step = "the end"
                deadline = time.monotonic() + KILL_GRACE_S


def _serve(channel: tuple[int, int], limits: isolate.Limits, isolated: bool, user, shell) -> None:
    global _CHANNEL
    _CHANNEL = channel
    jobs, answers = os.fdopen(channel[0]), os.fdopen(channel[1], "w")
    answers.write(json.dumps({"ready": os.getpid()}) + "\n")
    answers.flush()
    for line in jobs:
        answers.write(json.dumps(run_job(json.loads(line), limits, isolated, shell, user)) + "\n")
        answers.flush()


def main() -> None:
    """`--channels R:W,R:W,...`: one worker per pair of pipe ends (jobs in, answers out). The
    first warms up and forks the others, so that a sandbox pays for its imports once."""
    isolated = "--isolate" in sys.argv
    user = (
        container.User.parse(sys.argv[sys.argv.index("--user") + 1])
        if "--user" in sys.argv
        else None
    )
    spec = sys.argv[sys.argv.index("--channels") + 1]
    channels = [tuple(int(fd) for fd in pair.split(":")) for pair in spec.split(",")]
    limits = isolate.Limits(**json.loads(os.environ.pop("AUTOGRADER_LIMITS", "{}")))
    # what imports or a stray print write to stdout must not be taken for an answer
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    isolate.die_with_parent(os.getppid())
    if user is not None:
        container.adopt_orphans()
    shell = warm_up()
    first = os.getpid()
    mine = channels[0]
    for channel in channels[1:]:
        if os.fork() == 0:
            isolate.die_with_parent(first)
            mine = channel
            break
    for channel in channels:
        if channel != mine:
            for fd in channel:
                os.close(fd)
    _serve(mine, limits, isolated, user, shell)


if __name__ == "__main__":
    main()
