"""A graded class as figures: the results files of `autograder grade --out` aggregated per chapter
and per exercise. Pure data: no plotting, no HTML.

A count of students is a count of submissions: a student whose three cases fire the same hint
counts once for it. An exercise's example messages are what a student read (a failed visible
case's message, its `message` in the results file) with the submission's name taken out; a hidden
case never carries one, so its example is the failed property in words (`results.WORDS`).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from autograder import gradebook
from autograder.results import WORDS, points

HIDDEN_SUFFIX = " (hidden cases)"
MESSAGE_LINES = 8
"""An example message is cut to its first lines: enough to recognise the mistake."""


@dataclass(frozen=True)
class CaseCount:
    """A case of an exercise that some submissions fail: how many, by which kind of failure."""

    case: str
    visible: bool
    failed: int
    kinds: dict[str, int]
    example: str


@dataclass(frozen=True)
class HintCount:
    """A hint that fired, by its id (`ch03.softmax: exp overflows for x > N`): in how many
    submissions, and one message a student read with it."""

    hint_id: str
    count: int
    example: str

    @property
    def text(self) -> str:
        """The hint's words, without the exercise id the hint id starts with."""
        return self.hint_id.partition(": ")[2] or self.hint_id


@dataclass(frozen=True)
class ExerciseFigures:
    """One exercise across the class: `scores` has one entry per submission, as `submissions`."""

    exercise: str
    title: str
    max_points: float
    submissions: tuple[str, ...]
    scores: tuple[float, ...]
    cases: tuple[CaseCount, ...]
    """The failing cases, the most failed first."""
    hints: tuple[HintCount, ...]
    """The hints that fired, the most frequent first."""
    kinds: dict[str, int]
    """Submissions with at least one failure of each kind (`results.KINDS`), the exercise's
    unjudged reasons (a missing notebook, a cell that raised) included."""

    @property
    def passed(self) -> int:
        return sum(s >= self.max_points for s in self.scores)

    @property
    def pass_rate(self) -> float:
        return self.passed / len(self.scores) if self.scores else 0.0

    @property
    def mean_score(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0

    @property
    def mean_fraction(self) -> float:
        return self.mean_score / self.max_points if self.max_points else 1.0


@dataclass(frozen=True)
class ChapterFigures:
    """A graded assignment (a chapter): its submissions' totals and its exercises, hardest first
    (the lowest mean fraction of the points, then the lowest pass rate)."""

    chapter: str
    submissions: tuple[str, ...]
    totals: tuple[float, ...]
    max_points: float
    late: int
    exercises: tuple[ExerciseFigures, ...]

    @property
    def mean_total(self) -> float:
        return sum(self.totals) / len(self.totals) if self.totals else 0.0


def chapter_of(exercise_id: str) -> str:
    """The chapter an exercise id names (`ch03.softmax` → `ch03`)."""
    return exercise_id.partition(".")[0]


def anonymised(message: str, submission: str) -> str:
    """`message` with the submission's name parts (`alice` of `alice/ch03`, `alice` and `1234` of
    an LMS's `alice_1234`) replaced by `<student>`; the chapter part stays."""
    folders = re.split(r"[/\\]", submission)
    parts = {*folders, *(p for f in folders for p in re.split(r"[_\s]+", f))}
    for part in sorted(parts, key=len, reverse=True):
        if len(part) > 2 and not re.fullmatch(r"ch\d\d", part):
            pattern = rf"(?<!\w){re.escape(part)}(?!\w)"
            message = re.sub(pattern, "<student>", message, flags=re.IGNORECASE)
    lines = message.strip().splitlines()
    more = ["…"] if len(lines) > MESSAGE_LINES else []
    return "\n".join(lines[:MESSAGE_LINES] + more)


def _in_words(record: dict) -> str:
    """A failed case's example when it carries no message (a hidden case): the property it got
    wrong, and the hint's id."""
    which = "a case" if record["visible"] else "a hidden case"
    hint = f"\nhint: {record['hint_id'].partition(': ')[2]}" if record.get("hint_id") else ""
    return f"{which}: {WORDS.get(record['kind'], 'it failed')}{hint}"


@dataclass
class _Tally:
    """What the results files say about one exercise, gathered submission by submission."""

    title: str = ""
    max_points: float = 0
    scores: dict[str, float] = field(default_factory=dict)
    case_failed: Counter = field(default_factory=Counter)
    case_kinds: dict[tuple[str, bool], Counter] = field(default_factory=dict)
    case_example: dict[tuple[str, bool], str] = field(default_factory=dict)
    hint_count: Counter = field(default_factory=Counter)
    hint_example: dict[str, str] = field(default_factory=dict)
    kinds: Counter = field(default_factory=Counter)
    hint_told: set[str] = field(default_factory=set)

    def add(self, submission: str, tests: list[dict]) -> None:
        """One submission's tests of this exercise (its visible and its hidden share)."""
        self.scores[submission] = points(sum(t["score"] for t in tests))
        self.max_points = points(sum(t["max_score"] for t in tests))
        self.title = self.title or tests[0]["name"].removesuffix(HIDDEN_SUFFIX)
        # dicts as ordered sets: ties in the ranking keep the order first met
        cases: dict[tuple[str, bool], None] = {}
        hints: dict[str, None] = {}
        kinds: set[str] = set()
        for test in tests:
            extra = test.get("extra_data", {})
            if extra.get("reason_kind"):
                kinds.add(extra["reason_kind"])
                key = (f"not judged: {extra['reason_kind']}", True)
                cases[key] = None
                self.case_kinds.setdefault(key, Counter())[extra["reason_kind"]] += 1
                self.case_example.setdefault(key, anonymised(test.get("output", ""), submission))
            for record in extra.get("cases", []):
                if not record["passed"]:
                    self._failed(submission, record, cases, hints, kinds)
        self.case_failed.update(list(cases))
        self.hint_count.update(list(hints))
        self.kinds.update(kinds - {None})

    def _failed(self, submission: str, record: dict, cases: dict, hints: dict, kinds: set) -> None:
        key = (record["case"], record["visible"])
        if key not in cases:
            self.case_kinds.setdefault(key, Counter())[record["kind"]] += 1
        cases[key] = None
        kinds.add(record["kind"])
        message = record.get("message")
        example = anonymised(message, submission) if message else _in_words(record)
        self.case_example.setdefault(key, example)
        hint = record.get("hint_id")
        if hint:
            hints[hint] = None
            # a message a student read shows the mistake better than the property's words
            if hint not in self.hint_example or (message and hint not in self.hint_told):
                self.hint_example[hint] = example
                if message:
                    self.hint_told.add(hint)

    def figures(self, exercise: str) -> ExerciseFigures:
        names = tuple(sorted(self.scores))
        # ties keep the order first met: the exercise's order of cases, visible ones first
        cases = sorted(self.case_failed.items(), key=lambda kv: -kv[1])
        hints = sorted(self.hint_count.items(), key=lambda kv: -kv[1])
        return ExerciseFigures(
            exercise=exercise,
            title=self.title,
            max_points=self.max_points,
            submissions=names,
            scores=tuple(self.scores[n] for n in names),
            cases=tuple(
                CaseCount(
                    name,
                    visible,
                    n,
                    dict(self.case_kinds[(name, visible)]),
                    self.case_example[(name, visible)],
                )
                for (name, visible), n in cases
            ),
            hints=tuple(HintCount(h, n, self.hint_example[h]) for h, n in hints),
            kinds=dict(self.kinds.most_common()),
        )


def _difficulty(e: ExerciseFigures) -> tuple[float, float, str]:
    return (e.mean_fraction, e.pass_rate, e.exercise)


def chapters(records: dict[str, dict]) -> dict[str, ChapterFigures]:
    """The figures of every chapter the results files grade (`gradebook.load(out)`), by chapter
    (`ch03`), in order."""
    tallies: dict[str, dict[str, _Tally]] = {}
    totals: dict[str, dict[str, float]] = {}
    late: Counter = Counter()
    for submission in sorted(records):
        record = records[submission]
        by_exercise: dict[str, list[dict]] = {}
        for test in record["tests"]:
            exercise = test.get("extra_data", {}).get("exercise", test["name"])
            by_exercise.setdefault(exercise, []).append(test)
        for exercise, tests in by_exercise.items():
            chapter = chapter_of(exercise)
            tallies.setdefault(chapter, {}).setdefault(exercise, _Tally()).add(submission, tests)
            total = totals.setdefault(chapter, {})
            total[submission] = total.get(submission, 0) + sum(t["score"] for t in tests)
        for chapter in {chapter_of(e) for e in by_exercise}:
            late[chapter] += gradebook.is_late(record)
    out = {}
    for chapter in sorted(tallies):
        exercises = [t.figures(e) for e, t in tallies[chapter].items()]
        names = tuple(sorted(totals[chapter]))
        out[chapter] = ChapterFigures(
            chapter=chapter,
            submissions=names,
            totals=tuple(points(totals[chapter][n]) for n in names),
            max_points=points(sum(e.max_points for e in exercises)),
            late=late[chapter],
            exercises=tuple(sorted(exercises, key=_difficulty)),
        )
    return out


CSV_COLUMNS = (
    "rank",
    "exercise",
    "max_points",
    "submissions",
    "mean_score",
    "mean_fraction",
    "pass_rate",
    "top_failing_case",
    "top_failing_case_count",
    "top_hint",
    "top_hint_count",
)


def _csv_row(rank: int, e: ExerciseFigures) -> list:
    case, hint = (e.cases or (None,))[0], (e.hints or (None,))[0]
    return [
        rank,
        e.exercise,
        e.max_points,
        len(e.submissions),
        round(e.mean_score, 3),
        round(e.mean_fraction, 3),
        round(e.pass_rate, 3),
        case.case if case else "",
        case.failed if case else 0,
        hint.text if hint else "",
        hint.count if hint else 0,
    ]


def csv_text(chapter: ChapterFigures) -> str:
    """`chNN.csv`: a row per exercise, hardest first, with the figures its page shows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for rank, e in enumerate(chapter.exercises, 1):
        writer.writerow(_csv_row(rank, e))
    return buffer.getvalue()
