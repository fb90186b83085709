"""4.10 Kaggle house prices: wrong implementations, each rejected by its check."""

import numpy as np
import pandas as pd
import torch

from d2lkit.kaggle_house import get_net, train


def _to_tensors(all_features, train_df):
    n_train = train_df.shape[0]
    values = all_features.to_numpy(dtype=np.float32)
    return (
        torch.tensor(values[:n_train]),
        torch.tensor(values[n_train:]),
        torch.tensor(train_df["SalePrice"].to_numpy(dtype=np.float32).reshape(-1, 1)),
    )


def preprocess_no_dummy_na(train_df, test_df):
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    numeric = all_features.select_dtypes(include="number").columns
    x = all_features[numeric]
    all_features[numeric] = ((x - x.mean()) / x.std()).fillna(0)
    return _to_tensors(pd.get_dummies(all_features), train_df)


def preprocess_fill_before_standardising(train_df, test_df):
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    numeric = all_features.select_dtypes(include="number").columns
    x = all_features[numeric].fillna(0)
    all_features[numeric] = (x - x.mean()) / x.std()
    return _to_tensors(pd.get_dummies(all_features, dummy_na=True), train_df)


def preprocess_book_object_test(train_df, test_df):
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    numeric = all_features.dtypes[all_features.dtypes != "object"].index
    all_features[numeric] = all_features[numeric].apply(lambda x: (x - x.mean()) / (x.std()))
    all_features[numeric] = all_features[numeric].fillna(0)
    return _to_tensors(pd.get_dummies(all_features, dummy_na=True), train_df)


def preprocess_row_labels(train_df, test_df):
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    numeric = all_features.select_dtypes(include="number").columns
    x = all_features[numeric]
    all_features[numeric] = ((x - x.mean()) / x.std()).fillna(0)
    train_features, test_features, labels = _to_tensors(
        pd.get_dummies(all_features, dummy_na=True), train_df
    )
    return train_features, test_features, labels.reshape(-1)


def log_rmse_no_clamp(net, features, labels):
    with torch.no_grad():
        return torch.sqrt(((torch.log(net(features)) - torch.log(labels)) ** 2).mean()).item()


def log_rmse_raw_prices(net, features, labels):
    with torch.no_grad():
        preds = torch.clamp(net(features), 1, float("inf"))
        return torch.sqrt(((preds - labels) ** 2).mean()).item()


def log_rmse_no_sqrt(net, features, labels):
    with torch.no_grad():
        preds = torch.clamp(net(features), 1, float("inf"))
        return ((torch.log(preds) - torch.log(labels)) ** 2).mean().item()


def get_k_fold_data_keeps_leftover(k, i, X, y):
    fold_size = X.shape[0] // k
    start, stop = i * fold_size, (i + 1) * fold_size
    return (
        torch.cat((X[:start], X[stop:])),
        torch.cat((y[:start], y[stop:])),
        X[start:stop],
        y[start:stop],
    )


def get_k_fold_data_validation_in_training(k, i, X, y):
    fold_size = X.shape[0] // k
    start, stop = i * fold_size, (i + 1) * fold_size
    keep = torch.cat((torch.arange(0, stop), torch.arange(stop, k * fold_size)))
    keep = keep[fold_size:] if i == 0 else keep[:-fold_size]
    return X[keep], y[keep], X[start:stop], y[start:stop]


def _fold(k, i, X, y):
    fold_size = X.shape[0] // k
    start, stop = i * fold_size, (i + 1) * fold_size
    X_train = torch.cat((X[:start], X[stop : k * fold_size]))
    y_train = torch.cat((y[:start], y[stop : k * fold_size]))
    return X_train, y_train, X[start:stop], y[start:stop]


def k_fold_one_net(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size):
    net = get_net(X_train.shape[1])
    train_sum = valid_sum = 0.0
    for i in range(k):
        data = _fold(k, i, X_train, y_train)
        train_ls, valid_ls = train(net, *data, num_epochs, learning_rate, weight_decay, batch_size)
        train_sum += train_ls[-1]
        valid_sum += valid_ls[-1]
    return train_sum / k, valid_sum / k


def k_fold_no_average(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size):
    train_sum = valid_sum = 0.0
    for i in range(k):
        data = _fold(k, i, X_train, y_train)
        net = get_net(X_train.shape[1])
        train_ls, valid_ls = train(net, *data, num_epochs, learning_rate, weight_decay, batch_size)
        train_sum += train_ls[-1]
        valid_sum += valid_ls[-1]
    return train_sum, valid_sum


def k_fold_mean_over_epochs(
    k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size
):
    train_sum = valid_sum = 0.0
    for i in range(k):
        data = _fold(k, i, X_train, y_train)
        net = get_net(X_train.shape[1])
        train_ls, valid_ls = train(net, *data, num_epochs, learning_rate, weight_decay, batch_size)
        train_sum += sum(train_ls) / len(train_ls)
        valid_sum += sum(valid_ls) / len(valid_ls)
    return train_sum / k, valid_sum / k


MUTANTS = {
    "ch04.preprocess": [
        ("no missing-value indicator", preprocess_no_dummy_na, "dummy_na=True"),
        (
            "fills NaN before standardising",
            preprocess_fill_before_standardising,
            "output[0][0, 0]: expected",
        ),
        ("the book's dtypes != 'object' (pandas 3)", preprocess_book_object_test, "string dtype"),
        ("labels as a row", preprocess_row_labels, "(n_train, 1)"),
    ],
    "ch04.log_rmse": [
        ("no clamp", log_rmse_no_clamp, "clamp"),
        ("RMSE of prices", log_rmse_raw_prices, "output: expected"),
        ("no sqrt", log_rmse_no_sqrt, "output: expected"),
    ],
    "ch04.get_k_fold_data": [
        ("the leftover rows train", get_k_fold_data_keeps_leftover, "belong to no fold"),
        (
            "validation rows in training",
            get_k_fold_data_validation_in_training,
            "output[0][3, 0]: expected",
        ),
    ],
    "ch04.k_fold": [
        ("one net for every fold", k_fold_one_net, "a NEW"),
        ("sums, not averages", k_fold_no_average, "divide the sums"),
        ("mean over epochs", k_fold_mean_over_epochs, "LAST epoch"),
    ],
}
