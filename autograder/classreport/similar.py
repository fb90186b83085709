"""The class report's one seam to the similarity check (`autograder.similarity`): the interface
the report reads, and the one place that imports it.

`similarity.find(out_dir, chapter, threshold)` returns pairs of submissions whose own code of an
exercise is unusually alike (`Pair`, best first) and code identical to the kit's reference
(`Match`). The report shows them and never changes a grade.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from d2lkit.errors import D2lkitError

THRESHOLD = 0.8
"""The lowest score a pair is shown at, unless `--threshold` says otherwise."""


class Pair(Protocol):
    exercise: str
    a: str
    b: str
    score: float
    code_a: str
    code_b: str


class Match(Protocol):
    exercise: str
    submission: str
    code: str


class Found(Protocol):
    pairs: list[Pair]
    reference: list[Match]


@dataclass(frozen=True)
class Unavailable:
    """Why there is no similarity section: the check is not installed, or it could not run."""

    reason: str


def find(out_dir: Path, chapter: str, threshold: float) -> Found | Unavailable:
    """The similar pairs and reference matches of `chapter`'s submissions graded into `out_dir`."""
    try:
        from autograder import similarity
    except ImportError:
        return Unavailable("this kit has no similarity check (autograder.similarity)")
    try:
        return similarity.find(out_dir, chapter, threshold)
    except D2lkitError as exc:  # the rest of the report stands without it
        return Unavailable(f"the similarity check could not run: {exc}")
