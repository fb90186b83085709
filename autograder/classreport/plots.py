"""The class report's histograms, as PNG data URIs a page embeds (nothing to fetch to open it).

Figures are drawn on matplotlib's Agg canvas directly, without pyplot's global state, small and at
a low dpi: a chapter's dozen histograms take a fraction of a second."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 72
SIZE = (4.0, 2.2)
BINS = 10


def histogram(scores: Sequence[float], maximum: float, xlabel: str) -> str:
    """A histogram of `scores` on [0, maximum] as a `data:image/png;base64,...` URI."""
    figure = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    # fixed margins: `tight_layout` would measure the text first, half of a figure's time
    figure.subplots_adjust(left=0.14, right=0.97, bottom=0.22, top=0.95)
    ax = figure.add_subplot()
    top = maximum if maximum > 0 else 1
    # a score equal to the maximum falls in the last bin, as numpy's last bin is closed
    ax.hist(scores, bins=BINS, range=(0, top), color="#4c72b0", edgecolor="white")
    ax.set_xlim(0, top)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
