"""Inside Gradescope's container: what `setup.sh` and `run_autograder` call.

    python -m autograder.gradescope_run CHAPTER --prepare          # setup.sh, once, as root
    python -m autograder.gradescope_run CHAPTER --root /autograder --user student [limits]

`--prepare` fetches the chapter's datasets into `D2LKIT_DATA` (checksummed; a present copy is only
verified), fills the loaders' cache (`D2LKIT_CACHE`) and matplotlib's, and locks the bundle
(`container.lock`).
Grading takes every notebook under `ROOT/submission` (a renamed file is matched by its cells,
as `autograder grade` does), runs each as the unprivileged user (`autograder.container`) and
writes `ROOT/results/results.json` in Gradescope's format (`autograder.report.gradescope`): one
for the chapter, its score, an exercise's visible and hidden tests, and an `output` line for
each notebook not graded or not submitted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from autograder import container, delivery, engine, registry, report, sandbox
from autograder.grade import Graded, Options, grade_submissions
from autograder.isolate import Limits
from autograder.results import Problem
from autograder.submissions import Submission, discover
from d2lkit.errors import D2lkitError


def prepare(chapter: str) -> None:
    """The chapter's datasets present and verified, the loaders' cache filled, the bundle locked."""
    from autograder import gradescope
    from d2lkit.data import registry as data

    for name in gradescope.datasets(sandbox.PACKAGE_ROOT, chapter):
        data.get_path(name)
    sandbox.prepare_data()
    # matplotlib's font cache, built once into the image rather than in every grading container
    import matplotlib.pyplot  # noqa: F401

    container.lock(sandbox.PACKAGE_ROOT)


def submission(folder: Path) -> Submission:
    """The student's notebooks under `folder` as one submission; a second copy of a notebook (in
    a subfolder: the upper one is graded) and every notebook that is not the chapter's are noted,
    not graded."""
    found = discover([folder])
    # the folder nearest the top first: its files are the notebooks' working folder
    ordered = sorted(
        found.submissions,
        key=lambda s: min(len(p.relative_to(folder).parts) for p in s.notebooks.values()),
    )
    merged = Submission("submission", {}, files=ordered[0].files if ordered else {})
    merged.notes = [f"{s.path.relative_to(folder)}: not graded: {s.reason}" for s in found.skipped]
    for s in ordered:
        for stem, path in s.notebooks.items():
            if stem in merged.notebooks:
                other = merged.notebooks[stem].relative_to(folder)
                note = f"another copy of {stem} ({other} is graded)"
                merged.notes.append(f"{path.relative_to(folder)}: not graded: {note}")
            else:
                merged.notebooks[stem] = path
    return merged


def grade(chapter: str, folder: Path, user: str, limits: Limits, timeout: float) -> Graded:
    """The chapter's grade for the notebooks under `folder`."""
    stems = registry.notebooks().get(chapter)
    if not stems:
        raise D2lkitError(f"this bundle grades no exercise of {chapter}")
    found = submission(folder)
    missing = [f"{stem}.ipynb was not submitted" for stem in stems if stem not in found.notebooks]
    if not found.notebooks:
        results = {
            e.id: engine.judge(
                e, None, True, Problem(f"notebook {e.notebook}.ipynb was not submitted", "missing")
            )
            for e in registry.exercises().values()
            if e.chapter == chapter
        }
        return Graded(found, results, [*found.notes, *missing])
    options = Options(timeout=timeout, sandbox=False, limits=limits, user=container.lookup(user))
    [graded] = grade_submissions([found], options, show_progress=False)
    lost = [note for note in graded.notes if delivery.WORKER_LOST in note]
    if lost:
        # the student's zero would be the container's fault: no results, so Gradescope reports
        # the autograder as failed and staff can regrade
        raise D2lkitError(
            f"grading failed, not the submission: {lost[0]}; the container may be short of "
            "memory (docs/gradescope.md)"
        )
    graded.notes += missing
    return graded


def cpus() -> int:
    """The CPUs this container may use: its cgroup's CPU quota (what Gradescope sets), else the
    CPUs it may run on. `os.cpu_count()` counts the host's, and each torch thread of a notebook
    counts against the student's process cap."""
    with contextlib.suppress(OSError, ValueError):
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]  # cgroup v2
        if quota != "max":
            return max(1, round(int(quota) / int(period)))
    with contextlib.suppress(OSError, ValueError):
        v1 = Path("/sys/fs/cgroup/cpu")
        quota = int((v1 / "cpu.cfs_quota_us").read_text())
        if quota > 0:
            return max(1, round(quota / int((v1 / "cpu.cfs_period_us").read_text())))
    return len(os.sched_getaffinity(0))


def guard(folder: Path) -> None:
    """The results folder, root's and closed to others before any student code runs."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chown(folder, 0, 0)
    folder.chmod(0o755)


def write(results: dict, folder: Path) -> Path:
    """`folder/results.json`, whole (written beside it, then renamed); a name already there,
    a link included, is replaced, never followed."""
    path = folder / "results.json"
    partial = folder / ".results.json.partial"
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(results, indent=2) + "\n")
    os.replace(partial, path)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m autograder.gradescope_run", description=__doc__)
    p.add_argument("chapter")
    p.add_argument("--prepare", action="store_true", help="setup.sh's step: data, cache, lock")
    p.add_argument("--root", type=Path, default=Path("/autograder"))
    p.add_argument("--user", default=container.DEFAULT_USER)
    p.add_argument("--memory", type=int, default=Limits.memory, help="bytes per notebook")
    p.add_argument("--processes", type=int, default=Limits.processes)
    p.add_argument("--cpu-time", type=int, default=Limits.cpu_seconds)
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per cell")
    args = p.parse_args(argv)
    try:
        if args.prepare:
            prepare(args.chapter)
            return 0
        limits = Limits(memory=args.memory, processes=args.processes, cpu_seconds=args.cpu_time)
        guard(args.root / "results")
        os.environ.setdefault("OMP_NUM_THREADS", str(cpus()))
        graded = grade(args.chapter, args.root / "submission", args.user, limits, args.timeout)
        # the grader's own log (run_autograder's stdout) is for staff: it names hidden cases
        results = {**report.gradescope(graded), "stdout_visibility": "hidden"}
        path = write(results, args.root / "results")
    except D2lkitError as exc:
        print(f"autograder: error: {exc}", file=sys.stderr)
        return 2
    print(report.details(graded))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
