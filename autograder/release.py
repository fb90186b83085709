"""`autograder release`: nbgrader's own `generate_assignment`, then the bundled sample class.

`assignments/chNN/` is exactly what `nbgrader generate_assignment chNN` makes from `solutions/chNN/`
with the course's `nbgrader_config.py` (a throw-away gradebook keeps the repository clean).
``samples/class/{full,partial,empty}/chNN/` are three students built from those notebooks: every
solution filled in, the first half of each notebook's code solutions filled in, and the untouched
stubs. Only the full student answers the written questions (with the model answers), so the
partial student's autograded score is the same with or without them.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from autograder import build
from d2lkit.errors import D2lkitError

SAMPLE_STUDENTS = ("full", "partial", "empty")


def chapters(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "solutions").glob("ch*") if any(p.glob("*.ipynb")))


def tool_env() -> dict[str, str]:
    """The environment with this interpreter's scripts first on PATH: nbgrader runs `alembic` by name."""
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": os.pathsep.join([scripts, os.environ.get("PATH", "")])}


def generate(root: Path, chapter: str, release_dir: Path) -> None:
    """Run nbgrader generate_assignment for one chapter, writing into `release_dir/chapter`."""
    with tempfile.TemporaryDirectory(prefix="nbgrader-db-") as db:
        command = [
            sys.executable,
            "-m",
            "nbgrader",
            "generate_assignment",
            chapter,
            "--force",
            f"--CourseDirectory.root={root}",
            f"--CourseDirectory.release_directory={release_dir}",
            f"--CourseDirectory.db_url=sqlite:///{db}/gradebook.db",
        ]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=tool_env())
    if done.returncode != 0:
        raise D2lkitError(f"nbgrader generate_assignment {chapter} failed:\n{done.stderr[-2000:]}")


def _solutions_by_id(source: nbformat.NotebookNode) -> dict[str, str]:
    """Each solution cell's source without nbgrader's region markers: what a student would write."""
    found = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            lines = [
                line
                for line in cell.source.splitlines()
                if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
            ]
            found[meta["grade_id"]] = "\n".join(lines)
    return found


def code_solutions(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The solution cells the kit grades: code, not the written answers graded by hand."""
    return [
        c
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    ]


def student(
    released: nbformat.NotebookNode, solutions: dict[str, str], fill: int | None
) -> nbformat.NotebookNode:
    """A submission: the released notebook with the first `fill` code solution cells answered (all,
    and the written answers too, if None)."""
    nb = nbformat.from_dict(released)
    for cell in code_solutions(nb)[:fill]:
        cell.source = solutions[cell.metadata.nbgrader.grade_id]
    if fill is None:
        for cell in nb.cells:
            if build.is_written_answer(cell):
                cell.source = solutions[cell.metadata.nbgrader.grade_id]
    return nb


def half(released: nbformat.NotebookNode) -> int:
    return math.ceil(len(code_solutions(released)) / 2)


def make_samples(root: Path, chapter: str, release_dir: Path, samples_dir: Path) -> None:
    for path in sorted((release_dir / chapter).glob("*.ipynb")):
        released = nbformat.read(path, as_version=4)
        solutions = _solutions_by_id(nbformat.read(root / "solutions" / chapter / path.name, 4))
        fills = {"full": None, "partial": half(released), "empty": 0}
        for name in SAMPLE_STUDENTS:
            out = samples_dir / name / chapter / path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(student(released, solutions, fills[name]), out)


def release(root: Path, selected: list[str] | None = None, kit_dir: Path | None = None) -> Path:
    """Regenerate `assignments/` and `samples/class/` for the selected chapters (default: all),
    then the student kit of every released chapter (`autograder.kit`); returns the kit's folder."""
    for chapter in selected or chapters(root):
        if not (root / "solutions" / chapter).is_dir():
            raise D2lkitError(f"no solutions/{chapter}")
        shutil.rmtree(root / "assignments" / chapter, ignore_errors=True)
        generate(root, chapter, root / "assignments")
        for name in SAMPLE_STUDENTS:
            shutil.rmtree(root / "samples" / "class" / name / chapter, ignore_errors=True)
        make_samples(root, chapter, root / "assignments", root / "samples" / "class")
    from autograder import kit

    released = sorted(p.name for p in (root / "assignments").glob("ch*") if p.is_dir())
    return kit.build(root, released, kit_dir)
