"""9.5 the English-French translation pairs (``fra-eng/fra.txt``) as padded index arrays.

Each line of the file is ``english<TAB>french``. The pipeline is the book's: normalise the text,
split it into word tokens, build a vocabulary per language, then cut or pad every sentence (plus
``<eos>``) to ``num_steps`` indices and remember how many of them are real tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import torch
from torch import Tensor
from torch.utils.data import DataLoader

from d2lkit.data.arrays import load_array
from d2lkit.data.registry import get_path
from d2lkit.text import Vocab

__all__ = [
    "build_array_nmt",
    "load_data_nmt",
    "preprocess_nmt",
    "read_data_nmt",
    "tokenize_nmt",
    "truncate_pad",
]

RESERVED_TOKENS = ("<pad>", "<bos>", "<eos>")
_MARK_AFTER_NON_SPACE = re.compile(r"(?<=[^ ])([,.!?])")


def read_data_nmt() -> str:
    """The whole of ``fra.txt`` as one string, read from the data root (``D2LKIT_DATA``).

    A missing file is fetched like every dataset of the registry; offline, ``DataError`` says where
    to put it.
    """
    return get_path("fra-eng", "fra.txt").read_text(encoding="utf-8")


def preprocess_nmt(text: str) -> str:
    """Lower-cased text with non-breaking spaces made plain spaces and a space inserted before each
    ``,``, ``.``, ``!`` or ``?`` not already preceded by one, so punctuation becomes its own token.

    A mark at the very start of the text gets no space: there is no word to part it from.
    """
    text = text.replace("\u202f", " ").replace("\xa0", " ").lower()
    # one regex pass instead of a Python loop over ~10 million characters; the look-behind sees
    # the original text, so in "?!" each mark gets its own space, as in the book's loop
    return _MARK_AFTER_NON_SPACE.sub(r" \1", text)


def tokenize_nmt(
    text: str, num_examples: int | None = None
) -> tuple[list[list[str]], list[list[str]]]:
    """Word tokens of the source (English) and target (French) sides of the preprocessed text.

    Lines without exactly one tab are skipped. Tokens are split on single spaces, as in the book.
    Like the book's loop, which stops only once the line index *exceeds* ``num_examples``, this
    reads the first ``num_examples + 1`` lines; ``None`` (or 0, as in the book) reads all of them.
    returns ``(source, target)``: two lists of equal length ``n``, each of token lists.
    """
    source, target = [], []
    for i, line in enumerate(text.split("\n")):
        if num_examples and i > num_examples:
            break
        parts = line.split("\t")
        if len(parts) == 2:
            source.append(parts[0].split(" "))
            target.append(parts[1].split(" "))
    return source, target


def truncate_pad(line: Sequence, num_steps: int, padding_token) -> list:
    """``line`` cut to its first ``num_steps`` items, or extended with ``padding_token`` to that
    length: a list of exactly ``num_steps`` items."""
    line = list(line)
    if len(line) > num_steps:
        return line[:num_steps]
    return line + [padding_token] * (num_steps - len(line))


def build_array_nmt(
    lines: Sequence[Sequence[str]], vocab: Vocab, num_steps: int
) -> tuple[Tensor, Tensor]:
    """Token lines as one index array, each line ending in ``<eos>`` before padding.

    lines: ``n`` token lists -> ``array: (n, num_steps)`` int64 and ``valid_len: (n,)`` int32, the
    number of entries of each row that are not ``<pad>`` (so a line cut short, ``<eos>`` included,
    counts ``num_steps``).
    """
    pad, eos = vocab["<pad>"], vocab["<eos>"]
    rows = [truncate_pad([*vocab[list(line)], eos], num_steps, pad) for line in lines]
    array = torch.tensor(rows, dtype=torch.int64).reshape(len(rows), num_steps)
    valid_len = (array != pad).sum(dim=1, dtype=torch.int32)
    return array, valid_len


def load_data_nmt(
    batch_size: int, num_steps: int, num_examples: int = 600
) -> tuple[DataLoader, Vocab, Vocab]:
    """The translation data as shuffled minibatches, with the two vocabularies.

    Both vocabularies keep tokens seen at least twice and reserve ``<pad>``, ``<bos>``, ``<eos>``
    (indices 1, 2, 3 after ``<unk>``). Each batch is ``(X, X_valid_len, Y, Y_valid_len)`` with
    ``X, Y: (batch_size, num_steps)`` int64 and the valid lengths ``(batch_size,)`` int32; the last
    batch may be smaller. Torch's global generator orders the batches.
    returns ``(data_iter, src_vocab, tgt_vocab)``.
    """
    source, target = tokenize_nmt(preprocess_nmt(read_data_nmt()), num_examples)
    src_vocab = Vocab(source, min_freq=2, reserved_tokens=list(RESERVED_TOKENS))
    tgt_vocab = Vocab(target, min_freq=2, reserved_tokens=list(RESERVED_TOKENS))
    src_array, src_valid_len = build_array_nmt(source, src_vocab, num_steps)
    tgt_array, tgt_valid_len = build_array_nmt(target, tgt_vocab, num_steps)
    data_iter = load_array((src_array, src_valid_len, tgt_array, tgt_valid_len), batch_size)
    return data_iter, src_vocab, tgt_vocab
