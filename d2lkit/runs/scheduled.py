"""The learning-rate schedule run of `d2lkit train` (11.11): an image classifier trained epoch by
epoch with `classifier.fit`, its learning rate changed between epochs as the book's `train` does.

The book's loop runs epoch 0 at the optimizer's lr and, after each epoch e, sets the lr to
`scheduler(e)` (or steps a `torch.optim.lr_scheduler`). Its schedules are written for 30 epochs;
a shorter run (`--epochs`) stretches them to its length: MultiStepLR halves at 1/2 and at the end
(the book's 15 and 30), the cosine ends at 2/3 (20) and warms up over 1/6 (5).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

import torch

from d2lkit import schedulers
from d2lkit.runs.classifier import fit, prepare, speedup_settings
from d2lkit.runs.spec import (
    ModelSpec,
    Report,
    TrainConfig,
    metrics,
    prepare_out_dir,
    refuse_options,
    variant_of,
    write_outputs,
)

__all__ = ["SCHEDULES", "run"]

BOOK_EPOCHS = 30

Step = Callable[[int], None]
"""Called after epoch e (from 0): sets the optimizer's lr for the next epoch."""


def _at(fraction: float, epochs: int) -> int:
    return max(1, round(fraction * epochs))


def _setter(optimizer: torch.optim.Optimizer, scheduler: Callable[[int], float]) -> Step:
    def step(epoch: int) -> None:
        for group in optimizer.param_groups:
            group["lr"] = scheduler(epoch)

    return step


def _constant(optimizer: torch.optim.Optimizer, lr: float, epochs: int) -> Step | None:
    return None


def _sqrt(optimizer: torch.optim.Optimizer, lr: float, epochs: int) -> Step:
    return _setter(optimizer, schedulers.SquareRootScheduler(lr))


def _multistep(optimizer: torch.optim.Optimizer, lr: float, epochs: int) -> Step:
    scheduler = torch.optim.lr_scheduler.MultiStepLR(
        optimizer, milestones=[_at(15 / BOOK_EPOCHS, epochs), epochs], gamma=0.5
    )
    return lambda epoch: scheduler.step()


def _cosine(warmup: bool) -> Callable[[torch.optim.Optimizer, float, int], Step]:
    def make(optimizer: torch.optim.Optimizer, lr: float, epochs: int) -> Step:
        warmup_steps = _at(5 / BOOK_EPOCHS, epochs) if warmup else 0
        scheduler = schedulers.CosineScheduler(
            # at least one update of cosine after the warm-up, however short the run
            max_update=max(_at(20 / BOOK_EPOCHS, epochs), warmup_steps + 1),
            base_lr=lr,
            final_lr=0.01,
            warmup_steps=warmup_steps,
        )
        return _setter(optimizer, scheduler)

    return make


SCHEDULES: dict[str, Callable[[torch.optim.Optimizer, float, int], Step | None]] = {
    "constant": _constant,
    "sqrt": _sqrt,
    "multistep": _multistep,
    "cosine": _cosine(warmup=False),
    "cosine-warmup": _cosine(warmup=True),
}
"""variant name -> (optimizer, its initial lr, the run's epochs) -> what to call after each epoch."""


def run(spec: ModelSpec, config: TrainConfig) -> Report:
    """Train `spec`'s classifier under the schedule `config.scheduler` (default: the spec's first
    variant); report the classifier's metrics plus the lr of every epoch."""
    name = variant_of(spec, config.scheduler, config.concise)
    refuse_options(config, spec.name, ("--compile",), "it trains the net uncompiled")
    if config.out_dir is not None:
        prepare_out_dir(config.out_dir)
    train_iter, test_iter, net, amp, channels_last = prepare(spec, config)
    optimizer = spec.optimizer(net.parameters(), config.lr)
    step = SCHEDULES[name](optimizer, config.lr, config.epochs)
    loss = spec.loss()
    curves: dict[str, list[float]] = {"train_loss": [], "train_acc": [], "test_acc": [], "lr": []}
    train_seconds, examples_per_sec = 0.0, []
    start = time.perf_counter()
    for epoch in range(config.epochs):
        curves["lr"].append(optimizer.param_groups[0]["lr"])
        history = fit(
            net,
            train_iter,
            test_iter,
            num_epochs=1,
            optimizer=optimizer,
            loss=loss,
            device=config.device,
            progress=config.progress,
            max_batches=config.max_batches,
            amp=amp,
            channels_last=channels_last,
        )
        for key in ("train_loss", "train_acc", "test_acc"):
            curves[key].append(getattr(history, key)[-1])
        examples_per_sec.append(history.examples_per_sec)
        train_seconds += history.seconds
        if step is not None:
            step(epoch)
    seconds = time.perf_counter() - start
    speeds = [s for s in examples_per_sec if not math.isnan(s)]
    report = metrics(
        replace(spec, book=spec.variants[name].get("book", {})),
        config,
        device=str(config.device),
        seconds=seconds,
        settings={
            "scheduler": name,
            "limit": config.limit,
            "max_batches": config.max_batches,
            **speedup_settings(amp, channels_last),
        },
        results={
            "train_loss": curves["train_loss"][-1],
            "train_acc": curves["train_acc"][-1],
            "test_acc": curves["test_acc"][-1],
            "examples_per_sec": sum(speeds) / len(speeds) if speeds else math.nan,
            "seconds_per_epoch": train_seconds / config.epochs,
        },
        history=curves,
    )
    summary = (
        f"{name}: train loss {curves['train_loss'][-1]:.3f}, train acc "
        f"{curves['train_acc'][-1]:.3f}, test acc {curves['test_acc'][-1]:.3f}, "
        f"final lr {optimizer.param_groups[0]['lr']:.4g}"
    )
    files = []
    if config.out_dir is not None:
        plotted = {k: v for k, v in curves.items() if k != "lr"}
        files = write_outputs(report, plotted, config.out_dir, f"{spec.name} ({name})")
    return Report(report, summary, files)
