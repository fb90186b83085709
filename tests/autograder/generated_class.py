"""A generated class for the class report and the similarity check: chapter 3, as real notebooks.

`generate(folder, seed)` writes `folder/<student>/ch03/<notebook>.ipynb` for every student
(copies of the released `assignments/ch03/*.ipynb` with the solution cells filled) and returns a
`Manifest` of what it planted:

- honest students: for each exercise, one of several genuinely different correct implementations
  (`class_code.VARIANTS`, dealt out evenly), with their own restyling: their own names for locals,
  the stub's docstring kept or not, comments and blank lines of their own;
- seeded mistakes (`class_code.MISTAKES`): each wrong implementation made by a known number of
  students, one whose exercise hint fires (the manifest keeps the hint's words);
- two planted copy pairs over several exercises each: one copy verbatim but for its comments and
  blank lines (`class_copies.VERBATIM`), one renamed and reformatted by hand
  (`class_copies.DISGUISED`: other names, comments, line breaks, `0.0` spelled `0.`).

The fixture `graded_class` (`tests/autograder/conftest.py`) grades it once per test run.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from pathlib import Path

from autograder import registry, sandbox
from autograder.own_code import stub
from tests.autograder import class_code, class_copies

CHAPTER = "ch03"
STUDENTS = 60
_COMMENTS = [
    "# compute it row by row",
    "# TODO: check the shapes",
    "# see the lecture notes",
    "# this part was tricky",
    "# vectorised",
    "# keep the batch dimension",
    "# note: no gradient needed here",
    "# done",
]


@dataclass
class Manifest:
    """What the class holds: every submission's name, the planted pairs (two submissions and the
    exercises one copied from the other), and each mistake's exercise, hint words and students."""

    students: list[str]
    planted: list[tuple[str, str, tuple[str, ...]]]
    mistakes: dict[str, tuple[str, str, list[str]]]

    def to_json(self) -> dict:
        return {"students": self.students, "planted": self.planted, "mistakes": self.mistakes}

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        planted = [(a, b, tuple(exercises)) for a, b, exercises in data["planted"]]
        mistakes = {k: (e, hint, list(names)) for k, (e, hint, names) in data["mistakes"].items()}
        return cls(list(data["students"]), planted, mistakes)

    def copied(self, exercise: str, a: str, b: str) -> bool:
        """Whether `a` and `b` are a planted pair on `exercise`."""
        return any({a, b} == {x, y} and exercise in ex for x, y, ex in self.planted)


def _exercises() -> list:
    return [e for e in registry.exercises().values() if e.chapter == CHAPTER]


def _docstring(exercise) -> list[str]:
    """The docstring line of the stub (the line after its `def` or `class` line)."""
    lines = stub(exercise).splitlines()
    return [lines[1]] if len(lines) > 1 and lines[1].strip().startswith('"""') else []


def restyle(code: str, exercise, rng: random.Random) -> str:
    """`code` as one student writes it: locals named their way, the stub's docstring kept or not,
    comments and blank lines of their own."""
    code = string.Template(code).substitute({k: rng.choice(v) for k, v in class_code.NAMES.items()})
    lines = code.rstrip("\n").splitlines()
    out: list[str] = []
    head = f"{'class' if exercise.kind == 'module' else 'def'} {exercise.target}"
    for line in lines:
        indent = line[: len(line) - len(line.lstrip())]
        if out and line.strip() and rng.random() < 0.12:
            out.append(indent + rng.choice(_COMMENTS))
        if line.strip() and rng.random() < 0.06:
            line += "  " + rng.choice(_COMMENTS)
        out.append(line)
        if line.startswith(head):
            if rng.random() < 0.6:
                out += _docstring(exercise)
            if rng.random() < 0.3:
                out.append("    # YOUR CODE HERE")
        elif out and rng.random() < 0.08:
            out.append("")
    return "\n".join(out) + "\n"


def _write(folder: Path, code: dict[str, str]) -> None:
    """One student's notebooks: the released ones with the solution cells replaced by `code`."""
    folder.mkdir(parents=True, exist_ok=True)
    stubs = {stub(e): code[e.id] for e in _exercises()}
    for path in sorted((sandbox.PACKAGE_ROOT / "assignments" / CHAPTER).glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and source in stubs:
                cell["source"] = stubs[source].splitlines(keepends=True)
        (folder / path.name).write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")


def generate(folder: Path, seed: int = 0, students: int = STUDENTS) -> Manifest:
    """Write the class under `folder` (see the module's docstring); the same seed, the same class."""
    rng = random.Random(seed)
    names = [f"student{i:02d}/{CHAPTER}" for i in range(1, students + 1)]
    order = names[:]
    rng.shuffle(order)
    verbatim, disguised = order[:2], order[2:4]
    planted = [
        (*verbatim, tuple(class_copies.VERBATIM)),
        (*disguised, tuple(class_copies.DISGUISED)),
    ]
    code: dict[str, dict[str, str]] = {n: {} for n in names}
    taken = {(n, e) for a, b, exercises in planted for e in exercises for n in (a, b)}
    for exercise, source in class_copies.VERBATIM.items():
        for n in verbatim:
            code[n][exercise] = source
    for exercise, (original, copy) in class_copies.DISGUISED.items():
        code[disguised[0]][exercise], code[disguised[1]][exercise] = original, copy
    mistakes: dict[str, tuple[str, str, list[str]]] = {}
    pool = order[4:]
    for mistake, (exercise, source, count, hint) in class_code.MISTAKES.items():
        made, pool = pool[:count], pool[count:]
        mistakes[mistake] = (exercise, hint, sorted(made))
        for n in made:
            code[n][exercise] = source
            taken.add((n, exercise))
    manifest = Manifest(names, planted, mistakes)
    by_id = {e.id: e for e in _exercises()}
    for exercise in by_id:
        variants = class_code.VARIANTS[exercise]
        honest = [n for n in names if (n, exercise) not in taken]
        rng.shuffle(honest)
        for i, n in enumerate(honest):
            code[n][exercise] = variants[i % len(variants)]
    for n in names:
        style = random.Random(f"{seed}/{n}")
        own = {e: restyle(c, by_id[e], style) for e, c in code[n].items()}
        if n == disguised[1]:  # the disguised copies are as written by hand
            own.update({e: copy for e, (_, copy) in class_copies.DISGUISED.items()})
        _write(folder / n, own)
    return manifest
