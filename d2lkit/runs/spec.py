"""What a run of `d2lkit train` is: the model's description (`ModelSpec`), the run's settings
(`TrainConfig`) and its outcome (`Report`), the one place that builds `metrics.json`'s dict, and
the writing of the outputs. A leaf: it imports no model and no runner.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from d2lkit import speedups
from d2lkit.errors import D2lkitError

Loss = Callable[[Tensor, Tensor], Tensor]
MakeOptimizer = Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer]

__all__ = [
    "Loss",
    "Capped",
    "MakeOptimizer",
    "ModelSpec",
    "Report",
    "TrainConfig",
    "metrics",
    "prepare_out_dir",
    "refuse_options",
    "seed_everything",
    "variant_of",
    "write_outputs",
]


@dataclass(frozen=True)
class ModelSpec:
    """A trainable model of the book: how to build and train it, and what the book reports.

    build() -> a fresh net (a language model's build takes `(vocab_size, device)`, a seq2seq
    model's `(src_vocab_size, tgt_vocab_size)`: their vocabularies come from the data); loss() ->
    the loss (an image classifier's returns one value per example, `reduction='none'`);
    optimizer(params, lr) -> a torch optimizer.
    lr, batch_size and epochs are the book's; resize is the input side length the data is
    resized to (None: the dataset's own). `kind` names the runner (`d2lkit.runs.RUNNERS`):
    "image-classifier", "k-fold-regression", "language-model", "seq2seq", "optimizer-regression"
    or "scheduled-classifier". num_steps (a sequence length) and grad_clip (a global gradient-norm
    bound) are the sequence models'. book holds the book's reported final values, e.g.
    {"train_loss": 0.447, "train_acc": 0.848, "test_acc": 0.836}. A model trained several ways
    (chapter 11's optimisers and schedules) lists them in `variants`, picked by the option
    `variant_option` names; `TrainConfig.for_spec` takes the picked one's settings.
    """

    name: str
    section: str
    description: str
    build: Callable[[], nn.Module]
    loss: Callable[[], Loss]
    optimizer: MakeOptimizer
    lr: float
    batch_size: int
    epochs: int
    kind: str = "image-classifier"
    dataset: str = "fashion-mnist"
    resize: int | None = None
    num_steps: int | None = None
    grad_clip: float | None = None
    book: Mapping[str, float] = field(default_factory=dict)
    # a model trained several ways, picked by one option (`variant_option`, e.g. "optimizer"):
    # variant name -> the book's settings of that way ("lr", "batch_size", "epochs") and its
    # results ("book"); the first is the default. `--concise` picks "<name>-concise".
    variants: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    variant_option: str = ""


_VARIANT_SETTINGS = ("lr", "batch_size", "epochs")


def variant_of(spec: ModelSpec, choice: str | None, concise: bool = False) -> str:
    """The name of the variant a run of `spec` picks (`choice`, else the first), or a one-line
    error naming the choices; "" for a model without variants."""
    if not spec.variants:
        if choice is not None or concise:
            raise D2lkitError(f"model {spec.name!r} is trained one way only: it takes no --concise")
        return ""
    base = choice or next(iter(spec.variants))
    key = f"{base}-concise" if concise else base
    if key not in spec.variants:
        names = [name for name in spec.variants if not name.endswith("-concise")]
        if base in spec.variants:
            concise_names = [
                n.removesuffix("-concise") for n in spec.variants if n.endswith("-concise")
            ]
            if not concise_names:
                raise D2lkitError(f"model {spec.name!r} takes no --concise")
            raise D2lkitError(
                f"{spec.name}: {base} has no concise (torch.optim) version; --concise takes "
                f"{', '.join(concise_names)}"
            )
        raise D2lkitError(
            f"{spec.name}: unknown --{spec.variant_option} {base!r}; choose from {', '.join(names)}"
        )
    return key


@dataclass(frozen=True)
class TrainConfig:
    """The settings of one `d2lkit train` run; `TrainConfig.for_spec` fills in the book's."""

    epochs: int
    lr: float
    batch_size: int
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))
    seed: int = 0
    limit: int | None = None  # the first `limit` examples of each split (None: all)
    max_batches: int | None = None
    progress: bool = True
    out_dir: Path | None = None
    # None: `choose_speedups` decides from the device and the net
    amp: bool | None = None
    amp_dtype: str | None = None  # 'bf16' or 'fp16'; None: bf16
    channels_last: bool | None = None
    # torch.compile the net (inductor); off, since on a 2-core CPU LeNet compiles for 75 s and
    # then steps no faster: a 10-epoch run would only lose
    compile: bool = False
    # language models: sample minibatches at random positions (the state starts afresh each time)
    random_iter: bool = False
    # seq2seq: decode the test sentences by beam search of this width (None: greedy)
    beam: int | None = None
    # models with variants (`ModelSpec.variants`): the one picked, and torch's version of it
    optimizer: str | None = None
    scheduler: str | None = None
    concise: bool = False

    def __post_init__(self) -> None:
        # here rather than in a runner, so that a bad name fails before any data is loaded
        speedups.check_amp_dtype(self.amp_dtype)

    @classmethod
    def for_spec(cls, spec: ModelSpec, **overrides: Any) -> TrainConfig:
        """The spec's book defaults (those of the variant picked, for a model with variants),
        with every override that is not None."""
        config = cls(epochs=spec.epochs, lr=spec.lr, batch_size=spec.batch_size)
        for option in ("optimizer", "scheduler"):
            if overrides.get(option) is not None and option != spec.variant_option:
                raise D2lkitError(f"model {spec.name!r} takes no --{option}")
        choice = overrides.get(spec.variant_option) if spec.variant_option else None
        key = variant_of(spec, choice, bool(overrides.get("concise")))
        if key:
            variant = spec.variants[key]
            config = replace(config, **{k: variant[k] for k in _VARIANT_SETTINGS if k in variant})
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})


# the options a run may have no use for, and how to tell that one was given
_OPTION_SET: dict[str, Callable[[TrainConfig], bool]] = {
    "--limit": lambda c: c.limit is not None,
    "--max-batches": lambda c: c.max_batches is not None,
    "--amp": lambda c: bool(c.amp) or c.amp_dtype is not None,
    "--channels-last": lambda c: bool(c.channels_last),
    "--compile": lambda c: c.compile,
}


def refuse_options(config: TrainConfig, name: str, options: Iterable[str], why: str) -> None:
    """A one-line error naming those of `options` set in `config` that the run of `name` has no
    use for, and `why`; before any data is loaded."""
    refused = [option for option in options if _OPTION_SET[option](config)]
    if refused:
        raise D2lkitError(f"{name} does not take {', '.join(refused)}: {why}")


@dataclass
class Report:
    """The outcome of a run: its metrics (as written to metrics.json), a one-line summary and
    the files written."""

    metrics: dict[str, Any]
    summary: str
    files: list[Path] = field(default_factory=list)


class Capped:
    """The first `n` batches of every pass over `batches` (all of them when n is None): a
    re-iterable loader cut short for smoke runs."""

    def __init__(self, batches: Iterable, n: int | None) -> None:
        self.batches, self.n = batches, n

    def __iter__(self) -> Iterator:
        return islice(iter(self.batches), self.n)


def seed_everything(seed: int) -> None:
    """Seed Python's `random`, NumPy and torch (the CPU and every GPU)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def metrics(
    spec: ModelSpec,
    config: TrainConfig,
    *,
    device: str,
    seconds: float,
    settings: Mapping[str, Any],
    results: Mapping[str, Any],
    history: Mapping[str, Any],
) -> dict[str, Any]:
    """`metrics.json` of every run, in one order: what ran (model, section, device, epochs, lr,
    batch_size, seed, then the runner's own `settings`), what it reached (`results`), its wall
    time `seconds`, the per-epoch `history` and the book's figures."""
    return {
        "model": spec.name,
        "section": spec.section,
        "device": device,
        "epochs": config.epochs,
        "lr": config.lr,
        "batch_size": config.batch_size,
        "seed": config.seed,
        **settings,
        **results,
        "seconds": seconds,
        "history": dict(history),
        "book": dict(spec.book),
    }


def prepare_out_dir(out_dir: Path) -> None:
    """Create out_dir, or fail with a one-line error: called before a run, so that an unusable
    folder fails at once and not after the training."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise D2lkitError(f"cannot write the results to {out_dir}: {e}") from e


def write_outputs(
    metrics: dict[str, Any],
    curves: dict[str, list[float]],
    out_dir: Path,
    title: str,
    yscale: str = "linear",
) -> list[Path]:
    """Write `metrics.json` and `curves.png` (on a `yscale` axis) into out_dir (created if
    needed); return both paths."""
    from d2lkit.plotting import plot_curves

    metrics_path, curves_path = out_dir / "metrics.json", out_dir / "curves.png"
    prepare_out_dir(out_dir)
    try:
        metrics_path.write_text(json.dumps(metrics, indent=2) + "\n")
        plot_curves(curves, title=title, path=curves_path, yscale=yscale)
    except OSError as e:
        raise D2lkitError(f"cannot write the results to {out_dir}: {e}") from e
    return [metrics_path, curves_path]
