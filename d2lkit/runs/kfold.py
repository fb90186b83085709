"""The k-fold regression run of `d2lkit train` (4.10, Kaggle house prices).

The book's 5-fold cross-validation of the linear baseline on the real CSVs, then a fit on the
whole training set that predicts the test houses, as `k_fold` and `train_and_pred` of
`d2lkit.kaggle_house` do.
"""

from __future__ import annotations

import time

from d2lkit.kaggle_house import k_fold, load_kaggle_house, preprocess, train_and_pred
from d2lkit.runs.spec import (
    ModelSpec,
    Report,
    TrainConfig,
    metrics,
    prepare_out_dir,
    refuse_options,
    write_outputs,
)

__all__ = ["K", "WEIGHT_DECAY", "run"]

K = 5
WEIGHT_DECAY = 0.0


def _refuse_classifier_options(config: TrainConfig) -> None:
    """A one-line error naming the options set in `config` that a linear regression on 1,460
    houses cannot use: subsets would change the book's folds, and AMP, channels-last and
    compile speed up conv nets, not a (64, 331) matrix product."""
    refuse_options(
        config,
        "kaggle-house",
        ("--limit", "--max-batches", "--amp", "--channels-last", "--compile"),
        "it cross-validates on all 1460 training houses (use --epochs for a shorter run)",
    )


def run(spec: ModelSpec, config: TrainConfig) -> Report:
    """The book's K-fold cross-validation (K = 5) of `get_net`, then a fit on all 1,460 houses.

    Adam on the mean squared error of prices, judged by the log RMSE; epochs, lr and batch size
    come from `config` (the book's: 100, 5, 64; weight decay 0). With `config.out_dir`, writes
    `metrics.json`, `curves.png` (the last fold's curves and the full fit's) and the Kaggle
    `submission.csv` (Id, SalePrice: one row per test house) of the full fit.
    """
    _refuse_classifier_options(config)
    if config.out_dir is not None:
        prepare_out_dir(config.out_dir)
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
    report = metrics(
        spec,
        config,
        device=str(config.device),
        seconds=seconds,
        settings={"weight_decay": WEIGHT_DECAY, "k": K},
        results={
            "train_log_rmse": folds["train_avg"],
            "valid_log_rmse": folds["valid_avg"],
            "full_train_log_rmse": full["train_ls"][-1],
            "folds": [
                {"fold": i + 1, "train_log_rmse": train, "valid_log_rmse": valid}
                for i, (train, valid) in enumerate(zip(folds["train_ls"], folds["valid_ls"]))
            ],
        },
        # per epoch: the last fold's curves (k_fold keeps only those) and the full fit's
        history={
            "fold": K,
            "train_log_rmse": folds["train_curve"],
            "valid_log_rmse": folds["valid_curve"],
            "full_train_log_rmse": full["train_ls"],
        },
    )
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
        files = write_outputs(report, curves, config.out_dir, spec.name, yscale="log")
        files.append(full["path"])
    return Report(report, summary, files)
