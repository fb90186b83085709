"""The optimiser run of `d2lkit train` (11.5-11.10): the book's linear regression on the airfoil
self-noise data, trained by one optimiser, from scratch (`train_ch11`) or, with `--concise`, by
its `torch.optim` version (`train_concise_ch11`).

The variant (`ModelSpec.variants`, picked by `--optimizer`) gives the book's lr, batch size and
epochs; the other hyperparameters the book fixes per optimiser (momentum, gamma, rho, the step
count) are here. The model has six parameters: it runs on the CPU whatever the device.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple

import torch

from d2lkit import optimizers
from d2lkit.data.airfoil import get_data_ch11
from d2lkit.errors import D2lkitError
from d2lkit.runs.spec import (
    ModelSpec,
    Report,
    TrainConfig,
    metrics,
    prepare_out_dir,
    refuse_options,
    seed_everything,
    variant_of,
    write_outputs,
)

__all__ = ["OPTIMIZERS", "Optimizer", "run"]

NUM_EXAMPLES = 1500


class Optimizer(NamedTuple):
    """A scratch update with its states' constructor, the hyperparameters besides lr (`t` is
    Adam's step count), and the torch.optim class of the concise version (None: torch has none)."""

    update: Callable[..., None]
    init_states: Callable[[int], Any] | None
    hyperparams: dict[str, Any]
    torch_optimizer: type[torch.optim.Optimizer] | None
    torch_hyperparams: dict[str, Any]


OPTIMIZERS: dict[str, Optimizer] = {
    "sgd": Optimizer(optimizers.sgd, None, {}, torch.optim.SGD, {}),
    "momentum": Optimizer(
        optimizers.sgd_momentum,
        optimizers.init_momentum_states,
        {"momentum": 0.9},
        torch.optim.SGD,
        {"momentum": 0.9},
    ),
    "adagrad": Optimizer(
        optimizers.adagrad, optimizers.init_adagrad_states, {}, torch.optim.Adagrad, {}
    ),
    "rmsprop": Optimizer(
        optimizers.rmsprop,
        optimizers.init_rmsprop_states,
        {"gamma": 0.9},
        torch.optim.RMSprop,
        {"alpha": 0.9},
    ),
    # Adadelta has no learning rate: the scratch update takes none, torch's lr 1 is the same
    "adadelta": Optimizer(
        optimizers.adadelta,
        optimizers.init_adadelta_states,
        {"rho": 0.9},
        torch.optim.Adadelta,
        {"rho": 0.9},
    ),  # fmt: skip
    "adam": Optimizer(optimizers.adam, optimizers.init_adam_states, {"t": 1}, torch.optim.Adam, {}),
    "yogi": Optimizer(optimizers.yogi, optimizers.init_adam_states, {"t": 1}, None, {}),
}


def _refuse_options(spec: ModelSpec, config: TrainConfig, name: str) -> None:
    refuse_options(
        config,
        spec.name,
        ("--max-batches", "--amp", "--channels-last", "--compile"),
        f"a linear regression on {NUM_EXAMPLES} rows (use --limit or --epochs for a shorter run)",
    )
    if name == "adadelta" and not config.concise and config.lr != 1.0:
        raise D2lkitError("adadelta has no learning rate: leave out --lr (or use --concise)")


def run(spec: ModelSpec, config: TrainConfig) -> Report:
    """Train the airfoil regression with the optimiser of `config` (default: the spec's first).

    Reports the final loss (half the mean squared error over the data, as the book's
    `squared_loss`), `seconds_per_epoch` (training only), and the loss curve; writes
    `metrics.json` and `curves.png` to config.out_dir.
    """
    key = variant_of(spec, config.optimizer, config.concise)
    name = key.removesuffix("-concise")
    _refuse_options(spec, config, name)
    if config.out_dir is not None:
        prepare_out_dir(config.out_dir)
    optimizer = OPTIMIZERS[name]
    seed_everything(config.seed)
    start = time.perf_counter()
    data_iter, feature_dim = get_data_ch11(
        config.batch_size, min(config.limit or NUM_EXAMPLES, NUM_EXAMPLES)
    )
    if config.concise:
        assert optimizer.torch_optimizer is not None  # variant_of refused it otherwise
        hyperparams = {"lr": config.lr, **optimizer.torch_hyperparams}
        curve = optimizers.train_concise_ch11(
            optimizer.torch_optimizer, hyperparams, data_iter, config.epochs
        )
        implementation = f"torch.optim.{optimizer.torch_optimizer.__name__}"
    else:
        hyperparams = dict(optimizer.hyperparams)
        if name != "adadelta":
            hyperparams["lr"] = config.lr
        states = None if optimizer.init_states is None else optimizer.init_states(feature_dim)
        # the step count advances in the dict: report the settings it started from
        settings = dict(hyperparams)
        curve = optimizers.train_ch11(
            optimizer.update, states, hyperparams, data_iter, feature_dim, config.epochs
        )
        hyperparams = settings
        implementation = "scratch"
    seconds = time.perf_counter() - start
    variant = spec.variants[key]
    report = metrics(
        replace(spec, book=variant.get("book", {})),
        config,
        device="cpu",
        seconds=seconds,
        settings={
            "optimizer": name,
            "implementation": implementation,
            "hyperparams": hyperparams,
            "limit": config.limit,
        },
        results={"train_loss": curve.losses[-1], "seconds_per_epoch": curve.seconds_per_epoch},
        history={"epoch": curve.epochs, "train_loss": curve.losses},
    )
    summary = (
        f"{name} ({implementation}): loss {curve.losses[-1]:.3f}, "
        f"{curve.seconds_per_epoch:.3f} sec/epoch"
    )
    files = []
    if config.out_dir is not None:
        files = write_outputs(
            report, {"train_loss": curve.losses}, config.out_dir, f"{spec.name} ({name})"
        )
    return Report(report, summary, files)
