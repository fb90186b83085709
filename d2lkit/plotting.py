"""Figures of a run: training curves and image grids.

matplotlib is imported inside the functions, so that importing d2lkit stays cheap. Figures are
built with the object-oriented API (`matplotlib.figure.Figure`), never through pyplot: they
render with Agg whatever the user's backend is, and no global state is touched. In a notebook
they are shown inline as PNG images; elsewhere pass `path` to save one.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _in_notebook() -> bool:
    """Whether we run inside a Jupyter kernel (a plain IPython shell does not count)."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _display_inline(fig: Figure) -> None:
    """Show `fig` in the notebook as a PNG, independently of the matplotlib backend."""
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    display(Image(data=buffer.getvalue(), format="png"))


def plot_curves(
    history: Mapping[str, Sequence[float]],
    *,
    xlabel: str = "epoch",
    title: str | None = None,
    path: str | Path | None = None,
    ax: Axes | None = None,
    yscale: str = "linear",
) -> Figure:
    """Draw every series of `history` (e.g. train_loss, train_acc, test_acc) against 1, 2, ...

    yscale: 'linear', or 'log' for curves that fall by orders of magnitude (4.10's log RMSE).

    With `ax`, draws on it and leaves showing to the caller; otherwise makes a new figure and,
    in a notebook, shows it inline. With `path`, also saves the figure there as a PNG.
    Returns the figure.
    """
    from matplotlib.figure import Figure

    own_figure = ax is None
    if ax is None:
        ax = Figure(figsize=(3.5, 2.5)).subplots()
    for name, values in history.items():
        ax.plot(range(1, len(values) + 1), list(values), label=name)
    ax.set_xlabel(xlabel)
    ax.set_yscale(yscale)
    if title is not None:
        ax.set_title(title)
    ax.grid(True)
    ax.legend()
    fig = ax.get_figure()
    if path is not None:
        fig.savefig(path, format="png", bbox_inches="tight")
    if own_figure and _in_notebook():
        _display_inline(fig)
    return fig


def _as_image(img: Any) -> Any:
    """A torch/numpy image as something `imshow` takes: (H, W) or (H, W, C)."""
    if hasattr(img, "detach"):
        img = img.detach().cpu().numpy()
    if img.ndim == 3 and img.shape[0] in (1, 3) and img.shape[-1] not in (1, 3):
        img = img.transpose(1, 2, 0)  # channels-first tensors, as torchvision yields them
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    return img


def show_images(
    imgs: Sequence[Any],
    num_rows: int,
    num_cols: int,
    titles: Sequence[str] | None = None,
    scale: float = 1.5,
) -> list[Axes]:
    """Show up to `num_rows * num_cols` images in a grid, optionally titled.

    imgs: a tensor `(n, H, W)` / `(n, C, H, W)` or a list of images (tensors, arrays, PIL).
    In a notebook the grid is shown inline. Returns the axes, row by row.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(num_cols * scale, num_rows * scale))
    axes = fig.subplots(num_rows, num_cols, squeeze=False).flatten().tolist()
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        ax.imshow(_as_image(img) if hasattr(img, "ndim") else img)
        ax.set_axis_off()
        if titles is not None and i < len(titles):
            ax.set_title(titles[i])
    if _in_notebook():
        _display_inline(fig)
    return axes
