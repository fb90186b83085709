"""`autograder report OUT --html DIR`: the class report of a graded output folder: a page and a CSV
per chapter, and an index."""

from __future__ import annotations

from pathlib import Path

from autograder import gradebook, similarity
from autograder.classreport import figures, page, plots
from d2lkit.errors import D2lkitError


def write(out: Path, html: Path, threshold: float | None = None) -> list[Path]:
    """Write `html/index.html` and, per chapter graded in `out`, `chNN.html` and `chNN.csv`;
    returns the paths written. `threshold` defaults to the similarity check's."""
    threshold = similarity.THRESHOLD if threshold is None else threshold
    records = gradebook.load(out)
    if not records:
        raise D2lkitError(
            f"{out}: no results under {gradebook.RESULTS}/ (not an `autograder grade --out` folder)"
        )
    made_by = f"autograder report ({gradebook.graded_by()})"
    chapters = figures.chapters(records)
    written = []
    for name, chapter in chapters.items():
        images = {name: plots.histogram(chapter.totals, chapter.max_points, "total score")}
        for e in chapter.exercises:
            images[e.exercise] = plots.histogram(e.scores, e.max_points, "score")
        found = similarity.find(out, name, threshold)
        text = page.chapter_page(chapter, images, found, threshold, made_by)
        for path, content in (
            (html / f"{name}.html", text),
            (html / f"{name}.csv", figures.csv_text(chapter)),
        ):
            gradebook.write_atomic(path, content)
            written.append(path)
    index = html / "index.html"
    gradebook.write_atomic(index, page.index_page(chapters, made_by))
    return [index, *written]
