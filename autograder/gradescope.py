"""`autograder gradescope CHAPTER --out DIR`: the autograder bundle of a Gradescope assignment.

`DIR/autograder-chNN.zip` is what a Gradescope programming assignment's "Configure Autograder"
page takes. Gradescope unzips it into `/autograder/source`, runs `setup.sh` there once, as root,
when it builds the assignment's image, and runs `run_autograder` for every submission, which
writes `/autograder/results/results.json` (`autograder.gradescope_run`).

The bundle holds what grading the chapter needs and nothing else: the `d2lkit` and `autograder`
packages (of the checks and fixtures, only this chapter's), the chapter's released notebooks
(the grader tells the student's cells from the release's by them), `pyproject.toml` and the
dependencies as `requirements.txt`; no solution, no sample, no other chapter's cases.
"""

from __future__ import annotations

import re
import shlex
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from d2lkit.errors import D2lkitError

USES = {
    "fashion-mnist": ("fashion_mnist",),
    "timemachine": ("time_machine", "timemachine"),
    "fra-eng": ("fra_eng", "load_data_nmt", "read_data_nmt"),
    "kaggle-house": ("kaggle_house", "read_house_csv"),
    "airfoil": ("airfoil", "get_data_ch11"),
}
"""The names in a chapter's code that show it reads a dataset (each key is one of
`d2lkit.data.DATASETS`)."""
VENV = "/opt/d2lkit-venv"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
_CHAPTER = re.compile(r"ch\d\d")


@dataclass(frozen=True)
class Settings:
    """What `run_autograder` grades with: the user the notebooks run as and each notebook's
    limits (memory in bytes, processes, CPU seconds per process, seconds per cell)."""

    user: str = "student"
    memory: int = 512 << 20
    processes: int = 64
    cpu_seconds: int = 600
    timeout: float = 60.0


def _chapter_files(root: Path, chapter: str) -> list[Path]:
    """The chapter's own sources: its released notebooks, checks and fixtures."""
    found = sorted((root / "assignments" / chapter).glob("*.ipynb"))
    found += sorted((root / "autograder" / "checks" / chapter).rglob("*.py"))
    found += sorted((root / "autograder" / "fixtures").glob(f"{chapter}.py"))
    return found


def datasets(root: Path, chapter: str) -> list[str]:
    """The datasets the chapter's notebooks, checks or fixtures read, by their registry names."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in _chapter_files(root, chapter))
    return [name for name, words in USES.items() if any(w in text for w in words)]


def _other_chapter(relative: Path, chapter: str) -> bool:
    """A file of another chapter's checks or fixtures (`checks/ch04/...`, `fixtures/ch04.py`)."""
    parts = relative.parts
    if len(parts) > 2 and parts[:2] == ("autograder", "checks"):
        return _CHAPTER.fullmatch(parts[2]) is not None and parts[2] != chapter
    if len(parts) == 3 and parts[:2] == ("autograder", "fixtures"):
        stem = Path(parts[2]).stem
        return _CHAPTER.fullmatch(stem) is not None and stem != chapter
    return False


def contents(root: Path, chapter: str) -> dict[str, Path]:
    """The kit's files the bundle holds, by their path in it."""
    files = {}
    for package in ("d2lkit", "autograder"):
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if "__pycache__" in relative.parts or _other_chapter(relative, chapter):
                continue
            files[relative.as_posix()] = path
    for path in sorted((root / "assignments" / chapter).glob("*.ipynb")):
        files[path.relative_to(root).as_posix()] = path
    files["pyproject.toml"] = root / "pyproject.toml"
    return files


def requirements(root: Path) -> list[str]:
    """The kit's dependencies, from its `pyproject.toml`."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise D2lkitError(
                "building a Gradescope bundle reads pyproject.toml: use Python 3.11 or later, "
                "or pip install tomli"
            ) from None
    with (root / "pyproject.toml").open("rb") as f:
        return list(tomllib.load(f)["project"]["dependencies"])


def setup_sh(root: Path, chapter: str, settings: Settings) -> str:
    """Gradescope's `setup.sh`: Python and the kit's dependencies in a virtual environment (the
    CPU builds of torch: Gradescope has no GPU), the students' user, the chapter's datasets
    fetched and checksummed, and the bundle locked (`autograder.gradescope_run prepare`)."""
    torch = " ".join(shlex.quote(r) for r in requirements(root) if r.startswith("torch"))
    user = shlex.quote(settings.user)
    return f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds the image.
set -euo pipefail
SOURCE=/autograder/source
VENV={VENV}
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
# torch's CPU builds: the default ones carry CUDA (gigabytes) and Gradescope has no GPU
"$VENV/bin/pip" install --quiet --index-url {TORCH_CPU_INDEX} {torch}
"$VENV/bin/pip" install --quiet -r "$SOURCE/requirements.txt"
# the students' code runs as this user; the grader stays root
id -u {user} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin {user}
# the chapter's datasets ({", ".join(datasets(root, chapter)) or "none"}), so that grading runs
# offline; then the bundle made root's, its checks root's alone
cd "$SOURCE"
PYTHONPATH="$SOURCE" D2LKIT_DATA=/autograder/data D2LKIT_CACHE=/autograder/cache \\
    "$VENV/bin/python" -m autograder.gradescope_run {chapter} --prepare
"""


def run_autograder(chapter: str, settings: Settings) -> str:
    """Gradescope's `run_autograder`, with the grading settings baked in. `AUTOGRADER_ROOT`
    moves the `/autograder` layout and `AUTOGRADER_PYTHON` the interpreter (the tests)."""
    args = [
        chapter,
        "--user",
        settings.user,
        "--memory",
        str(settings.memory),
        "--processes",
        str(settings.processes),
        "--cpu-time",
        str(settings.cpu_seconds),
        "--timeout",
        f"{settings.timeout:g}",
    ]
    return f"""#!/usr/bin/env bash
# Gradescope runs this as root for each submission: the notebooks in /autograder/submission are
# graded (each as the user {settings.user}) into /autograder/results/results.json.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-{VENV}/bin/python}}"
export PYTHONPATH="$ROOT/source" MPLBACKEND=Agg
export D2LKIT_DATA="${{D2LKIT_DATA:-$ROOT/data}}" D2LKIT_CACHE="${{D2LKIT_CACHE:-$ROOT/cache}}"
cd "$ROOT/source"
exec "$PYTHON" -m autograder.gradescope_run {shlex.join(args)} --root "$ROOT"
"""


def bundle(root: Path, chapter: str, out: Path, settings: Settings) -> Path:
    """Write `out/autograder-<chapter>.zip` and return its path."""
    if not _CHAPTER.fullmatch(chapter) or not (root / "assignments" / chapter).is_dir():
        known = sorted(p.name for p in (root / "assignments").glob("ch*"))
        raise D2lkitError(f"no released chapter {chapter!r}; released: {', '.join(known)}")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"autograder-{chapter}.zip"
    scripts = {
        "setup.sh": setup_sh(root, chapter, settings),
        "run_autograder": run_autograder(chapter, settings),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in scripts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            z.writestr(info, text, zipfile.ZIP_DEFLATED)
        z.writestr("requirements.txt", "\n".join(requirements(root)) + "\n")
        for name, source in contents(root, chapter).items():
            z.write(source, name)
    return path
