"""The result model: points shared among cases, the kind of each failure and the hint that fired,
as data, through the Gradescope file and the gradebook."""

import dataclasses

import pytest
import torch

from autograder import engine, gradebook, report
from autograder.grade import Graded, Submission
from autograder.results import KINDS, hint_id
from autograder.spec import Case, Exercise, T


def double(X):
    return X * 2


def _hint(case, expected, student):
    got = student.get("output")
    if isinstance(got, torch.Tensor) and got.shape == expected["output"].shape:
        return f"off by {float((got - expected['output']).abs().max()):.3g}: did you add instead?"
    return None


DOUBLE = Exercise(
    id="ch99.double",
    target="double",
    points=3,
    reference=double,
    cases=lambda: [
        Case("zeros", (T(torch.zeros(3), requires_grad=True),), grad=(0,)),
        Case("ones", (T(torch.ones(3), requires_grad=True),), grad=(0,)),
        Case("hidden", (T(torch.full((3,), 5.0), requires_grad=True),), grad=(0,), visible=False),
    ],
    notebook="99.1-double",
    hint=_hint,
    forbidden=("multiply",),
)

WRONG = {
    # implementation, the failed kind, how many of the three cases it passes
    "values": (lambda X: X * 2 + (X != 0).float(), "values", 1),
    "shape": (lambda X: (X * 2).reshape(1, -1), "shape", 0),
    "dtype": (lambda X: (X * 2).double(), "dtype", 0),
    "gradient": (lambda X: X + X.detach(), "gradient", 0),
    "forbidden": (lambda X: torch.multiply(X, 2), "forbidden", 0),
    "error": (lambda X: 1 / 0, "error", 0),
}


def judged(implementation, exercise=DOUBLE):
    return engine.check_in_process(exercise, implementation, include_hidden=True)


@pytest.mark.parametrize("mistake", sorted(WRONG))
def test_each_failed_case_records_its_kind(mistake):
    implementation, kind, passing = WRONG[mistake]
    result = judged(implementation)
    assert kind in KINDS
    assert [c.failure.kind for c in result.cases if not c.passed] == [kind] * (3 - passing)
    assert result.score == pytest.approx(3 * passing / 3)


def test_points_are_shared_among_the_cases_unless_all_or_nothing():
    assert judged(lambda X: X + X).score == 3
    half_wrong = judged(lambda X: X * 2 + (X > 2))  # wrong on the hidden case only
    assert half_wrong.score == 2 and not half_wrong.passed
    strict = dataclasses.replace(DOUBLE, id="ch99.strict", all_or_nothing=True)
    assert judged(lambda X: X * 2 + (X > 2), strict).score == 0


def test_a_hidden_case_says_which_property_failed_and_nothing_else():
    result = judged(lambda X: X * 2 + (X > 2))
    message = result.message()
    assert "1 hidden case(s) failed: the output's values are wrong" in message
    assert "5" not in message and "(3,)" not in message and "expected" not in message
    assert "expected" in result.message(staff=True)


def test_the_hint_that_fired_is_recorded_by_an_id_that_ignores_the_numbers():
    result = judged(lambda X: X * 2 + 1)
    failures = [c.failure for c in result.cases]
    assert all(f.hint and f.hint_id for f in failures)
    assert {f.hint_id for f in failures} == {"ch99.double: off by N: did you add instead?"}
    assert hint_id(DOUBLE, "exp overflows for x > 88.7\nmore") == (
        "ch99.double: exp overflows for x > N"
    )


def graded(implementation):
    result = judged(implementation)
    return Graded(Submission("alice/ch99", {}), {DOUBLE.id: result}, [])


def test_gradescope_shows_the_visible_share_now_and_the_hidden_share_once_published():
    g = graded(lambda X: X * 2 + (X > 2))
    visible, hidden = report.gradescope(g)["tests"]
    assert (visible["score"], visible["max_score"], visible["visibility"]) == (2, 2, "visible")
    assert (hidden["score"], hidden["max_score"], hidden["visibility"]) == (0, 1, "after_published")
    assert "values" in hidden["output"] and "off by" not in hidden["output"]
    cases = hidden["extra_data"]["cases"]
    assert cases == [
        {
            "case": "hidden",
            "visible": False,
            "passed": False,
            "kind": "values",
            "hint_id": "ch99.double: off by N: did you add instead?",
        }
    ]


def test_the_gradebook_adds_an_exercise_s_shares_back_together(tmp_path):
    gradebook.save(tmp_path, graded(lambda X: X * 2 + (X > 2)))
    rows = gradebook.gradebook_text(gradebook.load(tmp_path)).splitlines()
    version = gradebook.graded_by()
    assert rows == [
        "submission,ch99.double,total,max,late,graded_by",
        f"alice/ch99,2,2,3,0,{version}",
    ]


def test_a_third_of_the_points_is_written_as_people_write_it(tmp_path):
    thirds = dataclasses.replace(DOUBLE, id="ch99.thirds", points=2)
    result = judged(lambda X: X * 2 + (X == 1), thirds)
    assert result.score == 1.33
    g = Graded(Submission("bob/ch99", {}), {thirds.id: result}, [])
    gradebook.save(tmp_path, g)
    assert (
        gradebook.gradebook_text(gradebook.load(tmp_path)).splitlines()[1]
        == f"bob/ch99,1.33,1.33,2,0,{gradebook.graded_by()}"
    )


def test_the_feedback_page_shows_points_and_hidden_cases_by_property(tmp_path):
    gradebook.save(tmp_path, graded(lambda X: X * 2 + (X > 2)))
    page = (tmp_path / gradebook.FEEDBACK / "alice__ch99.md").read_text()
    assert page.startswith("# alice/ch99: 2 / 3")
    assert "| ch99.double | 2 / 3 |" in page
    assert "1 hidden case(s) failed: the output's values are wrong" in page
    assert "expected" not in page
