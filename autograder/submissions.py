"""Which notebooks are whose, and which released notebook each one is.

A submitted notebook is matched to its release by identity, not by file name: the nbgrader
`grade_id`s of its cells (`ch03-softmax`, `ch03-softmax-solution`) and the ids of its cells, which
each released notebook (`assignments/chNN/<stem>.ipynb`) has a distinct set of. So a renamed file
(`my homework.ipynb`) or an LMS download (`alice_12345_67890_3.6-softmax-regression-scratch-1.ipynb`)
is graded as the notebook it is; its file name decides only when its cells say nothing.

A folder is one submission (`alice/ch03/`), except a folder of LMS downloads where two or more
students' files lie side by side: there each student is a submission named after them. Canvas
names a download `<login>[_LATE]_<user id>_<file id>_<original name>` (a resubmitted file gets
`-1`, `-2`, … before its extension); Moodle `<full name>_<user id>_assignsubmission_file_<original
name>`. `_LATE_` makes the submission late. Every notebook that is not graded is listed with the
reason, never dropped silently (but for released notebooks with nothing to grade, such as 5.6).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from autograder import registry, sandbox
from autograder.spec import Exercise

NOTEBOOK_FILE_CAP = 64 << 20

_LMS_NAMES = (
    # Canvas: login, the late marker, user id, file id, the name the student uploaded
    re.compile(r"(?P<login>.+?)(?P<late>_LATE)?_(?P<user>\d+)_(?P<file>\d+)_(?P<name>.+)"),
    # Moodle, flat download: full name, user id, the plugin's tag, the uploaded name
    re.compile(r"(?P<login>.+?)_(?P<user>\d+)_assignsubmission_file_(?P<name>.+)"),
)
_RESUBMITTED = re.compile(r"-(\d+)$")


@dataclass(frozen=True)
class LmsName:
    """What an LMS download's file name says: whose file it is, and the name they uploaded."""

    login: str
    user: str
    original: str
    late: bool = False
    file_id: int = 0


def lms_name(filename: str) -> LmsName | None:
    """The parts of an LMS download's file name, or None for any other name."""
    for pattern in _LMS_NAMES:
        m = pattern.fullmatch(filename)
        if m:
            parts = m.groupdict()
            return LmsName(
                parts["login"],
                parts["user"],
                parts["name"],
                bool(parts.get("late")),
                int(parts.get("file") or 0),
            )
    return None


@dataclass
class Submission:
    """One student's notebooks (by the stem of the released notebook each one is) for one or more
    chapters; `files` are what each notebook's private working folder holds (name → source; a
    folder is copied whole); `notes` say which of their notebooks were not graded, and why."""

    name: str
    notebooks: dict[str, Path]
    late: bool = False
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def exercises(self) -> list[Exercise]:
        """Every exercise of the chapters these notebooks belong to (a missing notebook scores zero)."""
        chapters = {e.chapter for stem in self.notebooks for e in registry.for_notebook(stem)}
        return [e for e in registry.exercises().values() if e.chapter in chapters]

    def copy_files(self, dest: Path) -> None:
        """The submission's files, copied into a notebook's working folder (links kept as links)."""
        dest.mkdir(parents=True)
        for name, source in self.files.items():
            target = dest / name
            if source.is_symlink():
                target.symlink_to(os.readlink(source))
            elif source.is_dir():
                ignore = shutil.ignore_patterns(".ipynb_checkpoints")
                shutil.copytree(source, target, symlinks=True, ignore=ignore)
            else:
                shutil.copy2(source, target)


@dataclass(frozen=True)
class Skipped:
    """A notebook that is not graded, and why, in one line."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Found:
    submissions: list[Submission]
    skipped: list[Skipped]


@functools.cache
def _released() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Each released notebook's stem → its cells' grade ids and its cells' ids."""
    found = {}
    for path in sorted((sandbox.PACKAGE_ROOT / "assignments").glob("ch*/*.ipynb")):
        try:
            found[path.stem] = _identity(path)
        except (OSError, ValueError):
            continue
    return found


@functools.cache
def _identity_of(path: Path, mtime_ns: int, size: int) -> tuple[frozenset[str], frozenset[str]]:
    """`_identity`, read once per version of a file (the CLI and `grade` both discover)."""
    return _identity(path)


def read_cells(path: Path) -> list[dict]:
    """The cells of a version 4 notebook, read as the JSON it is. nbformat's reader would validate
    it against a schema, and importing its validator alone costs the grader over a second (a
    grammar that jsonschema's format checks build); the grader needs only each cell's type, id,
    metadata and source, and checks those."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        raise ValueError("not a version 4 Jupyter notebook")
    for cell in nb["cells"]:
        source = cell.get("source") if isinstance(cell, dict) else None
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            cell["source"] = "".join(source)
        elif not isinstance(source, str):
            raise ValueError("a cell without its source text")
    return nb["cells"]


def _identity(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """A notebook's cells' nbgrader grade ids and cell ids."""
    grade_ids, cell_ids = set(), set()
    for cell in read_cells(path):
        metadata = cell.get("metadata")
        nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
        if isinstance(nbgrader, dict) and isinstance(nbgrader.get("grade_id"), str):
            grade_ids.add(nbgrader["grade_id"])
        if isinstance(cell.get("id"), str):
            cell_ids.add(cell["id"])
    return frozenset(grade_ids), frozenset(cell_ids)


def _by_name(filename: str) -> str | None:
    """The released notebook a file name names: its stem, less a resubmission's `-N`."""
    stem = Path(filename).stem
    known = _released().keys() | {e.notebook for e in registry.exercises().values()}
    if stem in known:
        return stem
    plain = _RESUBMITTED.sub("", stem)
    return plain if plain in known else None


def match(path: Path, filename: str | None = None) -> tuple[str | None, str]:
    """The stem of the released notebook `path` is, and why (or None, and why not). `filename` is
    the name the student gave it (an LMS download's original name); the cells decide first: the
    released notebook that shares the most grade ids with it, then the most cell ids."""
    named = _by_name(filename or path.name)
    try:
        stat = path.stat()
        if stat.st_size > NOTEBOOK_FILE_CAP:
            raise ValueError("too large to read")
        grade_ids, cell_ids = _identity_of(path.resolve(), stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError) as exc:
        if named is not None:  # graded by its name: the grader reports why it cannot be read
            return named, "by its file name"
        return None, f"could not be read as a notebook ({type(exc).__name__}: {exc})"
    released = _released()
    for kind, (ids, what) in enumerate(((grade_ids, "grade ids"), (cell_ids, "cell ids"))):
        shared = {stem: len(ids & theirs[kind]) for stem, theirs in released.items()}
        most = max(shared.values(), default=0)
        if not most:
            continue
        best = sorted(stem for stem, n in shared.items() if n == most)
        if len(best) == 1:
            return best[0], f"by its cells' {what}"
        if named in best:
            return named, f"by its cells' {what} and its file name"
        return None, f"its cells' {what} belong equally to {', '.join(best)}"
    if named is not None:
        return named, "by its file name"
    return None, "no cell of it comes from a released notebook, and its name is none of theirs"


def discover(paths: list[Path]) -> Found:
    """Every submission under `paths`, each named by its folder below the argument that found it
    (and, in a folder of LMS downloads, by its student), and every notebook that is not graded."""
    skipped: list[Skipped] = []
    folders: dict[Path, tuple[Path, list[Path]]] = {}
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or directory")
        files = [root] if root.is_file() else sorted(root.rglob("*.ipynb"))
        base = root.parent if root.is_file() else root
        for path in files:
            if ".ipynb_checkpoints" in path.parts:
                continue
            folders.setdefault(path.parent.resolve(), (base, []))[1].append(path)
    submissions = []
    for folder, (base, notebooks) in folders.items():
        parent = notebooks[0].parent
        # a submission folder given directly is named by its last two parts (alice/ch03)
        top = parent == base
        label = "/".join(folder.parts[-2:]) if top else parent.relative_to(base).as_posix()
        for submission in _group(parent, label, top, notebooks, skipped):
            if submission.notebooks:
                # late when a notebook graded was (an older copy's mark does not count)
                marks = [lms_name(p.name) for p in submission.notebooks.values()]
                submission.late = any(mark is not None and mark.late for mark in marks)
                submissions.append(submission)
    return Found(submissions, skipped)


def find_submissions(paths: list[Path]) -> list[Submission]:
    return discover(paths).submissions


def _group(
    folder: Path, label: str, top: bool, notebooks: list[Path], skipped: list[Skipped]
) -> list[Submission]:
    """A folder's submissions: the folder itself, or each student of a folder of LMS downloads
    (of its `notebooks`, those found: a file given alone is graded alone)."""
    found = {p.name for p in notebooks}
    entries = sorted(p for p in folder.iterdir() if p.name != ".ipynb_checkpoints")
    names = {p: lms_name(p.name) for p in entries}
    students = {n.user for n in names.values() if n is not None}
    if len(students) < 2:
        whole = Submission(label, {}, files={p.name: p for p in entries})
        for path in notebooks:
            _add(whole, path, lms_name(path.name), skipped)
        return [whole]
    logins: dict[str, set[str]] = {}
    for n in names.values():
        if n is not None:
            logins.setdefault(n.login, set()).add(n.user)
    groups: dict[str | None, Submission] = {}
    for entry, name in names.items():
        user = name.user if name is not None else None
        if user not in groups:
            if name is None:
                title = label
            else:
                title = name.login if len(logins[name.login]) == 1 else f"{name.login}_{user}"
                title = title if top else f"{label}/{title}"
            groups[user] = Submission(title, {})
        submission = groups[user]
        submission.files[name.original if name else entry.name] = entry
        if entry.name in found:
            _add(submission, entry, name, skipped)
    return list(groups.values())


def _add(submission: Submission, path: Path, name: LmsName | None, skipped: list[Skipped]) -> None:
    """A notebook into its submission, under the stem of the release it is; one that is not, or
    an older copy of one already there, is noted and skipped."""
    original = name.original if name else path.name
    stem, why = match(path, original)
    if stem is None:
        _skip(submission, path, why, skipped)
        return
    if not registry.for_notebook(stem):  # a released notebook with nothing graded (5.6)
        return
    other = submission.notebooks.get(stem)
    if other is None:
        submission.notebooks[stem] = path
        return
    newer, older = sorted([other, path], key=lambda p: _recency(p, stem), reverse=True)
    submission.notebooks[stem] = newer
    _skip(submission, older, f"another copy of {stem} ({newer.name} is graded)", skipped)


def _recency(path: Path, stem: str) -> tuple:
    """Which of two copies of one notebook is graded: the LMS's later upload (its higher file id,
    then its higher resubmission number), else the one named as released, else the newer file."""
    name = lms_name(path.name)
    original = Path(name.original if name else path.name).stem
    resubmission = _RESUBMITTED.search(original)
    return (
        name.file_id if name else 0,
        int(resubmission.group(1)) if resubmission else 0,
        original == stem,
        path.stat().st_mtime_ns,
        path.name,
    )


def _skip(submission: Submission, path: Path, reason: str, skipped: list[Skipped]) -> None:
    submission.notes.append(f"{path.name}: not graded: {reason}")
    skipped.append(Skipped(path, reason))
