"""The chapters 6-7 model zoo of `d2lkit train`: the book's settings and results, and a smoke run
of every model through the real command line on a few real Fashion-MNIST images at the book's input
size. The expectations come from the book's figures (the curriculum inventory), not from the
registry under test.
"""

import dataclasses
import json
import math
import re

import pytest
import torch
from torch import nn

from d2lkit import cli, models
from tests.helpers import book_cnn_zoo

# name: (section, lr, batch size, input side, book: loss, train acc, test acc, examples/sec on
# the book's V100), read off the curriculum inventory (chapters 6-7, zh v2)
ZOO = book_cnn_zoo()
BOOK_KEYS = ("train_loss", "train_acc", "test_acc", "examples_per_sec")


# ---------------------------------------------------------------- the specs


@pytest.mark.parametrize("name", ZOO)
def test_specs_carry_the_books_settings_and_results(name):
    section, lr, batch_size, size, book = ZOO[name]
    spec = models.get(name)
    assert (spec.section, spec.lr, spec.batch_size, spec.epochs) == (section, lr, batch_size, 10)
    assert (
        (spec.resize or 28) == size
        and spec.dataset == "fashion-mnist"
        and spec.kind == "image-classifier"
    )
    assert dict(spec.book) == dict(zip(BOOK_KEYS, book))
    assert spec.optimizer is torch.optim.SGD
    y_hat, y = torch.randn(4, 10), torch.tensor([0, 3, 9, 1])
    torch.testing.assert_close(
        spec.loss()(y_hat, y), nn.functional.cross_entropy(y_hat, y, reduction="none")
    )


def test_build_applies_train_ch6s_xavier_init():
    torch.manual_seed(0)
    layers = [
        m for m in models.get("lenet").build().modules() if isinstance(m, (nn.Conv2d, nn.Linear))
    ]
    for layer in layers:
        fan_out, fan_in = layer.weight.shape[0], layer.weight[0].numel()
        xavier_bound = math.sqrt(6 / (fan_in + fan_out))
        assert layer.weight.abs().max() <= xavier_bound
    # PyTorch's own init is bounded by 1 / sqrt(fan_in), well inside xavier's for the last layer
    assert layers[-1].weight.abs().max() > 1 / math.sqrt(84)


def test_models_lists_the_zoo_with_the_book_results(capsys):
    assert cli.main(["models"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    for name, (section, lr, batch_size, size, book) in ZOO.items():
        loss, train_acc, test_acc, speed = book
        assert re.search(rf"{section}\s+10\s+{lr:g}\s+{batch_size}\s+{size}x{size}\s", rows[name])
        assert (
            f"loss {loss:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}, "
            f"{speed:.1f} examples/sec (V100)"
        ) in rows[name]


# ---------------------------------------------------------------- smoke runs


def recording(spec: models.ModelSpec, shapes: list[tuple[int, ...]]) -> models.ModelSpec:
    """spec, whose nets append the shape of every input batch to shapes."""

    def build() -> nn.Module:
        net = spec.build()
        net.register_forward_pre_hook(lambda module, args: shapes.append(tuple(args[0].shape)))
        return net

    return dataclasses.replace(spec, build=build)


@pytest.mark.parametrize("name", ZOO)
def test_every_zoo_model_trains_on_the_cpu(name, data_root, tmp_path, monkeypatch, capsys):
    size = ZOO[name][3]
    shapes: list[tuple[int, ...]] = []
    monkeypatch.setitem(models.MODELS, name, recording(models.get(name), shapes))
    argv = ["train", name, "--device", "cpu", "--epochs", "1", "--batch-size", "4"]
    argv += ["--limit", "8", "--max-batches", "1", "--no-progress", "--out", str(tmp_path)]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.startswith("loss ")
    # one training and one test batch, at the book's input size
    assert shapes == [(4, 1, size, size)] * 2
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert (metrics["lr"], metrics["batch_size"], metrics["device"]) == (ZOO[name][1], 4, "cpu")
    assert math.isfinite(metrics["train_loss"]) and 0 <= metrics["test_acc"] <= 1
    assert (metrics["amp"], metrics["channels_last"], metrics["compile"]) == ("off", True, False)
