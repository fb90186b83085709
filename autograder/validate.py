"""`autograder validate`: every check can fail, and every solution passes.

1. the `.ipynb` solutions are in sync with their plain-text sources;
2. `assignments/` and `samples/class/` are exactly what `autograder release` makes;
3. no given cell of a released notebook contains a graded answer of its chapter (`leaks`);
4. every solution notebook scores full marks in the grader, every released stub scores zero;
5. every exercise has at least one mutant in `tests/mutants/`, and its check rejects each one.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import multiprocessing
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType

import nbformat
import torch

from autograder import build, engine, leaks, registry, release
from autograder.grade import Graded, grade

Mutant = tuple[str, object, str]
"""(name, wrong implementation, a phrase the failure message must contain)."""


def _load_chapter(path: Path) -> ModuleType:
    """A chapter's mutants: the file `chNN.py`, or the package `chNN/` (a module per section,
    merged by its `__init__.py`)."""
    name = f"mutants_{path.stem}"
    if path.is_dir():
        spec = importlib.util.spec_from_file_location(
            name, path / "__init__.py", submodule_search_locations=[str(path)]
        )
    else:
        spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    # a package's `from . import section` looks its parent up in sys.modules
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_mutants(root: Path) -> dict[str, list[Mutant]]:
    found: dict[str, list[Mutant]] = {}
    folder = root / "tests" / "mutants"
    chapters = [*folder.glob("ch*.py"), *(p.parent for p in folder.glob("ch*/__init__.py"))]
    for path in sorted(chapters, key=lambda p: p.stem):
        module = _load_chapter(path)
        for exercise_id, mutants in module.MUTANTS.items():
            found.setdefault(exercise_id, []).extend(mutants)
    return found


def _mutant_problems(root: str, exercise_ids: list[str], threads: int) -> list[tuple[str, str]]:
    """(exercise id, problem) for the given exercises' mutants; runs in a worker process."""
    torch.set_num_threads(threads)
    mutants = load_mutants(Path(root))
    problems = []
    for exercise_id in exercise_ids:
        exercise = registry.get(exercise_id)
        if not mutants.get(exercise_id):
            problems.append((exercise_id, f"no mutant in tests/mutants/{exercise.chapter}"))
        for name, implementation, phrase in mutants.get(exercise_id, ()):
            # training routines print their epochs, as the book's do; validate prints verdicts only
            with contextlib.redirect_stdout(io.StringIO()):
                result = engine.check_in_process(exercise, implementation, include_hidden=True)
            if result.passed:
                problems.append((exercise_id, f"mutant '{name}' passes its check"))
            elif phrase not in (message := result.message(staff=True)):
                problems.append(
                    (exercise_id, f"mutant '{name}' fails without saying '{phrase}':\n{message}")
                )
    return problems


def check_mutants(root: Path, jobs: int = 1, exercise_ids: list[str] | None = None) -> list[str]:
    """Every exercise (or those named) has a mutant and rejects each one; `jobs` worker processes
    share the exercises (spawned, each with its share of the cores: torch's thread pool does not
    survive a fork)."""
    ids = list(registry.exercises()) if exercise_ids is None else exercise_ids
    if jobs <= 1:
        found = _mutant_problems(str(root), ids, torch.get_num_threads())
    else:
        shares = [ids[i::jobs] for i in range(jobs)]
        threads = max(1, torch.get_num_threads() // jobs)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            parts = pool.map(_mutant_problems, [str(root)] * jobs, shares, [threads] * jobs)
            found = [problem for part in parts for problem in part]
    order = {exercise_id: i for i, exercise_id in enumerate(ids)}
    return [f"{i}: {problem}" for i, problem in sorted(found, key=lambda p: order[p[0]])]


def _normalised(path: Path) -> str:
    return json.dumps(nbformat.read(path, as_version=4), sort_keys=True)


def check_release(root: Path) -> list[str]:
    """Regenerate everything into a temporary folder and compare with what is committed."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="autograder-release-") as tmp:
        out = Path(tmp)
        for chapter in release.chapters(root):
            release.generate(root, chapter, out / "assignments")
            release.make_samples(root, chapter, out / "assignments", out / "samples")
        pairs = [
            (out / "assignments", root / "assignments"),
            (out / "samples", root / "samples" / "class"),
        ]
        for fresh_dir, committed_dir in pairs:
            fresh = {p.relative_to(fresh_dir) for p in fresh_dir.rglob("*.ipynb")}
            committed = {p.relative_to(committed_dir) for p in committed_dir.rglob("*.ipynb")}
            for rel in sorted(fresh ^ committed):
                problems.append(
                    f"{committed_dir.name}/{rel}: missing or extra (run `autograder release`)"
                )
            for rel in sorted(fresh & committed):
                if _normalised(fresh_dir / rel) != _normalised(committed_dir / rel):
                    problems.append(f"{committed_dir.name}/{rel} differs from a fresh release")
    return problems


def _scores(graded: list[Graded], want: Callable[[int, int], bool], label: str) -> list[str]:
    problems = []
    for g in graded:
        for r in g.results.values():
            if not want(r.score, r.exercise.points):
                problems.append(
                    f"{label} {g.submission.name}: {r.exercise.id} scored {r.score}: {r.message()}"
                )
    return problems


def validate(root: Path, jobs: int = 2) -> bool:
    steps: list[tuple[str, Callable[[], list[str]]]] = [
        (
            "solutions in sync with their sources",
            lambda: [
                f"{p} is out of date" for p in build.build_all(root / "solutions", check=True)
            ],
        ),
        ("assignments and samples in sync with a fresh release", lambda: check_release(root)),
        ("no given cell gives a graded answer away", lambda: leaks.check(root)),
        (
            "solutions score full marks",
            lambda: _scores(
                grade([root / "solutions"], jobs, show_progress=False),
                lambda s, m: s == m,
                "solution",
            ),
        ),
        (
            "released stubs score zero",
            lambda: _scores(
                grade([root / "assignments"], jobs, show_progress=False),
                lambda s, m: s == 0,
                "stub",
            ),
        ),
        (
            "every exercise has a mutant, and its check rejects it",
            lambda: check_mutants(root, jobs),
        ),
    ]
    ok = True
    for title, step in steps:
        problems = step()
        print(f"{'ok  ' if not problems else 'FAIL'} {title}")
        for problem in problems:
            print("     " + problem.replace("\n", "\n     "))
        ok = ok and not problems
    return ok
