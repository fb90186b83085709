"""4.10 Kaggle house prices: preprocessing, the log rmse and K-fold cross-validation."""

from __future__ import annotations

import math

import torch

from autograder.compare import compare_values
from autograder.spec import Case, Compare, Exercise, Fixture
from autograder.strategies import randn
from d2lkit import kaggle_house

NB_KAGGLE = "4.10-kaggle-house-price"


def _house_frames_small() -> dict:
    train = {
        "Id": [1, 2, 3, 4, 5, 6, 7],
        "LotArea": [8450, 9600, 11250, None, 14260, 14115, 10084],
        "YearBuilt": [2003, 1976, 2001, 1915, 2000, 1993, 2004],
        "MSZoning": ["RL", "RL", "RM", None, "RL", "C (all)", "RL"],
        "Street": ["Pave", "Pave", "Pave", "Pave", "Pave", "Pave", "Grvl"],
        "SalePrice": [208500, 181500, 223500, 140000, 250000, 143000, 307000],
    }
    test = {
        "Id": [8, 9, 10, 11],
        "LotArea": [11200, None, 9000, 8000],
        "YearBuilt": [1961, 1958, 1997, None],
        "MSZoning": ["RH", "RL", None, "FV"],
        "Street": ["Pave", "Pave", "Grvl", "Pave"],
    }
    return {"train": train, "test": test}


def _house_frames_wide() -> dict:
    g = torch.Generator().manual_seed(221)
    n_train, n_test = 12, 5

    def ints(n: int, low: int, high: int) -> list:
        return torch.randint(low, high, (n,), generator=g).tolist()

    def floats(n: int, scale: float) -> list:
        return [round(v, 2) for v in (torch.rand(n, generator=g) * scale).tolist()]

    def choice(n: int, values: list) -> list:
        return [values[i] for i in torch.randint(0, len(values), (n,), generator=g).tolist()]

    train = {
        "Id": list(range(1, n_train + 1)),
        "MSSubClass": ints(n_train, 20, 190),
        "LotFrontage": [None if i % 5 == 0 else v for i, v in enumerate(floats(n_train, 100))],
        "Alley": choice(n_train, ["Grvl", "Pave", None, None]),
        "OverallQual": ints(n_train, 1, 11),
        "MasVnrType": choice(n_train, ["None", "BrkFace", "Stone"]),
        "GarageArea": floats(n_train, 900),
        "SaleCondition": choice(n_train, ["Normal", "Abnorml", "Partial"]),
        "SalePrice": ints(n_train, 50_000, 500_000),
    }
    test = {
        "Id": list(range(n_train + 1, n_train + n_test + 1)),
        "MSSubClass": ints(n_test, 20, 190),
        "LotFrontage": floats(n_test, 100),
        "Alley": choice(n_test, ["Grvl", None]),
        "OverallQual": ints(n_test, 1, 11),
        "MasVnrType": ["BrkCmn", "None", None, "Stone", "BrkFace"],
        "GarageArea": [None, *floats(n_test - 1, 900)],
        "SaleCondition": choice(n_test, ["Normal", "Family"]),
    }
    return {"train": train, "test": test}


def _preprocess_cases() -> list[Case]:
    return [
        Case(
            "7 training and 4 test houses, 2 numeric and 2 text columns",
            fixture=Fixture("ch04.house_frames", _house_frames_small()),
        ),
        Case(
            "12 + 5 houses, 4 numeric and 4 text columns, values seen only in the test set",
            fixture=Fixture("ch04.house_frames", _house_frames_wide()),
            visible=False,
        ),
    ]


def _preprocess_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    if not (isinstance(out, (list, tuple)) and len(out) == 3):
        return "return (train_features, test_features, train_labels), three float32 tensors"
    want = expected["output"]
    got_cols = getattr(out[0], "shape", (0, 0))[-1]
    want_cols = want[0].shape[1]
    if isinstance(out[0], torch.Tensor) and out[0].dim() == 2 and got_cols != want_cols:
        return (
            f"{want_cols} feature columns are expected, you have {got_cols}: process train and "
            "test together (pd.concat) and add an indicator for missing text values "
            "(pd.get_dummies(..., dummy_na=True))"
        )
    if isinstance(out[2], torch.Tensor) and out[2].dim() == 1:
        return "train_labels is a column, shape (n_train, 1)"
    return None


def _price_params(seed: int, n: int, d: int, bias: float, scale: float) -> dict:
    return {
        "W": randn(d, 1, seed=seed, scale=scale),
        "b": torch.tensor([bias]),
        "X": randn(n, d, seed=seed + 1),
        "y": torch.exp(randn(n, 1, seed=seed + 2, scale=0.4) + 12.0),
    }


def _log_rmse_cases() -> list[Case]:
    return [
        Case(
            "20 houses, predictions around 160,000",
            fixture=Fixture("ch04.price_model", _price_params(231, 20, 4, 160_000.0, 20_000.0)),
        ),
        Case(
            "some predictions below 1 (negative prices)",
            fixture=Fixture("ch04.price_model", _price_params(235, 30, 3, 1_000.0, 5_000.0)),
        ),
        Case(
            "64 houses, 10 features",
            fixture=Fixture("ch04.price_model", _price_params(239, 64, 10, 150_000.0, 10_000.0)),
            visible=False,
        ),
    ]


def _log_rmse_hint(case: Case, expected: dict, student: dict) -> str | None:
    got = student.get("output")
    if isinstance(got, float) and math.isnan(got):
        return "log of a prediction <= 0 is nan: clamp the predictions to at least 1 first"
    return None


def _k_fold_data_cases() -> list[Case]:
    return [
        Case("k 5, fold 0, 20 rows", (5, 0, randn(20, 3, seed=241), randn(20, 1, seed=242))),
        Case(
            "k 5, last fold, 23 rows (3 left over)",
            (5, 4, randn(23, 2, seed=243), randn(23, 1, seed=244)),
        ),
        Case(
            "k 3, middle fold, 10 rows",
            (3, 1, randn(10, 4, seed=245), randn(10, 1, seed=246)),
            visible=False,
        ),
        Case(
            "k 4, fold 2, float64, 17 rows",
            (
                4,
                2,
                randn(17, 5, seed=247, dtype=torch.float64),
                randn(17, 1, seed=248, dtype=torch.float64),
            ),
            visible=False,
        ),
    ]


def _k_fold_data_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = student.get("output")
    k, _, X, _ = case.args
    if isinstance(out, (list, tuple)) and len(out) == 4 and isinstance(out[0], torch.Tensor):
        fold = X.shape[0] // k
        if out[0].shape[0] != (k - 1) * fold and X.shape[0] % k:
            return (
                f"each fold has n // k = {fold} rows; the last n % k rows belong to no fold, "
                f"so the training part has (k - 1) * {fold} rows"
            )
    return None


def _k_fold_args(seed: int, n: int, d: int, k: int, epochs: int, wd: float, batch: int) -> tuple:
    X = randn(n, d, seed=seed)
    w = randn(d, 1, seed=seed + 1, scale=0.3)
    y = torch.exp(X @ w + 5.0)
    return (k, X, y, epochs, 1.0, wd, batch)


def _k_fold_cases() -> list[Case]:
    return [
        Case("k 4, 40 houses, 3 epochs, batch 8", _k_fold_args(251, 40, 5, 4, 3, 0.0, 8)),
        Case(
            "k 3, 37 houses, 4 epochs, weight decay 0.1, batch 10",
            _k_fold_args(255, 37, 4, 3, 4, 0.1, 10),
            visible=False,
        ),
    ]


def _check_k_fold(case: Case, expected: dict, student: dict) -> str | None:
    out = student["output"]
    ref = expected["output"]
    want = [ref["train_avg"], ref["valid_avg"]]
    if isinstance(out, dict) and {"train_avg", "valid_avg"} <= set(out):
        got = [out["train_avg"], out["valid_avg"]]
    elif isinstance(out, (list, tuple)) and len(out) == 2:
        got = list(out)
    else:
        return "return the pair (average training log rmse, average validation log rmse)"
    problem = compare_values(want, got, Compare(rtol=1e-4, atol=1e-6), "(train, valid)")
    if problem is None:
        return None
    k = case.args[0]
    if all(
        isinstance(g, (int, float)) and math.isclose(g, k * w, rel_tol=1e-4)
        for g, w in zip(got, want)
    ):
        problem += "\nhint: divide the sums of the folds' final log rmse by k"
    else:
        problem += (
            "\nhint: for each fold i, split with get_k_fold_data(k, i, X, y), train a NEW "
            "get_net(X.shape[1]) with train(...), and add up the LAST epoch's log rmse of each"
        )
    return problem


EXERCISES = [
    Exercise(
        id="ch04.preprocess",
        target="preprocess",
        points=2,
        reference=kaggle_house.preprocess,
        cases=_preprocess_cases,
        notebook=NB_KAGGLE,
        hint=_preprocess_hint,
    ),
    Exercise(
        id="ch04.log_rmse",
        target="log_rmse",
        points=1,
        reference=kaggle_house.log_rmse,
        cases=_log_rmse_cases,
        notebook=NB_KAGGLE,
        compare=Compare(rtol=1e-5, atol=1e-7),
        hint=_log_rmse_hint,
    ),
    Exercise(
        id="ch04.get_k_fold_data",
        target="get_k_fold_data",
        points=1,
        reference=kaggle_house.get_k_fold_data,
        cases=_k_fold_data_cases,
        notebook=NB_KAGGLE,
        hint=_k_fold_data_hint,
    ),
    Exercise(
        id="ch04.k_fold",
        target="k_fold",
        points=2,
        reference=kaggle_house.k_fold,
        cases=_k_fold_cases,
        notebook=NB_KAGGLE,
        compare=Compare(checker=_check_k_fold),
        description="a short seeded K-fold run on tiny data, vs the reference's averages",
    ),
]
