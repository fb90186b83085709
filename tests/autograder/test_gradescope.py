"""The Gradescope bundle: what the zip holds, and `run_autograder` in a simulated `/autograder`.

The run needs root (Gradescope runs it so) and a user for the students' code: as root (CI) the
test makes one; elsewhere it is skipped, saying why. setup.sh's pip install is not run (no
network): `run_autograder` runs with this virtual environment (`AUTOGRADER_PYTHON`).
"""

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import delivery, gradescope, gradescope_run, gradescope_try, sandbox
from autograder.grade import Graded, grade
from autograder.isolate import Limits
from d2lkit.data import DATASETS
from d2lkit.errors import D2lkitError
from tests.helpers import container_user

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = "ch03"
USER = "d2lkit-student"
SAMPLES = ROOT / "samples" / "class"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    return gradescope.bundle(ROOT, CHAPTER, out, gradescope.Settings(user=USER))


def test_the_bundle_holds_what_grading_needs_and_no_solution(bundle):
    assert bundle.name == "autograder-ch03.zip"
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        texts = {n: z.read(n) for n in names}
    assert {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml"} <= names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    released = {f"assignments/ch03/{p.name}" for p in (ROOT / "assignments" / "ch03").glob("*")}
    assert {n for n in names if n.startswith("assignments/")} == released
    assert all(texts[n] == (ROOT / n).read_bytes() for n in released)
    assert "autograder/checks/ch03/softmax_scratch.py" in names
    assert "d2lkit/linear.py" in names and "autograder/fixtures/ch03.py" in names
    assert not [n for n in names if n.split("/")[0] in ("solutions", "samples", "tests")]
    others = [n for n in names if n.startswith(("autograder/checks/ch", "autograder/fixtures/ch"))]
    assert all("ch03" in n for n in others)
    solutions = {p.read_bytes() for p in (ROOT / "solutions").rglob("*.*")}
    assert not solutions & set(texts.values())
    setup = texts["setup.sh"].decode()
    assert f"useradd --system --no-create-home --shell /usr/sbin/nologin {USER}" in setup
    assert (
        "gradescope_run ch03 --prepare" in setup
        and "# the chapter's datasets (fashion-mnist)" in setup
    )
    assert f"--user {USER} --memory {512 << 20}" in texts["run_autograder"].decode()
    for script in ("setup.sh", "run_autograder"):
        done = subprocess.run(["bash", "-n"], input=texts[script], capture_output=True)
        assert done.returncode == 0, done.stderr


def test_the_datasets_fetched_are_the_chapters():
    assert set(gradescope.USES) == set(DATASETS)
    assert gradescope.datasets(ROOT, "ch02") == []
    assert gradescope.datasets(ROOT, "ch03") == ["fashion-mnist"]
    assert "timemachine" in gradescope.datasets(ROOT, "ch08")


def test_an_unknown_chapter_is_a_one_line_error(tmp_path):
    with pytest.raises(D2lkitError, match="no released chapter 'ch99'"):
        gradescope.bundle(ROOT, "ch99", tmp_path, gradescope.Settings())


def test_a_submission_is_every_notebook_uploaded_and_a_second_copy_is_noted(tmp_path):
    stem = "3.6-softmax-regression-scratch"
    shutil.copy(SAMPLES / "full" / CHAPTER / f"{stem}.ipynb", tmp_path / "mine.ipynb")
    (tmp_path / "again").mkdir()
    shutil.copy(SAMPLES / "partial" / CHAPTER / f"{stem}.ipynb", tmp_path / "again")
    (tmp_path / "notes.txt").write_text("hello")
    found = gradescope_run.submission(tmp_path)
    assert list(found.notebooks) == [stem] and "notes.txt" in found.files
    assert len(found.notes) == 1 and "not graded: another copy" in found.notes[0]


def test_a_lost_worker_fails_the_run_rather_than_scoring_the_student(tmp_path, monkeypatch):
    shutil.copy(SAMPLES / "full" / CHAPTER / "3.2-linear-regression-scratch.ipynb", tmp_path)

    def lost(submissions, options, **kwargs):
        return [Graded(submissions[0], {}, [f"3.2: {delivery.WORKER_LOST} (it ended)"])]

    monkeypatch.setattr(gradescope_run.container, "lookup", lambda name: None)
    monkeypatch.setattr(gradescope_run, "grade_submissions", lost)
    with pytest.raises(D2lkitError, match="grading failed, not the submission"):
        gradescope_run.grade(CHAPTER, tmp_path, USER, Limits(), 60.0)


def test_torch_threads_follow_the_containers_cpus_not_the_hosts():
    assert 1 <= gradescope_run.cpus() <= (os.cpu_count() or 1)


def _probe(folder: Path, root: Path) -> None:
    """A last cell in 3.6 that spoils `softmax` if the student's code runs as root, reads the
    chapter's checks or writes into the results folder: the full score says it could not."""
    path = folder / "3.6-softmax-regression-scratch.ipynb"
    nb = nbformat.read(path, as_version=4)
    checks = root / "source" / "autograder" / "checks" / "ch03" / "__init__.py"
    code = f"""import os
escaped = os.getuid() == 0
for attempt in (lambda: open({str(checks)!r}).read(), lambda: open({str(root / "results" / "x")!r}, "w")):
    try:
        attempt()
        escaped = True
    except OSError:
        pass
if escaped:
    softmax = None"""
    nb.cells.append(nbformat.v4.new_code_cell(code))
    nbformat.write(nb, path)


@pytest.mark.slow
def test_run_autograder_scores_the_samples_as_autograder_grade_does(bundle, tmp_path):
    if container_user(USER) is None:
        pytest.skip("run_autograder drops to an unprivileged user: that needs root (as in CI)")
    cases = {name: SAMPLES / name / CHAPTER for name in ("full", "partial", "empty")}
    cases["two of three"] = tmp_path / "two" / CHAPTER
    shutil.copytree(cases["full"], cases["two of three"])
    (cases["two of three"] / "3.5-image-classification-dataset.ipynb").unlink()
    expected = {
        g.submission.name.split("/")[0]: g.score
        for g in grade(cases.values(), show_progress=False, use_sandbox=sandbox.bwrap() is not None)
    }
    expected = {name: expected[folder.parent.name] for name, folder in cases.items()}
    cases["nothing"], expected["nothing"] = None, 0
    assert expected["full"] == 16 and expected["two of three"] == 15

    with gradescope_try.layout(bundle, CHAPTER, USER) as root:
        assert (root / "source" / "autograder" / "checks").stat().st_mode & 0o777 == 0o700
        for name, folder in cases.items():
            if name == "full":
                folder = shutil.copytree(folder, tmp_path / "probed" / CHAPTER)
                _probe(folder, root)
            results = gradescope_try.run(root, folder)
            assert results["score"] == expected[name], (name, results)
            assert sum(t["score"] for t in results["tests"]) == pytest.approx(expected[name])
            assert not (root / "results" / "x").exists()
            if name in ("two of three", "nothing"):
                assert (
                    "3.5-image-classification-dataset.ipynb was not submitted" in results["output"]
                )
