"""2.2 data preprocessing: wrong implementations, each rejected by its check."""

import pandas as pd
import torch


def to_tensor_values(df):
    return torch.tensor(df.values)


def to_tensor_float32(df):
    return torch.tensor(df.to_numpy(dtype=float), dtype=torch.float32)


def to_tensor_by_columns(df):
    return torch.tensor([df[c].to_numpy(dtype=float).tolist() for c in df.columns])


def preprocess_fill_zero(data):
    inputs, outputs = data.iloc[:, :-1], data.iloc[:, -1]
    inputs = pd.get_dummies(
        inputs.fillna({c: 0 for c in inputs.select_dtypes("number")}), dummy_na=True
    )
    return torch.tensor(inputs.to_numpy(dtype=float)), torch.tensor(outputs.to_numpy(dtype=float))


def preprocess_no_dummy_na(data):
    inputs, outputs = data.iloc[:, :-1], data.iloc[:, -1]
    inputs = pd.get_dummies(inputs.fillna(inputs.mean(numeric_only=True)))
    return torch.tensor(inputs.to_numpy(dtype=float)), torch.tensor(outputs.to_numpy(dtype=float))


def preprocess_target_column(data):
    inputs, outputs = data.iloc[:, :-1], data.iloc[:, -1:]
    inputs = pd.get_dummies(inputs.fillna(inputs.mean(numeric_only=True)), dummy_na=True)
    return torch.tensor(inputs.to_numpy(dtype=float)), torch.tensor(outputs.to_numpy(dtype=float))


def most_missing_column_fewest(df):
    return df.isna().sum().idxmin()


def most_missing_column_last_on_tie(df):
    return df.isna().sum()[::-1].idxmax()


def most_missing_column_by_row(df):
    return df.isna().sum(axis=1).idxmax()


MUTANTS = {
    "ch02.to_tensor": [
        ("torch.tensor(df.values)", to_tensor_values, "object"),
        ("float32", to_tensor_float32, "to_numpy(dtype=float)"),
        ("one row per column", to_tensor_by_columns, "shape"),
    ],
    "ch02.preprocess": [
        ("fills with 0", preprocess_fill_zero, "output[0][0, 0]: expected"),
        ("no dummy_na", preprocess_no_dummy_na, "dummy_na=True"),
        ("target as a column", preprocess_target_column, "shape"),
    ],
    "ch02.most_missing_column": [
        ("fewest missing", most_missing_column_fewest, "output: expected"),
        ("last column on a tie", most_missing_column_last_on_tie, "expected 'B'"),
        ("counts per row", most_missing_column_by_row, "expected 'Alley'"),
    ],
}
