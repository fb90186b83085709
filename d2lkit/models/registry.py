"""`MODELS`: every model `d2lkit train NAME` builds, by name. Chapter modules `register` theirs."""

from __future__ import annotations

from d2lkit.errors import D2lkitError
from d2lkit.runs.spec import ModelSpec

__all__ = ["MODELS", "get", "register"]

MODELS: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add spec to `MODELS` under spec.name; a name can be registered only once."""
    if spec.name in MODELS:
        raise ValueError(f"model {spec.name!r} is already registered")
    MODELS[spec.name] = spec
    return spec


def get(name: str) -> ModelSpec:
    """The spec registered as name; D2lkitError naming the known models if there is none."""
    try:
        return MODELS[name]
    except KeyError:
        raise D2lkitError(f"unknown model {name!r}; known: {', '.join(MODELS)}") from None
