"""The student kit: what students install, built by `autograder release` into `student-kit/`.

- `notebooks/chNN/`: the released notebooks;
- `d2lkit/`: what the notebooks import (loaders, plotting, timers, training helpers), without the
  reference of any exercise whose answer the book does not print (`Exercise.origin == "kit"`);
- `autograder/`: the self-check only: `check`, the judge, the harvest, the fixtures, and per
  chapter `visible/chNN.pkl`, the exercises with their visible cases, their payloads and the
  reference's outputs for them, stored here so that the self-check runs no reference code. Hints
  and checkers travel by value (cloudpickle); the hidden cases, `autograder/checks/`, `solutions/`
  and `samples/` never enter the kit.

`tests/autograder/test_kit.py` installs it in a fresh virtual environment, runs a notebook's
self-check there and searches it for every hidden case and every kit-only reference.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import shutil
from pathlib import Path

import cloudpickle
import tomllib
import torch

from autograder import engine, registry
from autograder.compare import qualname
from autograder.spec import Exercise, ReferenceName, Stored

KIT_DIR = "student-kit"
KIT_NAME = "d2lkit-student"
# what the self-check needs of the autograder package; `registry.py` is the kit's own
SELF_CHECK = (
    "__init__.py",
    "grade_cell.py",
    "engine.py",
    "compare.py",
    "results.py",
    "spec.py",
    "harvest.py",
    "hints.py",
    "networks.py",
    "strategies.py",
    "fixtures",
)
STORED_CAP = 8 << 20
# the staff's dependencies that students need too
STUDENT_DEPENDENCIES = ("torch", "torchvision", "numpy", "pandas", "matplotlib", "tqdm")


def kit_only(exercises: list[Exercise]) -> dict[str, set[str]]:
    """d2lkit module → the names of the references the kit must not ship."""
    names: dict[str, set[str]] = {}
    for e in exercises:
        module = getattr(e.reference, "__module__", "")
        if e.origin == "kit" and module.startswith("d2lkit"):
            names.setdefault(module, set()).add(e.reference.__qualname__.split(".")[0])
    return names


def strip(source: str, names: set[str]) -> str:
    """`source` without the top-level definitions of `names` and without importing them."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    cuts: list[tuple[int, int, str]] = []  # (first line, last line, replacement), 1-based
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in names:
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                cuts.append((first, node.end_lineno, ""))
        elif isinstance(node, ast.ImportFrom) and any(a.name in names for a in node.names):
            kept = [a for a in node.names if a.name not in names]
            trimmed = ast.ImportFrom(module=node.module, names=kept, level=node.level)
            text = ast.unparse(trimmed) + "\n" if kept else ""
            cuts.append((node.lineno, node.end_lineno, text))
        elif _is_all(node):
            kept = [e for e in node.value.elts if getattr(e, "value", None) not in names]
            node.value.elts = kept
            cuts.append((node.lineno, node.end_lineno, ast.unparse(node) + "\n"))
    for first, last, text in sorted(cuts, reverse=True):
        lines[first - 1 : last] = [text]
    return "".join(lines)


def _is_all(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        and isinstance(node.value, (ast.List, ast.Tuple))
    )


def _copy_d2lkit(root: Path, out: Path, removed: dict[str, set[str]]) -> None:
    every = set().union(*removed.values()) if removed else set()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(root / "d2lkit", out / "d2lkit", ignore=ignore)
    for path in sorted((out / "d2lkit").rglob("*.py")):
        module = ".".join(path.relative_to(out).with_suffix("").parts).removesuffix(".__init__")
        # a module loses its kit-only definitions; every module stops importing them
        names = removed.get(module, set()) | every
        source = path.read_text(encoding="utf-8")
        stripped = strip(source, names)
        if stripped != source:
            path.write_text(stripped, encoding="utf-8")


def _copy_self_check(root: Path, out: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    (out / "autograder").mkdir(parents=True)
    for name in SELF_CHECK:
        source = root / "autograder" / name
        if source.is_dir():
            shutil.copytree(source, out / "autograder" / name, ignore=ignore)
        else:
            shutil.copy2(source, out / "autograder" / name)
    shutil.copy2(root / "autograder" / "kit_registry.py", out / "autograder" / "registry.py")


def visible_data(exercises: list[Exercise]) -> dict[str, tuple[Exercise, Stored | None]]:
    """Each exercise as the kit holds it: its visible cases, a stand-in for its reference, and
    those cases' payloads and expected outputs.

    A book network whose weights alone outweigh `STORED_CAP` (7.1's AlexNet holds 370 MB of them)
    keeps its reference instead, which the kit ships anyway since the book prints it: the
    self-check builds that network and computes its visible cases' outputs on the student's
    machine. A kit-only reference is always stored, never shipped."""
    data = {}
    for e in exercises:
        chosen = engine.cases(e, include_hidden=False)
        expected = engine.expected(e, include_hidden=False)
        cases = functools.partial(tuple, tuple(case for case, _ in chosen))
        stored = Stored(tuple(p for _, p in chosen), expected)
        if e.origin == "book" and _tensor_bytes(stored) > STORED_CAP:
            data[e.id] = (dataclasses.replace(e, cases=cases), None)
            continue
        module, _, name = qualname(e.reference).rpartition(".")
        kit_exercise = dataclasses.replace(e, reference=ReferenceName(module, name), cases=cases)
        data[e.id] = (kit_exercise, stored)
    return data


def _tensor_bytes(value: object) -> int:
    if isinstance(value, torch.Tensor):
        return value.numel() * value.element_size()
    if isinstance(value, dict):
        return sum(_tensor_bytes(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_tensor_bytes(v) for v in value)
    if isinstance(value, Stored):
        return _tensor_bytes(value.payloads) + _tensor_bytes(value.expected)
    return 0


def _write_data(out: Path, chapters: list[str]) -> None:
    from autograder import checks

    folder = out / "autograder" / "visible"
    folder.mkdir()
    # the checks' own functions (hints, checkers) are pickled by value: the kit has no checks
    cloudpickle.register_pickle_by_value(checks)
    try:
        for chapter in chapters:
            exercises = [e for e in registry.exercises().values() if e.chapter == chapter]
            (folder / f"{chapter}.pkl").write_bytes(cloudpickle.dumps(visible_data(exercises)))
    finally:
        cloudpickle.unregister_pickle_by_value(checks)


def _pyproject(root: Path, version: str) -> str:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = [
        d
        for d in project["dependencies"]
        if d.split(">")[0].split("=")[0].split("<")[0] in STUDENT_DEPENDENCIES
    ]
    deps = ",\n".join(f'    "{d}"' for d in [*wanted, "cloudpickle>=2", "ipython>=8"])
    return f"""[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{KIT_NAME}"
version = "{version}"
description = "The student kit of d2lkit: the notebooks' helpers and the self-check"
requires-python = "{project["requires-python"]}"
dependencies = [
{deps},
]

[tool.setuptools.packages.find]
include = ["d2lkit*", "autograder*"]

[tool.setuptools.package-data]
autograder = ["visible/*.pkl"]
"""


def version(root: Path) -> str:
    return tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]


def build(root: Path, chapters: list[str], out: Path | None = None) -> Path:
    """Write the student kit of `chapters` to `out` (default `ROOT/student-kit`)."""
    out = out or root / KIT_DIR
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    all_exercises = list(registry.exercises().values())
    _copy_d2lkit(root, out, kit_only(all_exercises))
    _copy_self_check(root, out)
    _write_data(out, chapters)
    for chapter in chapters:
        shutil.copytree(root / "assignments" / chapter, out / "notebooks" / chapter)
    (out / "pyproject.toml").write_text(_pyproject(root, version(root)))
    (out / "README.md").write_text(
        "# d2lkit student kit\n\n`pip install .` here, then open `notebooks/` in JupyterLab.\n"
        "Each exercise's check cell runs its visible cases; the grader also runs hidden ones.\n"
    )
    return out
