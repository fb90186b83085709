"""`autograder gradescope CHAPTER --out DIR --try FOLDER...`: the bundle run as Gradescope runs it,
on this machine, before you upload it.

A scratch folder stands for `/autograder` (`AUTOGRADER_ROOT`): `source/` the unzipped bundle,
prepared as `setup.sh` prepares it (the chapter's datasets from this machine's data root, fetched
only where it lacks them), then for each folder to try `submission/` its notebooks and `results/`.
`run_autograder` runs with this virtual environment's Python (`AUTOGRADER_PYTHON`) in place of the
image's; setup.sh's installs (apt, pip) are not run. It runs the notebooks as the bundle's user,
as on Gradescope, so trying needs root and that user. It is for the staff's own test
submissions: here no bubblewrap surrounds that user, who reads what any user may read.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from d2lkit.errors import D2lkitError


def _environment(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "D2LKIT_CACHE")}
    return {**env, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}


@contextlib.contextmanager
def layout(bundle: Path, chapter: str, user: str) -> Iterator[Path]:
    """A prepared `/autograder` stand-in for `bundle`, removed afterwards."""
    if os.geteuid() != 0:
        raise D2lkitError(
            f"--try runs the notebooks as the user {user}, as Gradescope does: run it as root"
        )
    try:
        pwd.getpwnam(user)
    except KeyError:
        raise D2lkitError(
            f"--try runs the notebooks as the user {user}, who does not exist here: "
            f"useradd --system --no-create-home --shell /usr/sbin/nologin {user}"
        ) from None
    # a folder the user may pass through, as /autograder is
    root = Path(tempfile.mkdtemp(prefix="gradescope-"))
    try:
        root.chmod(0o755)
        with zipfile.ZipFile(bundle) as z:
            z.extractall(root / "source")
        prepare = [sys.executable, "-m", "autograder.gradescope_run", chapter, "--prepare"]
        env = {**_environment(root), "PYTHONPATH": str(root / "source")}
        env["D2LKIT_CACHE"] = str(root / "cache")
        done = subprocess.run(prepare, cwd=root / "source", env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise D2lkitError(f"the bundle's setup step failed: {done.stderr.strip()[-500:]}")
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(root: Path, submission: Path | None) -> dict:
    """`run_autograder` on the notebooks of `submission` (None: an empty submission); its
    `results.json`."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "results").mkdir()
    if submission is None:
        (root / "submission").mkdir()
    else:
        shutil.copytree(submission, root / "submission")
    command = ["bash", str(root / "source" / "run_autograder")]
    done = subprocess.run(command, env=_environment(root), capture_output=True, text=True)
    if done.returncode != 0:
        raise D2lkitError(f"run_autograder failed: {done.stderr.strip()[-500:]}")
    return json.loads((root / "results" / "results.json").read_text())


def summary(name: str, results: dict) -> str:
    """One line per tried submission, and the notes of its results' output."""
    maximum = sum(t["max_score"] for t in results["tests"])
    lines = [f"{name}: {results['score']:g} / {maximum:g}"]
    lines += [f"  {line}" for line in results.get("output", "").splitlines()]
    return "\n".join(lines)
