"""Chapter 4 models: the MLP (4.2, 4.3), dropout (4.6) and the Kaggle house-price baseline (4.10).

The Fashion-MNIST MLPs train as `d2l.train_ch3` trains them: `nn.CrossEntropyLoss` per example,
`torch.optim.SGD` on its mean (4.2's "scratch" is the model only; the book uses the built-in loss
and optimizer there too). Their `book` results are read off the zh v2 notebooks' final plots.

`kaggle-house` is not a classifier: its `run` hook does the book's 5-fold cross-validation of
the linear baseline on the real CSVs, then trains on the whole training set and predicts the
test houses, as `k_fold` and `train_and_pred` of `d2lkit.kaggle_house` do.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

import torch
from torch import nn

from d2lkit.errors import D2lkitError
from d2lkit.kaggle_house import get_net, k_fold, load_kaggle_house, preprocess, train_and_pred
from d2lkit.mlp import DropoutMLPScratch, MLPScratch, dropout_mlp_concise, mlp_concise
from d2lkit.models import ModelSpec, register
from d2lkit.runner import Report, TrainConfig, write_outputs


def _book(train_loss: float, train_acc: float, test_acc: float) -> dict[str, float]:
    return {"train_loss": train_loss, "train_acc": train_acc, "test_acc": test_acc}


# (name, section, description, builder, lr, book: loss, train acc, test acc); every one runs
# 10 epochs of batch 256
_MLPS = (
    ("mlp", "4.2", "MLP from scratch: 784-256-10, relu(X W1 + b1) W2 + b2", MLPScratch,
     0.1, _book(0.385, 0.863, 0.823)),
    ("mlp-concise", "4.3", "MLP with nn layers: Flatten, Linear(784, 256), ReLU, Linear(256, 10)",
     mlp_concise, 0.1, _book(0.382, 0.865, 0.838)),
    # the book's scratch Net keeps nn.Linear's default init; only the concise net is N(0, 0.01^2)
    ("mlp-dropout", "4.6", "MLP 784-256-256-10 with the scratch dropout_layer (0.2, 0.5)",
     partial(DropoutMLPScratch, 784, 10, 256, 256, 0.2, 0.5), 0.5, _book(0.330, 0.877, 0.857)),
    ("mlp-dropout-concise", "4.6", "MLP 784-256-256-10 with nn.Dropout(0.2), nn.Dropout(0.5)",
     dropout_mlp_concise, 0.5, _book(0.344, 0.875, 0.844)),
)  # fmt: skip

for _name, _section, _description, _build, _lr, _results in _MLPS:
    register(
        ModelSpec(
            name=_name,
            section=_section,
            description=_description,
            build=_build,
            loss=partial(nn.CrossEntropyLoss, reduction="none"),
            optimizer=torch.optim.SGD,
            lr=_lr,
            batch_size=256,
            epochs=10,
            book=_results,
        )
    )


# ---------------------------------------------------------------- 4.10 Kaggle house prices

K = 5
WEIGHT_DECAY = 0.0
NUM_FEATURES = 331  # the book's preprocessed feature count


def _refuse_classifier_options(config: TrainConfig) -> None:
    """A one-line error naming the options set in `config` that a linear regression on 1,460
    houses cannot use: subsets would change the book's folds, and AMP, channels-last and
    compile speed up conv nets, not a (64, 331) matrix product."""
    given = {
        "--limit": config.limit is not None,
        "--max-batches": config.max_batches is not None,
        "--amp": bool(config.amp) or config.amp_dtype is not None,
        "--channels-last": bool(config.channels_last),
        "--compile": config.compile,
    }
    refused = [option for option, is_set in given.items() if is_set]
    if refused:
        raise D2lkitError(
            f"kaggle-house does not take {', '.join(refused)}: it cross-validates on all 1460 "
            "training houses (use --epochs for a shorter run)"
        )


def _make_out_dir(out_dir: Path) -> None:
    # before the run, so that an unusable folder fails at once and not after the training
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise D2lkitError(f"cannot write the results to {out_dir}: {e}") from e


def run_kaggle_house(spec: ModelSpec, config: TrainConfig) -> Report:
    """The book's K-fold cross-validation (K = 5) of `get_net`, then a fit on all 1,460 houses.

    Adam on the mean squared error of prices, judged by the log RMSE; epochs, lr and batch size
    come from `config` (the book's: 100, 5, 64; weight decay 0). With `config.out_dir`, writes
    `metrics.json`, `curves.png` (the last fold's curves and the full fit's) and the Kaggle
    `submission.csv` (Id, SalePrice: one row per test house) of the full fit.
    """
    _refuse_classifier_options(config)
    if config.out_dir is not None:
        _make_out_dir(config.out_dir)
    start = time.perf_counter()
    train_df, test_df = load_kaggle_house()
    train_features, test_features, train_labels = preprocess(train_df, test_df)
    hyperparameters = (config.epochs, config.lr, WEIGHT_DECAY, config.batch_size)
    folds = k_fold(
        K, train_features, train_labels, *hyperparameters, seed=config.seed, device=config.device
    )
    full = train_and_pred(
        train_features,
        test_features,
        train_labels,
        test_df,
        *hyperparameters,
        path=None if config.out_dir is None else config.out_dir / "submission.csv",
        seed=config.seed,
        device=config.device,
    )
    seconds = time.perf_counter() - start
    metrics: dict[str, Any] = {
        "model": spec.name,
        "section": spec.section,
        "device": str(config.device),
        "epochs": config.epochs,
        "lr": config.lr,
        "batch_size": config.batch_size,
        "weight_decay": WEIGHT_DECAY,
        "k": K,
        "seed": config.seed,
        "seconds": seconds,
        "train_log_rmse": folds["train_avg"],
        "valid_log_rmse": folds["valid_avg"],
        "full_train_log_rmse": full["train_ls"][-1],
        "folds": [
            {"fold": i + 1, "train_log_rmse": train, "valid_log_rmse": valid}
            for i, (train, valid) in enumerate(zip(folds["train_ls"], folds["valid_ls"]))
        ],
        # per epoch: the last fold's curves (k_fold keeps only those) and the full fit's
        "history": {
            "fold": K,
            "train_log_rmse": folds["train_curve"],
            "valid_log_rmse": folds["valid_curve"],
            "full_train_log_rmse": full["train_ls"],
        },
        "book": dict(spec.book),
    }
    summary = (
        f"{K}-fold validation: avg train log rmse {folds['train_avg']:f}, "
        f"avg valid log rmse {folds['valid_avg']:f}; all {len(train_df)} houses: "
        f"train log rmse {full['train_ls'][-1]:f}; {seconds:.1f} sec on {config.device}"
    )
    files = []
    if config.out_dir is not None:
        curves = {
            f"train (fold {K})": folds["train_curve"],
            f"valid (fold {K})": folds["valid_curve"],
            "train (all)": full["train_ls"],
        }
        # the book plots log RMSE on a log axis: on a linear one its fall from about 4 hides the
        # last 90 epochs
        files = write_outputs(metrics, curves, config.out_dir, spec.name, yscale="log")
        files.append(full["path"])
    return Report(metrics, summary, files)


register(
    ModelSpec(
        name="kaggle-house",
        section="4.10",
        description="linear regression of house prices, Adam, 5-fold log RMSE, submission.csv",
        build=partial(get_net, NUM_FEATURES),
        loss=partial(nn.MSELoss, reduction="none"),
        optimizer=torch.optim.Adam,
        lr=5.0,
        batch_size=64,
        epochs=100,
        dataset="kaggle-house",
        book={
            "train_log_rmse": 0.165458,
            "valid_log_rmse": 0.170293,
            "full_train_log_rmse": 0.162354,
        },
        run=run_kaggle_house,
    )
)
