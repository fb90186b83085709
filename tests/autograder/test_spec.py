"""The check model: exercises are built by keyword, and say what they check where people read it."""

import pytest
import torch

from autograder import report
from autograder.grade import Graded, Submission
from autograder.results import CaseResult, ExerciseResult
from autograder.spec import Case, Exercise

FIELDS = dict(
    id="ch99.double",
    target="double",
    points=2,
    reference=lambda X: X * 2,
    cases=lambda: [Case("ones", (torch.ones(3),))],
    notebook="99.1-double",
)


def test_an_exercise_takes_keywords_only():
    with pytest.raises(TypeError):
        Exercise(*FIELDS.values())


def test_the_description_names_the_gradescope_test_and_the_report_line():
    described = Exercise(**FIELDS, description="twice the input")
    plain = Exercise(**{**FIELDS, "id": "ch99.plain"})
    results = {
        e.id: ExerciseResult(e, (CaseResult(Case("ones"), None),)) for e in (described, plain)
    }
    graded = Graded(Submission("alice/ch99", {}), results, [])
    names = [t["name"] for t in report.gradescope(graded)["tests"]]
    assert names == ["ch99.double: twice the input", "ch99.plain"]
    assert "ok   ch99.double: twice the input (2/2)" in report.details(graded)
