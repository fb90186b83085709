"""Submitted notebooks are matched to their release by their cells, not by their file names; a
folder of LMS downloads is graded student by student; what is not graded is said, with why."""

import csv
import json
import shutil
from pathlib import Path

import pytest

from autograder import gradebook, registry
from autograder.cli import main
from autograder.submissions import discover, lms_name, match

ROOT = Path(__file__).resolve().parents[2]
RELEASED = sorted((ROOT / "assignments").glob("ch*/*.ipynb"))
CH03 = ROOT / "samples" / "class" / "full" / "ch03"
STEM = "3.2-linear-regression-scratch"
STUB = ROOT / "samples" / "class" / "empty" / "ch03" / f"{STEM}.ipynb"


def _strip_identity(source: Path, target: Path) -> None:
    """A copy of a notebook whose cells carry no grade ids and no cell ids (as some editors save)."""
    nb = json.loads(source.read_text())
    for cell in nb["cells"]:
        cell.pop("id", None)
        cell["metadata"].pop("nbgrader", None)
    target.write_text(json.dumps(nb))


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.stem)
def test_every_released_notebook_renamed_is_matched_back(path, tmp_path):
    renamed = tmp_path / "my homework.ipynb"
    shutil.copy(path, renamed)
    assert match(renamed)[0] == path.stem


@pytest.mark.parametrize("kind", ["full", "partial", "empty"])
def test_every_sample_renamed_is_matched_back(kind, tmp_path):
    samples = sorted((ROOT / "samples" / "class" / kind).glob("ch*/*.ipynb"))
    assert samples
    for path in samples:
        renamed = tmp_path / f"alice_LATE_1_2_Copy of {path.stem[::-1]}.ipynb"
        shutil.copy(path, renamed)
        assert match(renamed, "Copy of x.ipynb")[0] == path.stem, path


def test_cells_decide_over_the_file_name(tmp_path):
    misnamed = tmp_path / "3.6-softmax-regression-scratch.ipynb"
    shutil.copy(CH03 / f"{STEM}.ipynb", misnamed)
    assert match(misnamed) == (STEM, "by its cells' grade ids")


def test_without_ids_the_name_decides_less_a_resubmission_suffix(tmp_path):
    bare = tmp_path / "bare.ipynb"
    _strip_identity(CH03 / f"{STEM}.ipynb", bare)
    assert match(bare, f"{STEM}-2.ipynb") == (STEM, "by its file name")
    stem, why = match(bare)
    assert stem is None and "name is none of theirs" in why


def test_an_unreadable_notebook_is_kept_by_name_else_said_why(tmp_path):
    broken = tmp_path / f"{STEM}.ipynb"
    broken.write_text("{ not json")
    assert match(broken)[0] == STEM  # graded: the student's zero, with the reason
    stem, why = match(broken, "homework.ipynb")
    assert stem is None and why.startswith("could not be read as a notebook (JSONDecodeError")


def test_lms_names():
    canvas = lms_name("alice_LATE_12345_67890_3.6-softmax-regression-scratch-1.ipynb")
    assert canvas is not None
    assert (canvas.login, canvas.user, canvas.late, canvas.file_id) == (
        "alice",
        "12345",
        True,
        67890,
    )
    assert canvas.original == "3.6-softmax-regression-scratch-1.ipynb"
    on_time = lms_name("bob_7_8_my homework.ipynb")
    assert on_time is not None and not on_time.late and on_time.original == "my homework.ipynb"
    moodle = lms_name("Ada Lovelace_42_assignsubmission_file_hw.ipynb")
    assert moodle is not None and (moodle.login, moodle.user, moodle.original) == (
        "Ada Lovelace",
        "42",
        "hw.ipynb",
    )
    assert lms_name(f"{STEM}.ipynb") is None and lms_name("my homework.ipynb") is None


def _canvas_folder(folder: Path) -> Path:
    """Three students side by side, as Canvas downloads them, and a stray notebook: ada (late,
    solved), bob (a renamed stub) and cy (solved, resubmitted: `-1` is the later upload)."""
    folder.mkdir(parents=True)
    shutil.copy(CH03 / f"{STEM}.ipynb", folder / f"ada_LATE_101_9001_{STEM}.ipynb")
    shutil.copy(STUB, folder / "bob_102_9002_my homework.ipynb")
    shutil.copy(STUB, folder / f"cy_103_9003_{STEM}.ipynb")
    shutil.copy(CH03 / f"{STEM}.ipynb", folder / f"cy_103_9010_{STEM}-1.ipynb")
    (folder / "cy_103_9011_notes.txt").write_text("my notes\n")
    shutil.copy(ROOT / "assignments" / "ch02" / "2.1-ndarray.ipynb", folder / "unrelated.ipynb")
    _strip_identity(folder / "unrelated.ipynb", folder / "unrelated.ipynb")
    return folder


def test_a_folder_of_canvas_downloads_is_grouped_by_student(tmp_path):
    found = discover([_canvas_folder(tmp_path / "canvas")])
    by_name = {s.name: s for s in found.submissions}
    assert sorted(by_name) == ["ada", "bob", "cy"]
    assert [s.late for s in (by_name["ada"], by_name["bob"], by_name["cy"])] == [True, False, False]
    assert all(list(s.notebooks) == [STEM] for s in found.submissions)
    assert by_name["cy"].notebooks[STEM].name == f"cy_103_9010_{STEM}-1.ipynb"
    # each student's working folder holds their own files, under the names they uploaded
    assert sorted(by_name["cy"].files) == [f"{STEM}-1.ipynb", f"{STEM}.ipynb", "notes.txt"]
    assert sorted(by_name["bob"].files) == ["my homework.ipynb"]
    skipped = {s.path.name: s.reason for s in found.skipped}
    assert skipped.keys() == {"unrelated.ipynb", f"cy_103_9003_{STEM}.ipynb"}
    assert "another copy" in skipped[f"cy_103_9003_{STEM}.ipynb"]
    assert any("another copy" in note for note in by_name["cy"].notes)


def test_folders_per_student_keep_their_names(tmp_path):
    for student in ("ada", "bob"):
        (tmp_path / student / "ch03").mkdir(parents=True)
        shutil.copy(CH03 / f"{STEM}.ipynb", tmp_path / student / "ch03" / "renamed.ipynb")
    found = discover([tmp_path])
    assert sorted((s.name, *s.notebooks) for s in found.submissions) == [
        ("ada/ch03", STEM),
        ("bob/ch03", STEM),
    ]
    assert not found.skipped
    alone = discover([tmp_path / "ada" / "ch03"]).submissions
    assert [s.name for s in alone] == ["ada/ch03"]


def test_an_lms_file_given_alone_is_graded_alone(tmp_path):
    folder = _canvas_folder(tmp_path / "canvas")
    found = discover([folder / "bob_102_9002_my homework.ipynb"])
    assert [s.name for s in found.submissions] == ["bob"] and not found.skipped


def test_a_notebook_half_one_release_half_another_is_matched_to_neither(tmp_path):
    halves = []
    for stem in (STEM, "3.6-softmax-regression-scratch"):
        cells = json.loads((CH03 / f"{stem}.ipynb").read_text())["cells"]
        halves += [c for c in cells if "nbgrader" in c["metadata"]][:4]
    first = json.loads((CH03 / f"{STEM}.ipynb").read_text())
    first["cells"] = halves
    mixed = tmp_path / "mixed.ipynb"
    mixed.write_text(json.dumps(first))
    stem, why = match(mixed)
    assert stem is None and "belong equally to" in why
    assert match(mixed, f"{STEM}.ipynb")[0] == STEM  # the name breaks the tie


def test_moodle_students_and_shared_logins(tmp_path):
    shutil.copy(CH03 / f"{STEM}.ipynb", tmp_path / "Ada Lovelace_7_assignsubmission_file_hw.ipynb")
    shutil.copy(STUB, tmp_path / "Ada Lovelace_8_assignsubmission_file_hw.ipynb")
    shutil.copy(STUB, tmp_path / "Bo Li_9_assignsubmission_file_hw.ipynb")
    names = sorted(s.name for s in discover([tmp_path]).submissions)
    assert names == ["Ada Lovelace_7", "Ada Lovelace_8", "Bo Li"]


def test_late_is_the_graded_copy_s_mark(tmp_path):
    shutil.copy(STUB, tmp_path / f"ada_LATE_1_5_{STEM}.ipynb")
    shutil.copy(STUB, tmp_path / f"ada_1_6_{STEM}-1.ipynb")
    shutil.copy(STUB, tmp_path / f"bo_2_7_{STEM}.ipynb")
    late = {s.name: s.late for s in discover([tmp_path]).submissions}
    assert late == {"ada": False, "bo": False}
    shutil.copy(STUB, tmp_path / f"bo_LATE_2_8_{STEM}-1.ipynb")
    assert {s.name: s.late for s in discover([tmp_path]).submissions}["bo"]


def test_results_written_before_the_late_mark_read_as_on_time():
    record = {"score": 1, "tests": [], "extra_data": {"submission": "old/ch03"}}
    assert not gradebook.is_late(record)
    rows = list(csv.reader(gradebook.gradebook_text({"old/ch03": record}).splitlines()))
    header = ["submission", "total", "max", "late", "graded_by"]
    assert rows == [header, ["old/ch03", "1", "0", "0", ""]]


@pytest.mark.slow
def test_a_canvas_folder_is_graded_student_by_student(tmp_path, capsys):
    folder = _canvas_folder(tmp_path / "canvas")
    out = tmp_path / "out"
    argv = ["grade", str(folder), "--out", str(out), "--quiet", "--jobs", "1", "--timeout", "20"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "not graded (2 notebooks)" in printed and "unrelated.ipynb: no cell of it" in printed
    assert "ada" in printed and "(late)" in printed
    rows = {r["submission"]: r for r in csv.DictReader((out / gradebook.GRADEBOOK).open())}
    assert sorted(rows) == ["ada", "bob", "cy"]
    header = next(csv.reader((out / gradebook.GRADEBOOK).open()))
    assert header[-4:] == ["total", "max", "late", "graded_by"]
    assert [rows[s]["late"] for s in ("ada", "bob", "cy")] == ["1", "0", "0"]
    points = sum(e.points for e in registry.for_notebook(STEM))
    assert float(rows["ada"]["total"]) == float(rows["cy"]["total"]) == points
    assert float(rows["bob"]["total"]) < points
    records = gradebook.load(out)
    graded_by = gradebook.graded_by()
    assert records["ada"]["extra_data"] == {
        "submission": "ada",
        "late": True,
        "graded_by": graded_by,
    }
    assert rows["ada"]["graded_by"] == graded_by
    assert "another copy" in records["cy"]["output"]
    # a renamed notebook self-checks as the notebook it is
    assert main(["check", str(folder / f"ada_LATE_101_9001_{STEM}.ipynb")]) == 0
    assert "✓ ch03.synthetic_data" in capsys.readouterr().out
    # --resume keeps what was judged and writes the same gradebook
    before = (out / gradebook.GRADEBOOK).read_text()
    assert main([*argv, "--resume"]) == 0
    assert (out / gradebook.GRADEBOOK).read_text() == before
