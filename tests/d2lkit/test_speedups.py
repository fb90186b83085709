"""The classifier run's speed options: AMP and channels-last run on the CPU (bf16 autocast works
there), the CUDA decisions of `choose_speedups` are checked with a mocked device, and the
command-line flags reach the run's config.
"""

import json
import math
import platform

import pytest
import torch
from torch import nn

from d2lkit import cli, models, runs, speedups
from d2lkit.data import TensorBatches
from d2lkit.errors import D2lkitError
from d2lkit.runs import classifier
from tests.helpers import assert_one_line_error, separable_images


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
        runs.TrainConfig(epochs=1, lr=0.1, batch_size=8, amp_dtype="fp8")


# ---------------------------------------------------------------- fit under the speedups


@pytest.mark.parametrize("amp", [torch.bfloat16, torch.float16])
def test_fit_under_autocast_in_channels_last_on_the_cpu(amp):
    torch.manual_seed(0)
    net = conv_net()
    seen = []
    net[2].register_forward_hook(lambda module, args, out: seen.append((args[0], out)))
    train_iter = TensorBatches(*separable_images(480), 32, shuffle=True)
    test_iter = TensorBatches(*separable_images(200, seed=1), 32)
    history = classifier.fit(
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
    """`runs.train` records the config it is given instead of training."""
    configs = []

    def train(spec, config):
        configs.append(config)
        return runs.Report({}, "trained")

    monkeypatch.setattr(runs, "train", train)
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
    config = runs.TrainConfig.for_spec(
        spec, epochs=1, batch_size=8, limit=16, max_batches=1, progress=False, compile=True
    )
    report = runs.train(spec, config)
    assert len(compiled) == 1 and report.metrics["compile"] is True
