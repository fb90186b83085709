"""Demo cells (tagged `demo` in the kit's solutions) are skipped when grading, by the kit's ids only."""

from pathlib import Path

import nbformat

from autograder.grade import _cells, demo_cells

ROOT = Path(__file__).resolve().parents[2]
STEM = "3.6-softmax-regression-scratch"


def test_the_kit_marks_demo_cells_that_are_neither_solutions_nor_checks():
    ids = demo_cells(STEM)
    assert ids
    nb = nbformat.read(ROOT / "solutions" / "ch03" / f"{STEM}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.get("id") in ids:
            assert "nbgrader" not in cell.metadata and "check(" not in cell.source


def test_a_submission_cannot_mark_its_own_cells_to_skip(tmp_path):
    nb = nbformat.read(ROOT / "samples" / "class" / "full" / "ch03" / f"{STEM}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.metadata["autograder"] = {"demo": True}
    path = tmp_path / f"{STEM}.ipynb"
    nbformat.write(nb, path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    kept = _cells(path, skip_demos=True)
    assert len(kept) == len(code) - len(demo_cells(STEM))
    assert all(c.source in kept for c in code if c.metadata.get("nbgrader", {}).get("solution"))
    assert len(_cells(path, skip_demos=False)) == len(code)
