"""12.7's ring allreduce, simulated in one process (the kit's exercise: the book prints no code).

`data` is one tensor per rank. `ring_reduce_scatter` is checked piece by piece against the
reference after the k - 1 steps of its schedule (the partial sums pin the schedule down);
`ring_allreduce` must leave the sum on every rank, in place, and return data; one case with
cancelling magnitudes tells the ring's order of additions from a plain sum. The reference's
agreement with `torch.distributed.all_reduce` across real processes is tested in tests/d2lkit.
"""

from __future__ import annotations

import torch

from autograder.spec import Case, Compare, Exercise
from autograder.strategies import randn
from d2lkit import multi_device

NB_RING = "12.7-parameter-servers"
# the simulation is the exercise: no collective or whole-stack reduction does it instead
RING_FORBIDDEN = ("d2lkit.multi_device", "all_reduce", "reduce_scatter", "all_gather", "stack")


def _ranks(k: int, shape: tuple[int, ...], seed: int, dtype=torch.float32) -> list:
    return [randn(*shape, seed=seed + r, dtype=dtype) for r in range(k)]


def _cancelling() -> list[torch.Tensor]:
    """Four ranks whose float32 sum depends on the order of the additions: piece c adds the
    ranks c, c + 1, ... in turn around the ring."""
    big = 2.0**25
    return [
        torch.tensor([big, 1.0, 1.0, -big]),
        torch.tensor([1.0, big, -big, 1.0]),
        torch.tensor([-big, 1.0, big, 1.0]),
        torch.tensor([1.0, -big, 1.0, big]),
    ]


def _reduce_scatter_cases() -> list[Case]:
    return [
        Case("2 ranks, (6,)", (_ranks(2, (6,), 401),)),
        Case("3 ranks, (2, 3)", (_ranks(3, (2, 3), 411),)),
        Case("4 ranks, 10 values: pieces of 3, 3, 2, 2", (_ranks(4, (10,), 421),)),
        Case("1 rank: nothing to send", (_ranks(1, (4,), 431),), visible=False),
        Case("5 ranks, (3, 4)", (_ranks(5, (3, 4), 441),), visible=False),
        Case("3 ranks, 2 values: an empty piece", (_ranks(3, (2,), 451),), visible=False),
        Case("4 ranks, float64", (_ranks(4, (4, 2), 461, torch.float64),), visible=False),
    ]


def _allreduce_cases() -> list[Case]:
    return [
        Case("2 ranks, (5,)", (_ranks(2, (5,), 501),)),
        Case("3 ranks, (4, 3)", (_ranks(3, (4, 3), 511),)),
        Case("4 ranks: the order of additions shows", (_cancelling(),)),
        Case("1 rank", (_ranks(1, (3,), 521),), visible=False),
        Case("5 ranks, 7 values", (_ranks(5, (7,), 531),), visible=False),
        Case("6 ranks, (2, 2, 3)", (_ranks(6, (2, 2, 3), 541),), visible=False),
        Case("3 ranks, float64", (_ranks(3, (3, 3), 551, torch.float64),), visible=False),
    ]


def _pieces(t: torch.Tensor, k: int) -> tuple[torch.Tensor, ...]:
    return t.reshape(-1).tensor_split(k)


def _check_ranks(case: Case, expected: dict, student: dict, what: str, exact: bool) -> str | None:
    """Rank by rank and piece by piece, the tensors after the call and the returned list."""
    want = [e["value"] for e in expected["args_after"][0]]
    got = [g["value"] for g in student["args_after"][0]]
    k = len(want)
    for r, (e, g) in enumerate(zip(want, got)):
        if g.shape != e.shape:
            return f"rank {r}'s tensor changed shape to {tuple(g.shape)}: work in place"
        for c, (e_piece, g_piece) in enumerate(zip(_pieces(e, k), _pieces(g, k))):
            same = torch.equal if exact else torch.allclose
            if not same(g_piece.to(e_piece.dtype), e_piece):
                return (
                    f"rank {r}, piece {c} after {what}: expected {e_piece.tolist()}, "
                    f"got {g_piece.tolist()}"
                )
    out = student.get("output")
    if not isinstance(out, (list, tuple)) or len(out) != k:
        return f"return data, the list of the {k} ranks' tensors"
    if any(not torch.equal(o, g) for o, g in zip(out, got)):
        return "return data itself, the tensors changed in place"
    return None


def _check_reduce_scatter(case: Case, expected: dict, student: dict) -> str | None:
    return _check_ranks(case, expected, student, "the reduce-scatter", exact=False)


def _check_allreduce(case: Case, expected: dict, student: dict) -> str | None:
    return _check_ranks(case, expected, student, "the allreduce", exact="order" in case.name)


def _reduce_scatter_hint(case: Case, expected: dict, student: dict) -> str | None:
    data = case.args[0]
    k = len(data)
    got = [g["value"] for g in student["args_after"][0]]
    total = _pieces(torch.stack(data).sum(0), k)
    done = [torch.allclose(_pieces(got[r], k)[(r + 1) % k], total[(r + 1) % k]) for r in range(k)]
    if all(torch.allclose(g, torch.stack(data).sum(0)) for g in got):
        return "that is a whole allreduce: stop after the k - 1 reduce-scatter steps"
    if all(done):
        return None
    if all(torch.allclose(_pieces(got[r], k)[(r - 1) % k], total[(r - 1) % k]) for r in range(k)):
        return "rank r sends to rank r + 1 (the ring turns that way), piece (r - s) % k at step s"
    return "at step s, rank r sends its piece (r - s) % k to rank r + 1, which adds it to its own"


def _allreduce_hint(case: Case, expected: dict, student: dict) -> str | None:
    data = case.args[0]
    got = [g["value"] for g in student["args_after"][0]]
    total = torch.stack(data).sum(0)
    if "order" in case.name and all(torch.allclose(g, total, atol=8.0) for g in got):
        return (
            "the sums are close but not the ring's: piece c adds the ranks c, c + 1, ... in "
            "turn, each rank adding what it received to its own piece"
        )
    k = len(data)
    if any(
        torch.allclose(_pieces(got[r], k)[(r + 1) % k], _pieces(total, k)[(r + 1) % k])
        for r in range(k)
    ):
        return "after the reduce-scatter, the all-gather copies (not adds) the complete pieces"
    return None


EXERCISES = [
    Exercise(
        id="ch12.ring_reduce_scatter",
        target="ring_reduce_scatter",
        points=3,
        reference=multi_device.ring_reduce_scatter,
        cases=_reduce_scatter_cases,
        notebook=NB_RING,
        compare=Compare(checker=_check_reduce_scatter),
        forbidden=RING_FORBIDDEN,
        hint=_reduce_scatter_hint,
        description="every rank's pieces after the k - 1 steps of the ring's schedule",
        origin="kit",
    ),
    Exercise(
        id="ch12.ring_allreduce",
        target="ring_allreduce",
        points=2,
        reference=multi_device.ring_allreduce,
        cases=_allreduce_cases,
        notebook=NB_RING,
        compare=Compare(checker=_check_allreduce),
        forbidden=RING_FORBIDDEN,
        hint=_allreduce_hint,
        description="the sum on every rank, in place, added in the ring's order",
        origin="kit",
    ),
]
