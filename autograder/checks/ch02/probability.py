"""2.6 probability: relative frequencies of samples, and their running estimates."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch02._common import _tensor
from autograder.spec import Case, Compare, Exercise
from autograder.strategies import randn
from d2lkit import preliminaries

NB_PROBABILITY = "2.6-probability"

Z_ONE = 5.0  # one test per outcome: a correct sampler fails with probability about 1e-6
Z_ROWS = 6.0  # one test per (row, outcome), thousands of them


def _shape(value: Any) -> str:
    if _tensor(value):
        return f"a tensor of shape {tuple(value.shape)}"
    return f"a {type(value).__name__}"


def _frequency_problem(
    freq: torch.Tensor, probs: torch.Tensor, n: torch.Tensor, z: float, row: bool
) -> str | None:
    """The first frequency further than `z` binomial standard deviations from its probability."""
    p, f = probs.double().expand_as(freq), freq.double()
    sd = (p * (1 - p) / n).sqrt()
    bad = (f - p).abs() > z * sd + 1e-9
    if not bool(bad.any()):
        return None
    index = tuple(int(i) for i in bad.nonzero()[0])
    where = f"row {index[0]}, outcome {index[1]}" if row else f"outcome {index[0]}"
    draws = int(n.expand_as(freq)[index])
    if float(p[index]) == 0:
        return f"{where} has probability 0 but frequency {float(f[index]):.4g}"
    deviations = float((f[index] - p[index]).abs() / sd[index])
    return (
        f"{where}: frequency {float(f[index]):.4g} after {draws} draws is {deviations:.1f} "
        f"standard deviations from its probability {float(p[index]):.4g}: draw from probs"
    )


def _relative_frequency_cases() -> list[Case]:
    return [
        Case("a fair die, 1000 rolls", (torch.ones(6) / 6, 1000), seed=501),
        Case(
            "(0.5, 0.3, 0.2, 0), 5000 draws", (torch.tensor([0.5, 0.3, 0.2, 0.0]), 5000), seed=502
        ),
        Case("a single roll", (torch.ones(6) / 6, 1), seed=503),
        Case(
            "float64, 10 outcomes, 20000 draws",
            (torch.softmax(randn(10, seed=504, dtype=torch.float64), 0), 20000),
            seed=504,
            visible=False,
        ),
    ]


def _check_relative_frequencies(case: Case, expected: dict, student: dict) -> str | None:
    probs, n = case.args
    out = student["output"]
    if not _tensor(out) or out.shape != probs.shape:
        return f"return a tensor of shape {tuple(probs.shape)}, one frequency per outcome; got {_shape(out)}"
    if out.dtype != probs.dtype:
        return f"expected dtype {probs.dtype} (that of probs), got {out.dtype}"
    total = float(out.double().sum())
    if abs(total - 1) > 1e-5:
        return f"the relative frequencies should sum to 1; yours sum to {total:.6g}"
    counts = out.double() * n
    if float((counts - counts.round()).abs().max()) > 1e-3:
        return (
            "each frequency should be a count divided by num_samples (a multiple of 1/num_samples)"
        )
    return _frequency_problem(out, probs, torch.tensor(float(n)), Z_ONE, row=False)


def _cumulative_cases() -> list[Case]:
    return [
        Case("a fair die, 500 groups of 10 (the book's)", (torch.ones(6) / 6, 500, 10), seed=511),
        Case(
            "(0.1, 0.6, 0.3, 0), 20 groups of 50",
            (torch.tensor([0.1, 0.6, 0.3, 0.0]), 20, 50),
            seed=512,
        ),
        Case("one group of 7", (torch.ones(3) / 3, 1, 7), seed=513),
        Case(
            "float64, 5 outcomes, 100 groups of 3",
            (torch.softmax(randn(5, seed=514, dtype=torch.float64), 0), 100, 3),
            seed=514,
            visible=False,
        ),
    ]


def _check_cumulative(case: Case, expected: dict, student: dict) -> str | None:
    probs, m, g = case.args
    out, shape = student["output"], (m, probs.numel())
    if not _tensor(out) or tuple(out.shape) != shape:
        return f"return a tensor of shape {shape}, one row per group; got {_shape(out)}"
    if out.dtype != probs.dtype:
        return f"expected dtype {probs.dtype} (that of probs), got {out.dtype}"
    sums = out.double().sum(dim=1)
    worst = int((sums - 1).abs().argmax())
    if abs(float(sums[worst]) - 1) > 1e-5:
        return (
            f"each row should sum to 1; row {worst} sums to {float(sums[worst]):.6g}: divide row i "
            "by the (i + 1) * group_size draws made so far"
        )
    draws = g * torch.arange(1, m + 1, dtype=torch.float64).reshape(-1, 1)
    counts = out.double() * draws
    if float((counts - counts.round()).abs().max()) > 1e-3:
        return "row i should be the counts of groups 0..i divided by (i + 1) * group_size"
    step = torch.diff(counts.round(), dim=0)
    if bool((step < 0).any()):
        i, j = (int(v) for v in (step < 0).nonzero()[0])
        return (
            f"row {i + 1} has fewer draws of outcome {j} than row {i}: row i should count every "
            "draw of groups 0..i (a cumulative sum over the groups)"
        )
    return _frequency_problem(out, probs, draws, Z_ROWS, row=True)


EXERCISES = [
    Exercise(
        id="ch02.relative_frequencies",
        origin="kit",
        target="relative_frequencies",
        points=1,
        reference=preliminaries.relative_frequencies,
        cases=_relative_frequency_cases,
        notebook=NB_PROBABILITY,
        compare=Compare(checker=_check_relative_frequencies),
    ),
    Exercise(
        id="ch02.cumulative_estimates",
        origin="kit",
        target="cumulative_estimates",
        points=2,
        reference=preliminaries.cumulative_estimates,
        cases=_cumulative_cases,
        notebook=NB_PROBABILITY,
        compare=Compare(checker=_check_cumulative),
    ),
]
