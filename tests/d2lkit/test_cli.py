"""`d2lkit train | models | data`, run in-process through `main`, and once as the console script."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from d2lkit import cli
from tests.helpers import assert_one_line_error

METRIC_KEYS = {
    "model",
    "device",
    "epochs",
    "lr",
    "batch_size",
    "train_loss",
    "train_acc",
    "test_acc",
    "examples_per_sec",
    "seconds",
    "history",
}


# ---------------------------------------------------------------- models and train


def test_models_lists_the_book_settings_and_results(capsys):
    assert cli.main(["models"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("softmax-regression "))
    assert re.search(r"3\.6\s+10\s+0\.1\s+256\s+28x28", row)
    assert "loss 0.447, train acc 0.848, test acc 0.836" in row
    assert "softmax-regression-concise" in out


@pytest.mark.slow
def test_train_on_fashion_mnist_writes_metrics_and_curves(data_root, tmp_path, capsys):
    out_dir = tmp_path / "run"
    argv = ["train", "softmax-regression", "--epochs", "1", "--limit", "5000"]
    assert cli.main([*argv, "--out", str(out_dir), "--device", "cpu", "--no-progress"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        r"loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}, [\d.]+ examples/sec on cpu",
        out[0],
    )
    assert out[1] == f"wrote {out_dir / 'metrics.json'}, {out_dir / 'curves.png'}"
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert set(metrics) >= METRIC_KEYS
    settings = {key: metrics[key] for key in ("model", "epochs", "lr", "batch_size")}
    assert settings == {"model": "softmax-regression", "epochs": 1, "lr": 0.1, "batch_size": 256}
    assert metrics["test_acc"] == metrics["history"]["test_acc"][-1]
    # 20 steps (one epoch of 5,000 images) already beat chance (0.1) by far
    assert metrics["test_acc"] > 0.4
    assert (out_dir / "curves.png").read_bytes().startswith(b"\x89PNG")


def test_train_overrides_reach_the_run(data_root, tmp_path, capsys):
    argv = ["train", "softmax-regression-concise", "--epochs", "2", "--lr", "0.5"]
    argv += ["--batch-size", "64", "--limit", "640", "--max-batches", "3", "--seed", "7"]
    assert cli.main([*argv, "--out", str(tmp_path), "--no-progress", "--device", "cpu"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert (metrics["epochs"], metrics["lr"], metrics["batch_size"]) == (2, 0.5, 64)
    assert (metrics["seed"], metrics["limit"], metrics["max_batches"]) == (7, 640, 3)
    assert len(metrics["history"]["train_loss"]) == 2


def test_unknown_model(capsys):
    assert cli.main(["train", "nope"]) == 2
    assert_one_line_error(capsys.readouterr(), "unknown model 'nope'", "softmax-regression")


def test_cuda_without_a_gpu(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert cli.main(["train", "softmax-regression", "--device", "cuda"]) == 2
    assert_one_line_error(capsys.readouterr(), "CUDA")


@pytest.mark.parametrize("bad", [["--epochs", "0"], ["--lr", "-1"], ["--batch-size", "x"]])
def test_bad_numbers_are_usage_errors(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "softmax-regression", *bad])
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


# ---------------------------------------------------------------- data


def test_data_list(data_root, capsys):
    assert cli.main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("fashion-mnist: Fashion-MNIST")
    assert f"present  {data_root / 'fashion-mnist' / 'train-images-idx3-ubyte.gz'}" in out


def test_data_verify_passes_on_the_shared_data(data_root, capsys):
    assert cli.main(["data", "verify", "fashion-mnist"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("ok ") for line in lines)


def corrupt_root(data_root: Path, tmp_path: Path) -> Path:
    """A copy of the Fashion-MNIST folder whose test labels have one byte flipped."""
    root = tmp_path / "data"
    shutil.copytree(data_root / "fashion-mnist", root / "fashion-mnist")
    labels = root / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz"
    labels.chmod(0o644)
    content = bytearray(labels.read_bytes())
    content[-1] ^= 0xFF
    labels.write_bytes(bytes(content))
    return root


def test_data_verify_fails_on_a_corrupt_file(data_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("D2LKIT_DATA", str(corrupt_root(data_root, tmp_path)))
    assert cli.main(["data", "verify", "fashion-mnist"]) == 2
    captured = capsys.readouterr()
    assert_one_line_error(captured, "1 of 4 file(s) failed", "t10k-labels-idx1-ubyte.gz", "corrupt")
    assert "FAILED " in captured.out


def test_data_verify_reports_missing_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("D2LKIT_DATA", str(tmp_path))
    assert cli.main(["data", "verify"]) == 2
    assert_one_line_error(capsys.readouterr(), "failed verification", "missing")


def test_data_path(data_root, capsys):
    assert cli.main(["data", "path", "fashion-mnist"]) == 0
    assert capsys.readouterr().out == f"{data_root / 'fashion-mnist'}\n"


def test_data_path_of_a_missing_dataset(tmp_path, monkeypatch, offline, capsys):
    monkeypatch.setenv("D2LKIT_DATA", str(tmp_path / "empty"))
    assert cli.main(["data", "path", "fashion-mnist"]) == 2
    assert_one_line_error(capsys.readouterr(), "is missing", "D2LKIT_DATA")


def test_data_path_of_a_corrupt_file(data_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("D2LKIT_DATA", str(corrupt_root(data_root, tmp_path)))
    assert cli.main(["data", "path", "fashion-mnist"]) == 2
    assert_one_line_error(capsys.readouterr(), "is corrupt")


def test_unknown_dataset(capsys):
    assert cli.main(["data", "verify", "nope"]) == 2
    assert_one_line_error(capsys.readouterr(), "unknown dataset 'nope'")


# ---------------------------------------------------------------- the console script


def test_console_script_exits_2_with_one_line():
    script = Path(sys.executable).with_name("d2lkit")
    assert script.is_file(), "the package is not installed: pip install -e ."
    result = subprocess.run(
        [str(script), "train", "nope"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.startswith("d2lkit: error: unknown model 'nope'")
    assert result.stderr.count("\n") == 1 and result.stdout == ""
