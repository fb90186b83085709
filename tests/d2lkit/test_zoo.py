"""The chapters 6-7 model zoo of `d2lkit train`, and the runner's speed options.

Every zoo model is smoke-tested through the real command line on a few real Fashion-MNIST images
at the book's input size; AMP and channels-last run on the CPU (bf16 autocast works there), and
the CUDA decisions of `choose_speedups` are checked with a mocked device.
"""

import dataclasses
import json
import math
import platform
import re

import pytest
import torch
from torch import nn

from d2lkit import cli, models, runner, speedups
from d2lkit.data import TensorBatches
from d2lkit.errors import D2lkitError
from tests.d2lkit.test_cli import assert_one_line_error
from tests.d2lkit.test_runner import separable_images

# name: (section, lr, batch size, input side, book: loss, train acc, test acc, examples/sec on
# the book's V100), from the zh v2 notebooks (the curriculum inventory, chapters 6-7)
ZOO = {
    "lenet": ("6.6", 0.9, 256, 28, (0.469, 0.823, 0.779, 55296.6)),
    "alexnet": ("7.1", 0.01, 128, 224, (0.331, 0.878, 0.883, 3941.8)),
    "vgg11": ("7.2", 0.05, 128, 224, (0.178, 0.935, 0.920, 2463.7)),
    "nin": ("7.3", 0.1, 128, 224, (0.563, 0.786, 0.790, 3087.6)),
    "googlenet": ("7.4", 0.1, 128, 96, (0.262, 0.900, 0.886, 3265.5)),
    "lenet-bn": ("7.5", 1.0, 256, 28, (0.273, 0.899, 0.807, 32293.9)),
    "resnet18": ("7.6", 0.05, 256, 96, (0.012, 0.997, 0.893, 5032.7)),
    "densenet": ("7.7", 0.1, 256, 96, (0.140, 0.948, 0.885, 5626.3)),
}
BOOK_KEYS = ("train_loss", "train_acc", "test_acc", "examples_per_sec")


# ---------------------------------------------------------------- the specs


@pytest.mark.parametrize("name", ZOO)
def test_specs_carry_the_books_settings_and_results(name):
    section, lr, batch_size, size, book = ZOO[name]
    spec = models.get(name)
    assert (spec.section, spec.lr, spec.batch_size, spec.epochs) == (section, lr, batch_size, 10)
    assert (spec.resize or 28) == size and spec.dataset == "fashion-mnist" and spec.run is None
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


def test_amp_and_channels_last_through_the_cli_on_the_cpu(data_root, tmp_path):
    argv = ["train", "lenet", "--device", "cpu", "--epochs", "1", "--batch-size", "16"]
    argv += ["--limit", "64", "--max-batches", "2", "--no-progress", "--out", str(tmp_path)]
    assert cli.main([*argv, "--amp", "--amp-dtype", "bf16", "--channels-last"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert (metrics["amp"], metrics["channels_last"]) == ("bfloat16", True)
    assert math.isfinite(metrics["train_loss"])


# ---------------------------------------------------------------- choose_speedups


def conv_net() -> nn.Module:
    """A 2-conv net for 4x4 one-channel images of 3 classes; the second conv has 4 in-channels,
    so its weight and input show their memory format."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
        nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(64, 3),
    )  # fmt: skip


def mlp() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 10))


CPU, CUDA = torch.device("cpu"), torch.device("cuda")


@pytest.fixture
def bf16_gpu(monkeypatch):
    """A CUDA device that runs bf16, as far as `choose_speedups` can tell (none is needed)."""
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: True)


def test_auto_on_the_cpu_is_float32_and_channels_last_for_conv_nets():
    for size in (28, 224):
        assert speedups.choose_speedups(conv_net(), CPU, size) == (None, True)
    assert speedups.choose_speedups(mlp(), CPU, 28) == (None, False)


def test_auto_on_cuda_is_bf16_channels_last_for_conv_nets_from_64_pixels(bf16_gpu):
    assert speedups.choose_speedups(conv_net(), CUDA, 64) == (torch.bfloat16, True)
    assert speedups.choose_speedups(conv_net(), CUDA, 224) == (torch.bfloat16, True)
    # LeNet-sized inputs and nets without convolutions stay float32 NCHW
    assert speedups.choose_speedups(conv_net(), CUDA, 28) == (None, False)
    assert speedups.choose_speedups(mlp(), CUDA, 224) == (None, False)


def test_auto_on_a_gpu_without_bf16_is_off(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: False)
    assert speedups.choose_speedups(conv_net(), CUDA, 224) == (None, False)


def test_explicit_choices_override_auto(bf16_gpu):
    choose = speedups.choose_speedups
    assert choose(mlp(), CPU, 28, amp=True) == (torch.bfloat16, False)
    assert choose(mlp(), CPU, 28, amp_dtype="fp16") == (torch.float16, False)
    assert choose(conv_net(), CUDA, 224, amp=False, amp_dtype="fp16") == (None, False)
    assert choose(conv_net(), CUDA, 224, amp_dtype="fp16") == (torch.float16, True)
    assert choose(conv_net(), CUDA, 224, channels_last=False) == (torch.bfloat16, False)
    assert choose(conv_net(), CPU, 28, channels_last=False) == (None, False)
    assert choose(mlp(), CPU, 28, channels_last=True).channels_last


def test_an_unknown_amp_dtype_is_a_user_error():
    with pytest.raises(D2lkitError, match="unknown AMP dtype 'fp8'"):
        speedups.choose_speedups(conv_net(), CPU, 28, amp_dtype="fp8")
    with pytest.raises(D2lkitError, match="unknown AMP dtype 'fp8'"):
        runner.TrainConfig(epochs=1, lr=0.1, batch_size=8, amp_dtype="fp8")


# ---------------------------------------------------------------- fit under the speedups


@pytest.mark.parametrize("amp", [torch.bfloat16, torch.float16])
def test_fit_under_autocast_in_channels_last_on_the_cpu(amp):
    torch.manual_seed(0)
    net = conv_net()
    seen = []
    net[2].register_forward_hook(lambda module, args, out: seen.append((args[0], out)))
    train_iter = TensorBatches(*separable_images(480), 32, shuffle=True)
    test_iter = TensorBatches(*separable_images(200, seed=1), 32)
    history = runner.fit(
        net,
        train_iter,
        test_iter,
        num_epochs=3,
        optimizer=torch.optim.SGD(net.parameters(), lr=0.5),
        loss=nn.CrossEntropyLoss(reduction="none"),
        device="cpu",
        progress=False,
        amp=amp,
        channels_last=True,
    )
    assert history.test_acc[-1] > 0.9
    X, out = seen[0]
    assert out.dtype == amp
    assert X.is_contiguous(memory_format=torch.channels_last) and not X.is_contiguous()
    # the weights the optimizer updates stay float32, in channels-last order
    assert net[2].weight.dtype == torch.float32
    assert net[2].weight.is_contiguous(memory_format=torch.channels_last)


def test_channels_last_grads_reorders_the_flatten_gradient_only():
    torch.manual_seed(0)
    net = conv_net().to(memory_format=torch.channels_last)
    X = torch.rand(8, 1, 4, 4).to(memory_format=torch.channels_last)

    def grads():
        """The gradient that reaches the input of net's Flatten, and the parameters' ones."""
        net.zero_grad()
        seen = []

        def keep_grad(module, args, out):
            out.register_hook(seen.append)

        handle = net[3].register_forward_hook(keep_grad)
        net(X).sum().backward()
        handle.remove()
        return seen[0], [p.grad.clone() for p in net.parameters()]

    plain_grad, plain = grads()
    with speedups.channels_last_grads(net):
        reordered_grad, reordered = grads()
    # what Flatten sends back is NCHW, unless reordered; the gradients keep their values
    assert plain_grad.is_contiguous() and not reordered_grad.is_contiguous()
    assert reordered_grad.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(reordered, plain)
    assert not net[4]._forward_pre_hooks  # the hook goes when the context closes


def test_keep_freed_memory_applies_on_glibc_only():
    glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert speedups.keep_freed_memory() is glibc
    assert speedups.keep_freed_memory() is glibc  # a second call changes nothing


# ---------------------------------------------------------------- the command-line flags


@pytest.fixture
def captured_config(monkeypatch):
    """`runner.train` records the config it is given instead of training."""
    configs = []

    def train(spec, config):
        configs.append(config)
        return runner.Report({}, "trained")

    monkeypatch.setattr(runner, "train", train)
    return configs


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], (None, None, None, False)),
        (["--amp", "--amp-dtype", "bf16", "--channels-last"], (True, "bf16", True, False)),
        (["--no-amp", "--amp-dtype", "fp16", "--no-channels-last"], (False, "fp16", False, False)),
        (["--compile"], (None, None, None, True)),
    ],
)
def test_speed_flags_reach_the_train_config(flags, expected, captured_config, capsys):
    assert cli.main(["train", "lenet", "--device", "cpu", *flags]) == 0
    (config,) = captured_config
    assert (config.amp, config.amp_dtype, config.channels_last, config.compile) == expected
    assert capsys.readouterr().out == "trained\n"


def test_a_bad_amp_dtype_is_a_one_line_error(capsys):
    assert cli.main(["train", "lenet", "--amp-dtype", "fp8"]) == 2
    assert_one_line_error(capsys.readouterr(), "unknown AMP dtype 'fp8'", "'bf16' or 'fp16'")


def test_compile_hands_fit_the_compiled_net(data_root, monkeypatch):
    compiled = []

    def compile_(net):
        compiled.append(net)
        return net

    monkeypatch.setattr(torch, "compile", compile_)
    spec = models.get("lenet")
    config = runner.TrainConfig.for_spec(
        spec, epochs=1, batch_size=8, limit=16, max_batches=1, progress=False, compile=True
    )
    report = runner.train(spec, config)
    assert len(compiled) == 1 and report.metrics["compile"] is True
