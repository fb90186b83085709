"""Plain-text sources to nbgrader notebooks: stable, and every exercise gets its grade cell."""

import json
from pathlib import Path

import pytest

import d2lkit
from autograder import build, registry

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "solutions" / "ch02" / "2.6-probability.py"


def test_a_rebuild_is_byte_identical():
    assert build.build_all(ROOT / "solutions", check=True) == []
    first, second = build.convert(SOURCE), build.convert(SOURCE)
    assert [c.id for c in first.cells] == [c.id for c in second.cells]


def _converted_with(tmp_path, old: str, new: str):
    """`build.convert` of SOURCE with its first `old` replaced by `new`."""
    text = SOURCE.read_text()
    assert old in text
    broken = tmp_path / "ch02" / SOURCE.name
    broken.parent.mkdir()
    broken.write_text(text.replace(old, new, 1))
    return build.convert(broken)


def test_a_check_cell_with_more_in_it_is_refused(tmp_path):
    line = 'check("ch02.relative_frequencies", relative_frequencies)\n'
    with pytest.raises(ValueError, match="no grade cell for ch02.relative_frequencies"):
        _converted_with(tmp_path, line, line + "print('more')\n")


def test_every_released_notebook_records_the_kit_version_that_released_it():
    for path in sorted(ROOT.glob("assignments/ch*/*.ipynb")):
        version = json.loads(path.read_text())["metadata"].get("d2lkit", {}).get("version")
        assert version == d2lkit.__version__, path
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'\nversion = "{d2lkit.__version__}"\n' in pyproject, "one version: d2lkit.__version__"


def test_every_released_exercise_says_its_points_and_cases_above_its_check():
    for path in sorted(ROOT.glob("assignments/ch*/*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        exercises = {e.grade_id: e for e in registry.for_notebook(path.stem)}
        if exercises:
            assert "How this notebook is graded" in "".join(cells[1]["source"]), path
        for before, cell in zip(cells, cells[1:]):
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if grade_id in exercises and cell["metadata"]["nbgrader"].get("grade"):
                assert "".join(before["source"]) == build.grading_line(exercises[grade_id]), path


def test_every_notebook_ends_with_written_questions_graded_by_hand():
    for source in sorted(ROOT.glob("solutions/ch*/*.py")):
        solution = build.convert(source)
        answers = [c for c in solution.cells if build.is_written_answer(c)]
        assert 2 <= len(answers) <= 3, source
        for n, cell in enumerate(answers, 1):
            meta = cell.metadata.nbgrader
            assert meta.grade and meta.points == build.WRITTEN_POINTS and not meta.locked
            assert meta.grade_id == build.written_grade_id(source, n)
            assert "." not in meta.grade_id, "formgrader selects a cell by its grade id"
            assert cell.source.strip() and "YOUR ANSWER HERE" not in cell.source, "a model answer"
        # after the last exercise: the check cells come first, the questions end the notebook
        graded = [
            i for i, c in enumerate(solution.cells) if c.metadata.get("nbgrader", {}).get("grade")
        ]
        assert [solution.cells[i] for i in graded[-len(answers) :]] == answers, source
        released = json.loads(
            (ROOT / "assignments" / source.parent.name / f"{source.stem}.ipynb").read_text()
        )
        stubs = [c for c in released["cells"] if build.is_written_answer(c)]
        assert [c["metadata"]["nbgrader"]["grade_id"] for c in stubs] == [
            c.metadata.nbgrader.grade_id for c in answers
        ]
        assert all("".join(c["source"]) == "YOUR ANSWER HERE" for c in stubs), source


def test_a_written_question_without_its_answer_is_refused(tmp_path):
    marker = '# %% [markdown] tags=["answer"]'
    with pytest.raises(ValueError, match="followed by a markdown cell tagged `answer`"):
        _converted_with(tmp_path, marker, "# %% [markdown]")
