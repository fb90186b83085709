"""The grader's outputs: `gradebook.csv`, one Gradescope-style `results.json` per submission, a table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from autograder.grade import Graded


def columns(graded: list[Graded]) -> list[str]:
    """Exercise ids in registry order, across every submission graded."""
    seen: dict[str, None] = {}
    for g in graded:
        seen.update(dict.fromkeys(g.results))
    return list(seen)


def write_gradebook(graded: list[Graded], path: Path) -> None:
    ids = columns(graded)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", *ids, "total", "max"])
        for g in graded:
            cells = [g.results[i].score if i in g.results else "" for i in ids]
            writer.writerow([g.submission.name, *cells, g.score, g.max_score])


def gradescope(g: Graded) -> dict:
    """The `results.json` Gradescope's autograder reads: a score and one test per exercise."""
    tests = [
        {
            "name": r.exercise.title,
            "score": r.score,
            "max_score": r.exercise.points,
            "output": r.message(),
            "visibility": "visible",
        }
        for r in g.results.values()
    ]
    out = {"score": g.score, "tests": tests}
    if g.notes:
        out["output"] = "\n".join(g.notes)
    return out


def write_results(graded: list[Graded], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for g in graded:
        name = g.submission.name.replace("/", "__")
        (folder / f"{name}.json").write_text(json.dumps(gradescope(g), indent=2) + "\n")


def table(graded: list[Graded]) -> str:
    """A plain-text summary: one row per submission, the failures below it."""
    width = max([len(g.submission.name) for g in graded] + [10])
    lines = [f"{'submission':<{width}}  score"]
    for g in graded:
        lines.append(f"{g.submission.name:<{width}}  {g.score:>3} / {g.max_score}")
    return "\n".join(lines)


def details(g: Graded) -> str:
    lines = [f"== {g.submission.name}: {g.score} / {g.max_score}"]
    lines += [f"  note: {n}" for n in g.notes]
    for r in g.results.values():
        mark = "ok  " if r.passed else "FAIL"
        lines.append(f"  {mark} {r.exercise.title} ({r.score}/{r.exercise.points})")
        if not r.passed:
            lines += ["       " + line for line in r.message().splitlines()[1:] or [r.message()]]
    return "\n".join(lines)
