"""The models of `d2lkit train`, with the book's settings and results.

Each chapter has a module `d2lkit/models/<topic>.py` that calls `registry.register(ModelSpec(...))`
at import time; importing this package imports them all, in book order (the list below). To add
a chapter's models, write its module and import it here.
"""

from __future__ import annotations

from d2lkit.models.registry import MODELS, get, register
from d2lkit.runs.spec import ModelSpec

# isort: off
from d2lkit.models import linear, mlp, cnn, rnn, attention, optimization, performance  # noqa: E402 - book order is registration order
# isort: on

__all__ = ["CHAPTER_MODULES", "MODELS", "ModelSpec", "get", "register"]

CHAPTER_MODULES = (linear, mlp, cnn, rnn, attention, optimization, performance)
