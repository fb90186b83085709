"""The student kit: installed alone in a fresh virtual environment, it self-checks the released
notebooks, and holds no hidden case and no kit-only reference."""

import ast
import json
import os
import pickle
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import torch

from autograder import engine, kit, kit_source, registry
from autograder.spec import Stored
from tests.helpers import borrowing_venv

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
CHAPTERS = sorted(p.name for p in (ROOT / "assignments").glob("ch*") if p.is_dir())


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The kit built and pip-installed into a new venv that borrows torch and the other libraries
    from this one (`borrowing_venv`)."""
    tmp = tmp_path_factory.mktemp("kit")
    built = kit.build(ROOT, CHAPTERS, tmp / "student-kit")
    top = {p.name for p in built.iterdir()}
    python = borrowing_venv(tmp / "venv")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", str(built)],
        check=True,
        capture_output=True,
    )
    return built, python, top


def run(python: Path, code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AUTOGRADER_MODE")}
    done = subprocess.run(
        [python, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=cwd, env=env
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_kit_is_what_students_import_and_nothing_more(installed, tmp_path):
    built, python, top = installed
    kit_only = {e.reference.__module__: [] for e in registry.exercises().values()}
    for e in registry.exercises().values():
        if e.origin == "kit" and e.reference.__module__.startswith("d2lkit"):
            kit_only[e.reference.__module__].append(e.reference.__qualname__)
    kit_only = {m: names for m, names in kit_only.items() if names}
    out = run(
        python,
        f"""
        import importlib, json
        import autograder, d2lkit
        missing = {{m: [n for n in names if hasattr(importlib.import_module(m), n)]
                   for m, names in {kit_only!r}.items()}}
        from autograder import registry
        hidden = [c.name for e in registry.exercises().values() for c in e.cases() if not c.visible]
        print(json.dumps([autograder.__file__, d2lkit.__file__, missing, hidden]))
        """,
        tmp_path,
    )
    autograder_file, d2lkit_file, shipped, hidden = json.loads(out.splitlines()[-1])
    assert "site-packages" in autograder_file and "site-packages" in d2lkit_file
    assert shipped == {m: [] for m in kit_only}, "kit-only references shipped"
    assert hidden == []
    assert top == {"autograder", "d2lkit", "notebooks", "pyproject.toml", "README.md"}
    for path in built.rglob("*.py"):
        text = path.read_text()
        for names in kit_only.values():
            assert not any(f"def {n}(" in text for n in names), f"{path} defines a kit-only item"


def _tensors(value):
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors(v)


def _strings(path: Path) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Constant)}


def test_no_hidden_case_is_in_the_kit(installed):
    built, _, _ = installed
    stored = []
    texts = b""
    for path in sorted((built / "autograder" / "visible").glob("*.pkl")):
        texts += path.read_bytes()
        for visible in pickle.loads(path.read_bytes()).values():
            assert all(c.visible for c in visible.cases)
            if isinstance(visible.stored, Stored):
                data = (visible.stored.payloads, visible.stored.expected)
                stored += [t for t in _tensors(data) if t.numel() >= 4]
    strings = set().union(*(_strings(p) for p in built.rglob("*.py")))
    by_shape = {}
    for t in stored:
        by_shape.setdefault((tuple(t.shape), t.dtype), []).append(t)
    visible_names = {c.name for e in registry.exercises().values() for c in e.cases() if c.visible}
    for exercise in registry.exercises().values():
        for case, payload in engine.cases(exercise):
            if case.visible:
                continue
            # the name as pickle writes a whole string, or as a string in the kit's code
            name = case.name.encode()
            if case.name not in visible_names and len(name) < 256:
                pickled = b"\x8c" + bytes([len(name)]) + name
                assert pickled not in texts, f"{exercise.id}: hidden case {case.name}"
                assert case.name not in strings, f"{exercise.id}: hidden case {case.name}"
            for t in _tensors((payload["args"], payload["kwargs"])):
                same = by_shape.get((tuple(t.shape), t.dtype), [])
                assert not any(torch.equal(t, s) for s in same), f"{exercise.id} / {case.name}"


SELF_CHECK = """
import json, sys
from pathlib import Path
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()
verdicts = {}
for path in sorted(Path(sys.argv[1]).glob("*.ipynb")):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or cell["metadata"].get("autograder", {}).get("demo"):
            continue
        result = shell.run_cell("".join(cell["source"]), silent=True)
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if cell["metadata"].get("nbgrader", {}).get("grade"):
            verdicts[grade_id] = result.success
print(json.dumps(verdicts))
"""


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_released_notebook_self_checks_in_the_kit(installed, tmp_path, chapter):
    """The correct sample student's notebooks, run in the kit's environment: every check passes;
    the released stubs: every check fails."""
    _, python, _ = installed
    for student, want in (("full", True), ("stub", False)):
        folder = (
            ROOT / "assignments" / chapter
            if student == "stub"
            else ROOT / "samples" / "class" / student / chapter
        )
        work = tmp_path / student
        shutil.copytree(folder, work)
        env_code = f"import sys; sys.argv = ['', {str(work)!r}]\n" + SELF_CHECK
        verdicts = json.loads(run(python, env_code, work).splitlines()[-1])
        graded = {e.grade_id for e in registry.exercises().values() if e.chapter == chapter}
        assert set(verdicts) >= graded
        assert {verdicts[g] for g in graded} == {want}, (student, verdicts)


def test_stripping_a_kit_only_name_keeps_a_library_s_namesake():
    source = (
        "from torch import sigmoid\n"
        "from d2lkit.mlp import relu, sigmoid as s\n"
        "from .helpers import sigmoid\n\n\n"
        "def sigmoid(X):\n    return X\n\n\n"
        "__all__ = ['relu', 'sigmoid']\n"
    )
    stripped = kit_source.strip(source, {"sigmoid"})
    kept = [line for line in stripped.splitlines() if line]
    assert kept == [
        "from torch import sigmoid",
        "from d2lkit.mlp import relu",
        "__all__ = ['relu']",
    ]
