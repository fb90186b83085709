"""The image-classifier run of `d2lkit train` (chapters 3-7): one host sync per epoch.

`fit` keeps the epoch's loss sum and correct count as tensors on the training device and reads
them back once per epoch, together with the test accuracy: nothing in the batch loop waits for
the device, so a GPU stays busy. It can run under autocast (bf16 or fp16) and in channels-last
memory format; `choose_speedups` (from `d2lkit.speedups`, which holds those mechanisms) says
when they are on by default. `run` trains a registered `ModelSpec` of kind "image-classifier"
under a `TrainConfig` and writes `metrics.json` and the curves when given an output folder.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any, NamedTuple

import torch
from torch import Tensor, nn

from d2lkit import speedups
from d2lkit.errors import D2lkitError
from d2lkit.linear import sgd
from d2lkit.runs.spec import (
    Loss,
    ModelSpec,
    Report,
    TrainConfig,
    metrics,
    seed_everything,
    write_outputs,
)
from d2lkit.speedups import choose_speedups

Batch = tuple[Tensor, Tensor]

__all__ = [
    "DATASETS",
    "History",
    "ScratchSGD",
    "evaluate_correct",
    "fit",
    "run",
    "summary_line",
]


def _fashion_mnist(config: TrainConfig, resize: int | None) -> tuple[Any, Any]:
    from d2lkit.data import load_data_fashion_mnist

    return load_data_fashion_mnist(
        config.batch_size,
        resize=resize,
        device=config.device,
        limit=config.limit,
        seed=config.seed,
    )


DATASETS: dict[str, Callable[[TrainConfig, int | None], tuple[Any, Any]]] = {
    "fashion-mnist": _fashion_mnist,
}
"""dataset name -> (config, resize) -> (train_iter, test_iter) of (X, y) batches, on the device."""


class ScratchSGD(torch.optim.Optimizer):
    """`d2lkit.linear.sgd` as a torch optimizer, so that scratch models keep the scratch update.

    The book's scratch loop backpropagates the SUMMED loss and `sgd` divides by the batch size;
    `fit` backpropagates the MEAN loss, whose gradient already carries that division, so each
    step is `sgd(params, lr, batch_size=1)`: the same update.
    """

    def __init__(self, params: Iterable[Tensor], lr: float) -> None:
        if lr <= 0:
            raise ValueError(f"lr must be positive, not {lr}")
        super().__init__(params, {"lr": lr})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> None:
        """One update of every parameter that has a gradient."""
        if closure is not None:
            raise ValueError("ScratchSGD takes no closure")
        for group in self.param_groups:
            sgd([p for p in group["params"] if p.grad is not None], group["lr"], 1)


@dataclass
class History:
    """What `fit` measured: one entry per epoch in the lists, then totals over the run.

    examples_per_sec counts training examples over the time spent in training batches (not in
    evaluation); seconds is the wall time of the whole run, evaluation included.
    """

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    examples_per_sec: float = math.nan
    seconds: float = 0.0
    device: str = "cpu"

    def curves(self) -> dict[str, list[float]]:
        """The per-epoch series, as `plot_curves` takes them."""
        return {
            "train_loss": self.train_loss,
            "train_acc": self.train_acc,
            "test_acc": self.test_acc,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


def _num_batches(data_iter: Iterable[Batch], max_batches: int | None) -> int | None:
    """How many batches an epoch takes, or None when data_iter has no length."""
    try:
        n = len(data_iter)
    except TypeError:
        return None if max_batches is None else max_batches
    return n if max_batches is None else min(n, max_batches)


def evaluate_correct(
    net: nn.Module,
    data_iter: Iterable[Batch],
    device: torch.device,
    max_batches: int | None = None,
    *,
    amp: torch.dtype | None = None,
    channels_last: bool = False,
) -> tuple[Tensor, int]:
    """The number of correct predictions as a 0-d tensor ON `device`, and the number of examples.

    Batches are X: (batch_size, ...), y: (batch_size,) class indices; predictions are the argmax
    of the net's outputs (logits and probabilities alike). Nothing is read back to the host.
    amp and channels_last are as in `fit`.
    """
    net.eval()
    correct = torch.zeros((), dtype=torch.int64, device=device)
    n = 0
    with torch.no_grad(), speedups.autocast(device, amp):
        for X, y in islice(data_iter, max_batches):
            X, y = speedups.to_device(X, device, channels_last), y.to(device, non_blocking=True)
            correct += (net(X).argmax(dim=1) == y).sum()
            n += y.shape[0]
    return correct, n


def fit(
    net: nn.Module,
    train_iter: Iterable[Batch],
    test_iter: Iterable[Batch],
    *,
    num_epochs: int,
    optimizer: torch.optim.Optimizer,
    loss: Loss,
    device: torch.device | str,
    progress: bool = True,
    max_batches: int | None = None,
    amp: torch.dtype | None = None,
    channels_last: bool = False,
) -> History:
    """Train the classifier `net` for num_epochs epochs; evaluate on test_iter after each one.

    Batches are X: (batch_size, ...) and y: (batch_size,) class indices; they are moved to
    `device` (a no-op when the loader already keeps them there). `loss(y_hat, y)` returns one
    value per example, (batch_size,); each step minimises its mean. `max_batches` caps the
    batches of every training and evaluation pass (for smoke tests). The host reads the device
    once per epoch; the progress bar (tqdm, on stderr) shows the metrics at each epoch's end.

    amp: run the forward passes and the loss under autocast to this dtype (bfloat16 or float16,
    which adds loss scaling); the parameters and the optimizer stay float32. channels_last: keep
    the net's 4-D weights and every X, (batch_size, C, H, W), in NHWC memory order, and the
    gradients that its `nn.Flatten` layers send back too. On the CPU, `keep_freed_memory` tunes
    the process's malloc for the per-batch allocations first.
    """
    from tqdm.auto import tqdm

    device = torch.device(device)
    if device.type == "cpu":
        speedups.keep_freed_memory()
    net.to(device, memory_format=speedups.memory_format(channels_last))
    scaler = speedups.grad_scaler(device, amp)
    history = History(device=str(device))
    clock = speedups.EpochClock(device)
    num_batches = _num_batches(train_iter, max_batches)
    total = None if num_batches is None else num_batches * num_epochs
    train_seconds, train_examples = 0.0, 0
    run_start = time.perf_counter()
    with (
        tqdm(total=total, unit="batch", disable=not progress, dynamic_ncols=True) as bar,
        speedups.channels_last_grads(net) if channels_last else contextlib.nullcontext(),
    ):
        for epoch in range(num_epochs):
            bar.set_description(f"epoch {epoch + 1}/{num_epochs}")
            net.train()
            # float64: the sum of ~10^5 float32 losses would lose digits
            loss_sum = torch.zeros((), dtype=torch.float64, device=device)
            correct = torch.zeros((), dtype=torch.int64, device=device)
            n = 0
            clock.start()
            for X, y in islice(train_iter, max_batches):
                X, y = speedups.to_device(X, device, channels_last), y.to(device, non_blocking=True)
                with speedups.autocast(device, amp):
                    y_hat = net(X)
                    l = loss(y_hat, y)
                optimizer.zero_grad()
                if scaler is None:
                    l.mean().backward()
                    optimizer.step()
                else:
                    # the scaler's step reads its overflow check back: one sync per batch
                    scaler.scale(l.mean()).backward()
                    scaler.step(optimizer)
                    scaler.update()
                loss_sum += l.detach().sum()
                correct += (y_hat.detach().argmax(dim=1) == y).sum()
                n += y.shape[0]
                bar.update()
            clock.stop()
            if n == 0:
                raise D2lkitError("the training data yielded no batches")
            test_correct, n_test = evaluate_correct(
                net, test_iter, device, max_batches, amp=amp, channels_last=channels_last
            )
            # the epoch's one sync: every metric in one transfer
            epoch_loss, epoch_correct, epoch_test = torch.stack(
                [loss_sum, correct.double(), test_correct.double()]
            ).tolist()
            train_seconds += clock.seconds()
            train_examples += n
            history.train_loss.append(epoch_loss / n)
            history.train_acc.append(epoch_correct / n)
            history.test_acc.append(epoch_test / n_test if n_test else math.nan)
            # a dict keeps this order; keyword arguments would be sorted by name
            bar.set_postfix(
                {
                    "loss": f"{history.train_loss[-1]:.3f}",
                    "train acc": f"{history.train_acc[-1]:.3f}",
                    "test acc": f"{history.test_acc[-1]:.3f}",
                }
            )
    history.seconds = time.perf_counter() - run_start
    history.examples_per_sec = train_examples / train_seconds if train_seconds > 0 else math.nan
    return history


def summary_line(history: History) -> str:
    """The book's closing line of a classifier run, e.g.
    `loss 0.447, train acc 0.848, test acc 0.836, 123456.7 examples/sec on cpu`."""
    return (
        f"loss {history.train_loss[-1]:.3f}, train acc {history.train_acc[-1]:.3f}, "
        f"test acc {history.test_acc[-1]:.3f}, "
        f"{history.examples_per_sec:.1f} examples/sec on {history.device}"
    )


class Prepared(NamedTuple):
    train_iter: Any
    test_iter: Any
    net: nn.Module
    amp: torch.dtype | None
    channels_last: bool


def prepare(spec: ModelSpec, config: TrainConfig) -> Prepared:
    """A classifier run's data and net: seeded, the net on the device before any optimizer sees
    its parameters (so that the optimizer's state follows them), and the speed-ups chosen for it."""
    if spec.dataset not in DATASETS:
        raise D2lkitError(
            f"model {spec.name!r} trains on {spec.dataset!r}; image classifiers train on "
            f"{', '.join(DATASETS)}"
        )
    seed_everything(config.seed)
    train_iter, test_iter = DATASETS[spec.dataset](config, spec.resize)
    net = spec.build().to(config.device)
    amp, channels_last = choose_speedups(
        net,
        config.device,
        spec.resize or 28,
        amp=config.amp,
        amp_dtype=config.amp_dtype,
        channels_last=config.channels_last,
    )
    return Prepared(train_iter, test_iter, net, amp, channels_last)


def speedup_settings(amp: torch.dtype | None, channels_last: bool) -> dict[str, Any]:
    """The speed-ups a run chose, as `metrics.json`'s settings hold them."""
    return {
        "amp": "off" if amp is None else str(amp).removeprefix("torch."),
        "channels_last": channels_last,
    }


def run(spec: ModelSpec, config: TrainConfig) -> Report:
    """Train `spec`'s classifier on its dataset under `config`; write outputs to config.out_dir.

    The data set lives on the training device, so batches cost no host transfer.
    """
    train_iter, test_iter, net, amp, channels_last = prepare(spec, config)
    history = fit(
        # the compiled module shares the net's parameters, so the optimizer's are the ones trained
        torch.compile(net) if config.compile else net,
        train_iter,
        test_iter,
        num_epochs=config.epochs,
        optimizer=spec.optimizer(net.parameters(), config.lr),
        loss=spec.loss(),
        device=config.device,
        progress=config.progress,
        max_batches=config.max_batches,
        amp=amp,
        channels_last=channels_last,
    )
    report = metrics(
        spec,
        config,
        device=history.device,
        seconds=history.seconds,
        settings={
            "limit": config.limit,
            "max_batches": config.max_batches,
            **speedup_settings(amp, channels_last),
            "compile": config.compile,
        },
        results={
            "train_loss": history.train_loss[-1],
            "train_acc": history.train_acc[-1],
            "test_acc": history.test_acc[-1],
            "examples_per_sec": history.examples_per_sec,
        },
        history=history.curves(),
    )
    files = []
    if config.out_dir is not None:
        files = write_outputs(report, history.curves(), config.out_dir, spec.name)
    return Report(report, summary_line(history), files)
