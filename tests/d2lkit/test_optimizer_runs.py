"""Chapter 11's models of `d2lkit train`: the airfoil regression under each optimiser and the
LeNet under each schedule carry the book's settings and results (checked against the curriculum
inventory's text), smoke runs through the real command line, and one-line errors for bad
choices."""

import json
import re

import pytest

from d2lkit import cli, models
from tests.helpers import INVENTORY, assert_one_line_error


def _chapter_11() -> str:
    text = INVENTORY.read_text()
    return text[text.index("### Chapter 11") : text.index("### Chapter 12")]


# optimiser: (scratch lr, its printed result, torch.optim's lr, its printed result), as read off
# the inventory; each printed result must appear there verbatim
BOOK_AIRFOIL = {
    "sgd": (0.05, "loss: 0.243, 0.013 sec/epoch", 0.01, "loss: 0.243, 0.015 sec/epoch"),
    "momentum": (0.005, "loss: 0.245, 0.013 sec/epoch", 0.005, "loss: 0.247, 0.012 sec/epoch"),
    "adagrad": (0.1, "loss: 0.242, 0.012 sec/epoch", 0.1, "loss: 0.242, 0.013 sec/epoch"),
    "rmsprop": (0.01, "loss: 0.247, 0.014 sec/epoch", 0.01, "loss: 0.244, 0.017 sec/epoch"),
    "adadelta": (1.0, "loss: 0.243, 0.014 sec/epoch", 1.0, "loss: 0.243, 0.013 sec/epoch"),
    "adam": (0.01, "loss: 0.244, 0.015 sec/epoch", 0.01, "loss: 0.254, 0.015 sec/epoch"),
    "yogi": (0.01, "loss: 0.245, 0.015 sec/epoch", None, None),
}
BOOK_SCHEDULES = {
    "constant": (0.3, "train loss 0.128, train acc 0.951, test acc 0.885"),
    "sqrt": (0.1, "train loss 0.270, train acc 0.901, test acc 0.876"),
    "multistep": (0.5, "train loss 0.191, train acc 0.928, test acc 0.889"),
    "cosine": (0.3, "train loss 0.207, train acc 0.923, test acc 0.892"),
    "cosine-warmup": (0.3, "train loss 0.261, train acc 0.904, test acc 0.878"),
}


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"\d+\.\d+", text)]


@pytest.mark.parametrize("name", BOOK_AIRFOIL)
def test_airfoil_variants_carry_the_books_settings_and_results(name):
    section = _chapter_11()
    lr, printed, concise_lr, concise_printed = BOOK_AIRFOIL[name]
    spec = models.get("airfoil")
    variant = spec.variants[name]
    assert printed in section
    assert (variant["lr"], variant["batch_size"], variant["epochs"]) == (lr, 10, 2)
    assert list(variant["book"].values()) == _numbers(printed)
    if concise_lr is None:
        assert f"{name}-concise" not in spec.variants
        return
    assert concise_printed in section
    concise = spec.variants[f"{name}-concise"]
    assert (concise["lr"], concise["epochs"]) == (concise_lr, 4)
    assert list(concise["book"].values()) == _numbers(concise_printed)


@pytest.mark.parametrize("name", BOOK_SCHEDULES)
def test_schedule_variants_carry_the_books_results(name):
    lr, printed = BOOK_SCHEDULES[name]
    assert printed in _chapter_11()
    spec = models.get("lenet-schedule")
    assert (spec.batch_size, spec.epochs) == (256, 30)
    assert spec.variants[name]["lr"] == lr
    assert list(spec.variants[name]["book"].values()) == _numbers(printed)


@pytest.mark.parametrize(
    ("optimizer", "concise"), [("adam", False), ("yogi", False), ("rmsprop", True)]
)
def test_airfoil_trains_through_the_command_line(optimizer, concise, data_root, tmp_path, capsys):
    argv = ["train", "airfoil", "--optimizer", optimizer, "--limit", "300", "--epochs", "1"]
    argv += ["--concise"] * concise + ["--out", str(tmp_path)]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.startswith(f"{optimizer} (")
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    for key in ("train_loss", "seconds", "seconds_per_epoch", "book", "history"):
        assert key in metrics
    assert metrics["optimizer"] == optimizer and metrics["epochs"] == 1
    assert metrics["implementation"] == ("torch.optim.RMSprop" if concise else "scratch")
    assert metrics["train_loss"] < 1.0 and len(metrics["history"]["train_loss"]) == 2


def test_lenet_schedule_changes_the_rate_between_epochs(data_root, tmp_path, capsys):
    argv = ["train", "lenet-schedule", "--scheduler", "cosine-warmup", "--epochs", "3"]
    argv += ["--limit", "32", "--max-batches", "1", "--batch-size", "16", "--device", "cpu"]
    argv += ["--no-progress", "--out", str(tmp_path)]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.startswith("cosine-warmup: train loss ")
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    # the book's loop: epoch 0 at the optimizer's lr, then scheduler(e) after epoch e (warm-up
    # from 0 over 1 epoch, cosine down to 0.01 at update 2 of a 3-epoch run)
    assert metrics["history"]["lr"] == pytest.approx([0.3, 0.0, 0.3])
    assert metrics["scheduler"] == "cosine-warmup" and "seconds_per_epoch" in metrics


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["airfoil", "--optimizer", "lion"], ("unknown --optimizer 'lion'", "yogi")),
        (["airfoil", "--optimizer", "yogi", "--concise"], ("no concise", "adam")),
        (["airfoil", "--scheduler", "cosine"], ("takes no --scheduler",)),
        (["airfoil", "--optimizer", "adadelta", "--lr", "0.1"], ("no learning rate",)),
        (["airfoil", "--max-batches", "2"], ("does not take --max-batches",)),
        (["lenet-schedule", "--scheduler", "step"], ("unknown --scheduler 'step'", "cosine")),
        (["lenet-schedule", "--compile"], ("does not take --compile",)),
        (["lenet", "--optimizer", "adam"], ("takes no --optimizer",)),
    ],
)
def test_bad_choices_are_one_line_errors(argv, fragments, capsys):
    assert cli.main(["train", *argv]) == 2
    assert_one_line_error(capsys.readouterr(), *fragments)
