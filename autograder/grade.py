"""`autograder grade`: execute submitted notebooks in kernels, harvest outputs, judge them here.

Each notebook runs in its own kernel process (nbclient) with a per-cell timeout. After its cells, the
grader appends one harvest cell per exercise: it runs the student's target on the cases and saves the
outputs with `torch.save`. The grader loads them with `torch.load(weights_only=True)` (tensors and
plain containers only) and compares them in this process. A notebook that cannot be read, crashes its
kernel or hangs scores zero for what it did not deliver, with the reason; the others are unaffected.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import torch
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from autograder import engine, registry
from autograder.compare import ExerciseResult
from autograder.grade_cell import GRADE_MODE_VARIABLE
from autograder.spec import Exercise

HARVEST_CELL = (
    "__import__('autograder.harvest', fromlist=['run_file'])"
    ".run_file({inputs!r}, {outputs!r}, {target!r}, globals())"
)
KILL_GRACE_S = 15.0


@dataclass(frozen=True)
class Options:
    """How to grade: cell timeout in seconds, and whether hidden cases run (not for self-checks)."""

    timeout: float = 60.0
    include_hidden: bool = True


@dataclass
class Submission:
    """One student's notebooks for one or more chapters: the files of one directory."""

    name: str
    notebooks: dict[str, Path]

    def exercises(self) -> list[Exercise]:
        """Every exercise of the chapters these notebooks belong to (a missing notebook scores zero)."""
        chapters = {e.chapter for stem in self.notebooks for e in registry.for_notebook(stem)}
        return [e for e in registry.exercises().values() if e.chapter in chapters]


@dataclass
class NotebookRun:
    """What one kernel delivered: harvested outputs per exercise id, or the reason there are none."""

    outputs: dict[str, list[dict]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Graded:
    submission: Submission
    results: dict[str, ExerciseResult]
    notes: list[str]

    @property
    def score(self) -> int:
        return sum(r.score for r in self.results.values())

    @property
    def max_score(self) -> int:
        return sum(r.exercise.points for r in self.results.values())


def find_submissions(paths: Sequence[Path]) -> list[Submission]:
    """Group notebooks by directory; name each group by its path below the argument that found it."""
    groups: dict[Path, Submission] = {}
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or directory")
        files = [root] if root.is_file() else sorted(root.rglob("*.ipynb"))
        for path in files:
            if ".ipynb_checkpoints" in path.parts or not registry.for_notebook(path.stem):
                continue
            folder = path.parent.resolve()
            base = root.parent if root.is_file() else root
            if path.parent != base:
                name = path.parent.relative_to(base).as_posix()
            else:
                # a submission folder given directly: name it by its last two parts (alice/ch03)
                name = "/".join(folder.parts[-2:])
            groups.setdefault(folder, Submission(name, {})).notebooks[path.stem] = path
    return list(groups.values())


async def _execute(path: Path, exercises: list[Exercise], options: Options) -> NotebookRun:
    run = NotebookRun()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the student's zero, with the reason
        reason = f"{path.name} could not be read as a notebook ({type(exc).__name__}: {exc})"
        return NotebookRun(reasons={e.id: reason for e in exercises})
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    nb.cells = code_cells
    client = NotebookClient(
        nb,
        timeout=int(options.timeout),
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="autograder-") as work:
        try:
            # the kernel's own stderr (ipykernel's start-up warnings, a student's prints) would
            # interleave over the progress bar; what the grader needs comes over the protocol
            async with client.async_setup_kernel(
                env={**os.environ, GRADE_MODE_VARIABLE: "grade"}, stderr=subprocess.DEVNULL
            ):
                for index, cell in enumerate(code_cells):
                    await _cell(client, cell, index, options.timeout, run.notes)
                for exercise in exercises:
                    await _harvest(client, nb, exercise, Path(work), options, run)
        except (DeadKernelError, asyncio.TimeoutError, RuntimeError) as exc:
            reason = _dead_reason(exc, options.timeout)
            run.notes.append(reason)
            for exercise in exercises:
                if exercise.id not in run.outputs:
                    run.reasons.setdefault(exercise.id, reason)
    run.seconds = time.monotonic() - start
    return run


def _dead_reason(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return f"the kernel ignored an interrupt after a {timeout:g} s timeout and was stopped"
    return f"the kernel died ({type(exc).__name__}: {exc})"


async def _cell(client: NotebookClient, cell, index: int, timeout: float, notes: list[str]) -> None:
    started = time.monotonic()
    await asyncio.wait_for(client.async_execute_cell(cell, index), timeout + KILL_GRACE_S)
    errors = [o for o in cell.get("outputs", ()) if o.get("output_type") == "error"]
    if errors:
        kind = errors[0].get("ename", "error")
        if kind == "KeyboardInterrupt" and time.monotonic() - started >= timeout:
            notes.append(f"code cell {index + 1} timed out after {timeout:g} s")
        else:
            notes.append(
                f"code cell {index + 1} raised {kind}: {errors[0].get('evalue', '')[:200]}"
            )


async def _harvest(
    client, nb, exercise: Exercise, work: Path, options: Options, run: NotebookRun
) -> None:
    inputs = work / f"{exercise.id}.in.pt"
    outputs = work / f"{exercise.id}.out.pt"
    torch.save([p for _, p in engine.cases(exercise, options.include_hidden)], inputs)
    cell = nbformat.v4.new_code_cell(
        HARVEST_CELL.format(inputs=str(inputs), outputs=str(outputs), target=exercise.target)
    )
    nb.cells.append(cell)
    started = time.monotonic()
    await asyncio.wait_for(
        client.async_execute_cell(cell, len(nb.cells) - 1), options.timeout + KILL_GRACE_S
    )
    if not outputs.exists():
        errors = [o for o in cell.get("outputs", ()) if o.get("output_type") == "error"]
        if time.monotonic() - started >= options.timeout:
            limit = f"{options.timeout:g} s"
            run.reasons[exercise.id] = f"`{exercise.target}` did not finish within {limit}"
        else:
            detail = (
                f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else "no output"
            )
            run.reasons[exercise.id] = f"its outputs could not be collected ({detail[:200]})"
        return
    try:
        run.outputs[exercise.id] = torch.load(outputs, weights_only=True)
    except Exception as exc:  # noqa: BLE001 - anything but plain tensors is refused, with the reason
        run.reasons[exercise.id] = f"its outputs are not plain data ({type(exc).__name__})"


def _judge(submission: Submission, runs: dict[str, NotebookRun], include_hidden: bool) -> Graded:
    results: dict[str, ExerciseResult] = {}
    notes: list[str] = []
    for stem, run in runs.items():
        notes += [f"{stem}: {note}" for note in run.notes]
        notes.append(f"{stem}: ran in {run.seconds:.1f} s")
    for exercise in submission.exercises():
        run = runs.get(exercise.notebook)
        if run is None:
            reason = f"notebook {exercise.notebook}.ipynb was not submitted"
            results[exercise.id] = engine.judge(exercise, None, include_hidden, reason)
            continue
        reason = run.reasons.get(exercise.id)
        outputs = run.outputs.get(exercise.id)
        results[exercise.id] = engine.judge(exercise, outputs, include_hidden, reason)
    return Graded(submission, results, notes)


async def _grade_all(
    submissions: list[Submission], jobs: int, options: Options, progress
) -> list[Graded]:
    limit = asyncio.Semaphore(jobs)

    async def one(path: Path) -> NotebookRun:
        async with limit:
            run = await _execute(path, registry.for_notebook(path.stem), options)
            progress.update(1)
            return run

    exercises = {e for s in submissions for e in s.exercises()}
    # the payloads first, on this thread: building them seeds torch's global generator (a module
    # exercise's reference parameters), which the reference thread below seeds and draws from too
    for exercise in exercises:
        engine.cases(exercise, options.include_hidden)
    tasks = {
        (i, stem): asyncio.ensure_future(one(path))
        for i, s in enumerate(submissions)
        for stem, path in s.notebooks.items()
    }
    # the reference outputs are computed here while the kernels start and run their notebooks
    await asyncio.to_thread(lambda: [engine.expected(e, options.include_hidden) for e in exercises])
    await asyncio.gather(*tasks.values())
    graded = []
    for i, submission in enumerate(submissions):
        runs = {stem: tasks[(i, stem)].result() for stem in submission.notebooks}
        graded.append(_judge(submission, runs, options.include_hidden))
    return graded


def grade(
    paths: Iterable[Path],
    jobs: int = 2,
    timeout: float = 60.0,
    show_progress: bool = True,
    include_hidden: bool = True,
) -> list[Graded]:
    """Grade every submission found under `paths`; never raises for a student's broken notebook."""
    options = Options(timeout, include_hidden)
    from tqdm.auto import tqdm

    submissions = find_submissions(list(paths))
    if not submissions:
        return []
    total = sum(len(s.notebooks) for s in submissions)
    with tqdm(total=total, desc="notebooks", unit="nb", disable=not show_progress) as progress:
        return asyncio.run(_grade_all(submissions, jobs, options, progress))
