"""4.10 Kaggle house prices: preprocessing against the book's shapes, log RMSE against its
formula, the K-fold split, and one short K-fold run (the full 5 x 100-epoch run is slow)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from d2lkit.data import get_path
from d2lkit.errors import D2lkitError
from d2lkit.kaggle_house import (
    get_k_fold_data,
    get_net,
    k_fold,
    load_kaggle_house,
    log_rmse,
    preprocess,
    train_and_pred,
)

torch.set_num_threads(1)

# the repository's sibling `shared/data`, unless the environment names another data root
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="module")
def data_env():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("D2LKIT_DATA", os.environ.get("D2LKIT_DATA", str(DEFAULT_DATA)))
        yield


@pytest.fixture(scope="module")
def frames(data_env):
    try:
        return load_kaggle_house()
    except D2lkitError as err:
        pytest.skip(f"kaggle-house data not available: {err}")


@pytest.fixture(scope="module")
def features(frames):
    return preprocess(*frames)


def test_raw_shapes(frames):
    train_df, test_df = frames
    assert train_df.shape == (1460, 81) and test_df.shape == (1459, 80)
    assert train_df.columns[0] == "Id" and train_df.columns[-1] == "SalePrice"
    # "None" (no masonry veneer) is a value, as pandas 1.x read it; NA is missing
    assert (train_df["MasVnrType"] == "None").sum() == 864
    assert train_df["MasVnrType"].isna().sum() == 8


def test_preprocess_matches_book_shapes(features, frames):
    train_features, test_features, train_labels = features
    assert train_features.shape == (1460, 331)  # the book: (2919, 331) before the split
    assert test_features.shape == (1459, 331)
    assert train_labels.shape == (1460, 1)
    for t in features:
        assert t.dtype == torch.float32 and torch.isfinite(t).all()
    torch.testing.assert_close(
        train_labels[:, 0], torch.tensor(frames[0]["SalePrice"].to_numpy(), dtype=torch.float32)
    )
    # numeric columns come first, standardised over train and test together
    all_numeric = torch.cat((train_features[:, :36], test_features[:, :36]))
    assert all_numeric.mean(dim=0).abs().max() < 1e-5
    # one-hot block: each of the 43 text columns contributes exactly one 1 per row
    assert torch.all(train_features[:, 36:].sum(dim=1) == 43)


def test_pandas2_default_na_loses_a_column(frames):
    """Documents the trap: pandas >= 2 reads "None" as NaN by default, giving 330 features."""
    as_default = [
        pd.read_csv(get_path("kaggle-house", f"kaggle_house_pred_{part}.csv"))
        for part in ("train", "test")
    ]
    assert as_default[0]["MasVnrType"].isna().sum() == 872
    assert preprocess(*as_default)[0].shape == (1460, 330)


def test_log_rmse_matches_formula():
    preds = torch.tensor([[0.5], [100.0], [2500.0], [1.0]])
    labels = torch.tensor([[2.0], [120.0], [2000.0], [3.0]])
    net = nn.Identity()
    clipped = np.maximum(preds.numpy(), 1)
    expected = math.sqrt(np.mean((np.log(clipped) - np.log(labels.numpy())) ** 2))
    assert log_rmse(net, preds, labels) == pytest.approx(expected, rel=1e-6)
    assert log_rmse(net, labels, labels) == 0


def test_get_k_fold_data_partitions():
    X = torch.arange(23.0).reshape(23, 1).repeat(1, 3)
    y = torch.arange(23.0).reshape(23, 1)
    k = 5
    seen = []
    for i in range(k):
        X_train, y_train, X_valid, y_valid = get_k_fold_data(k, i, X, y)
        assert X_valid.shape == (4, 3) and X_train.shape == (16, 3) and y_train.shape == (16, 1)
        assert torch.equal(X_valid[:, 0:1], y_valid) and torch.equal(X_train[:, 0:1], y_train)
        assert torch.equal(y_valid[:, 0], torch.arange(4.0 * i, 4.0 * i + 4))
        assert set(y_train[:, 0].tolist()) | set(y_valid[:, 0].tolist()) == set(range(20))
        seen += y_valid[:, 0].tolist()
    assert sorted(seen) == list(range(20))  # rows 20-22 (n % k) are never used


def test_short_k_fold_run_is_seeded(features):
    train_features, _, train_labels = features
    args = (5, train_features, train_labels, 3, 5, 0, 64)
    result = k_fold(*args, seed=0)
    assert len(result["train_ls"]) == len(result["valid_ls"]) == 5
    assert result["valid_avg"] == pytest.approx(sum(result["valid_ls"]) / 5)
    assert len(result["valid_curve"]) == 3
    # lr 5 against prices near 2e5: the log RMSE falls slowly (about 0.17 after 100 epochs)
    assert result["valid_curve"][2] < result["valid_curve"][0]
    assert 0 < result["valid_avg"] < 5 and 0 < result["train_avg"] < 5
    assert k_fold(*args, seed=0)["valid_ls"] == result["valid_ls"]


def test_train_and_pred_writes_submission(features, frames, tmp_path):
    train_features, test_features, train_labels = features
    out = train_and_pred(
        train_features, test_features, train_labels, frames[1], 2, 5, 0, 64, tmp_path / "sub.csv"
    )
    submission = pd.read_csv(out["path"])
    assert list(submission.columns) == ["Id", "SalePrice"]
    assert submission.shape == (1459, 2)
    assert submission["Id"].tolist() == frames[1]["Id"].tolist()
    np.testing.assert_allclose(submission["SalePrice"], out["preds"], rtol=1e-6)
    assert len(out["train_ls"]) == 2
    assert get_net(331)[0].in_features == 331
