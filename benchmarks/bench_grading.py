"""Time `autograder grade` on one sample submission per chapter (the issue's bar: ch03 under 10 s).

    python benchmarks/bench_grading.py [--chapters ch03] [--jobs 2] [--repeat 3]

Each run is a fresh grader process, so the figure includes everything a grading job pays: the
grader's imports, the reference outputs, one kernel per notebook and the comparison.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chapters", nargs="*", default=["ch03"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for chapter in args.chapters:
        submission = ROOT / "samples" / "class" / "full" / chapter
        notebooks = len(list(submission.glob("*.ipynb")))
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            command = [
                sys.executable,
                "-m",
                "autograder.cli",
                "grade",
                str(submission),
                "--jobs",
                str(args.jobs),
                "--quiet",
            ]
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
        print(
            f"{chapter}: {notebooks} notebooks, jobs {args.jobs}: best {min(times):.1f} s, "
            f"runs {', '.join(f'{t:.1f}' for t in times)}"
        )


if __name__ == "__main__":
    main()
