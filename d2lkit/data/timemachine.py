"""The Time Machine as a character-level language-modelling corpus (8.2, 8.3).

`read_time_machine` and `load_corpus_time_machine` are the book's 8.2 preprocessing; the two
minibatch samplers and `SeqDataLoader` are 8.3's. The corpus is kept as one int64 tensor, so a
minibatch is a slice or an index into it rather than a list of Python lists turned into a tensor.

Randomness (the random offset that starts each pass, the order of the random sampler) comes from
torch: pass a `generator` to fix it, or `torch.manual_seed` applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

import torch
from torch import Tensor

from d2lkit.data.registry import get_path
from d2lkit.text import Vocab, tokenize

__all__ = [
    "SeqDataLoader",
    "load_corpus_time_machine",
    "load_data_time_machine",
    "read_time_machine",
    "seq_data_iter_random",
    "seq_data_iter_sequential",
]

Corpus = Sequence[int] | Tensor
Batch = tuple[Tensor, Tensor]

_NOT_A_LETTER = re.compile(r"[^A-Za-z]+")


def read_time_machine() -> list[str]:
    """The book's lines: every run of non-letters becomes one space, then strip and lowercase.

    Blank lines stay (as empty strings), so the real file gives 3221 lines, the first being
    'the time machine by h g wells'. A missing file raises `DataError` naming where to put it.
    """
    with get_path("timemachine", "timemachine.txt").open(encoding="utf-8") as f:
        return [_NOT_A_LETTER.sub(" ", line).strip().lower() for line in f]


def load_corpus_time_machine(max_tokens: int = -1) -> tuple[list[int], Vocab]:
    """Character indices of the whole book, and their vocabulary.

    Returns `(corpus, vocab)`: corpus is a list of token indices (the first `max_tokens` when
    that is positive), vocab the 28 tokens `<unk>`, space and the 26 letters. Line breaks are
    dropped, not turned into tokens, as in the book: the full file gives (170580, 28).
    """
    tokens = tokenize(read_time_machine(), "char")
    vocab = Vocab(tokens)
    corpus = [vocab[token] for line in tokens for token in line]
    if max_tokens > 0:
        corpus = corpus[:max_tokens]
    return corpus, vocab


def _randint(high: int, generator: torch.Generator | None) -> int:
    """Uniform in [0, high]."""
    return int(torch.randint(high + 1, (), generator=generator))


def seq_data_iter_random(
    corpus: Corpus,
    batch_size: int,
    num_steps: int,
    *,
    generator: torch.Generator | None = None,
) -> Iterator[Batch]:
    """Random sampling: minibatches of subsequences drawn from anywhere in the corpus.

    The corpus is cut, from a random offset in [0, num_steps - 1], into non-overlapping
    subsequences of num_steps tokens; each pass visits them in a random order, each at most once,
    in `len // batch_size` full minibatches. Yields `X: (batch_size, num_steps)` int64 and
    `Y: (batch_size, num_steps)`, the tokens that follow X's one for one.
    """
    corpus = torch.as_tensor(corpus, dtype=torch.int64)
    corpus = corpus[_randint(num_steps - 1, generator) :]
    # minus 1: the last subsequence needs one more token for its labels
    num_subseqs = (len(corpus) - 1) // num_steps
    span = num_subseqs * num_steps
    inputs = corpus[:span].reshape(num_subseqs, num_steps)
    labels = corpus[1 : span + 1].reshape(num_subseqs, num_steps)
    order = torch.randperm(num_subseqs, generator=generator).to(corpus.device)
    for start in range(0, num_subseqs // batch_size * batch_size, batch_size):
        idx = order[start : start + batch_size]
        yield inputs.index_select(0, idx), labels.index_select(0, idx)


def seq_data_iter_sequential(
    corpus: Corpus,
    batch_size: int,
    num_steps: int,
    *,
    generator: torch.Generator | None = None,
) -> Iterator[Batch]:
    """Sequential partitioning: row r of minibatch i + 1 continues row r of minibatch i.

    From a random offset in [0, num_steps], the corpus is split into batch_size contiguous
    streams of equal length, and each minibatch takes the next num_steps tokens of every stream,
    so a hidden state can be carried from one minibatch to the next. Yields
    `X: (batch_size, num_steps)` int64 and `Y: (batch_size, num_steps)`, X shifted by one token.
    """
    corpus = torch.as_tensor(corpus, dtype=torch.int64)
    offset = _randint(num_steps, generator)
    num_tokens = (len(corpus) - offset - 1) // batch_size * batch_size
    Xs = corpus[offset : offset + num_tokens].reshape(batch_size, -1)
    Ys = corpus[offset + 1 : offset + 1 + num_tokens].reshape(batch_size, -1)
    for start in range(0, Xs.shape[1] // num_steps * num_steps, num_steps):
        yield Xs[:, start : start + num_steps], Ys[:, start : start + num_steps]


class SeqDataLoader:
    """Minibatches of the Time Machine corpus, sampled anew on every pass.

    Holds `corpus` (an int64 tensor of the first `max_tokens` character indices, on `device`
    when given, so that batches are cut there with no copy per batch) and `vocab`; iterating
    yields `(X, Y)` pairs of `(batch_size, num_steps)` as the chosen sampler does.
    """

    def __init__(
        self,
        batch_size: int,
        num_steps: int,
        use_random_iter: bool,
        max_tokens: int,
        *,
        generator: torch.Generator | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        self.data_iter_fn: Callable[..., Iterator[Batch]] = (
            seq_data_iter_random if use_random_iter else seq_data_iter_sequential
        )
        corpus, self.vocab = load_corpus_time_machine(max_tokens)
        self.corpus = torch.tensor(corpus, dtype=torch.int64, device=device)
        self.batch_size, self.num_steps = batch_size, num_steps
        self.generator = generator

    def __iter__(self) -> Iterator[Batch]:
        return self.data_iter_fn(
            self.corpus, self.batch_size, self.num_steps, generator=self.generator
        )


def load_data_time_machine(
    batch_size: int,
    num_steps: int,
    use_random_iter: bool = False,
    max_tokens: int = 10000,
    *,
    seed: int | None = None,
    device: torch.device | str | None = None,
) -> tuple[SeqDataLoader, Vocab]:
    """`(data_iter, vocab)` over the first `max_tokens` characters of the book.

    Batches are `X, Y: (batch_size, num_steps)` int64, on `device` when given (the corpus is
    moved there once); `seed` fixes the sampling.
    """
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    data_iter = SeqDataLoader(
        batch_size, num_steps, use_random_iter, max_tokens, generator=generator, device=device
    )
    return data_iter, data_iter.vocab
