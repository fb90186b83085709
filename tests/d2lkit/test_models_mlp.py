"""Chapter 4 models of `d2lkit train`: the MLP specs with a smoke run of each, and the Kaggle
house-price run (5-fold cross-validation, metrics.json, curves.png, submission.csv)."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from d2lkit import cli, models
from d2lkit.kaggle_house import k_fold, load_kaggle_house, preprocess
from tests.helpers import assert_one_line_error

torch.set_num_threads(1)

# name, section, lr, parameter shapes, the book's final (train loss, train acc, test acc)
MLP_SPECS = [
    ("mlp", "4.2", 0.1, [(784, 256), (256,), (256, 10), (10,)], (0.385, 0.863, 0.823)),
    ("mlp-concise", "4.3", 0.1, [(256, 784), (256,), (10, 256), (10,)], (0.382, 0.865, 0.838)),
    (
        "mlp-dropout",
        "4.6",
        0.5,
        [(256, 784), (256,), (256, 256), (256,), (10, 256), (10,)],
        (0.330, 0.877, 0.857),
    ),
    (
        "mlp-dropout-concise",
        "4.6",
        0.5,
        [(256, 784), (256,), (256, 256), (256,), (10, 256), (10,)],
        (0.344, 0.875, 0.844),
    ),
]
MLP_NAMES = [name for name, *_ in MLP_SPECS]

KAGGLE_BOOK = {
    "train_log_rmse": 0.165458,
    "valid_log_rmse": 0.170293,
    "full_train_log_rmse": 0.162354,
}
KAGGLE_KEYS = {
    "model",
    "device",
    "epochs",
    "lr",
    "batch_size",
    "seed",
    "seconds",
    "train_log_rmse",
    "valid_log_rmse",
    "full_train_log_rmse",
    "folds",
    "history",
    "book",
}
KAGGLE_SUMMARY = (
    r"5-fold validation: avg train log rmse \d+\.\d{6}, avg valid log rmse \d+\.\d{6}; "
    r"all 1460 houses: train log rmse \d+\.\d{6}; [\d.]+ sec on cpu"
)


def train_cli(capsys, *argv: str) -> list[str]:
    """Run `d2lkit train ARGV --device cpu --no-progress`; return its stdout lines."""
    assert cli.main(["train", *argv, "--device", "cpu", "--no-progress"]) == 0
    return capsys.readouterr().out.splitlines()


# ---------------------------------------------------------------- the MLPs (4.2, 4.3, 4.6)


@pytest.mark.parametrize(("name", "section", "lr", "shapes", "book"), MLP_SPECS)
def test_mlp_specs_have_the_books_settings(name, section, lr, shapes, book):
    spec = models.get(name)
    assert (spec.section, spec.lr, spec.batch_size, spec.epochs) == (section, lr, 256, 10)
    assert (spec.dataset, spec.resize, spec.kind) == ("fashion-mnist", None, "image-classifier")
    assert dict(spec.book) == dict(zip(("train_loss", "train_acc", "test_acc"), book))
    torch.manual_seed(0)
    net = spec.build()
    assert [tuple(p.shape) for p in net.parameters()] == shapes
    net.eval()
    X, y = torch.rand(5, 1, 28, 28), torch.tensor([0, 1, 2, 3, 9])
    y_hat = net(X)
    assert y_hat.shape == (5, 10)
    # the net outputs logits: the loss is the cross-entropy of their softmax, per example
    torch.testing.assert_close(
        spec.loss()(y_hat, y), -F.log_softmax(y_hat, dim=1)[torch.arange(5), y]
    )
    assert isinstance(spec.optimizer(net.parameters(), spec.lr), torch.optim.SGD)


def test_dropout_specs_drop_0_2_then_0_5_while_training():
    torch.manual_seed(0)
    scratch = models.get("mlp-dropout").build()
    concise = models.get("mlp-dropout-concise").build()
    assert (scratch.dropout1, scratch.dropout2) == (0.2, 0.5)
    assert [m.p for m in concise.modules() if isinstance(m, nn.Dropout)] == [0.2, 0.5]
    # the book's scratch Net keeps nn.Linear's default U(-1/sqrt(784), 1/sqrt(784)) weights;
    # the concise one draws them from N(0, 0.01^2)
    assert scratch.lin1.weight.abs().max() <= 1 / math.sqrt(784)
    assert scratch.lin1.weight.std() > 0.015
    assert concise[1].weight.std().item() == pytest.approx(0.01, rel=0.05)
    X = torch.rand(8, 1, 28, 28)
    for net in (scratch, concise):
        net.train()
        assert not torch.equal(net(X), net(X))
        net.eval()
        assert torch.equal(net(X), net(X))


@pytest.mark.parametrize("name", MLP_NAMES)
def test_mlp_smoke_run_through_the_cli(name, data_root, tmp_path, capsys):
    argv = [name, "--epochs", "1", "--limit", "1024", "--max-batches", "2"]
    out = train_cli(capsys, *argv, "--out", str(tmp_path))
    assert re.fullmatch(
        r"loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}, [\d.]+ examples/sec on cpu",
        out[0],
    )
    assert out[1] == f"wrote {tmp_path / 'metrics.json'}, {tmp_path / 'curves.png'}"
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    spec = models.get(name)
    assert (metrics["model"], metrics["lr"], metrics["batch_size"]) == (name, spec.lr, 256)
    assert (metrics["epochs"], metrics["limit"], metrics["max_batches"]) == (1, 1024, 2)
    assert metrics["seconds"] > 0 and metrics["examples_per_sec"] > 0
    assert len(metrics["history"]["test_acc"]) == 1 and metrics["book"] == dict(spec.book)
    assert (tmp_path / "curves.png").read_bytes().startswith(b"\x89PNG")


def test_models_lists_the_chapter_4_models(capsys):
    assert cli.main(["models"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    for name, section, lr, _, (loss, train_acc, test_acc) in MLP_SPECS:
        assert re.search(rf"{section}\s+10\s+{lr:g}\s+256\s+28x28", rows[name])
        assert f"loss {loss:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}" in rows[name]
    assert re.search(r"4\.10\s+100\s+5\s+64\s+kaggle-house", rows["kaggle-house"])
    assert (
        "train log rmse 0.165458, valid log rmse 0.170293, full train log rmse 0.162354"
        in rows["kaggle-house"]
    )
    # book order: chapter 4 between chapters 3 and 6
    chapters = [int(row.split()[1].split(".")[0]) for row in rows.values()]
    assert chapters == sorted(chapters) and 4 in chapters


# ---------------------------------------------------------------- Kaggle house prices (4.10)


def test_kaggle_house_spec():
    spec = models.get("kaggle-house")
    assert (spec.section, spec.epochs, spec.lr, spec.batch_size) == ("4.10", 100, 5.0, 64)
    assert spec.dataset == "kaggle-house" and spec.kind == "k-fold-regression"
    assert dict(spec.book) == KAGGLE_BOOK
    assert spec.build()[0].in_features == 331
    assert isinstance(spec.optimizer(spec.build().parameters(), spec.lr), torch.optim.Adam)


def test_kaggle_house_run_writes_metrics_curves_and_submission(data_root, tmp_path, capsys):
    argv = ["kaggle-house", "--epochs", "2", "--lr", "4", "--batch-size", "128", "--seed", "3"]
    out = train_cli(capsys, *argv, "--out", str(tmp_path))
    assert re.fullmatch(KAGGLE_SUMMARY, out[0]), out[0]
    paths = [tmp_path / name for name in ("metrics.json", "curves.png", "submission.csv")]
    assert out[1] == "wrote " + ", ".join(map(str, paths))

    metrics = json.loads(paths[0].read_text())
    assert set(metrics) >= KAGGLE_KEYS and metrics["book"] == KAGGLE_BOOK
    settings = [metrics[key] for key in ("model", "device", "epochs", "lr", "batch_size", "seed")]
    assert settings == ["kaggle-house", "cpu", 2, 4.0, 128, 3]
    assert metrics["seconds"] > 0 and metrics["weight_decay"] == 0 and metrics["k"] == 5
    folds = metrics["folds"]
    assert [fold["fold"] for fold in folds] == [1, 2, 3, 4, 5]
    valid = [fold["valid_log_rmse"] for fold in folds]
    assert metrics["valid_log_rmse"] == pytest.approx(sum(valid) / 5)
    history = metrics["history"]
    assert [len(history[key]) for key in ("train_log_rmse", "full_train_log_rmse")] == [2, 2]
    assert history["full_train_log_rmse"][-1] == metrics["full_train_log_rmse"]
    # the run is the book's k_fold under the given settings and seed
    train_features, _, train_labels = preprocess(*load_kaggle_house())
    reference = k_fold(5, train_features, train_labels, 2, 4.0, 0.0, 128, seed=3)
    assert valid == reference["valid_ls"]
    assert paths[1].read_bytes().startswith(b"\x89PNG")

    submission = pd.read_csv(paths[2])
    test_ids = pd.read_csv(data_root / "kaggle-house" / "kaggle_house_pred_test.csv")["Id"]
    assert list(submission.columns) == ["Id", "SalePrice"] and submission.shape == (1459, 2)
    assert submission["Id"].tolist() == test_ids.tolist()
    assert submission["SalePrice"].notna().all()


def test_kaggle_house_without_out_writes_nothing(data_root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = train_cli(capsys, "kaggle-house", "--epochs", "1")
    assert len(out) == 1 and re.fullmatch(KAGGLE_SUMMARY, out[0])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("option", "named"),
    [(["--limit", "100"], "--limit"), (["--max-batches", "3"], "--max-batches"),
     (["--compile"], "--compile"), (["--amp-dtype", "bf16"], "--amp")],
)  # fmt: skip
def test_kaggle_house_refuses_classifier_options(option, named, tmp_path, capsys):
    assert cli.main(["train", "kaggle-house", *option, "--out", str(tmp_path / "run")]) == 2
    assert_one_line_error(capsys.readouterr(), f"kaggle-house does not take {named}", "--epochs")
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_kaggle_house_book_run_reaches_the_books_log_rmse(data_root, tmp_path, capsys):
    """The book's settings (5 folds of 100 epochs, lr 5, batch 64): about 20 s on one core."""
    out = train_cli(capsys, "kaggle-house", "--out", str(tmp_path))
    assert re.fullmatch(KAGGLE_SUMMARY, out[0]), out[0]
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert (metrics["epochs"], metrics["lr"], metrics["batch_size"]) == (100, 5.0, 64)
    for key, book in KAGGLE_BOOK.items():
        assert metrics[key] == pytest.approx(book, abs=0.01), key
    prices = pd.read_csv(tmp_path / "submission.csv")["SalePrice"]
    # Ames houses sold for 35k to 755k dollars, half of them below about 163k
    assert prices.min() > 0 and 1.2e5 < prices.median() < 2.2e5
