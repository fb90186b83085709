"""`autograder grade` against stock `nbgrader autograde`, side by side in one run.

    python benchmarks/bench_grading.py [--students 6] [--chapter ch03] [--jobs 2] [--timeout 120]
                                       [--repeat 1] [--stubs 12]

A plain nbgrader course (a default config with only `Execute.timeout` set, the kit's solutions as
its source, `generate_assignment` run once) receives `--students` submissions of the chapter,
cycling through the sample class's full, partial and empty students. Each round then times, from
a fresh process each: `nbgrader autograde` on `submitted/`, `autograder grade` on the same folder
(in the sandbox; the cells the kit tags `demo` skipped), the same with `--run-demos` (every cell, as
nbgrader runs them), and `autograder grade --no-sandbox`. Setup is not timed.

The engine's own cost per notebook is measured apart: `--stubs` copies of the empty 3.2 stub (its
cells take milliseconds) graded in one process with one worker; the time from the first judged to
the last, per notebook, is what the engine adds to a notebook: copy, fork, namespaces, harvest,
loading and judging.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "class"
CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.Execute.timeout = {timeout}
"""


def _run(command: list[str], cwd: Path) -> float:
    # nbgrader runs `alembic` from the PATH: the environment's scripts come first
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def course(folder: Path, chapter: str, students: int, timeout: float) -> list[str]:
    """A plain nbgrader course with `students` submissions; returns the student ids."""
    (folder / "nbgrader_config.py").write_text(
        CONFIG.format(root=str(folder), timeout=int(timeout))
    )
    source = folder / "source" / chapter
    source.mkdir(parents=True)
    for notebook in (ROOT / "solutions" / chapter).glob("*.ipynb"):
        shutil.copy(notebook, source)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    _run([*nbgrader, "generate_assignment", chapter], folder)
    ids = []
    kinds = ["full", "partial", "empty"]
    for i in range(students):
        student = f"s{i + 1:02d}"
        shutil.copytree(SAMPLES / kinds[i % 3] / chapter, folder / "submitted" / student / chapter)
        _run([*nbgrader, "db", "student", "add", student], folder)
        ids.append(student)
    return ids


def engine_cost(stubs: int) -> float:
    """Seconds the engine adds per notebook: `stubs` stub notebooks graded by one worker, timed
    from the first judged to the last, so that start-up is left out."""
    sys.path.insert(0, str(ROOT))
    from autograder.grade import grade

    stub = SAMPLES / "empty" / "ch03" / "3.2-linear-regression-scratch.ipynb"
    judged: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-stubs-") as tmp:
        for i in range(stubs):
            (Path(tmp) / f"s{i:02d}").mkdir()
            shutil.copy(stub, Path(tmp) / f"s{i:02d}")
        grade(
            [Path(tmp)],
            jobs=1,
            show_progress=False,
            on_graded=lambda _: judged.append(time.perf_counter()),
        )
    return (judged[-1] - judged[0]) / (len(judged) - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--chapter", default="ch03")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--stubs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-course-") as tmp:
        folder = Path(tmp)
        course(folder, args.chapter, args.students, args.timeout)
        notebooks = len(list((folder / "submitted").rglob("*.ipynb")))
        out = folder / "graded"
        ours = [sys.executable, "-m", "autograder.cli", "grade", str(folder / "submitted")]
        ours += ["--jobs", str(args.jobs), "--timeout", str(args.timeout), "--quiet"]
        commands = {
            "nbgrader autograde": [sys.executable, "-m", "nbgrader", "autograde", args.chapter],
            "autograder grade": [*ours, "--out", str(out)],
            "autograder grade --run-demos": [*ours, "--run-demos", "--out", str(out)],
            "autograder grade --no-sandbox": [*ours, "--no-sandbox", "--out", str(out)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                if name == "nbgrader autograde":
                    command = [*command, "--force"] if times[name] else command
                shutil.rmtree(out, ignore_errors=True)
                times[name].append(_run(command, folder))
    print(
        f"{args.students} students x {args.chapter} = {notebooks} notebooks, "
        f"cell timeout {args.timeout:g} s, {os.cpu_count()} cores, jobs {args.jobs}"
    )
    baseline = statistics.median(times["nbgrader autograde"])
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"  {name:<32} {median:7.1f} s  {median / notebooks:5.2f} s/notebook  "
            f"{baseline / median:5.1f}x  (runs {', '.join(f'{v:.1f}' for v in values)})"
        )
    print(f"  engine cost per notebook (stubs, 1 worker): {engine_cost(args.stubs):.3f} s")


if __name__ == "__main__":
    main()
