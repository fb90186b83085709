"""`autograder` from the shell: the self-check, grading into files, and one-line errors."""

import subprocess
import sys
from pathlib import Path

import pytest

from autograder import engine, registry
from autograder.cli import main

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "3.2-linear-regression-scratch.ipynb"
pytestmark = pytest.mark.slow


def test_check_passes_a_solution_on_the_visible_cases(capsys):
    assert main(["check", str(ROOT / "solutions" / "ch03" / NOTEBOOK)]) == 0
    out = capsys.readouterr().out
    linreg = registry.get("ch03.linreg")
    visible = len(engine.cases(linreg, False))
    assert visible < len(engine.cases(linreg, True))
    assert f"✓ ch03.linreg: all {visible} cases passed" in out


def test_check_fails_a_stub_with_the_reasons(capsys):
    assert main(["check", str(ROOT / "assignments" / "ch03" / NOTEBOOK)]) == 1
    out = capsys.readouterr().out
    assert "✗ ch03.sgd" in out and "NotImplementedError" in out


def test_grade_writes_the_gradebook_and_results(tmp_path, capfd):
    submission = ROOT / "samples" / "class" / "partial" / "ch03"
    assert main(["grade", str(submission), "--out", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "gradebook.csv").read_text().startswith("submission,ch03.")
    assert (tmp_path / "results" / "partial__ch03.json").exists()
    out, err = capfd.readouterr()
    assert "partial/ch03" in out
    # the kernels' own stderr (ipykernel's start-up warnings) stays off the grader's terminal
    assert "Kernel" not in err and "WARNING" not in err


def test_bad_input_is_one_line_without_a_traceback(tmp_path):
    for args in (["grade", str(tmp_path / "nowhere")], ["grade", str(tmp_path)]):
        done = subprocess.run(
            [sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True
        )
        assert done.returncode == 2
        assert done.stderr.startswith("autograder: error:") and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
