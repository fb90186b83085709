"""8.2 text preprocessing: tokens, their counts and the vocabulary (词表) that numbers them.

Chapters 8-10 share these: the Time Machine language models (character tokens) and the fra-eng
translation data (word tokens) both go through `Vocab`.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["Vocab", "count_corpus", "tokenize"]


def tokenize(lines: Sequence[str], token: str = "word") -> list[list[str]]:
    """Split each line into word tokens (on whitespace) or character tokens.

    lines: n strings -> n lists of tokens. `token` is 'word' or 'char'.
    """
    if token == "word":
        return [line.split() for line in lines]
    if token == "char":
        return [list(line) for line in lines]
    raise ValueError(f"unknown token type {token!r}; use 'word' or 'char'")


def count_corpus(tokens: Iterable[Any]) -> collections.Counter:
    """How often each token occurs; `tokens` is a flat list of tokens or a list of token lists."""
    tokens = list(tokens)
    if tokens and isinstance(tokens[0], list):
        tokens = [token for line in tokens for token in line]
    return collections.Counter(tokens)


class Vocab:
    """Maps tokens to indices and back: `<unk>` is 0, then the reserved tokens, then the tokens of
    the corpus seen at least `min_freq` times, most frequent first (ties: first seen first).

    `vocab[token]` and `vocab[[tokens, ...]]` give indices (unknown tokens give 0);
    `vocab.to_tokens(index)` and `vocab.to_tokens([indices])` give tokens back.
    """

    def __init__(
        self,
        tokens: Iterable[Any] | None = None,
        min_freq: int = 0,
        reserved_tokens: Sequence[str] | None = None,
    ) -> None:
        counter = count_corpus(tokens or [])
        # sorted() is stable, so tokens of equal count keep the order they were first seen in
        self._token_freqs = sorted(counter.items(), key=lambda item: item[1], reverse=True)
        self.idx_to_token: list[str] = ["<unk>", *(reserved_tokens or [])]
        self.token_to_idx: dict[str, int] = {t: i for i, t in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.token_to_idx[token] = len(self.idx_to_token)
                self.idx_to_token.append(token)

    def __len__(self) -> int:
        return len(self.idx_to_token)

    def __getitem__(self, tokens: Any) -> Any:
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices: Any) -> Any:
        """The token of an index, or the list of tokens of a list of indices."""
        if isinstance(indices, (list, tuple)):
            return [self.idx_to_token[int(i)] for i in indices]
        return self.idx_to_token[int(indices)]

    @property
    def unk(self) -> int:
        """The index of the unknown token: 0."""
        return 0

    @property
    def token_freqs(self) -> list[tuple[str, int]]:
        """(token, count) pairs of the corpus, most frequent first."""
        return self._token_freqs
