"""8.3 language models and the dataset: the two ways of cutting a corpus into minibatches.

Both samplers draw a random offset, so no one seed's output is the answer: the check judges
properties. The notebook's `random_epochs` and `sequential_epochs` (given cells) run a sampler
for several epochs on a corpus of distinct tokens, where each token says where it stands; the
judge finds every row's position and checks: X and Y are (batch_size, num_steps) integer tensors,
every row is num_steps consecutive tokens and Y is X shifted by one; an epoch starts at an offset
in the allowed range and has exactly the number of minibatches the book's arithmetic gives; with
random sampling every subsequence appears at most once per epoch, in a random order; with
sequential partitioning row r of minibatch i + 1 continues row r of minibatch i; and the offset
is not the same in every epoch.
"""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.ch08._common import _out
from autograder.spec import Case, Compare, Exercise
from d2lkit.data import timemachine

NB_LM_DATASET = "8.3-language-models-and-dataset"


def random_epochs(corpus: Any, batch_size: int, num_steps: int, num_epochs: int) -> list:
    """The reference side of the notebook's `random_epochs`."""
    return [
        list(timemachine.seq_data_iter_random(corpus, batch_size, num_steps))
        for _ in range(num_epochs)
    ]


def sequential_epochs(corpus: Any, batch_size: int, num_steps: int, num_epochs: int) -> list:
    """The reference side of the notebook's `sequential_epochs`."""
    return [
        list(timemachine.seq_data_iter_sequential(corpus, batch_size, num_steps))
        for _ in range(num_epochs)
    ]


def _corpus(n: int, seed: int) -> list[int]:
    """n distinct tokens in a shuffled order (a token's value does not give its position)."""
    if seed == 0:
        return list(range(n))  # the book's example
    return (torch.randperm(n, generator=torch.Generator().manual_seed(seed)) + 3).tolist()


def _cases() -> list[Case]:
    def case(name: str, n: int, b: int, s: int, seed: int, **kw: Any) -> Case:
        return Case(name, (_corpus(n, seed), b, s, 8), seed=seed, **kw)

    return [
        case("the book's range(35), batch 2, 5 steps, 8 epochs", 35, 2, 5, 0),
        case("100 shuffled tokens, batch 3, 4 steps", 100, 3, 4, 31),
        case("300 tokens, batch 4, 7 steps", 300, 4, 7, 32),
        case("60 tokens, batch 1, 3 steps", 60, 1, 3, 33, visible=False),
        case("200 tokens, batch 5, 6 steps", 200, 5, 6, 34, visible=False),
        case("500 tokens, batch 8, 10 steps", 500, 8, 10, 35, visible=False),
    ]


def _batches_problem(epoch: Any, e: int, b: int, s: int, where: dict[int, int]) -> Any:
    """(list of (X positions, Y positions)) or a problem: the shapes, types and tokens of an epoch."""
    if not isinstance(epoch, (list, tuple)):
        return f"epoch {e}: iterate your sampler to get its minibatches (a generator or a list)"
    found = []
    for i, batch in enumerate(epoch):
        at = f"epoch {e}, minibatch {i}"
        if not isinstance(batch, (list, tuple)) or len(batch) != 2:
            return f"{at}: yield the pair (X, Y)"
        for name, T in zip("XY", batch):
            if not isinstance(T, torch.Tensor):
                return f"{at}: {name} should be a tensor, got {type(T).__name__}"
            if tuple(T.shape) != (b, s):
                return f"{at}: {name} should be (batch_size, num_steps) = {(b, s)}, got {tuple(T.shape)}"
            if T.is_floating_point() or T.dtype == torch.bool:
                return f"{at}: {name} should hold token indices (an integer tensor), got {T.dtype}"
        X, Y = (T.tolist() for T in batch)
        if any(v not in where for row in X + Y for v in row):
            return f"{at}: X and Y should hold the corpus's tokens"
        Xp = [[where[v] for v in row] for row in X]
        Yp = [[where[v] for v in row] for row in Y]
        for r, row in enumerate(Xp):
            if row != list(range(row[0], row[0] + s)):
                return (
                    f"{at}, row {r}: X's row should be num_steps consecutive tokens of the corpus"
                )
            if Yp[r] != [p + 1 for p in row]:
                return (
                    f"{at}, row {r}: Y should be X shifted by one token (the labels of X[r, t] "
                    "is the token after it, Y[r, t] = corpus[position + 1])"
                )
        found.append((Xp, Yp))
    return found


def _offsets_vary(offsets: list[int], top: int) -> str | None:
    if top > 0 and len(set(offsets)) == 1:
        return (
            f"every epoch started at offset {offsets[0]}: draw a random offset in [0, {top}] "
            "for each epoch, so that each pass cuts the corpus at other places"
        )
    return None


def _check_random(case: Case, expected: dict, student: dict) -> str | None:
    corpus, b, s, num_epochs = case.args
    where = {v: i for i, v in enumerate(corpus)}
    epochs = _out(student)
    if not isinstance(epochs, list) or len(epochs) != num_epochs:
        return f"expected {num_epochs} epochs from random_epochs"
    offsets, orders = [], []
    for e, epoch in enumerate(epochs):
        found = _batches_problem(epoch, e, b, s, where)
        if isinstance(found, str):
            return found
        starts = [row[0] for Xp, _ in found for row in Xp]
        if not starts:
            return f"epoch {e}: no minibatch at all"
        offset = starts[0] % s
        if any(p % s != offset for p in starts):
            return (
                f"epoch {e}: subsequences start at positions {sorted(starts)[:6]}...: cut the corpus "
                "from one random offset into non-overlapping pieces of num_steps tokens"
            )
        if len(set(starts)) != len(starts):
            return (
                f"epoch {e}: a subsequence appears twice; each should appear at most once per epoch"
            )
        if offset > s - 1:
            return f"epoch {e}: the offset is {offset}; it should be in [0, num_steps - 1]"
        num_batches = (len(corpus) - offset - 1) // s // b
        if len(found) != num_batches:
            return (
                f"epoch {e}: {len(found)} minibatches; from offset {offset} the corpus holds "
                f"(len - offset - 1) // num_steps subsequences, which make {num_batches} full "
                "minibatches of batch_size"
            )
        offsets.append(offset)
        orders.append(starts)
    problem = _offsets_vary(offsets, s - 1)
    if problem:
        return problem
    if all(order == sorted(order) for order in orders) and max(map(len, orders)) > 3:
        return (
            "every epoch visits the subsequences in corpus order: shuffle them (a random order, "
            "new in every epoch)"
        )
    return None


def _check_sequential(case: Case, expected: dict, student: dict) -> str | None:
    corpus, b, s, num_epochs = case.args
    where = {v: i for i, v in enumerate(corpus)}
    epochs = _out(student)
    if not isinstance(epochs, list) or len(epochs) != num_epochs:
        return f"expected {num_epochs} epochs from sequential_epochs"
    offsets = []
    for e, epoch in enumerate(epochs):
        found = _batches_problem(epoch, e, b, s, where)
        if isinstance(found, str):
            return found
        if not found:
            return f"epoch {e}: no minibatch at all"
        first = [row[0] for row in found[0][0]]
        offset = first[0]
        if offset > s:
            return f"epoch {e}: the offset is {offset}; it should be in [0, num_steps]"
        for i in range(1, len(found)):
            for r in range(b):
                if found[i][0][r][0] != found[i - 1][0][r][-1] + 1:
                    return (
                        f"epoch {e}, minibatch {i}, row {r}: it should continue row {r} of "
                        f"minibatch {i - 1} (sequential partitioning: each row is one stream, "
                        "read num_steps tokens at a time)"
                    )
        length = (len(corpus) - offset - 1) // b
        if first != [offset + r * length for r in range(b)]:
            return (
                f"epoch {e}: the rows of the first minibatch start at positions {first}; split "
                f"the (len - offset - 1) // batch_size * batch_size tokens after offset {offset} "
                f"into batch_size streams of {length} tokens, one per row"
            )
        if len(found) != length // s:
            return (
                f"epoch {e}: {len(found)} minibatches; each stream of {length} tokens gives "
                f"{length // s} minibatches of num_steps = {s}"
            )
        offsets.append(offset)
    return _offsets_vary(offsets, s)


_FORBIDDEN = ("d2lkit.data.timemachine",)

EXERCISES = [
    Exercise(
        id="ch08.seq_data_iter_random",
        target="random_epochs",
        points=2,
        reference=random_epochs,
        cases=_cases,
        notebook=NB_LM_DATASET,
        compare=Compare(checker=_check_random),
        forbidden=_FORBIDDEN,
        description="random sampling, judged by its properties over 8 epochs",
    ),
    Exercise(
        id="ch08.seq_data_iter_sequential",
        target="sequential_epochs",
        points=2,
        reference=sequential_epochs,
        cases=_cases,
        notebook=NB_LM_DATASET,
        compare=Compare(checker=_check_sequential),
        forbidden=_FORBIDDEN,
        description="sequential partitioning, judged by its properties over 8 epochs",
    ),
]
