"""`autograder grade`: run submitted notebooks in the sandbox, harvest outputs, judge them here.

Notebooks run in warm workers (`autograder.worker`), one forked process per notebook, each under
bubblewrap with namespaces and limits of its own (`autograder.sandbox`, `autograder.isolate`), or,
where the container is the sandbox (Gradescope), as an unprivileged user (`autograder.container`).
Each gets a private copy of its submission's files; after its cells, the worker runs the
student's target on every case and saves the outputs with `torch.save`. The grader loads them with
`torch.load(weights_only=True)` (tensors and plain containers only) and compares them in this
process. A notebook that cannot be read, crashes, hangs or breaks a limit scores zero for what it
did not deliver, with the reason; the others are unaffected.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import torch

from autograder import cgroups, container, delivery, engine, pool, registry, sandbox, scratch
from autograder.compare import qualname, reference_path
from autograder.delivery import NotebookRun
from autograder.isolate import CELL_TIMEOUT, Limits
from autograder.results import ExerciseResult, Problem, points
from autograder.spec import Exercise
from autograder.submissions import NOTEBOOK_FILE_CAP, Submission, find_submissions, read_cells


@dataclass(frozen=True)
class Options:
    """How to grade: cell timeout in seconds, whether hidden cases run (not for self-checks),
    whether notebooks run in the sandbox, the limits each notebook runs under, whether the
    cells the kit tags `demo` are skipped, and the user each notebook runs as where the container
    is the sandbox (no bubblewrap then)."""

    timeout: float = CELL_TIMEOUT
    include_hidden: bool = True
    sandbox: bool = True
    limits: Limits = field(default_factory=Limits)
    skip_demos: bool = True
    user: container.User | None = None


@dataclass
class Graded:
    submission: Submission
    results: dict[str, ExerciseResult]
    notes: list[str]

    @property
    def score(self) -> int | float:
        return points(sum(r.score for r in self.results.values()))

    @property
    def max_score(self) -> int:
        return sum(r.exercise.points for r in self.results.values())


@functools.cache
def _release(stem: str) -> tuple[dict, ...]:
    """The cells of the notebook as the kit released it (`assignments/`)."""
    exercises = registry.for_notebook(stem)
    if not exercises:
        return ()
    path = sandbox.PACKAGE_ROOT / "assignments" / exercises[0].chapter / f"{stem}.ipynb"
    try:
        return tuple(read_cells(path))
    except (OSError, ValueError):
        return ()


@functools.cache
def demo_cells(stem: str) -> frozenset[str]:
    """The ids of the cells the kit's own notebook tags `demo` (output no grade depends on).
    Taken from the kit's release, never from the submitted file, so a student cannot mark a
    cell of theirs to be skipped; one who changes a demo cell's id only has it run."""
    return frozenset(
        c.get("id")
        for c in _release(stem)
        if c.get("metadata", {}).get("autograder", {}).get("demo") and c.get("id")
    )


def _cells(path: Path, skip_demos: bool, stem: str | None = None) -> list[str]:
    """The code cells of a submitted notebook, read here (the file never enters the sandbox);
    `stem` is the released notebook it was matched to (by default, its file's stem)."""
    if path.stat().st_size > NOTEBOOK_FILE_CAP:
        raise ValueError(f"it is over {delivery.size(NOTEBOOK_FILE_CAP)}")
    skipped = demo_cells(stem or path.stem) if skip_demos else frozenset()
    return [
        c["source"]
        for c in read_cells(path)
        if c.get("cell_type") == "code" and c.get("id") not in skipped
    ]


@functools.cache
def released_cells(stem: str) -> tuple[str, ...]:
    """The code cells of the notebook as the kit released it: what is not the student's own code."""
    return tuple(c["source"] for c in _release(stem) if c.get("cell_type") == "code")


def not_from_scratch(stem: str, cells: list[str], exercises: list[Exercise]) -> dict[str, Problem]:
    """The exercises whose "from scratch" rule the student's own code breaks, read statically
    (`autograder.scratch`), with the first offending line: a second signal beside the kernel's
    record of calls, and one that code in the kernel cannot blind."""
    mine = scratch.student_cells(cells, list(released_cells(stem)))
    own = dict(mine)
    given = [(i, source) for i, source in enumerate(cells) if i not in own]
    problems = {}
    for exercise in exercises:
        findings = scratch.scan(
            mine,
            target=exercise.target,
            forbidden=exercise.forbidden,
            reference=qualname(exercise.reference),
            given=given,
        )
        if findings:
            first = findings[0]
            more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
            problems[exercise.id] = Problem(
                f"code cell {first.cell + 1}, line {first.line}: `{first.source.strip()}`: "
                f"{first.reason}{more}",
                "forbidden",
            )
    return problems


def _judge(submission: Submission, runs: dict[str, NotebookRun], include_hidden: bool) -> Graded:
    results: dict[str, ExerciseResult] = {}
    notes = list(submission.notes)
    for stem, run in runs.items():
        notes += [f"{stem}: {note}" for note in run.notes]
        notes.append(f"{stem}: ran in {run.seconds:.1f} s")
    for exercise in submission.exercises():
        run = runs.get(exercise.notebook)
        if run is None:
            reason = Problem(f"notebook {exercise.notebook}.ipynb was not submitted", "missing")
            results[exercise.id] = engine.judge(exercise, None, include_hidden, reason)
            continue
        reason = run.reasons.get(exercise.id)
        outputs = run.outputs.get(exercise.id)
        results[exercise.id] = engine.judge(exercise, outputs, include_hidden, reason)
    return Graded(submission, results, notes)


class _Session:
    """One grading run: the case inputs on disk, a scratch folder, and the warm workers."""

    def __init__(self, jobs: int, options: Options, hide: list[Path]):
        self.options = options
        self.root = Path(tempfile.mkdtemp(prefix="autograder-"))
        self.inputs, self.scratch = self.root / "inputs", self.root / "scratch"
        self.inputs.mkdir()
        self.scratch.mkdir()
        self.cgroups = cgroups.Delegation() if options.sandbox else None
        worker = [sys.executable, "-m", "autograder.worker"]
        if options.user is not None:
            worker += ["--user", str(options.user)]
        if options.sandbox:
            sandbox.prepare_data()

        sandboxes = itertools.count()

        def argv() -> list[str]:
            if not options.sandbox:
                return worker
            extra = self.cgroups.binds(next(sandboxes))
            return sandbox.command([*worker, "--isolate"], self.inputs, self.scratch, hide, extra)

        env = sandbox.environment()
        if not options.sandbox:
            (self.root / "home").mkdir()
            env["AUTOGRADER_HOME"] = str(self.root / "home")
        env["AUTOGRADER_LIMITS"] = json.dumps(dataclasses.asdict(options.limits))
        # the notebooks share the cores: one torch thread pool each, not one per core each
        env.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // jobs)))
        self.log = (self.root / "workers.log").open("w")
        if options.user is not None:
            container.share(self.root, self.inputs, self.scratch, [Path(self.log.name)])
        self.count = itertools.count()
        self.lock = threading.Lock()
        self.pool = pool.Pool(jobs, lambda count: pool.start(argv(), env, self.log, count))

    def write_inputs(self, exercises: set[Exercise]) -> None:
        """The case inputs, read by the workers' notebooks (the sandbox sees the folder live)."""
        for exercise in exercises:
            payloads = [p for _, p in engine.cases(exercise, self.options.include_hidden)]
            torch.save(payloads, self.inputs / f"{exercise.id}.pt")

    def run(self, submission: Submission, stem: str) -> NotebookRun:
        path = submission.notebooks[stem]
        exercises = registry.for_notebook(stem)
        try:
            cells = _cells(path, self.options.skip_demos, stem)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the student's zero, with the reason
            reason = Problem(
                f"{path.name} could not be read as a notebook ({type(exc).__name__}: {exc})",
                "error",
            )
            return NotebookRun(reasons={e.id: reason for e in exercises})
        with self.lock:
            number = next(self.count)
        job_dir = self.scratch / str(number)
        try:
            submission.copy_files(job_dir / "work")
            (job_dir / "out").mkdir()
            inside = self.options.sandbox
            job = {
                "id": number,
                "dir": f"{sandbox.SCRATCH}/{number}" if inside else str(job_dir),
                "inputs_dir": sandbox.INPUTS if inside else str(self.inputs),
                "cells": cells,
                "exercises": [[e.id, e.target, reference_path(e)] for e in exercises],
                "timeout": self.options.timeout,
            }
            result = self.pool.run(job)
            run = delivery.from_worker(
                result, exercises, job_dir / "out", self.options.timeout, self.options.limits
            )
            # the code's verdict stands over whatever the kernel delivered; an exercise the
            # kernel did not deliver keeps the reason why (it scores zero either way)
            for exercise_id, problem in not_from_scratch(stem, cells, exercises).items():
                if exercise_id in run.outputs:
                    del run.outputs[exercise_id]
                    run.reasons[exercise_id] = problem
            return run
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)

    def close(self) -> None:
        self.pool.close()
        if self.cgroups is not None:
            self.cgroups.close()
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


def _grade_all(
    submissions: list[Submission],
    jobs: int,
    options: Options,
    hide: list[Path],
    progress,
    on_graded: Callable[[Graded], None] | None,
) -> list[Graded]:
    exercises = {e for s in submissions for e in s.exercises()}
    # the workers first: they warm up (seconds) while this thread builds the payloads
    session = _Session(jobs, options, hide)
    try:
        # the payloads on this thread, before the reference thread starts: building them seeds
        # torch's global generator (a module exercise's reference parameters), which the
        # reference thread seeds and draws from too
        session.write_inputs(exercises)
        with ThreadPoolExecutor(jobs + 1) as threads:
            # the reference outputs are computed while the workers warm up and run notebooks
            reference = threads.submit(
                lambda: [engine.expected(e, options.include_hidden) for e in exercises]
            )
            pending: dict[int, dict[str, Future]] = {}
            for i, s in enumerate(submissions):
                pending[i] = {stem: threads.submit(session.run, s, stem) for stem in s.notebooks}
            reference.result()
            graded: dict[int, Graded] = {}
            for i, submission in enumerate(submissions):
                runs = {}
                for stem, future in pending[i].items():
                    runs[stem] = future.result()
                    progress.update(1)
                graded[i] = _judge(submission, runs, options.include_hidden)
                if on_graded is not None:
                    on_graded(graded[i])
            return [graded[i] for i in range(len(submissions))]
    finally:
        session.close()


def grade_submissions(
    submissions: list[Submission],
    options: Options,
    jobs: int = 2,
    *,
    show_progress: bool = True,
    on_graded: Callable[[Graded], None] | None = None,
    hide: Sequence[Path] = (),
) -> list[Graded]:
    """Grade `submissions` as `grade` does; where the container is the sandbox (`options.user`),
    one notebook at a time (`autograder.container.kill_all` ends all of the user's processes)."""
    if not submissions:
        return []
    from tqdm.auto import tqdm

    jobs = 1 if options.user is not None else jobs
    total = sum(len(s.notebooks) for s in submissions)
    with tqdm(total=total, desc="notebooks", unit="nb", disable=not show_progress) as progress:
        return _grade_all(submissions, jobs, options, list(hide), progress, on_graded)


def grade(
    paths: Iterable[Path],
    jobs: int = 2,
    timeout: float = CELL_TIMEOUT,
    show_progress: bool = True,
    include_hidden: bool = True,
    *,
    use_sandbox: bool = True,
    limits: Limits | None = None,
    select: Callable[[Submission], bool] | None = None,
    on_graded: Callable[[Graded], None] | None = None,
    hide: Sequence[Path] = (),
    skip_demos: bool = True,
) -> list[Graded]:
    """Grade every submission found under `paths` (those `select` keeps); never raises for a
    student's broken notebook. `on_graded` sees each submission as soon as it is judged; `hide`
    names more folders the notebooks must not see (the output folder)."""
    if use_sandbox and sandbox.bwrap() is None:
        raise sandbox.SandboxMissing()
    options = Options(timeout, include_hidden, use_sandbox, limits or Limits(), skip_demos)
    paths = [Path(p) for p in paths]
    submissions = [s for s in find_submissions(paths) if select is None or select(s)]
    covered = [p if p.is_dir() else p.parent for p in paths] + [Path(p) for p in hide]
    return grade_submissions(
        submissions,
        options,
        jobs,
        show_progress=show_progress,
        on_graded=on_graded,
        hide=covered,
    )
