"""The bubblewrap sandbox the grader starts its warm workers in.

A worker sees the system read-only, has no network (its own network namespace), its own PID,
IPC and UTS namespaces, and a fresh /tmp holding only two folders the grader prepared: the case
inputs (read-only) and the scratch folder with one copy of a submission's folder per notebook.
What no notebook needs is covered with an empty tmpfs: the folders being graded, the output
folder, the kit's `solutions/` and `samples/`, and the home folder (what Python and the kit need
below them is bound back, read-only). Inside, each notebook then takes namespaces of its own
(`autograder.isolate`).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from autograder.grade_cell import GRADE_MODE_VARIABLE
from autograder.isolate import KEEP_VARIABLE
from d2lkit.errors import D2lkitError

INSIDE = "/tmp/autograder"
INPUTS = f"{INSIDE}/inputs"
SCRATCH = f"{INSIDE}/scratch"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


class SandboxMissing(D2lkitError):
    def __init__(self) -> None:
        super().__init__(
            "bubblewrap (bwrap) is not installed, and grading runs every notebook in it: install "
            "it (apt-get install bubblewrap, dnf install bubblewrap) or pass --no-sandbox to grade "
            "trusted notebooks without one"
        )


def bwrap() -> str | None:
    return shutil.which("bwrap")


def _needed() -> list[Path]:
    """What the worker reads: the kit's code, Python, the data and the loaders' cache."""
    from d2lkit.data.registry import cache_root, data_root

    paths = [PACKAGE_ROOT, Path(sys.prefix), Path(sys.base_prefix), data_root(), cache_root()]
    paths += [Path(p) for p in sys.path if p]
    return [p.resolve() for p in paths if p.exists()]


def _topmost(paths: list[Path]) -> list[Path]:
    """The paths not below another of them, sorted."""
    below = sorted(set(paths))
    return [n for n in below if not any(m != n and n.is_relative_to(m) for m in below)]


def _under_tmp(needed: list[Path]) -> list[Path]:
    """What the worker needs below /tmp (a clone of the kit, its virtual environment, the data),
    which the sandbox's fresh /tmp would hide: it is bound back, read-only."""
    return _topmost([n for n in needed if n.is_relative_to("/tmp")])


def _cover(path: Path, needed: list[Path]) -> list[str]:
    """bwrap arguments that cover `path` with an empty tmpfs, binding back (read-only) what the
    worker needs below it: the home folder often holds Python itself. Nothing, for a folder that
    is missing, is the root or is itself needed, or lies in /tmp outside what is bound back there
    (the fresh /tmp hides it already)."""
    path = path.resolve()
    if not path.is_dir() or path == Path("/") or path in needed:
        return []
    if path.is_relative_to("/tmp") and not any(path.is_relative_to(k) for k in _under_tmp(needed)):
        return []
    args = ["--tmpfs", str(path)]
    for kept in _topmost([n for n in needed if n.is_relative_to(path)]):
        args += ["--ro-bind", str(kept), str(kept)]
    return args


def command(
    worker: list[str], inputs: Path, scratch: Path, hide: list[Path], extra: list[str] = ()
) -> list[str]:
    """The bwrap command line that starts `worker` with `inputs` and `scratch` inside."""
    needed = _needed()
    covered = [PACKAGE_ROOT / "solutions", PACKAGE_ROOT / "samples", Path.home(), *hide]
    args = [bwrap() or "bwrap", "--unshare-all", "--die-with-parent", "--new-session"]
    args += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for kept in _under_tmp(needed):
        args += ["--ro-bind", str(kept), str(kept)]
    done: list[Path] = []
    for path in dict.fromkeys(p.resolve() for p in covered):
        if not any(path.is_relative_to(d) for d in done):
            args += _cover(path, needed)
            done.append(path)
    from d2lkit.data.registry import cache_root

    for kept in (cache_root(), _matplotlib_config()):
        if kept is not None and kept.is_dir():
            args += ["--ro-bind", str(kept), str(kept)]
    args += ["--ro-bind", str(inputs), INPUTS, "--bind", str(scratch), SCRATCH, "--chdir", "/tmp"]
    return [*args, *extra, "--", *worker]


def _matplotlib_config() -> Path | None:
    """Matplotlib's folder, where its font cache lives: matplotlib wants it writable, so the worker
    copies it into its /tmp, since building the cache anew in every worker costs seconds."""
    try:
        import matplotlib

        return Path(matplotlib.get_configdir())
    except Exception:  # noqa: BLE001 - without it matplotlib builds its cache in /tmp
        return None


def environment() -> dict[str, str]:
    """The worker's environment: this kit first on the path, the loaders' cache made explicit."""
    from d2lkit.data.registry import cache_root

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["D2LKIT_CACHE"] = str(cache_root())
    config = _matplotlib_config()
    if config is not None:
        env["AUTOGRADER_MATPLOTLIB_CACHE"] = str(config)
    env["MPLBACKEND"] = "Agg"
    env[GRADE_MODE_VARIABLE] = "grade"
    env[KEEP_VARIABLE] = os.pathsep.join(str(p) for p in _under_tmp(_needed()))
    return env


def prepare_data() -> None:
    """Fill the loaders' cache here, where it is writable: inside, it is read-only."""
    try:
        from d2lkit.data.fashion_mnist import fashion_mnist_tensors

        fashion_mnist_tensors(True)
        fashion_mnist_tensors(False)
    except Exception:  # noqa: BLE001 - no data: the notebooks that need it fail with the reason
        pass
