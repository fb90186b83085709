"""The class report: figures aggregated from results files (a seeded mistake ranks first, counts
are of students, the hardest exercise first, the CSV says the same), self-contained pages, the
similarity seam, and one run on the sample class."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder import gradebook, similarity
from autograder.classreport import figures
from autograder.classreport.make import write
from autograder.cli import main
from autograder.results import WORDS, CaseResult, Failure
from autograder.spec import Case

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = [f"student{i:02d}" for i in range(20)]
OVERFLOW = "ch98.softmax: exp overflows for large inputs"
AXIS = "ch98.softmax: sums over the wrong axis"


def _case(name, failed=None, hint=None, visible=True, message=None):
    record = {
        "case": name,
        "visible": visible,
        "passed": failed is None,
        "kind": failed,
        "hint_id": hint,
    }
    if failed and visible:
        record["message"] = message or f"case {name}: {WORDS[failed]}"
    return record


def _tests(exercise, points, visible, hidden=(), reason=None):
    """An exercise's Gradescope tests: each case carries an equal share of `points`."""
    share = points / max(len(visible) + len(hidden), 1)
    parts = [("", visible, "visible"), (" (hidden cases)", hidden, "after_published")]
    out = []
    for suffix, cases, visibility in parts:
        if not cases and suffix:
            continue
        passed = 0 if reason else sum(c["passed"] for c in cases)
        test = {
            "name": exercise + suffix,
            "score": round(share * passed, 2),
            "max_score": round(share * len(cases), 2) if cases else points,
            "output": f"{exercise}: {reason}" if reason else "",
            "visibility": visibility,
            "extra_data": {"exercise": exercise, "cases": cases},
        }
        if reason:
            test["extra_data"]["reason_kind"] = "missing"
        out.append(test)
    return out


def _record(name, tests, late=False):
    score = round(sum(t["score"] for t in tests), 2)
    extra = {"submission": name, "late": late, "graded_by": "d2lkit test"}
    return {"score": score, "tests": tests, "extra_data": extra}


def seeded_class() -> dict[str, dict]:
    """20 students of a chapter 98: 12 overflow softmax on a visible and a hidden case (the seeded
    mistake), 3 sum over the wrong axis, 2 get relu wrong, one did not submit the net's notebook;
    and 3 students of a chapter 97."""
    records = {}
    for i, student in enumerate(STUDENTS):
        large = hidden = one = None
        if i < 12:
            large = hidden = "values"
        elif i < 15:
            one = "shape"
        message = f"values differ by inf in {student}'s notebook"
        softmax = _tests(
            "ch98.softmax",
            2,
            [
                _case("random", None),
                _case("large", large, large and OVERFLOW, message=message),
                _case("one class", one, one and AXIS),
            ],
            [_case("huge", hidden, hidden and OVERFLOW, visible=False)],
        )
        relu = _tests(
            "ch98.relu", 1, [_case("zeros"), _case("negatives", "values" if i < 2 else None)]
        )
        net = _tests(
            "ch98.net",
            1,
            [] if i == 19 else [_case("shape")],
            reason="notebook 98.1-net.ipynb was not submitted" if i == 19 else None,
        )
        name = f"{student}/ch98"
        records[name] = _record(name, softmax + relu + net, late=i == 0)
    for student in STUDENTS[:3]:
        name = f"{student}/ch97"
        records[name] = _record(name, _tests("ch97.linreg", 1, [_case("small")]))
    return records


@pytest.fixture
def out(tmp_path: Path) -> Path:
    for name, record in seeded_class().items():
        gradebook.write_atomic(gradebook.result_path(tmp_path, name), json.dumps(record))
    return tmp_path


def test_the_seeded_mistake_ranks_first_counted_once_per_student():
    chapter = figures.chapters(seeded_class())["ch98"]
    softmax = chapter.exercises[0]
    assert softmax.exercise == "ch98.softmax"
    assert [(h.hint_id, h.count) for h in softmax.hints] == [(OVERFLOW, 12), (AXIS, 3)]
    assert softmax.hints[0].text == "exp overflows for large inputs"
    assert [(c.case, c.visible, c.failed) for c in softmax.cases] == [
        ("large", True, 12),
        ("huge", False, 12),
        ("one class", True, 3),
    ]
    assert softmax.cases[0].kinds == {"values": 12}
    assert softmax.kinds == {"values": 12, "shape": 3}
    assert softmax.passed == 5 and softmax.pass_rate == 0.25
    assert softmax.mean_fraction == pytest.approx((12 * 0.5 + 3 * 0.75 + 5) / 20)


def test_examples_are_what_students_read_without_their_names():
    softmax = figures.chapters(seeded_class())["ch98"].exercises[0]
    overflow = softmax.hints[0]
    assert overflow.example == "values differ by inf in <student>'s notebook"
    hidden = next(c for c in softmax.cases if not c.visible)
    assert (
        hidden.example == f"a hidden case: {WORDS['values']}\nhint: exp overflows for large inputs"
    )
    assert figures.anonymised("Alice/ALICE/alicex", "alice/ch03") == "<student>/<student>/alicex"
    lms = figures.anonymised("alice_1234 (user 1234) in ch03", "alice_1234")
    assert lms == "<student> (user <student>) in ch03"


def test_the_hardest_exercise_comes_first_then_the_lowest_pass_rate():
    chapter = figures.chapters(seeded_class())["ch98"]
    # relu and net both average 95%: relu's 18 of 20 at full marks before net's 19 of 20
    assert [e.exercise for e in chapter.exercises] == ["ch98.softmax", "ch98.relu", "ch98.net"]
    net = chapter.exercises[2]
    assert net.cases[0].case == "not judged: missing" and net.kinds == {"missing": 1}
    assert "not submitted" in net.cases[0].example
    assert chapter.late == 1 and len(chapter.submissions) == 20
    assert chapter.max_points == 4 and max(chapter.totals) == 4


def test_the_csv_says_what_the_figures_say(out: Path, tmp_path: Path):
    html = tmp_path / "html"
    write(out, html)
    chapter = figures.chapters(gradebook.load(out))["ch98"]
    rows = list(csv.DictReader(io.StringIO((html / "ch98.csv").read_text())))
    assert [r["exercise"] for r in rows] == [e.exercise for e in chapter.exercises]
    first = rows[0]
    assert (first["rank"], first["submissions"], first["pass_rate"]) == ("1", "20", "0.25")
    assert (first["top_failing_case"], first["top_failing_case_count"]) == ("large", "12")
    assert (first["top_hint"], first["top_hint_count"]) == ("exp overflows for large inputs", "12")
    assert float(first["mean_fraction"]) == pytest.approx(
        chapter.exercises[0].mean_fraction, abs=1e-3
    )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: dict[str, list[str]] = {"src": [], "href": []}

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for key, value in attrs:
            if key in self.links:
                self.links[key].append(value or "")


def _links(page: str) -> _Links:
    parser = _Links()
    parser.feed(page)
    return parser


def test_pages_are_self_contained_one_per_chapter_and_name_no_student(out: Path, tmp_path: Path):
    html = tmp_path / "html"
    written = write(out, html)
    assert sorted(p.name for p in written) == [
        "ch97.csv",
        "ch97.html",
        "ch98.csv",
        "ch98.html",
        "index.html",
    ]
    for path in html.glob("*.html"):
        page = path.read_text()
        links = _links(page)
        assert "script" not in links.tags and "link" not in links.tags
        assert all(src.startswith("data:image/png;base64,") for src in links.links["src"])
        assert not [h for h in links.links["href"] if re.match(r"(https?:)?//", h)]
        assert not re.search(r"student\d\d", page), path.name
    chapter = (html / "ch98.html").read_text()
    assert len(_links(chapter).links["src"]) == 4  # the total and each exercise's scores
    assert "exp overflows for large inputs" in chapter and "12 of 20" in chapter
    assert "without their code kept" in chapter and "never changes a grade" in chapter
    index = _links((html / "index.html").read_text()).links["href"]
    assert {"ch97.html", "ch98.html", "ch98.csv"} <= set(index)


def test_similar_pairs_are_shown_side_by_side_and_escaped(out, tmp_path, monkeypatch):
    calls = []

    def find(out_dir, chapter, threshold):
        calls.append((out_dir, chapter, threshold))
        pair = similarity.Pair("ch98.relu", "student03/ch98", "student07/ch98", 0.97, "x<0", "y <0")
        match = similarity.Match("ch98.softmax", "student05/ch98", "return exp(X) / Z")
        if chapter != "ch98":
            return similarity.Found()
        return similarity.Found([pair], [match])

    monkeypatch.setattr(similarity, "find", find)
    write(out, tmp_path / "html", threshold=0.9)
    assert sorted(c[1:] for c in calls) == [("ch97", 0.9), ("ch98", 0.9)]
    page = (tmp_path / "html" / "ch98.html").read_text()
    relu = page[page.index('id="ex-ch98-relu"') :]
    relu = relu[: relu.index("</section>")]
    assert "student03/ch98" in relu and "student07/ch98" in relu and "0.97" in relu
    assert "<pre>x&lt;0</pre>" in relu and "<pre>y &lt;0</pre>" in relu
    assert "Identical to the kit's reference" in page and "student05/ch98" in page
    assert "never changes a grade" in page and "unavailable" not in page


def test_a_folder_without_results_is_a_one_line_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "no results" in capsys.readouterr().err


def test_a_failed_visible_case_records_its_message_a_hidden_one_none():
    failure = Failure(
        "values", "expected 1, got 2", "add, not multiply", "ch99.x: add, not multiply"
    )
    shown = CaseResult(Case("a", (1,)), failure).record()
    hidden = CaseResult(Case("b", (1,), visible=False), failure).record()
    passed = CaseResult(Case("c", (1,)), None).record()
    assert shown["message"] == "expected 1, got 2\nhint: add, not multiply"
    assert "message" not in hidden and "message" not in passed


@pytest.mark.slow
def test_the_report_of_the_graded_sample_class(tmp_path, capsys):
    classes = sorted(str(p) for p in (ROOT / "samples" / "class").glob("*/ch03"))
    args = ["grade", *classes, "--out", str(tmp_path), "--no-sandbox", "--quiet"]
    assert main(args) == 0
    assert main(["report", str(tmp_path), "--html", str(tmp_path / "html")]) == 0
    page = (tmp_path / "html" / "ch03.html").read_text()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "html" / "ch03.csv").read_text())))
    assert len(rows) == len(_links(page).links["src"]) - 1 > 5
    assert all(r["submissions"] == "3" for r in rows)
    assert "NotImplementedError" in page  # a visible case's message, as the student read it
    # the samples' answers are the kit's own: listed apart, never as a pair
    assert "Identical to the kit's reference" in page and "full/ch03" in page
    assert '<div class="pair">' not in page


@pytest.mark.slow
def test_the_generated_class_report_ranks_the_seeded_mistakes_first_and_flags_the_copies(
    graded_class, tmp_path
):
    html = tmp_path / "report"
    assert main(["report", str(graded_class.out), "--html", str(html)]) == 0
    rows = list(csv.DictReader(io.StringIO((html / "ch03.csv").read_text())))
    manifest = graded_class.manifest
    seeded = {exercise for exercise, _, _ in manifest.mistakes.values()}
    assert {r["exercise"] for r in rows[: len(seeded)]} == seeded
    assert all(float(r["pass_rate"]) == 1 for r in rows[len(seeded) :])
    for exercise, hint, students in manifest.mistakes.values():
        row = next(r for r in rows if r["exercise"] == exercise)
        assert hint in row["top_hint"] and int(row["top_hint_count"]) == len(students)
    page = (html / "ch03.html").read_text()
    shown = re.findall(r"<b>([^<]+)</b> and <b>([^<]+)</b>: score ([\d.]+)", page)
    assert {(a, b) for a, b, _ in shown} == {tuple(sorted(p[:2])) for p in manifest.planted}
