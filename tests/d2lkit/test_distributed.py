"""12.6's engine: `d2lkit train MODEL --nproc N` (DistributedDataParallel over gloo on the CPU)
against one process with the same global batch and epochs, the torchrun launch, the one-line
errors, and 12.6's ResNet-18 spec. NCCL needs two GPUs and is not exercised here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import torch
from torch import nn

from d2lkit import cli, models
from d2lkit.modern_cnn import Residual
from tests.helpers import assert_one_line_error

SMALL = ["--epochs", "2", "--limit", "2000", "--batch-size", "64", "--device", "cpu"]


def _train(tmp_path, name: str, *flags: str) -> dict:
    out = tmp_path / name
    assert (
        cli.main(["train", "mlp-concise", *SMALL, "--no-progress", "--out", str(out), *flags]) == 0
    )
    return json.loads((out / "metrics.json").read_text())


@pytest.mark.slow
def test_two_processes_match_one_with_the_same_global_batch(tmp_path, data_root):
    one = _train(tmp_path, "one")
    two = _train(tmp_path, "two", "--nproc", "2")
    assert two["world_size"] == 2 and two["backend"] == "gloo"
    assert (two["batch_size"], two["epochs"]) == (one["batch_size"], one["epochs"]) == (64, 2)
    assert abs(two["test_acc"] - one["test_acc"]) <= 0.02
    # the same updates up to the order of float sums
    assert two["train_loss"] == pytest.approx(one["train_loss"], rel=1e-3)
    assert set(one) <= set(two) and two["amp"] == one["amp"] == "off"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("torchrun") is None, reason="torchrun is not installed")
def test_torchrun_launch(tmp_path, data_root):
    out = tmp_path / "torchrun"
    command = [
        shutil.which("torchrun"), "--standalone", "--nproc-per-node", "2",
        "-m", "d2lkit.cli", "train", "mlp-concise", "--epochs", "1", "--limit", "512",
        "--device", "cpu", "--no-progress", "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=300)
    assert json.loads((out / "metrics.json").read_text())["world_size"] == 2


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["seq2seq", "--nproc", "2"], "--nproc trains image classifiers"),
        (["mlp-concise", "--nproc", "3", "--batch-size", "2"], "cannot be shared by 3"),
        (["mlp-concise", "--nproc", "2", "--compile"], "leave out --amp"),
    ],
)
def test_bad_nproc_is_a_one_line_error(flags, fragment, capsys):
    assert cli.main(["train", *flags, "--device", "cpu"]) == 2
    assert_one_line_error(capsys.readouterr(), fragment)


def test_resnet18_small_is_12_6s_net():
    spec = models.get("resnet18-small")
    assert (spec.section, spec.lr, spec.batch_size, spec.epochs) == ("12.6", 0.1, 256, 10)
    assert spec.resize is None and spec.book["test_acc"] == 0.93
    torch.manual_seed(0)
    net = spec.build()
    stem = net[0]
    assert (stem.kernel_size, stem.stride, stem.padding) == ((3, 3), (1, 1), (1, 1))
    assert not any(isinstance(m, nn.MaxPool2d) for m in net.modules())
    assert sum(isinstance(m, Residual) for m in net.modules()) == 8
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    weights = [m.weight for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert all(abs(w.std().item() - 0.01) < 0.002 for w in weights if w.numel() > 1000)
    assert models.get("resnet18").section == "7.6"
