"""The student kit: what students install, built by `autograder release` into `student-kit/`.

- `notebooks/chNN/`: the released notebooks;
- `d2lkit/`: what the notebooks import (loaders, plotting, timers, training helpers), without the
  reference of any exercise whose answer the book does not print (`Exercise.origin == "kit"`);
- `autograder/`: the self-check only: `check`, the judge, the harvest, the fixtures, and per
  chapter `visible/chNN.pkl`, the exercises' visible cases, their payloads and the reference's
  outputs for them, stored so that the self-check runs no reference code; the checks come along
  for their hints and checkers, stripped of every case and every reference (`kit_source`). The
  hidden cases, `solutions/` and `samples/` never enter the kit.

`tests/autograder/test_kit.py` installs it in a fresh virtual environment, runs a notebook's
self-check there and searches it for every hidden case and every kit-only reference.
"""

from __future__ import annotations

import importlib.metadata
import pickle
import re
import shutil
from pathlib import Path

import torch

import d2lkit
from autograder import engine, kit_source, registry
from autograder.compare import reference_path
from autograder.spec import Exercise, Stored, VisibleCases

KIT_DIR = "student-kit"
KIT_NAME = "d2lkit-student"
# what the self-check needs of the autograder package, besides the checks stripped of their cases
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
    "registry.py",
    "fixtures",
)
STORED_CAP = 8 << 20
# the staff's dependencies that students need too
STUDENT_DEPENDENCIES = ("torch", "torchvision", "numpy", "pandas", "matplotlib", "tqdm")


def kit_only(exercises: list[Exercise]) -> dict[str, set[str]]:
    """Module → the names of the references the kit must not ship (in d2lkit, or defined beside
    their checks)."""
    names: dict[str, set[str]] = {}
    for e in exercises:
        if e.origin == "kit":
            module = e.reference.__module__
            names.setdefault(module, set()).add(e.reference.__qualname__.split(".")[0])
    return names


def _copy_d2lkit(root: Path, out: Path, removed: dict[str, set[str]]) -> None:
    every = set().union(*removed.values()) if removed else set()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(root / "d2lkit", out / "d2lkit", ignore=ignore)
    for path in sorted((out / "d2lkit").rglob("*.py")):
        module = ".".join(path.relative_to(out).with_suffix("").parts).removesuffix(".__init__")
        # a module loses its kit-only definitions; every module stops importing them
        names = removed.get(module, set()) | every
        source = path.read_text(encoding="utf-8")
        stripped = kit_source.strip(source, names)
        if stripped != source:
            path.write_text(stripped, encoding="utf-8")


def _copy_self_check(root: Path, out: Path, kit_only: dict[str, set[str]]) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    (out / "autograder").mkdir(parents=True)
    for name in SELF_CHECK:
        source = root / "autograder" / name
        if source.is_dir():
            shutil.copytree(source, out / "autograder" / name, ignore=ignore)
        else:
            shutil.copy2(source, out / "autograder" / name)
    package = root / "autograder" / "checks"
    removals = kit_source.checks_removals(package)
    for module, names in kit_only.items():
        if module.startswith("autograder.checks"):
            removals[module] = removals.get(module, set()) | names
    kit_names = set().union(*kit_only.values()) if kit_only else set()
    shutil.copytree(package, out / "autograder" / "checks", ignore=ignore)
    for path in sorted((out / "autograder" / "checks").rglob("*.py")):
        parts = path.relative_to(out / "autograder" / "checks").with_suffix("").parts
        module = ".".join(("autograder.checks", *parts)).removesuffix(".__init__")
        source = path.read_text(encoding="utf-8")
        stripped = kit_source.strip_checks(source, module, removals, kit_names)
        path.write_text(stripped, encoding="utf-8")


def visible_data(exercises: list[Exercise]) -> dict[str, VisibleCases]:
    """Each exercise's visible cases, their payloads and the reference's outputs for them, and the
    reference's name: what the kit's registry puts back into its stripped checks.

    A book network whose weights alone outweigh `STORED_CAP` (7.1's AlexNet holds 370 MB of them)
    stores nothing: the kit ships its reference anyway, since the book prints it, and the
    self-check builds that network and computes the outputs on the student's machine. A kit-only
    reference is always stored, never shipped."""
    data = {}
    for e in exercises:
        chosen = engine.cases(e, include_hidden=False)
        stored = Stored(tuple(p for _, p in chosen), engine.expected(e, include_hidden=False))
        if e.origin == "book" and _tensor_bytes(stored) > STORED_CAP:
            stored = None
        cases = tuple(case for case, _ in chosen)
        data[e.id] = VisibleCases(cases, stored, reference_path(e))
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
    """Plain pickles (cases, tensors, names: no code), readable on every Python the kit supports."""
    folder = out / "autograder" / "visible"
    folder.mkdir()
    for chapter in chapters:
        exercises = [e for e in registry.exercises().values() if e.chapter == chapter]
        (folder / f"{chapter}.pkl").write_bytes(pickle.dumps(visible_data(exercises), protocol=4))


def _pyproject(version: str) -> str:
    """The kit's own pyproject: the installed d2lkit's requirements that students need too."""
    requires = importlib.metadata.requires("d2lkit") or []
    wanted = [
        d
        for d in requires
        if ";" not in d and re.split(r"[<>=!~ ]", d, maxsplit=1)[0] in STUDENT_DEPENDENCIES
    ]
    python = importlib.metadata.metadata("d2lkit")["Requires-Python"]
    deps = ",\n".join(f'    "{d}"' for d in [*wanted, "ipython>=8"])
    return f"""[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{KIT_NAME}"
version = "{version}"
description = "The student kit of d2lkit: the notebooks' helpers and the self-check"
requires-python = "{python}"
dependencies = [
{deps},
]

[tool.setuptools.packages.find]
include = ["d2lkit*", "autograder*"]

[tool.setuptools.package-data]
autograder = ["visible/*.pkl"]
"""


def build(root: Path, chapters: list[str], out: Path | None = None) -> Path:
    """Write the student kit of `chapters` to `out` (default `ROOT/student-kit`)."""
    out = out or root / KIT_DIR
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    all_exercises = list(registry.exercises().values())
    removed = kit_only(all_exercises)
    _copy_d2lkit(root, out, {m: n for m, n in removed.items() if m.startswith("d2lkit")})
    _copy_self_check(root, out, removed)
    _write_data(out, chapters)
    for chapter in chapters:
        shutil.copytree(root / "assignments" / chapter, out / "notebooks" / chapter)
    (out / "pyproject.toml").write_text(_pyproject(d2lkit.__version__))
    (out / "README.md").write_text(
        "# d2lkit student kit\n\n`pip install .` here, then open `notebooks/` in JupyterLab.\n"
        "Each exercise's check cell runs its visible cases; the grader also runs hidden ones.\n"
    )
    return out
