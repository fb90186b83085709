"""`d2lkit`: train the book's models, list them, and check the datasets.

    d2lkit train MODEL [--epochs N] [--lr X] [--batch-size N] [--device auto|cpu|cuda] [--out DIR]
                       [--amp | --no-amp] [--amp-dtype bf16|fp16] [--[no-]channels-last] [--compile]
                       [--optimizer NAME [--concise]] [--scheduler NAME]
                       [--nproc N]
    d2lkit models
    d2lkit data list | verify [NAME] | path NAME

Errors a user can cause (an unknown model or dataset, a missing or corrupt file, a GPU that is
not there) are printed as one line, `d2lkit: error: <message>`, with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from d2lkit.errors import D2lkitError

PROG = "d2lkit"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _table(rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns, two spaces apart; the first row is the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows
    )


_BOOK_LABELS = {
    "train_loss": "loss",
    "train_acc": "train acc",
    "test_acc": "test acc",
    "mean_bleu": "mean bleu",
}


def _book_result(key: str, value: float) -> str:
    if key in _BOOK_LABELS:
        return f"{_BOOK_LABELS[key]} {value:.3f}"  # as the book prints them
    if key == "examples_per_sec":
        return f"{value:.1f} examples/sec (V100)"  # every speed in the book is on its V100
    if key == "tokens_per_sec":
        return f"{value:.1f} tokens/sec (V100)"
    if key == "seconds_per_epoch":
        return f"{value:.3f} sec/epoch"  # 11.5-11.10, as the book prints it
    if key == "perplexity":
        return f"perplexity {value:.1f}"
    if key.endswith("log_rmse"):
        return f"{key.replace('_', ' ')} {value:f}"  # 4.10 prints six decimals
    return f"{key} {value:g}"


def _input(spec) -> str:
    """What a model reads: an image size, or a dataset (with the sequence length)."""
    if spec.dataset == "fashion-mnist":
        size = spec.resize or 28
        return f"{size}x{size}"
    return spec.dataset if spec.num_steps is None else f"{spec.dataset}, {spec.num_steps} steps"


def _book_results(book: dict[str, float]) -> str:
    """e.g. `loss 0.469, train acc 0.823, test acc 0.779, 55296.6 examples/sec (V100)`."""
    return ", ".join(_book_result(key, value) for key, value in book.items())


# ---------------------------------------------------------------- commands


def _cmd_train(args: argparse.Namespace) -> int:
    from d2lkit import models, runs
    from d2lkit.runs import distributed
    from d2lkit.utils import resolve_device

    spec = models.get(args.model)
    config = runs.TrainConfig.for_spec(
        spec,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        device=resolve_device(args.device),
        seed=args.seed,
        limit=args.limit,
        max_batches=args.max_batches,
        progress=not args.no_progress,
        out_dir=args.out,
        amp=args.amp,
        amp_dtype=args.amp_dtype,
        channels_last=args.channels_last,
        compile=args.compile,
        random_iter=args.random_iter,
        beam=args.beam,
        optimizer=args.optimizer,
        scheduler=args.scheduler,
        concise=args.concise,
    )
    if args.nproc > 1 or distributed.launched_by_torchrun():
        report = distributed.run(spec, config, args.nproc, models.get)
    else:
        report = runs.train(spec, config)
    print(report.summary)
    if report.files:
        print("wrote " + ", ".join(str(path) for path in report.files))
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from d2lkit import models

    rows = [["name", "section", "epochs", "lr", "batch", "input", "book results", "description"]]
    for spec in models.MODELS.values():
        rows.append(
            [
                spec.name,
                spec.section,
                str(spec.epochs),
                f"{spec.lr:g}",
                str(spec.batch_size),
                _input(spec),
                _book_results(dict(spec.book)),
                spec.description,
            ]
        )
    print(_table(rows))
    return 0


def _cmd_data_list(args: argparse.Namespace) -> int:
    from d2lkit import data

    for ds in data.DATASETS.values():
        print(f"{ds.name}: {ds.description}")
        folder = data.data_root() / ds.folder
        for f in ds.files:
            state = "present" if (folder / f.name).is_file() else "missing"
            print(f"  {state:<8} {folder / f.name}")
    return 0


def _cmd_data_verify(args: argparse.Namespace) -> int:
    from d2lkit import data

    report = data.verify(args.name)
    for status in report:
        print(f"{'ok' if status.ok else 'FAILED':<7}{status.path}: {status.detail}")
    failed = [status for status in report if not status.ok]
    if failed:
        first = failed[0]
        raise D2lkitError(
            f"{len(failed)} of {len(report)} file(s) failed verification "
            f"(first: {first.path}: {first.detail})"
        )
    return 0


def _cmd_data_path(args: argparse.Namespace) -> int:
    from d2lkit import data

    print(data.get_path(args.name))
    return 0


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The `d2lkit` argument parser; each subcommand stores its handler as `func`."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = commands.add_parser(
        "train",
        help="train a registered model (defaults: the book's settings)",
        description="Train a model of `d2lkit models`; options left out take the book's values.",
    )
    train.add_argument("model", metavar="MODEL", help="a name listed by `d2lkit models`")
    train.add_argument("--epochs", type=_positive_int, metavar="N", help="number of epochs")
    train.add_argument("--lr", type=_positive_float, metavar="X", help="learning rate")
    train.add_argument("--batch-size", type=_positive_int, metavar="N", help="minibatch size")
    train.add_argument(
        "--device",
        default="auto",
        metavar="DEVICE",
        help="auto (a GPU when there is one), cpu, cuda or cuda:N",
    )
    train.add_argument(
        "--out", type=Path, metavar="DIR", help="folder for metrics.json and curves.png"
    )
    train.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    train.add_argument(
        "--limit",
        type=_positive_int,
        metavar="N",
        help="use only the first N examples of each split",
    )
    train.add_argument(
        "--max-batches",
        type=_positive_int,
        metavar="N",
        help="at most N batches per pass (smoke tests)",
    )
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.add_argument(
        "--nproc",
        type=_positive_int,
        default=1,
        metavar="N",
        help="data-parallel processes (DistributedDataParallel: gloo on CPU, NCCL on GPUs); "
        "the global batch is split across them",
    )
    train.add_argument(
        "--random-iter",
        action="store_true",
        help="language models: sample minibatches at random positions (default: sequential)",
    )
    train.add_argument(
        "--beam",
        type=_positive_int,
        metavar="K",
        help="seq2seq: translate by beam search of width K (default: greedy)",
    )
    # checked by TrainConfig against the model's variants, so that a bad name is a one-line error
    train.add_argument(
        "--optimizer",
        metavar="NAME",
        help="airfoil: sgd, momentum, adagrad, rmsprop, adadelta, adam or yogi (default sgd)",
    )
    train.add_argument(
        "--concise",
        action="store_true",
        help="airfoil: train with the torch.optim optimizer instead of the scratch one",
    )
    train.add_argument(
        "--scheduler",
        metavar="NAME",
        help="lenet-schedule: constant, sqrt, multistep, cosine or cosine-warmup",
    )
    speed = train.add_argument_group(
        "speed",
        "left out: bf16 AMP and channels-last for conv nets with inputs of 64x64 or more on a "
        "bf16 GPU; channels-last for conv nets on the CPU; else off",
    )
    speed.add_argument(
        "--amp",
        action=argparse.BooleanOptionalAction,
        help="mixed precision: forward passes under autocast (weights stay float32)",
    )
    speed.add_argument(
        "--amp-dtype",
        # checked by TrainConfig, so that a bad name is a one-line error, not a usage message
        metavar="bf16|fp16",
        help="autocast type (default bf16; fp16 adds loss scaling); implies --amp",
    )
    speed.add_argument(
        "--channels-last",
        action=argparse.BooleanOptionalAction,
        help="NHWC memory format for conv weights and inputs",
    )
    speed.add_argument(
        "--compile",
        action="store_true",
        help="torch.compile the net (default off: compiling takes tens of seconds)",
    )
    train.set_defaults(func=_cmd_train)

    listing = commands.add_parser("models", help="list the models with their book settings")
    listing.set_defaults(func=_cmd_models)

    data = commands.add_parser("data", help="the datasets: list, verify checksums, show paths")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    data_list = data_commands.add_parser("list", help="datasets, their files and which are present")
    data_list.set_defaults(func=_cmd_data_list)
    verify = data_commands.add_parser("verify", help="check the files' checksums (all datasets)")
    verify.add_argument("name", nargs="?", metavar="NAME", help="only this dataset")
    verify.set_defaults(func=_cmd_data_verify)
    path = data_commands.add_parser("path", help="the verified path of a dataset")
    path.add_argument("name", metavar="NAME")
    path.set_defaults(func=_cmd_data_path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line argv (default: sys.argv[1:]); return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except D2lkitError as e:
        message = " ".join(str(e).split())  # one line, whatever the message holds
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
