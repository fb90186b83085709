"""The similarity check on the generated class: 60 chapter-3 submissions, graded once.

    python benchmarks/bench_similarity.py [--out DIR] [--seed 0] [--repeat 3]

Writes the class of `tests/autograder/generated_class.py` and grades it with `autograder grade`
(timed), unless `--out` already holds a graded one; then times `similarity.find(OUT, "ch03")`: the
first call pays for importing the checks (torch), the best of the others is the check itself. It
prints the planted pairs' lowest and highest scores and the best honest pair's score.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from autograder import cli, similarity
from tests.autograder.generated_class import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="the graded class (written here if empty)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="similarity-"))
    manifest = generate(out.parent / f"{out.name}-class", seed=args.seed)
    if not (out / "code").is_dir():
        start = time.perf_counter()
        cli.main(["grade", str(out.parent / f"{out.name}-class"), "--out", str(out), "--quiet"])
        print(f"graded {len(manifest.students)} submissions in {time.perf_counter() - start:.1f} s")
    times = []
    for _ in range(max(args.repeat, 2)):
        start = time.perf_counter()
        found = similarity.find(out, "ch03", threshold=0.0)
        times.append(time.perf_counter() - start)
    planted = [p.score for p in found.pairs if manifest.copied(p.exercise, p.a, p.b)]
    honest = [p.score for p in found.pairs if not manifest.copied(p.exercise, p.a, p.b)]
    print(f"similarity.find: first {times[0]:.2f} s, then {min(times[1:]):.2f} s")
    print(
        f"planted pairs {min(planted):.2f}-{max(planted):.2f} ({len(planted)} exercise pairs), "
        f"best honest {max(honest, default=0.0):.2f}; {len(found.reference)} reference matches"
    )


if __name__ == "__main__":
    main()
