"""The training loop behind `d2lkit train` (on small synthetic data) and the model registry."""

import dataclasses
import json
import random

import numpy as np
import pytest
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from d2lkit import linear, models, runs
from d2lkit.data import TensorBatches
from d2lkit.errors import D2lkitError
from d2lkit.runs import classifier
from d2lkit.runs import spec as run_spec
from tests.helpers import separable_images

# Tensor methods that make the host wait for the device's result
SYNCS = {"item", "tolist", "numpy", "__float__", "__int__", "__bool__", "__index__", "__format__"}


class CountSyncs(TorchFunctionMode):
    """Counts the calls of `SYNCS` made while the mode is active."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in SYNCS:
            self.calls.append(name)
        return func(*args, **(kwargs or {}))


def loaders(batch_size: int = 32) -> tuple[TensorBatches, TensorBatches]:
    """Training batches reshuffled by torch's global generator, so `seed_everything` fixes them."""
    train_iter = TensorBatches(*separable_images(480), batch_size, shuffle=True)
    test_iter = TensorBatches(*separable_images(200, seed=1), batch_size)
    return train_iter, test_iter


def tiny_net() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 3))


def fit_tiny(num_epochs: int = 3, progress: bool = False, **kwargs) -> classifier.History:
    net = tiny_net()
    train_iter, test_iter = loaders()
    return classifier.fit(
        net,
        train_iter,
        test_iter,
        num_epochs=num_epochs,
        optimizer=torch.optim.SGD(net.parameters(), lr=0.5),
        loss=nn.CrossEntropyLoss(reduction="none"),
        device="cpu",
        progress=progress,
        **kwargs,
    )


class CountingBatches:
    """Wraps batches and counts how many were taken."""

    def __init__(self, batches):
        self.batches = batches
        self.taken = 0

    def __len__(self):
        return len(self.batches)

    def __iter__(self):
        for batch in self.batches:
            self.taken += 1
            yield batch


# ---------------------------------------------------------------- fit


def test_fit_learns_a_separable_problem():
    torch.manual_seed(0)
    history = fit_tiny(num_epochs=3)
    assert len(history.train_loss) == len(history.train_acc) == len(history.test_acc) == 3
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.train_acc[-1] > 0.95 and history.test_acc[-1] > 0.95
    assert history.examples_per_sec > 0 and history.seconds > 0
    assert history.device == "cpu"
    keys = {"train_loss", "train_acc", "test_acc", "examples_per_sec", "seconds", "device"}
    assert set(history.to_dict()) == keys
    json.dumps(history.to_dict())


def test_fit_reads_the_device_once_per_epoch():
    torch.manual_seed(0)
    with CountSyncs() as counter:
        fit_tiny(num_epochs=3)
    # 15 training and 7 test batches per epoch, yet one read-back per epoch
    assert counter.calls == ["tolist"] * 3


def test_max_batches_caps_every_pass():
    train_iter, test_iter = loaders(batch_size=10)
    train_iter, test_iter = CountingBatches(train_iter), CountingBatches(test_iter)
    net = tiny_net()
    history = classifier.fit(
        net,
        train_iter,
        test_iter,
        num_epochs=2,
        optimizer=torch.optim.SGD(net.parameters(), lr=0.1),
        loss=nn.CrossEntropyLoss(reduction="none"),
        device="cpu",
        progress=False,
        max_batches=3,
    )
    assert (train_iter.taken, test_iter.taken) == (6, 6)
    assert len(history.test_acc) == 2
    # accuracies are fractions of the 30 examples actually seen
    assert all(round(acc * 30) == pytest.approx(acc * 30) for acc in history.train_acc)


def test_same_seed_same_run():
    def run(seed):
        run_spec.seed_everything(seed)
        history = fit_tiny(num_epochs=2)
        return history.train_loss, history.train_acc, history.test_acc

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_seed_everything_seeds_python_numpy_and_torch():
    def draws():
        return random.random(), np.random.rand(), torch.rand(1).item()

    run_spec.seed_everything(3)
    first = draws()
    run_spec.seed_everything(3)
    assert draws() == first


def test_fit_rejects_an_empty_training_set():
    net = tiny_net()
    with pytest.raises(D2lkitError, match="no batches"):
        classifier.fit(
            net,
            [],
            [],
            num_epochs=1,
            optimizer=torch.optim.SGD(net.parameters(), lr=0.1),
            loss=nn.CrossEntropyLoss(reduction="none"),
            device="cpu",
            progress=False,
        )


def test_progress_bar_shows_the_metrics_once_per_epoch(capsys):
    torch.manual_seed(0)
    history = fit_tiny(num_epochs=1, progress=True)
    bar = capsys.readouterr().err
    assert "epoch 1/1" in bar
    assert f"loss={history.train_loss[0]:.3f}, train acc={history.train_acc[0]:.3f}" in bar


# ---------------------------------------------------------------- ScratchSGD


def test_scratch_sgd_is_the_books_update():
    """Mean loss + ScratchSGD makes the same step as the book's summed loss + sgd(lr, batch)."""
    X, y = separable_images(64)
    X = X.float() / 255
    torch.manual_seed(0)
    ours = linear.SoftmaxRegressionScratch(16, 3)
    book = linear.SoftmaxRegressionScratch(16, 3)
    book.load_state_dict(ours.state_dict())

    optimizer = classifier.ScratchSGD(ours.parameters(), lr=0.1)
    optimizer.zero_grad()
    linear.cross_entropy(ours(X), y).mean().backward()
    optimizer.step()

    linear.cross_entropy(book(X), y).sum().backward()
    linear.sgd([book.W, book.b], 0.1, len(y))

    torch.testing.assert_close(ours.W, book.W)
    torch.testing.assert_close(ours.b, book.b)


def test_scratch_model_trains_with_scratch_sgd():
    torch.manual_seed(0)
    net = linear.SoftmaxRegressionScratch(16, 3)
    train_iter, test_iter = loaders()
    optimizer = classifier.ScratchSGD(net.parameters(), lr=0.5)
    history = classifier.fit(
        net,
        train_iter,
        test_iter,
        num_epochs=3,
        optimizer=optimizer,
        loss=linear.cross_entropy,
        device="cpu",
        progress=False,
    )
    assert history.test_acc[-1] > 0.95


# ---------------------------------------------------------------- running a spec


def test_train_config_takes_the_books_settings_unless_overridden():
    spec = models.get("softmax-regression")
    config = runs.TrainConfig.for_spec(spec, lr=None, epochs=2, seed=None)
    assert (config.epochs, config.lr, config.batch_size, config.seed) == (2, 0.1, 256, 0)
    assert config.device == torch.device("cpu") and config.out_dir is None


def test_train_picks_the_runner_of_the_specs_kind(monkeypatch):
    def run(spec, config):
        return runs.Report({"model": spec.name, "epochs": config.epochs}, "done")

    monkeypatch.setitem(runs.RUNNERS, "custom", run)

    custom = models.ModelSpec(
        name="custom",
        section="0.0",
        description="a model with its own kind of run",
        build=tiny_net,
        loss=lambda: nn.MSELoss(reduction="none"),
        optimizer=torch.optim.SGD,
        lr=0.1,
        batch_size=8,
        epochs=3,
        kind="custom",
    )
    report = runs.train(custom, runs.TrainConfig.for_spec(custom))
    assert report.metrics == {"model": "custom", "epochs": 3} and report.summary == "done"


def test_a_kind_without_a_runner_is_a_user_error():
    unknown = dataclasses.replace(models.get("lenet"), kind="telepathy")
    with pytest.raises(D2lkitError, match="kind 'telepathy'; the runners: image-classifier"):
        runs.train(unknown, runs.TrainConfig.for_spec(unknown))


def test_an_image_classifier_on_a_dataset_without_a_loader_is_a_user_error():
    other = dataclasses.replace(models.get("lenet"), dataset="timemachine")
    with pytest.raises(D2lkitError, match="trains on 'timemachine'; image classifiers train on"):
        runs.train(other, runs.TrainConfig.for_spec(other))


def test_write_outputs(tmp_path):
    history = {"train_loss": [0.9, 0.5], "train_acc": [0.7, 0.8], "test_acc": [0.69, 0.79]}
    metrics = {"model": "m", "train_loss": 0.5, "history": history}
    paths = run_spec.write_outputs(metrics, history, tmp_path / "run", "m")
    assert [p.name for p in paths] == ["metrics.json", "curves.png"]
    assert json.loads(paths[0].read_text()) == metrics
    assert paths[1].read_bytes().startswith(b"\x89PNG")


def test_write_outputs_into_a_file_is_a_user_error(tmp_path):
    (tmp_path / "taken").write_text("")
    with pytest.raises(D2lkitError, match="cannot write the results"):
        run_spec.write_outputs({}, {"loss": [1.0]}, tmp_path / "taken", "m")


def test_summary_line():
    history = classifier.History([0.4471], [0.8483], [0.8357], 123456.71, 9.0, "cpu")
    assert classifier.summary_line(history) == (
        "loss 0.447, train acc 0.848, test acc 0.836, 123456.7 examples/sec on cpu"
    )


def test_every_runs_module_exports_what_it_names():
    for module in (runs, classifier, run_spec):
        assert all(hasattr(module, name) for name in module.__all__), module.__name__


# ---------------------------------------------------------------- the registry


def test_unknown_model_names_the_known_ones():
    with pytest.raises(D2lkitError, match=r"unknown model 'nope'; known: .*softmax-regression"):
        models.get("nope")


def test_a_name_is_registered_once():
    with pytest.raises(ValueError, match="already registered"):
        models.register(models.get("softmax-regression"))


@pytest.mark.parametrize(
    ("name", "section", "optimizer", "book_test_acc"),
    [
        ("softmax-regression", "3.6", classifier.ScratchSGD, 0.836),
        ("softmax-regression-concise", "3.7", torch.optim.SGD, 0.828),
    ],
)
def test_softmax_regression_specs(name, section, optimizer, book_test_acc):
    spec = models.get(name)
    assert (spec.section, spec.lr, spec.batch_size, spec.epochs) == (section, 0.1, 256, 10)
    assert spec.book["test_acc"] == book_test_acc and spec.dataset == "fashion-mnist"
    net = spec.build()
    X, y = torch.rand(5, 1, 28, 28), torch.tensor([0, 1, 2, 3, 9])
    y_hat = net(X)
    assert y_hat.shape == (5, 10)
    l = spec.loss()(y_hat, y)
    assert l.shape == (5,)
    # both losses are the cross-entropy of the same distribution, whatever the net outputs
    probs = y_hat if name == "softmax-regression" else torch.softmax(y_hat, dim=1)
    torch.testing.assert_close(l, -torch.log(probs[torch.arange(5), y]))
    assert isinstance(spec.optimizer(net.parameters(), spec.lr), optimizer)
