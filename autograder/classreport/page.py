"""The class report's HTML: a page per chapter and the index, each one self-contained (inline CSS,
images as data URIs, no script, nothing fetched from the network). Every text from a results file
or a submission is escaped."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from html import escape

from autograder.classreport.figures import ChapterFigures, ExerciseFigures
from autograder.similarity import Found

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.n { text-align: right; white-space: nowrap; }
pre { background: #f7f7f7; padding: 0.4em; margin: 0; white-space: pre-wrap; font-size: 0.85em; }
section { border-top: 2px solid #ddd; margin-top: 1.5em; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0.5em; margin-bottom: 1em; }
.note { background: #fff8e0; border-left: 4px solid #e0b000; padding: 0.4em 0.8em; }
.muted { color: #777; }
"""

SIMILARITY_NOTE = (
    "Similarity flags pairs for a person to look at; it never changes a grade. A high score means "
    "the two submissions' own code of the exercise is alike once names, comments, formatting and "
    "literal values are normalised; code that many submissions share counts for little."
)


def _document(title: str, body: list[str]) -> str:
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
            *body,
            "</body></html>",
            "",
        ]
    )


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.0f}%"


def _of(count: int, total: int) -> str:
    return f"{count} of {total}"


def _anchor(exercise: str) -> str:
    return "ex-" + "".join(c if c.isalnum() else "-" for c in exercise)


def _table(header: list[str], rows: list[list[str]], numeric: Collection[int] = ()) -> str:
    """A table of already escaped cells; the columns in `numeric` are right-aligned."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _difficulty_table(chapter: ChapterFigures) -> str:
    rows = []
    for rank, e in enumerate(chapter.exercises, 1):
        case = e.cases[0] if e.cases else None
        hint = e.hints[0] if e.hints else None
        rows.append(
            [
                str(rank),
                f'<a href="#{_anchor(e.exercise)}">{escape(e.exercise)}</a>',
                f"{e.mean_score:.2f} / {e.max_points:g} ({_percent(e.mean_fraction)})",
                f"{_percent(e.pass_rate)} ({_of(e.passed, len(e.scores))})",
                f"{escape(case.case)}: {case.failed}" if case else "",
                f"{escape(hint.text)}: {hint.count}" if hint else "",
            ]
        )
    header = ["rank", "exercise", "mean score", "full marks", "most failed case", "top hint"]
    return _table(header, rows, numeric={0, 2, 3})


def _cases(e: ExerciseFigures) -> str:
    if not e.cases:
        return "<p>Every submission passed every case.</p>"
    total = len(e.scores)
    rows = [
        [
            escape(c.case),
            "visible" if c.visible else "hidden",
            _of(c.failed, total),
            escape(
                ", ".join(f"{k}: {n}" for k, n in sorted(c.kinds.items(), key=lambda kv: -kv[1]))
            ),
            f"<pre>{escape(c.example)}</pre>",
        ]
        for c in e.cases
    ]
    header = ["case", "", "failed by", "kind of failure", "an example (anonymised)"]
    return _table(header, rows, numeric={2})


def _hints(e: ExerciseFigures) -> str:
    if not e.hints:
        return '<p class="muted">No hint fired.</p>'
    total = len(e.scores)
    rows = [
        [escape(h.text), _of(h.count, total), f"<pre>{escape(h.example)}</pre>"] for h in e.hints
    ]
    return _table(["hint", "submissions", "an example (anonymised)"], rows, numeric={1})


def _pairs(exercise: str, found: Found) -> str:
    pairs = [p for p in found.pairs if p.exercise == exercise]
    matches = [m for m in found.reference if m.exercise == exercise]
    out = []
    if not pairs:
        out.append('<p class="muted">No pair above the threshold.</p>')
    for p in pairs:
        out += [
            f"<p><b>{escape(p.a)}</b> and <b>{escape(p.b)}</b>: score {p.score:.2f}</p>",
            '<div class="pair">',
            f"<div><pre>{escape(p.code_a)}</pre></div><div><pre>{escape(p.code_b)}</pre></div>",
            "</div>",
        ]
    if matches:
        out.append("<p>Identical to the kit's reference:</p><ul>")
        out += [f"<li>{escape(m.submission)}<pre>{escape(m.code)}</pre></li>" for m in matches]
        out.append("</ul>")
    return "\n".join(out)


def _exercise(rank: int, e: ExerciseFigures, image: str, found: Found) -> str:
    kinds = ", ".join(f"{k}: {n}" for k, n in e.kinds.items()) or "none"
    parts = [
        f'<section id="{_anchor(e.exercise)}">',
        f"<h3>{rank}. {escape(e.exercise)}</h3>",
        f"<p>{escape(e.title)}</p>" if e.title != e.exercise else "",
        f"<p>Full marks: {_percent(e.pass_rate)} ({_of(e.passed, len(e.scores))} submissions); "
        f"mean score {e.mean_score:.2f} of {e.max_points:g} ({_percent(e.mean_fraction)}). "
        f"Submissions failing by kind: {escape(kinds)}.</p>",
        f'<img src="{image}" alt="score distribution of {escape(e.exercise)}">',
        "<h4>Failing cases, the most failed first</h4>",
        _cases(e),
        "<h4>Hints that fired, the most frequent first</h4>",
        _hints(e),
    ]
    parts += ["<h4>Similarity</h4>", _pairs(e.exercise, found)]
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _similarity_intro(found: Found, threshold: float) -> str:
    skipped = ""
    if found.skipped:
        skipped = (
            f" {len(found.skipped)} of the submissions were graded without their code kept "
            "(by an older kit) and are not compared."
        )
    return (
        f'<p class="note">{SIMILARITY_NOTE} Pairs scoring at least {threshold:g} are shown under '
        f"each exercise ({len(found.pairs)} pairs, {len(found.reference)} submissions identical "
        f"to the kit's reference).{skipped}</p>"
    )


def chapter_page(
    chapter: ChapterFigures,
    images: Mapping[str, str],
    found: Found,
    threshold: float,
    made_by: str,
) -> str:
    """A chapter's page. `images` holds the data URIs: the chapter's total under its own name
    (`ch03`), each exercise's under its id."""
    c = chapter
    full = sum(t >= c.max_points for t in c.totals)
    body = [
        '<p><a href="index.html">All chapters</a></p>',
        f"<h1>Class report: {escape(c.chapter)}</h1>",
        f"<p>{len(c.submissions)} submissions ({c.late} late); mean total {c.mean_total:.2f} of "
        f"{c.max_points:g}; {_of(full, len(c.totals))} at full marks. "
        f'The same figures per exercise: <a href="{escape(c.chapter)}.csv">{escape(c.chapter)}.csv</a>.'
        "</p>",
        f'<img src="{images[c.chapter]}" alt="score distribution of {escape(c.chapter)}">',
        "<h2>Exercises, hardest first</h2>",
        "<p>Ordered by the mean fraction of the points scored, then by the share at full marks. "
        "A count is of submissions: one whose several cases fire the same hint counts once.</p>",
        _difficulty_table(c),
        "<h2>Similarity</h2>",
        _similarity_intro(found, threshold),
        "<h2>Exercises</h2>",
        *(_exercise(i, e, images[e.exercise], found) for i, e in enumerate(c.exercises, 1)),
        f'<p class="muted">Made by {escape(made_by)}. Staff only: the similarity pairs name '
        "students.</p>",
    ]
    return _document(f"Class report: {c.chapter}", body)


def index_page(chapters: Mapping[str, ChapterFigures], made_by: str) -> str:
    """The index: a row per chapter with its page, its CSV and its hardest exercise."""
    rows = []
    for name, c in chapters.items():
        hardest = c.exercises[0] if c.exercises else None
        rows.append(
            [
                f'<a href="{escape(name)}.html">{escape(name)}</a>',
                str(len(c.submissions)),
                f"{c.mean_total:.2f} / {c.max_points:g}",
                escape(hardest.exercise) + f" ({_percent(hardest.mean_fraction)})"
                if hardest
                else "",
                f'<a href="{escape(name)}.csv">{escape(name)}.csv</a>',
            ]
        )
    header = ["chapter", "submissions", "mean total", "hardest exercise (mean score)", "figures"]
    body = [
        "<h1>Class report</h1>",
        _table(header, rows, numeric={1, 2}),
        f'<p class="muted">Made by {escape(made_by)}. Staff only.</p>',
    ]
    return _document("Class report", body)
