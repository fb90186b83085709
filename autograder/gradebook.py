"""What grading leaves on disk, so that nothing is lost: one results file per submission, written
the moment it is judged, and the gradebook made from those files.

`OUT/results/<submission>.json` is Gradescope's `results.json` (a score and one test per exercise),
with the submission's name and whether it was handed in late (an LMS's `_LATE_` mark) in
`extra_data`. Every file is written whole or not at all (a temporary
file in the same folder, then a rename), so a grader killed at any moment leaves only complete
results: `--resume` grades what has none, and the gradebook, made from the files alone, comes out
the same. Shards (`--shard K/N`) split the class by a hash of each submission's name, so each
shard's share does not depend on what else is in the class, and `merge` joins their folders.
Staff-side, `OUT/code/<submission>.json` keeps each exercise's own code for the similarity check
(`autograder.own_code`); it is written, merged and kept like the results.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import d2lkit
from autograder import own_code, registry, report
from autograder.grade import Graded
from autograder.results import points
from d2lkit.errors import D2lkitError

RESULTS = "results"
FEEDBACK = "feedback"
GRADEBOOK = "gradebook.csv"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def result_path(out: Path, name: str) -> Path:
    return out / RESULTS / f"{name.replace('/', '__')}.json"


def save(out: Path, graded: Graded) -> None:
    """The submission's results file, as soon as it is judged."""
    record = report.gradescope(graded)
    record["extra_data"] = {
        "submission": graded.submission.name,
        "late": graded.submission.late,
        "graded_by": graded_by(),
    }
    write_atomic(result_path(out, graded.submission.name), json.dumps(record, indent=2) + "\n")
    name = graded.submission.name.replace("/", "__")
    write_atomic(out / FEEDBACK / f"{name}.md", report.feedback(graded))
    write_atomic(
        own_code.code_path(out, graded.submission.name), own_code.record(graded.submission)
    )


def load(out: Path) -> dict[str, dict]:
    """Every complete results file under `out/results`, by submission name."""
    records = {}
    for path in sorted((out / RESULTS).glob("*.json")):
        try:
            record = json.loads(path.read_text())
            records[record["extra_data"]["submission"]] = record
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return records


def exercise_scores(record: dict) -> dict[str, tuple[float, float]]:
    """A results file's (score, max) per exercise id: the sum of the exercise's tests (its visible
    and its hidden share)."""
    scores: dict[str, tuple[float, float]] = {}
    for test in record["tests"]:
        exercise = test.get("extra_data", {}).get("exercise", test["name"])
        score, maximum = scores.get(exercise, (0, 0))
        scores[exercise] = (score + test["score"], maximum + test["max_score"])
    return {k: (points(s), points(m)) for k, (s, m) in scores.items()}


def columns(records: Iterable[dict]) -> list[str]:
    """Exercise ids in the registry's order (any it does not know after them, sorted)."""
    ids = {i for r in records for i in exercise_scores(r)}
    order = {exercise_id: i for i, exercise_id in enumerate(registry.exercises())}
    return sorted(ids, key=lambda i: (order.get(i, len(order)), i))


def graded_by() -> str:
    """The kit version that grades: recorded in every results file and the gradebook, as the
    released notebooks record the version that released them."""
    return f"d2lkit {d2lkit.__version__}"


def version_of(record: dict) -> str:
    """The kit version a results file was graded by ("" for files written before it was kept)."""
    return record.get("extra_data", {}).get("graded_by", "")


def is_late(record: dict) -> bool:
    """Whether a results file's submission was late (files written before the mark: not late)."""
    return bool(record.get("extra_data", {}).get("late"))


def gradebook_text(records: dict[str, dict]) -> str:
    """gradebook.csv: a row per submission (sorted by name), a column per exercise, total, max,
    and `late` (1 for a submission the LMS marked late, else 0)."""
    ids = columns(records.values())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission", *ids, "total", "max", "late", "graded_by"])
    for name in sorted(records):
        scores = exercise_scores(records[name])
        cells = [scores[i][0] if i in scores else "" for i in ids]
        maximum = points(sum(m for _, m in scores.values()))
        late = int(is_late(records[name]))
        version = version_of(records[name])
        writer.writerow([name, *cells, records[name]["score"], maximum, late, version])
    return buffer.getvalue()


def write_gradebook(out: Path, records: dict[str, dict]) -> Path:
    path = out / GRADEBOOK
    write_atomic(path, gradebook_text(records))
    return path


def table(records: dict[str, dict]) -> str:
    width = max([len(name) for name in records] + [10])
    lines = [f"{'submission':<{width}}  score"]
    for name in sorted(records):
        maximum = points(sum(t["max_score"] for t in records[name]["tests"]))
        late = "  (late)" if is_late(records[name]) else ""
        lines.append(f"{name:<{width}}  {records[name]['score']:>6} / {maximum}{late}")
    return "\n".join(lines)


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N`: the K-th of N shards, K from 0 (Slurm's and Kubernetes' array indices)."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise D2lkitError(f"--shard {text}: expected K/N, such as 0/4") from None
    if not 0 <= k < n:
        raise D2lkitError(f"--shard {text}: K must be at least 0 and below N")
    return k, n


def in_shard(name: str, shard: tuple[int, int]) -> bool:
    k, n = shard
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % n == k


def merge(folders: Iterable[Path], out: Path) -> dict[str, dict]:
    """Join shards' output folders into `out`: their results files, feedback pages, code files and
    one gradebook."""
    folders = list(folders)
    merged: dict[str, dict] = {}
    for folder in folders:
        if not (folder / RESULTS).is_dir():
            raise D2lkitError(f"{folder}: no {RESULTS}/ folder (not an `autograder grade --out`)")
        for name, record in load(folder).items():
            if name in merged and merged[name] != record:
                raise D2lkitError(f"{name} was graded in two shards with different results")
            merged[name] = record
    for name, record in merged.items():
        write_atomic(result_path(out, name), json.dumps(record, indent=2) + "\n")
    for folder in folders:
        for page in sorted((folder / FEEDBACK).glob("*.md")):
            write_atomic(out / FEEDBACK / page.name, page.read_text())
        for code in sorted((folder / own_code.CODE).glob("*.json")):
            write_atomic(out / own_code.CODE / code.name, code.read_text())
    return merged
