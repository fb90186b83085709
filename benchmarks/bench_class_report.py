"""How long `autograder report` takes for a class of one chapter.

    python benchmarks/bench_class_report.py [--students 60] [--chapter ch03] [--repeat 3]
                                            [--graded OUT]

The class is made from real results files: the sample class's students of `--chapter` are graded
once (`--no-sandbox`, not timed; or `--graded` names an `autograder grade --out` folder), then
`--students` results files are written from the full marks one, each with a seeded share of its
cases failed (each exercise its own difficulty, each failure a kind, a hint id from a few per
exercise, a message for a visible case). Timed: the report written in this process (figures,
histograms, pages: the parts apart), then `autograder report` as a fresh process, its start-up
(Python, torch through d2lkit) included, and that start-up alone (`autograder report --help`);
each as wall and CPU seconds (the CPU time moves less when other jobs share the cores).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import gradebook, similarity  # noqa: E402
from autograder.classreport import figures, page, plots  # noqa: E402
from autograder.classreport.make import write  # noqa: E402
from autograder.results import points  # noqa: E402

KINDS = ("values", "shape", "dtype", "gradient", "error")


def graded(chapter: str, folder: Path) -> dict[str, dict]:
    """The sample class's results of `chapter`, graded into `folder`."""
    students = sorted(str(p) for p in (ROOT / "samples" / "class").glob(f"*/{chapter}"))
    command = [sys.executable, "-m", "autograder.cli", "grade", *students, "--out", str(folder)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([*command, "--no-sandbox", "--quiet"], check=True, env=env, capture_output=True)
    return gradebook.load(folder)


def perturbed(full: dict, name: str, rng: random.Random, difficulty: dict[str, float]) -> dict:
    """`full` (a full-marks results file) with some of its cases failed: each exercise's cases with
    the exercise's `difficulty`, by one of three mistakes."""
    record = copy.deepcopy(full)
    record["extra_data"]["submission"] = name
    for test in record["tests"]:
        extra = test["extra_data"]
        cases = extra["cases"]
        mistake = rng.randrange(3)
        for case in cases:
            if rng.random() < difficulty[extra["exercise"]]:
                kind = KINDS[(mistake + len(case["case"])) % len(KINDS)]
                case.update(
                    passed=False, kind=kind, hint_id=f"{extra['exercise']}: mistake {mistake}"
                )
                if case["visible"]:
                    case["message"] = f"{name}: expected values within N, got a difference of N"
        if cases:
            test["score"] = points(test["max_score"] * sum(c["passed"] for c in cases) / len(cases))
    record["score"] = points(sum(t["score"] for t in record["tests"]))
    return record


def make_class(source: dict[str, dict], students: int, out: Path) -> None:
    full = max(source.values(), key=lambda r: r["score"])
    rng = random.Random(0)
    exercises = {t["extra_data"]["exercise"] for t in full["tests"]}
    difficulty = {e: rng.uniform(0.0, 0.5) for e in sorted(exercises)}
    chapter = figures.chapter_of(next(iter(exercises)))
    for i in range(students):
        name = f"student{i:03d}/{chapter}"
        record = perturbed(full, name, rng, difficulty)
        gradebook.write_atomic(gradebook.result_path(out, name), json.dumps(record))


def parts(out: Path) -> dict[str, float]:
    """Seconds of each part of the report, in this process."""
    seconds = {}
    start = time.perf_counter()
    records = gradebook.load(out)
    chapters = figures.chapters(records)
    seconds["load + figures"] = time.perf_counter() - start
    start = time.perf_counter()
    images = {}
    for c in chapters.values():
        images[c.chapter] = plots.histogram(c.totals, c.max_points, "total score")
        for e in c.exercises:
            images[e.exercise] = plots.histogram(e.scores, e.max_points, "score")
    seconds[f"histograms ({len(images)})"] = time.perf_counter() - start
    start = time.perf_counter()
    found = {c.chapter: similarity.find(out, c.chapter) for c in chapters.values()}
    seconds["similarity"] = time.perf_counter() - start
    start = time.perf_counter()
    for c in chapters.values():
        page.chapter_page(c, images, found[c.chapter], similarity.THRESHOLD, "bench")
        figures.csv_text(c)
    seconds["pages + CSV"] = time.perf_counter() - start
    return seconds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=60)
    p.add_argument("--chapter", default="ch03")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--graded", type=Path, help="an `autograder grade --out` folder to start from")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = gradebook.load(args.graded) if args.graded else graded(args.chapter, folder / "g")
        make_class(source, args.students, folder / "class")
        html = folder / "html"
        write(folder / "class", html)  # warm: matplotlib's font cache
        for name, seconds in parts(folder / "class").items():
            print(f"  {name}: {seconds:.3f} s")
        in_process = []
        for _ in range(args.repeat):
            start = time.perf_counter(), time.process_time()
            write(folder / "class", html)
            in_process.append((time.perf_counter() - start[0], time.process_time() - start[1]))
        command = [sys.executable, "-m", "autograder.cli", "report", str(folder / "class")]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
        fresh = [_timed([*command, "--html", str(html)], env) for _ in range(args.repeat)]
        start_up = [_timed([*command, "--help"], env) for _ in range(args.repeat)]
        size = sum(f.stat().st_size for f in html.iterdir()) / 1e3
    print(f"{args.students} submissions x {args.chapter}, median of {args.repeat} (wall, CPU):")
    print(f"  report in process: {_median(in_process)}")
    print(f"  `autograder report` as a fresh process: {_median(fresh)}")
    print(f"  of which its start-up (`autograder report --help`): {_median(start_up)}")
    print(f"  pages and CSVs: {size:.0f} kB")


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the child's) of a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def _median(runs: list[tuple[float, float]]) -> str:
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    return f"{wall:.2f} s wall, {cpu:.2f} s CPU"


if __name__ == "__main__":
    main()
