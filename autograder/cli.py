"""`autograder`: grade, check, release, build, validate, demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from d2lkit.errors import D2lkitError


def _grade(args: argparse.Namespace) -> int:
    from autograder import report
    from autograder.grade import grade

    graded = grade(args.paths, jobs=args.jobs, timeout=args.timeout, show_progress=not args.quiet)
    if not graded:
        raise D2lkitError(f"no graded notebooks found under {' '.join(map(str, args.paths))}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        report.write_gradebook(graded, args.out / "gradebook.csv")
        report.write_results(graded, args.out / "results")
    if args.verbose:
        for g in graded:
            print(report.details(g))
    print(report.table(graded))
    if args.out:
        print(f"wrote {args.out / 'gradebook.csv'} and {args.out / 'results'}/")
    return 0


def _check(args: argparse.Namespace) -> int:
    from autograder.grade import grade

    graded = grade(
        [args.notebook], jobs=1, timeout=args.timeout, show_progress=False, include_hidden=False
    )
    if not graded:
        raise D2lkitError(f"{args.notebook} is not one of the kit's graded notebooks")
    failed = 0
    for g in graded:
        for r in g.results.values():
            if r.exercise.notebook != args.notebook.stem:
                continue
            print(("✓ " if r.passed else "✗ ") + r.message())
            failed += not r.passed
    return 1 if failed else 0


def _release(args: argparse.Namespace) -> int:
    from autograder import release

    release.release(args.root, args.chapters or None)
    return 0


def _build(args: argparse.Namespace) -> int:
    from autograder import build

    changed = build.build_all(args.root / "solutions", check=args.check)
    if args.check and changed:
        raise D2lkitError(f"out of date (run `autograder build`): {', '.join(map(str, changed))}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from autograder import validate

    return 0 if validate.validate(args.root, jobs=args.jobs) else 1


def _demo(args: argparse.Namespace) -> int:
    args.paths = [args.root / "samples" / "class"]
    return _grade(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="autograder", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    root = Path.cwd()

    def grading(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--out", type=Path, help="write gradebook.csv and results/*.json here")
        sp.add_argument(
            "--jobs", type=int, default=2, help="notebooks executed at once (default 2)"
        )
        sp.add_argument("--timeout", type=float, default=60, help="seconds per cell (default 60)")
        sp.add_argument("-v", "--verbose", action="store_true", help="show each exercise's result")
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    g = sub.add_parser("grade", help="grade submitted notebooks (files or folders)")
    g.add_argument("paths", nargs="+", type=Path)
    grading(g)
    g.set_defaults(func=_grade)

    d = sub.add_parser("demo", help="grade the bundled sample class (samples/class)")
    d.add_argument("--root", type=Path, default=root)
    grading(d)
    d.set_defaults(func=_demo)

    c = sub.add_parser("check", help="self-check one notebook on the visible cases")
    c.add_argument("notebook", type=Path)
    c.add_argument("--timeout", type=float, default=60)
    c.set_defaults(func=_check)

    r = sub.add_parser(
        "release", help="generate assignments/ and samples/ from solutions/ (nbgrader)"
    )
    r.add_argument("chapters", nargs="*", help="chapters such as ch03 (default: all)")
    r.add_argument("--root", type=Path, default=root)
    r.set_defaults(func=_release)

    b = sub.add_parser("build", help="write solutions/*/*.ipynb from their plain-text sources")
    b.add_argument(
        "--check", action="store_true", help="only report notebooks that are out of date"
    )
    b.add_argument("--root", type=Path, default=root)
    b.set_defaults(func=_build)

    v = sub.add_parser(
        "validate", help="solutions full marks, stubs zero, release in sync, mutants"
    )
    v.add_argument("--root", type=Path, default=root)
    v.add_argument("--jobs", type=int, default=2)
    v.set_defaults(func=_validate)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (D2lkitError, FileNotFoundError, KeyError) as exc:
        print(f"autograder: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
