"""Timer, Accumulator, device selection, plotting, and the cost of `import d2lkit`."""

import subprocess
import sys

import pytest
import torch

from d2lkit import plotting, utils
from d2lkit.errors import D2lkitError


def test_timer_records_intervals(monkeypatch):
    clock = iter([10.0, 10.5, 20.0, 21.5])
    monkeypatch.setattr(utils.time, "perf_counter", lambda: next(clock))
    timer = utils.Timer()  # starts at 10.0
    assert timer.stop() == 0.5
    timer.start()
    assert timer.stop() == 1.5
    assert timer.times == [0.5, 1.5]
    assert timer.sum() == 2.0
    assert timer.avg() == 1.0
    assert timer.cumsum() == [0.5, 2.0]


def test_accumulator():
    metric = utils.Accumulator(3)
    metric.add(1, 2.5, torch.tensor(3))
    metric.add(1, 0.5, 4)
    assert (metric[0], metric[1], metric[2]) == (2.0, 3.0, 7.0)
    assert isinstance(metric[2], float)
    metric.reset()
    assert metric.data == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="3 sums was given 2 values"):
        metric.add(1, 2)


@pytest.fixture
def gpus(monkeypatch):
    """Pretend this machine has `count` GPUs."""

    def pretend(count):
        monkeypatch.setattr(torch.cuda, "device_count", lambda: count)
        monkeypatch.setattr(torch.cuda, "is_available", lambda: count > 0)

    return pretend


def test_try_gpu_and_try_all_gpus(gpus):
    gpus(0)
    assert utils.try_gpu() == torch.device("cpu")
    assert utils.try_all_gpus() == [torch.device("cpu")]
    gpus(2)
    assert utils.try_gpu(1) == torch.device("cuda:1")
    assert utils.try_gpu(2) == torch.device("cpu")
    assert utils.try_all_gpus() == [torch.device("cuda:0"), torch.device("cuda:1")]


def test_resolve_device_without_cuda(gpus):
    gpus(0)
    assert utils.resolve_device() == torch.device("cpu")
    assert utils.resolve_device("cpu") == torch.device("cpu")
    for spec in ("cuda", "cuda:0"):
        with pytest.raises(D2lkitError) as error:
            utils.resolve_device(spec)
        assert str(error.value) == "CUDA was requested but torch.cuda.is_available() is False"


def test_resolve_device_with_cuda(gpus):
    gpus(2)
    assert utils.resolve_device("auto") == torch.device("cuda")
    assert utils.resolve_device("cuda") == torch.device("cuda")
    assert utils.resolve_device("cuda:1") == torch.device("cuda:1")
    with pytest.raises(D2lkitError, match="only 2 GPU"):
        utils.resolve_device("cuda:2")


@pytest.mark.parametrize("spec", ["gpu", "CUDA", "cuda:x", "tpu", ""])
def test_resolve_device_rejects_unknown_names(spec):
    with pytest.raises(D2lkitError, match="unknown device"):
        utils.resolve_device(spec)


def test_plot_curves_saves_a_png(tmp_path):
    history = {"train_loss": [0.9, 0.5, 0.4], "train_acc": [0.6, 0.8], "test_acc": [0.7]}
    path = tmp_path / "curves.png"
    fig = plotting.plot_curves(history, title="run", path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.get_lines()] == list(history)
    assert list(ax.get_lines()[0].get_xdata()) == [1, 2, 3]
    assert ax.get_title() == "run" and ax.get_xlabel() == "epoch"


def test_plot_curves_on_given_axes_and_inline_display(monkeypatch):
    from IPython import display as ipython_display
    from matplotlib.figure import Figure

    shown = []
    monkeypatch.setattr(plotting, "_in_notebook", lambda: True)
    monkeypatch.setattr(ipython_display, "display", shown.append)
    ax = Figure().subplots()
    assert plotting.plot_curves({"loss": [1.0, 0.5]}, ax=ax) is ax.figure
    assert shown == []  # the caller owns the figure: nothing is displayed for it
    plotting.plot_curves({"loss": [1.0, 0.5]})
    assert len(shown) == 1 and shown[0].data[:4] == b"\x89PNG"


def test_show_images_grid(monkeypatch):
    monkeypatch.setattr(plotting, "_in_notebook", lambda: False)
    imgs = torch.rand(5, 1, 28, 28)
    axes = plotting.show_images(imgs, 2, 3, titles=["a", "b", "c", "d", "e"])
    assert len(axes) == 6
    assert [ax.get_title() for ax in axes] == ["a", "b", "c", "d", "e", ""]
    assert axes[0].get_images()[0].get_array().shape == (28, 28)
    assert not axes[5].get_images()


def test_import_is_light_and_plotting_leaves_pyplot_alone(tmp_path):
    code = f"""
import sys, d2lkit
heavy = [m for m in ('matplotlib', 'pandas', 'IPython') if m in sys.modules]
assert not heavy, heavy
assert d2lkit.__version__ == '0.1.0'
d2lkit.plot_curves({{'loss': [1.0, 0.5]}}, path={str(tmp_path / "c.png")!r})
assert 'matplotlib.pyplot' not in sys.modules  # so the user's backend is never switched
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plot_curves_on_a_log_axis(tmp_path):
    from d2lkit.plotting import plot_curves

    fig = plot_curves({"valid": [4.0, 0.5, 0.17]}, path=tmp_path / "c.png", yscale="log")
    assert fig.axes[0].get_yscale() == "log" and (tmp_path / "c.png").stat().st_size > 0
