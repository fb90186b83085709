"""Who copied whom: per exercise, pairs of submissions whose own code is unusually alike.

It flags; it never changes a grade. The code is what grading kept staff-side
(`OUT/code/*.json`, `autograder.own_code`: each exercise's solution cell); a submission without a
code file is skipped.

How a pair is scored, per exercise, MOSS-like (`autograder.fingerprints`):

1. Each submission's code is normalised (comments, docstrings, formatting, local names and literal
   values erased; APIs, attributes, keyword arguments and structure kept), hashed as runs of
   `fingerprints.K` tokens, and winnowed to its fingerprints. Runs that occur in the release's stub
   (the signature and docstring every student starts from) or in the kit's answers (the
   reference item and the solutions notebook's cell: code that is nobody's own, and close to the
   book's, which every student can read) are left out.
2. Common code carries no evidence: a fingerprint found in more than `COMMON` of the class's
   submissions for the exercise (and in more than two) is common, as is the one natural
   solution of a short exercise such as `relu`, or a popular way of writing a longer one. The
   others are rare.
3. The score of a pair is the number of rare fingerprints they share over the number of
   fingerprints of the smaller of the two: the share of the shorter code that is found, rare, in
   the other. 1.0: all of it; 0.5: half of it. Short code never pairs, whatever its score: code
   whose body (after its `def` line) has fewer than `MIN_TOKENS` tokens (about two lines, such as
   `return X @ w + b`), and a pair sharing fewer than `MIN_SHARED` rare fingerprints.

`THRESHOLD` (0.5, or `threshold=`) is the score from which a pair is listed: at least half of the
smaller answer is code that the two share and few others wrote. Honest students writing one of
the usual solutions share only common fingerprints and score near 0; a copy, however renamed and
reformatted, keeps its structure and scores well above it, though below 1 where part of it is code
everybody writes (the generated class's copies: 0.68 to 0.86).

Code identical, after the same normalisation, to one of the kit's answers for the exercise (or at
least `REFERENCE_NEAR` alike, token by token; definitions of `MIN_REFERENCE_TOKENS` tokens or more,
so that a one-line answer is never flagged) is listed apart in `Found.reference` and never pairs.
"""

from __future__ import annotations

import difflib
import inspect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from autograder import fingerprints, gradebook, own_code, registry
from autograder.spec import Exercise

THRESHOLD = 0.5
COMMON = 0.1
"""The share of the class above which a fingerprint is common (MOSS's `-m`, as a fraction)."""
MIN_SHARED = 4
MIN_TOKENS = 30
REFERENCE_NEAR = 0.95
MIN_REFERENCE_TOKENS = 30


@dataclass(frozen=True)
class Pair:
    """Two submissions (`alice/ch03`) alike on one exercise: the score in [0, 1], their code."""

    exercise: str
    a: str
    b: str
    score: float
    code_a: str
    code_b: str


@dataclass(frozen=True)
class Match:
    """A submission whose code for an exercise is the kit's reference, normalised."""

    exercise: str
    submission: str
    code: str


@dataclass
class Found:
    """Pairs at or above the threshold, the highest score first; reference matches; and the
    submissions skipped for want of a code file (graded before it was kept)."""

    pairs: list[Pair] = field(default_factory=list)
    reference: list[Match] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _reference_source(exercise: Exercise) -> str:
    try:
        return inspect.getsource(exercise.reference)
    except (OSError, TypeError):
        return ""


def is_reference(code: str, exercise: Exercise, reference: list[str] | None = None) -> bool:
    """Whether `code` defines the exercise's target as its reference does, normalised."""
    if reference is None:
        reference = fingerprints.canonical(_reference_source(exercise), exercise.target)
    if not reference or len(reference) < MIN_REFERENCE_TOKENS:
        return False
    mine = fingerprints.canonical(code, exercise.target)
    if mine is None:
        return False
    if mine == reference:
        return True
    alike = difflib.SequenceMatcher(None, mine, reference, autojunk=False)
    return alike.real_quick_ratio() >= REFERENCE_NEAR and alike.ratio() >= REFERENCE_NEAR


def exercise_pairs(
    exercise: str,
    sources: dict[str, str],
    base: str = "",
    threshold: float = THRESHOLD,
    common: float = COMMON,
) -> list[Pair]:
    """The pairs among `sources` (submission → code for `exercise`) at or above `threshold`;
    `base` is code nobody owns (the stub, the reference), left out."""
    left_out = set(fingerprints.kgrams(fingerprints.tokens(base))) if base else set()
    prints = {name: fingerprints.fingerprints(code, left_out) for name, code in sources.items()}
    short = {
        name
        for name, code in sources.items()
        if fingerprints.body_size(fingerprints.tokens(code)) < MIN_TOKENS
    }
    frequency = Counter(fp for found in prints.values() for fp in found)
    most = max(2.0, common * len(prints))
    holders: dict[int, list[str]] = defaultdict(list)
    for name in sorted(prints):
        for fp in prints[name]:
            if frequency[fp] <= most:
                holders[fp].append(name)
    shared: Counter[tuple[str, str]] = Counter()
    for names in holders.values():
        shared.update(combinations(names, 2))
    pairs = []
    for (a, b), count in shared.items():
        if count < MIN_SHARED or a in short or b in short:
            continue
        score = count / min(len(prints[a]), len(prints[b]))
        if score >= threshold:
            pairs.append(Pair(exercise, a, b, round(score, 4), sources[a], sources[b]))
    return pairs


def find(
    out_dir: Path, chapter: str, threshold: float = THRESHOLD, common: float = COMMON
) -> Found:
    """Every exercise of `chapter` in the graded folder `out_dir`: its pairs at or above
    `threshold`, sorted by score (highest first), and its reference matches."""
    code = own_code.load(Path(out_dir))
    exercises = [e for e in registry.exercises().values() if e.chapter == chapter]
    found = Found()
    found.skipped = sorted(set(gradebook.load(Path(out_dir))) - set(code))
    for exercise in exercises:
        sources = {name: c[exercise.id] for name, c in code.items() if exercise.id in c}
        # the kit's two answers: the reference item and the solutions notebook's cell
        answers = [_reference_source(exercise), own_code.answer(exercise)]
        canonical = [fingerprints.canonical(a, exercise.target) for a in answers]
        matched = {
            n for n, c in sources.items() if any(is_reference(c, exercise, r) for r in canonical)
        }
        found.reference += [Match(exercise.id, n, sources[n]) for n in sorted(matched)]
        others = {n: c for n, c in sources.items() if n not in matched}
        base = "\n".join([own_code.stub(exercise), *answers])
        found.pairs += exercise_pairs(exercise.id, others, base, threshold, common)
    found.pairs.sort(key=lambda p: (-p.score, p.exercise, p.a, p.b))
    return found
