"""Every check can fail: references pass, stubs fail, and each mutant is rejected with its message."""

from pathlib import Path

import pytest

from autograder import engine, registry
from autograder.validate import load_mutants

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = list(registry.exercises().values())


MUTANTS = load_mutants(ROOT)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_the_reference_is_refused_by_name(exercise):
    result = engine.check_in_process(exercise, exercise.reference, include_hidden=True)
    assert not result.passed and "reference" in result.message()


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_a_stub_scores_zero(exercise):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    result = engine.check_in_process(exercise, stub, include_hidden=True)
    assert not result.passed and result.score == 0
    assert "NotImplementedError" in result.message()


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_every_exercise_has_a_mutant(exercise):
    assert MUTANTS.get(exercise.id), (
        f"add a mutant for {exercise.id} to tests/mutants/{exercise.chapter}"
    )


@pytest.mark.parametrize(
    ("exercise_id", "name", "implementation", "phrase"),
    [(i, *m) for i, ms in MUTANTS.items() for m in ms],
    ids=[f"{i}:{m[0]}" for i, ms in MUTANTS.items() for m in ms],
)
def test_mutant_is_rejected_with_a_useful_message(exercise_id, name, implementation, phrase):
    exercise = registry.get(exercise_id)
    result = engine.check_in_process(exercise, implementation, include_hidden=True)
    assert not result.passed, f"mutant '{name}' passed"
    assert phrase in result.message(staff=True), result.message(staff=True)


def test_exercise_ids_targets_and_notebooks_are_consistent():
    for exercise in EXERCISES:
        chapter, name = exercise.id.split(".", 1)
        assert chapter.startswith("ch") and name
        assert exercise.notebook[0].isdigit() and exercise.points > 0
        assert list(exercise.cases()), exercise.id


def test_validate_reports_mutant_problems_from_its_worker_processes(tmp_path):
    from autograder.validate import check_mutants

    mutants = tmp_path / "tests" / "mutants"
    mutants.mkdir(parents=True)
    (mutants / "ch03.py").write_text(
        "import torch\n"
        "def softmax(X):\n"
        "    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)\n"
        "    return X_exp / X_exp.sum(dim=1, keepdim=True)\n"
        "MUTANTS = {'ch03.softmax': [('correct after all', softmax, 'anything')]}\n"
    )
    problems = check_mutants(tmp_path, jobs=2, exercise_ids=["ch03.softmax", "ch03.linreg"])
    assert problems == [
        "ch03.softmax: mutant 'correct after all' passes its check",
        "ch03.linreg: no mutant in tests/mutants/ch03",
    ]


def test_every_mutant_phrase_says_where_it_fails():
    bare = [f"{i}: {m[0]}" for i, ms in MUTANTS.items() for m in ms if m[2].strip() == "expected"]
    assert not bare, f"these mutants only require 'expected': {bare}"
