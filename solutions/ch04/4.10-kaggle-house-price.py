# %% [markdown]
# # 4.10 Predicting house prices on Kaggle — 实战Kaggle比赛：预测房价
#
# The Kaggle house-price data: 1460 training houses with their sale price and 1459 test houses,
# 79 features each, numbers and text, many missing. You write the preprocessing, the
# competition's error measure and K-fold cross-validation; the model is the book's linear
# baseline trained with Adam.

# %%
import numpy as np
import pandas as pd
import torch
from torch import nn

from autograder import check
from d2lkit import load_array
from d2lkit.kaggle_house import get_net, load_kaggle_house

# %%
train_data, test_data = load_kaggle_house()
print(train_data.shape, test_data.shape)
print(train_data.iloc[0:4, [0, 1, 2, 3, -3, -2, -1]])

# %% [markdown]
# ## Preprocessing
#
# The book's recipe, on the 79 feature columns of both sets together (drop `Id`, and the
# training set's last column `SalePrice`), `pd.concat`-ed train first:
# 1. standardise every numeric column, $x \leftarrow (x - \mu)/\sigma$, with the mean and (pandas')
#    standard deviation over train and test, **then** set its missing values to 0 (the new mean);
# 2. replace each text column by indicator columns, one per value plus one for "missing":
#    `pd.get_dummies(all_features, dummy_na=True)`.
#
# Return `(train_features, test_features, train_labels)` as float32 tensors, the labels as a
# column `(n_train, 1)`. With pandas ≥ 3 text columns have dtype `str`, not `object`: pick the
# numeric columns with `all_features.select_dtypes(include="number").columns` (the book's
# `dtypes != 'object'` would pick the text columns too). The dummies are `bool`: convert with
# `.to_numpy(dtype=np.float32)`. The check runs your function on small frames.


# %% tags=["solution"]
def preprocess(train_df: pd.DataFrame, test_df: pd.DataFrame) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """-> train_features (n_train, d), test_features (n_test, d), train_labels (n_train, 1), float32."""
    ### BEGIN SOLUTION
    all_features = pd.concat((train_df.iloc[:, 1:-1], test_df.iloc[:, 1:]))
    numeric_features = all_features.select_dtypes(include="number").columns
    all_features[numeric_features] = all_features[numeric_features].apply(lambda x: (x - x.mean()) / x.std())
    all_features[numeric_features] = all_features[numeric_features].fillna(0)
    all_features = pd.get_dummies(all_features, dummy_na=True)
    n_train = train_df.shape[0]
    values = all_features.to_numpy(dtype=np.float32)
    train_features = torch.tensor(values[:n_train], dtype=torch.float32)
    test_features = torch.tensor(values[n_train:], dtype=torch.float32)
    train_labels = torch.tensor(train_df["SalePrice"].to_numpy(dtype=np.float32).reshape(-1, 1), dtype=torch.float32)
    return train_features, test_features, train_labels
    ### END SOLUTION


# %%
check("ch04.preprocess", preprocess)

# %%
train_features, test_features, train_labels = preprocess(train_data, test_data)
print(train_features.shape, test_features.shape, train_labels.shape)  # the book: 331 features

# %% [markdown]
# ## The error measure
#
# Prices range from tens of thousands to hundreds of thousands of dollars, so the competition
# judges relative errors: the root-mean-square error of the logarithms,
# $$\sqrt{\frac{1}{n}\sum_{i=1}^n \left(\log y_i - \log \hat{y}_i\right)^2}.$$
# Clamp the predictions to at least 1 first (`torch.clamp(preds, 1, float('inf'))`) so that the
# log is defined. Return a Python float.


# %% tags=["solution"]
def log_rmse(net, features: torch.Tensor, labels: torch.Tensor) -> float:
    """features: (n, d), labels: (n, 1) -> the RMSE of log prices."""
    ### BEGIN SOLUTION
    with torch.no_grad():
        clipped_preds = torch.clamp(net(features), 1, float("inf"))
        rmse = torch.sqrt(torch.mean((torch.log(clipped_preds) - torch.log(labels)) ** 2))
    return rmse.item()
    ### END SOLUTION


# %%
check("ch04.log_rmse", log_rmse)

# %% [markdown]
# The book's training function (given): Adam on the squared error of the prices, recording the
# log RMSE after each epoch.


# %%
def train(net, train_features, train_labels, test_features, test_labels, num_epochs, learning_rate, weight_decay, batch_size):
    train_ls, test_ls = [], []
    train_iter = load_array((train_features, train_labels), batch_size)
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate, weight_decay=weight_decay)
    loss = nn.MSELoss()
    for epoch in range(num_epochs):
        for X, y in train_iter:
            optimizer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            optimizer.step()
        train_ls.append(log_rmse(net, train_features, train_labels))
        if test_labels is not None:
            test_ls.append(log_rmse(net, test_features, test_labels))
    return train_ls, test_ls


# %% [markdown]
# ## K-fold cross-validation
#
# `get_k_fold_data(k, i, X, y)` cuts the rows, in order, into $k$ folds of `n // k` rows and
# returns `(X_train, y_train, X_valid, y_valid)`: fold `i` validates, the other $k - 1$, in order,
# train. The last `n % k` rows belong to no fold, as in the book.


# %% tags=["solution"]
def get_k_fold_data(k: int, i: int, X: torch.Tensor, y: torch.Tensor):
    """-> X_train ((k-1) * (n // k), d), y_train, X_valid (n // k, d), y_valid."""
    ### BEGIN SOLUTION
    assert k > 1
    fold_size = X.shape[0] // k
    X_train, y_train = None, None
    for j in range(k):
        idx = slice(j * fold_size, (j + 1) * fold_size)
        X_part, y_part = X[idx, :], y[idx]
        if j == i:
            X_valid, y_valid = X_part, y_part
        elif X_train is None:
            X_train, y_train = X_part, y_part
        else:
            X_train = torch.cat([X_train, X_part], 0)
            y_train = torch.cat([y_train, y_part], 0)
    return X_train, y_train, X_valid, y_valid
    ### END SOLUTION


# %%
check("ch04.get_k_fold_data", get_k_fold_data)

# %% [markdown]
# `k_fold` trains a **fresh** `get_net(X_train.shape[1])` on each of the $k$ splits with `train`,
# and returns the averages over the folds of the **last** epoch's training and validation log RMSE,
# `(train_l_sum / k, valid_l_sum / k)`. The check runs it on tiny seeded data with the given
# `get_net` and `train`, and compares with the reference's averages.


# %% tags=["solution"]
def k_fold(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size) -> tuple[float, float]:
    """-> (average training log rmse, average validation log rmse) over the k folds."""
    ### BEGIN SOLUTION
    train_l_sum, valid_l_sum = 0.0, 0.0
    for i in range(k):
        data = get_k_fold_data(k, i, X_train, y_train)
        net = get_net(X_train.shape[1])
        train_ls, valid_ls = train(net, *data, num_epochs, learning_rate, weight_decay, batch_size)
        train_l_sum += train_ls[-1]
        valid_l_sum += valid_ls[-1]
        print(f"fold {i + 1}, train log rmse {float(train_ls[-1]):f}, valid log rmse {float(valid_ls[-1]):f}")
    return train_l_sum / k, valid_l_sum / k
    ### END SOLUTION


# %%
check("ch04.k_fold", k_fold)

# %% [markdown]
# ## Model selection
#
# The book's settings: 5 folds, 100 epochs, lr 5, no weight decay, batch 64. The book reports an
# average validation log RMSE of 0.170. `d2lkit train kaggle-house --out DIR` runs the same, then
# trains on all the data and writes the Kaggle `submission.csv`.

# %% tags=["demo"]
torch.manual_seed(0)
k, num_epochs, lr, weight_decay, batch_size = 5, 100, 5, 0, 64
train_l, valid_l = k_fold(k, train_features, train_labels, num_epochs, lr, weight_decay, batch_size)
print(f"{k}-fold validation: average train log rmse {float(train_l):f}, average valid log rmse {float(valid_l):f}")

# %% [markdown] tags=["written"]
# Why is the error measured between the logarithms of the prices rather than between the prices?

# %% [markdown] tags=["answer"]
# What matters is the relative error: being 10,000 off on a 100,000 house is far worse than on a
# 1,000,000 one. The difference of logs is a relative error, so cheap and expensive houses count
# equally.

# %% [markdown] tags=["written"]
# Compare k-fold cross-validation with k = 2 and with k = n (leave one out): what do you gain and
# lose with each?

# %% [markdown] tags=["answer"]
# Small k trains on less data per fold (a pessimistic estimate) but is cheap; k = n trains on
# almost all data n times: a less biased but more variable estimate at n times the cost. k = 5 or
# 10 is the usual compromise.
