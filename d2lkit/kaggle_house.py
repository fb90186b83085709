"""4.10 Predicting house prices on Kaggle: preprocessing, log RMSE, K-fold cross-validation.

The model is the book's linear baseline, trained with Adam on the squared error of raw prices
and judged by the RMSE of log prices. `k_fold(5, ..., 100, 5, 0, 64)` reproduces the book's
average validation log RMSE of about 0.170.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from d2lkit.data import get_path, load_array

# pandas >= 2.0 also reads the string "None" as missing. In this data "None" is a real value of
# MasVnrType (no masonry veneer, 1742 rows), which the book (pandas 1.x) kept as a category:
# reading it as NaN loses one dummy column (330 instead of the book's 331 features).
_PANDAS1_NA_VALUES = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null",
]  # fmt: skip


def read_house_csv(path: str | Path) -> pd.DataFrame:
    """Read a Kaggle house CSV with pandas 1.x's missing-value markers, as the book did."""
    return pd.read_csv(path, keep_default_na=False, na_values=_PANDAS1_NA_VALUES)


def load_kaggle_house() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train_df, test_df): (1460, 81) with `Id` first and `SalePrice` last; (1459, 80)."""
    train_df = read_house_csv(get_path("kaggle-house", "kaggle_house_pred_train.csv"))
    test_df = read_house_csv(get_path("kaggle-house", "kaggle_house_pred_test.csv"))
    return train_df, test_df


def preprocess(train_df: pd.DataFrame, test_df: pd.DataFrame) -> tuple[Tensor, Tensor, Tensor]:
    """The book's features: standardised numbers, NaN -> 0, one-hot categories incl. NaN.

    The 79 feature columns of both sets (without `Id` and `SalePrice`) are processed together:
    each numeric column is standardised with the mean and std over train and test, then its
    missing values set to 0 (the mean); text columns become indicators, one per value plus one
    for "missing". Returns float32 train_features (1460, 331), test_features (1459, 331) and
    train_labels (1460, 1).
    """
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    # select by kind: with pandas >= 3 text columns have dtype `str`, so the book's
    # `dtypes != 'object'` test would also pick them as numeric
    numeric = all_features.select_dtypes(include="number").columns
    numbers = all_features[numeric]
    all_features[numeric] = ((numbers - numbers.mean()) / numbers.std()).fillna(0)
    all_features = pd.get_dummies(all_features, dummy_na=True)
    values = all_features.to_numpy(dtype=np.float32)
    n_train = train_df.shape[0]
    train_features = torch.from_numpy(values[:n_train].copy())
    test_features = torch.from_numpy(values[n_train:].copy())
    train_labels = torch.tensor(
        train_df["SalePrice"].to_numpy(dtype=np.float32).reshape(-1, 1), dtype=torch.float32
    )
    return train_features, test_features, train_labels


def log_rmse(net: nn.Module, features: Tensor, labels: Tensor) -> float:
    """`sqrt(mean((log y_hat - log y)^2))`, the competition's metric: relative errors count.

    features: (n, d); labels: (n, 1). Predictions below 1 are raised to 1 so that the log is
    defined and non-negative.
    """
    with torch.no_grad():
        clipped_preds = torch.clamp(net(features), 1, float("inf"))
        rmse = torch.sqrt(nn.functional.mse_loss(torch.log(clipped_preds), torch.log(labels)))
    return rmse.item()


def get_net(in_features: int) -> nn.Sequential:
    """The linear baseline: `Linear(in_features, 1)`."""
    return nn.Sequential(nn.Linear(in_features, 1))


def train(
    net: nn.Module,
    train_features: Tensor,
    train_labels: Tensor,
    test_features: Tensor | None,
    test_labels: Tensor | None,
    num_epochs: int,
    learning_rate: float,
    weight_decay: float,
    batch_size: int,
) -> tuple[list[float], list[float]]:
    """Adam on the mean squared error of prices; returns the per-epoch log RMSE on the training
    and on the test set (the latter empty when test_labels is None)."""
    train_ls: list[float] = []
    test_ls: list[float] = []
    train_iter = load_array((train_features, train_labels), batch_size)
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate, weight_decay=weight_decay)
    loss = nn.MSELoss()
    for _ in range(num_epochs):
        for X, y in train_iter:
            optimizer.zero_grad()
            loss(net(X), y).backward()
            optimizer.step()
        train_ls.append(log_rmse(net, train_features, train_labels))
        if test_labels is not None:
            test_ls.append(log_rmse(net, test_features, test_labels))
    return train_ls, test_ls


def get_k_fold_data(k: int, i: int, X: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Fold i of k as (X_train, y_train, X_valid, y_valid).

    The rows are cut in order into k folds of `n // k` rows; fold i validates, the other k - 1
    train. The last `n % k` rows are left out of every fold, as in the book.
    """
    assert k > 1 and 0 <= i < k
    fold_size = X.shape[0] // k
    start, stop = i * fold_size, (i + 1) * fold_size
    X_train = torch.cat((X[:start], X[stop : k * fold_size]))
    y_train = torch.cat((y[:start], y[stop : k * fold_size]))
    return X_train, y_train, X[start:stop], y[start:stop]


def k_fold(
    k: int,
    X_train: Tensor,
    y_train: Tensor,
    num_epochs: int,
    learning_rate: float,
    weight_decay: float,
    batch_size: int,
    seed: int | None = 0,
    device: torch.device | str = "cpu",
) -> dict[str, list[float] | float]:
    """K-fold cross-validation of a fresh `get_net` per fold, trained on `device`.

    Returns `{"train_ls", "valid_ls"}` (each fold's final log RMSE), `"train_avg"`,
    `"valid_avg"` and the last fold's curves `"train_curve"`, `"valid_curve"`. With `seed`,
    torch's global RNG is seeded first (initialisation and minibatch order).
    """
    if seed is not None:
        torch.manual_seed(seed)
    X_train, y_train = X_train.to(device), y_train.to(device)
    result: dict[str, list[float] | float] = {"train_ls": [], "valid_ls": []}
    for i in range(k):
        X_tr, y_tr, X_va, y_va = get_k_fold_data(k, i, X_train, y_train)
        net = get_net(X_train.shape[1]).to(device)
        train_ls, valid_ls = train(
            net, X_tr, y_tr, X_va, y_va, num_epochs, learning_rate, weight_decay, batch_size
        )
        result["train_ls"].append(train_ls[-1])
        result["valid_ls"].append(valid_ls[-1])
        result["train_curve"], result["valid_curve"] = train_ls, valid_ls
    result["train_avg"] = sum(result["train_ls"]) / k
    result["valid_avg"] = sum(result["valid_ls"]) / k
    return result


def train_and_pred(
    train_features: Tensor,
    test_features: Tensor,
    train_labels: Tensor,
    test_data: pd.DataFrame,
    num_epochs: int,
    lr: float,
    weight_decay: float,
    batch_size: int,
    path: str | Path | None = "submission.csv",
    seed: int | None = 0,
    device: torch.device | str = "cpu",
) -> dict[str, list[float] | np.ndarray | Path | None]:
    """Train on all training data (on `device`), predict the test prices and write the Kaggle
    submission.

    test_data: the raw test frame (for its `Id` column). Writes `path` (unless it is None) with
    columns Id, SalePrice and returns `{"train_ls": per-epoch log RMSE, "preds": (n_test,)
    prices, "path": the path written or None}`.
    """
    if seed is not None:
        torch.manual_seed(seed)
    net = get_net(train_features.shape[1]).to(device)
    train_features, train_labels = train_features.to(device), train_labels.to(device)
    train_ls, _ = train(
        net, train_features, train_labels, None, None, num_epochs, lr, weight_decay, batch_size
    )
    with torch.no_grad():
        preds = net(test_features.to(device)).reshape(-1).cpu().numpy()
    if path is not None:
        submission = pd.DataFrame({"Id": test_data["Id"].to_numpy(), "SalePrice": preds})
        path = Path(path)
        submission.to_csv(path, index=False)
    return {"train_ls": train_ls, "preds": preds, "path": path}
