"""`autograder`: grade, check, release, build, validate, demo, report, gradescope."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from d2lkit.errors import D2lkitError


def _size(text: str) -> int:
    """A size such as `4G`, `512M` or `1048576` (bytes)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    try:
        if text and text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 4G or 512M") from None


def _grade(args: argparse.Namespace) -> int:
    from autograder import gradebook, report, roster, sandbox
    from autograder.grade import grade
    from autograder.isolate import Limits
    from autograder.submissions import discover

    use_sandbox = not args.no_sandbox
    if args.command == "demo" and use_sandbox and sandbox.bwrap() is None:
        use_sandbox = False
        print(
            "autograder demo: bubblewrap is not installed; the sample notebooks run without a "
            "sandbox",
            file=sys.stderr,
        )
    if not use_sandbox and args.command != "demo":
        print(
            "autograder: grading without a sandbox (--no-sandbox): the notebooks' code runs "
            "with your permissions",
            file=sys.stderr,
        )
    shard = gradebook.parse_shard(args.shard) if args.shard else None
    out = args.out
    if args.resume and out is None:
        raise D2lkitError("--resume needs --out (the folder of the run to resume)")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    if args.roster is not None and out is None:
        raise D2lkitError("--roster needs --out (it shapes gradebook.csv)")
    students = roster.read(args.roster) if args.roster is not None else None
    done = set(gradebook.load(out)) if args.resume else set()
    found = discover(args.paths)
    if not found.submissions:
        _print_skipped(found.skipped)
        raise D2lkitError(f"no graded notebooks found under {' '.join(map(str, args.paths))}")
    names = {
        s.name for s in found.submissions if shard is None or gradebook.in_shard(s.name, shard)
    }
    limits = Limits(memory=args.memory, processes=args.processes, cpu_seconds=args.cpu_time)
    graded = grade(
        args.paths,
        jobs=args.jobs,
        timeout=args.timeout,
        show_progress=not args.quiet,
        use_sandbox=use_sandbox,
        limits=limits,
        select=lambda s: s.name in names and s.name not in done,
        on_graded=None if out is None else lambda g: gradebook.save(out, g),
        hide=[] if out is None else [out],
        skip_demos=not args.run_demos,
    )
    if args.verbose:
        for g in graded:
            print(report.details(g))
    if out is None:
        print(report.table(graded))
        _print_skipped(found.skipped)
        return 0
    records = {name: r for name, r in gradebook.load(out).items() if name in names}
    path = _write_gradebook(out, records, students)
    print(gradebook.table(records))
    _print_skipped(found.skipped)
    resumed = f" ({len(done & names)} kept from the last run)" if done & names else ""
    print(f"wrote {path} and {out / gradebook.RESULTS}/{resumed}")
    return 0


def _write_gradebook(out: Path, records: dict, students: list[str] | None) -> Path:
    from autograder import gradebook, roster

    if students is None:
        return gradebook.write_gradebook(out, records)
    return roster.write_gradebook(out, records, students)


def _print_skipped(skipped: list) -> None:
    """The notebooks found but not graded, each with its reason (also in its submission's notes)."""
    if skipped:
        print(f"not graded ({len(skipped)} notebook{'s' if len(skipped) > 1 else ''}):")
        print("\n".join(f"  {s}" for s in skipped))


def _merge(args: argparse.Namespace) -> int:
    from autograder import gradebook, roster

    students = roster.read(args.roster) if args.roster is not None else None
    records = gradebook.merge(args.folders, args.out)
    _write_gradebook(args.out, records, students)
    print(gradebook.table(records))
    print(f"wrote {args.out / gradebook.GRADEBOOK} and {args.out / gradebook.RESULTS}/")
    return 0


def _check(args: argparse.Namespace) -> int:
    from autograder import sandbox
    from autograder.grade import grade

    graded = grade(
        [args.notebook],
        jobs=1,
        timeout=args.timeout,
        show_progress=False,
        include_hidden=False,
        use_sandbox=sandbox.bwrap() is not None,
    )
    if not graded:
        raise D2lkitError(f"{args.notebook} is not one of the kit's graded notebooks")
    failed = 0
    for g in graded:
        for r in g.results.values():
            if r.exercise.notebook not in g.submission.notebooks:
                continue
            print(("✓ " if r.passed else "✗ ") + r.message())
            failed += not r.passed
    return 1 if failed else 0


def _release(args: argparse.Namespace) -> int:
    from autograder import release

    kit = release.release(args.root, args.chapters or None, args.kit)
    print(
        f"released to {args.root / 'assignments'}; the student kit is {kit} (`pip install {kit}`)"
    )
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


def _report(args: argparse.Namespace) -> int:
    from autograder.classreport import make

    html = args.html if args.html is not None else args.out / "report"
    written = make.write(args.out, html, args.threshold)
    print(f"wrote {written[0]} and {(len(written) - 1) // 2} chapter page(s), each with its CSV")
    return 0


def _gradescope(args: argparse.Namespace) -> int:
    from autograder import gradescope

    settings = gradescope.Settings(
        args.user, args.memory, args.processes, args.cpu_time, args.timeout
    )
    path = gradescope.bundle(args.root, args.chapter, args.out, settings)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB): upload it as the autograder")
    if args.try_:
        from autograder import gradescope_try

        with gradescope_try.layout(path, args.chapter, args.user) as root:
            for folder in args.try_:
                print(gradescope_try.summary(str(folder), gradescope_try.run(root, folder)))
    return 0


def _demo(args: argparse.Namespace) -> int:
    args.paths = [args.root / "samples" / "class"]
    return _grade(args)


def parser() -> argparse.ArgumentParser:
    from autograder.isolate import CELL_TIMEOUT

    p = argparse.ArgumentParser(prog="autograder", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    root = Path.cwd()

    def grading(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--out", type=Path, help="write gradebook.csv and results/*.json here")
        sp.add_argument(
            "--jobs", type=int, default=2, help="notebooks executed at once (default 2)"
        )
        sp.add_argument(
            "--timeout",
            type=float,
            default=CELL_TIMEOUT,
            help=f"seconds per cell (default {CELL_TIMEOUT:g})",
        )
        sp.add_argument(
            "--memory", type=_size, default="4G", help="memory per notebook (default 4G)"
        )
        sp.add_argument(
            "--processes", type=int, default=64, help="processes per notebook (default 64)"
        )
        sp.add_argument(
            "--cpu-time", type=int, default=3600, help="CPU seconds per process (default 3600)"
        )
        sp.add_argument(
            "--no-sandbox",
            action="store_true",
            help="run the notebooks without bubblewrap (trusted notebooks only)",
        )
        sp.add_argument(
            "--run-demos",
            action="store_true",
            help="also run the cells the kit tags `demo` (skipped by default: no grade needs them)",
        )
        sp.add_argument("--shard", help="grade only the K-th of N shards (K/N, K from 0)")
        sp.add_argument("--resume", action="store_true", help="keep the results already in --out")
        sp.add_argument(
            "--roster",
            type=Path,
            help="nbgrader's student CSV (id, ...): gradebook.csv by student, non-submitters too",
        )
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

    m = sub.add_parser("merge", help="join the --out folders of shards into one gradebook")
    m.add_argument("folders", nargs="+", type=Path)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--roster", type=Path, help="nbgrader's student CSV: gradebook.csv by student")
    m.set_defaults(func=_merge)

    c = sub.add_parser("check", help="self-check one notebook on the visible cases")
    c.add_argument("notebook", type=Path)
    c.add_argument("--timeout", type=float, default=CELL_TIMEOUT)
    c.set_defaults(func=_check)

    r = sub.add_parser(
        "release", help="generate assignments/ and samples/ from solutions/ (nbgrader)"
    )
    r.add_argument("chapters", nargs="*", help="chapters such as ch03 (default: all)")
    r.add_argument("--root", type=Path, default=root)
    r.add_argument("--kit", type=Path, help="write the student kit here (default ROOT/student-kit)")
    r.set_defaults(func=_release)

    b = sub.add_parser("build", help="write solutions/*/*.ipynb from their plain-text sources")
    b.add_argument(
        "--check", action="store_true", help="only report notebooks that are out of date"
    )
    b.add_argument("--root", type=Path, default=root)
    b.set_defaults(func=_build)

    gs = sub.add_parser("gradescope", help="write a chapter's Gradescope autograder zip")
    gs.add_argument("chapter", help="such as ch03")
    gs.add_argument("--out", type=Path, required=True, help="writes autograder-CHAPTER.zip here")
    gs.add_argument("--root", type=Path, default=root)
    gs.add_argument("--user", default="student", help="the user student code runs as")
    gs.add_argument("--memory", type=_size, default="512M", help="per notebook (default 512M)")
    gs.add_argument("--processes", type=int, default=64, help="per notebook (default 64)")
    gs.add_argument("--cpu-time", type=int, default=600, help="CPU s per process (default 600)")
    gs.add_argument("--timeout", type=float, default=CELL_TIMEOUT, help="seconds per cell")
    gs.add_argument(
        "--try",
        dest="try_",
        nargs="+",
        type=Path,
        metavar="FOLDER",
        help="then run the bundle here, as Gradescope would, on your own test submissions (as root)",
    )
    gs.set_defaults(func=_gradescope)

    v = sub.add_parser(
        "validate", help="solutions full marks, stubs zero, release in sync, mutants"
    )
    v.add_argument("--root", type=Path, default=root)
    v.add_argument("--jobs", type=int, default=2)
    v.set_defaults(func=_validate)

    rp = sub.add_parser("report", help="the class report of a graded --out folder (HTML, CSV)")
    rp.add_argument("out", type=Path, help="the folder `autograder grade --out` wrote")
    rp.add_argument("--html", type=Path, help="write the pages here (default OUT/report)")
    rp.add_argument(
        "--threshold",
        type=float,
        help="the lowest similarity score a pair is shown at (default: the similarity check's)",
    )
    rp.set_defaults(func=_report)
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
