"""What the grader shows: Gradescope's `results.json` for a submission, the text table and details."""

from __future__ import annotations

from autograder import results
from autograder.grade import Graded
from autograder.results import ExerciseResult, points


def tests(r: ExerciseResult) -> list[dict]:
    """An exercise's Gradescope tests: its visible cases' share, shown to the student at once, and
    its hidden cases' share, shown once grades are published (`after_published`) and saying only
    which property failed. An all-or-nothing exercise with hidden cases is one hidden test; one
    that could not be judged is one visible test with the reason.
    `extra_data` carries the exercise id and each case's verdict as data."""
    exercise = r.exercise
    visible = tuple(c for c in r.cases if c.case.visible)
    hidden = tuple(c for c in r.cases if not c.case.visible)
    # an exercise that could not be judged is one visible test: its reason is about the notebook
    parts = [("", r.cases, "visible")]
    if hidden and exercise.all_or_nothing:
        parts = [("", r.cases, "after_published")]
    elif hidden:
        parts = [("", visible, "visible"), (" (hidden cases)", hidden, "after_published")]
    out = []
    # the last part takes what the others leave, so that the parts add up to the rounded whole
    score_left, max_left = r.score, exercise.points
    for i, (suffix, cases, visibility) in enumerate(parts):
        last = i == len(parts) - 1
        score = score_left if last else r.score_of(cases)
        maximum = max_left if last else r.max_of(cases)
        score_left, max_left = points(score_left - score), points(max_left - maximum)
        test = {
            "name": exercise.title + suffix,
            "score": points(score),
            "max_score": points(maximum),
            "output": _output(r, cases, visibility),
            "visibility": visibility,
            "extra_data": {"exercise": exercise.id, "cases": [c.record() for c in cases]},
        }
        if r.reason is not None:
            test["extra_data"]["reason_kind"] = r.reason_kind
        out.append(test)
    return out


def _output(r: ExerciseResult, cases: tuple, visibility: str) -> str:
    if r.reason is not None or visibility == "visible" or r.exercise.all_or_nothing:
        return r.message()
    failed = [c for c in cases if not c.passed]
    if not failed:
        return f"{r.exercise.id}: all {len(cases)} hidden cases passed"
    kinds = sorted({c.failure.kind for c in failed if c.failure is not None})
    words = "; ".join(results.WORDS[k] for k in kinds)
    return f"{r.exercise.id}: {len(failed)} of {len(cases)} hidden cases failed: {words}"


def gradescope(g: Graded) -> dict:
    """The `results.json` Gradescope's autograder reads: the score and the exercises' tests."""
    out = {"score": g.score, "tests": [t for r in g.results.values() for t in tests(r)]}
    if g.notes:
        out["output"] = "\n".join(g.notes)
    return out


def table(graded: list[Graded]) -> str:
    """A plain-text summary: one row per submission, the failures below it."""
    width = max([len(g.submission.name) for g in graded] + [10])
    lines = [f"{'submission':<{width}}  score"]
    for g in graded:
        late = "  (late)" if g.submission.late else ""
        lines.append(f"{g.submission.name:<{width}}  {g.score:>6} / {g.max_score}{late}")
    return "\n".join(lines)


def details(g: Graded) -> str:
    lines = [f"== {g.submission.name}: {g.score} / {g.max_score}"]
    lines += [f"  note: {n}" for n in g.notes]
    for r in g.results.values():
        mark = "ok  " if r.passed else "FAIL"
        lines.append(f"  {mark} {r.exercise.title} ({r.score}/{r.exercise.points})")
        if not r.passed:
            message = r.message(staff=True)
            lines += ["       " + line for line in message.splitlines()[1:] or [message]]
    return "\n".join(lines)


def feedback(g: Graded) -> str:
    """The student's page (Markdown): each exercise's points, the first failed visible case in
    full, and for hidden cases only the property that failed."""
    lines = [f"# {g.submission.name}: {g.score} / {g.max_score}", ""]
    if g.submission.late:
        lines += ["Handed in late.", ""]
    lines += ["| exercise | points |", "| --- | --- |"]
    lines += [
        f"| {r.exercise.title} | {r.score} / {r.exercise.points} |" for r in g.results.values()
    ]
    for r in g.results.values():
        if not r.passed:
            lines += ["", f"## {r.exercise.id}", "", "```", r.message(), "```"]
    if g.notes:
        lines += ["", "## Notes", "", *(f"- {n}" for n in g.notes)]
    return "\n".join(lines) + "\n"
