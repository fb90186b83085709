"""What several sections of chapter 7 share: the network comparison, the references every
exercise forbids, and the cases of a block and of a whole network."""

from __future__ import annotations

from typing import Any

import torch

from autograder.networks import network_checker, network_hint, traced
from autograder.spec import Case, Compare, Exercise
from autograder.strategies import rand

NETWORK = Compare(checker=network_checker())
REFERENCES = ("d2lkit.modern_cnn", "d2lkit.batch_norm")


def _image(*shape: int, seed: int) -> torch.Tensor:
    return rand(*shape, seed=seed)


def _block(name: str, init: tuple, X: torch.Tensor, seed: int, **kw: Any) -> Case:
    """A cheap block: training mode, gradients of the input and of every parameter."""
    visible = kw.pop("visible", True)
    return Case(
        name,
        init=init,
        grad=(0,),
        seed=seed,
        visible=visible,
        fixture=traced(X, requires_grad=True, **kw),
    )


def _network(name: str, init: tuple, X: torch.Tensor, seed: int, **kw: Any) -> Case:
    """A whole network: one forward, no gradients (they would ship every parameter's gradient)."""
    visible = kw.pop("visible", True)
    return Case(name, init=init, seed=seed, visible=visible, fixture=traced(X, **kw))


def _net(
    id_: str, target: str, points: int, reference: Any, cases: Any, notebook: str, **kw: Any
) -> Exercise:
    return Exercise(
        id=id_,
        target=target,
        points=points,
        reference=reference,
        cases=cases,
        notebook=notebook,
        kind="module",
        compare=kw.pop("compare", NETWORK),
        forbidden=kw.pop("forbidden", REFERENCES),
        hint=kw.pop("hint", network_hint),
        **kw,
    )
