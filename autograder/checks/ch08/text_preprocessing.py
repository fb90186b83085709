"""8.2 text preprocessing: tokens, their counts, and the vocabulary.

`count_corpus` returns a Counter and `Vocab` an object, neither of them plain data: the notebook's
`corpus_counts` and `use_vocab` (given cells the student leaves as they are) call them and return
what the check compares, a dict of counts and a dict of lists of indices and tokens.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from autograder.checks.ch08._common import _out
from autograder.spec import Case, Exercise
from d2lkit import text

NB_TEXT = "8.2-text-preprocessing"

_LINES = [
    "the time machine by h g wells",
    "",
    "the time traveller for so it will be convenient to speak of him",
    "was expounding a recondite matter to us his grey eyes shone and",
]


def _tokenize_cases() -> list[Case]:
    spaced = ["  two  spaces  ", "tab\tand\nnewline", "", "x"]
    return [
        Case("the book's lines, words (default)", (_LINES,)),
        Case("the book's lines, characters", (_LINES, "char")),
        Case("runs of whitespace, words", (spaced, "word")),
        Case("runs of whitespace, characters", (spaced, "char"), visible=False),
        Case("no lines", ([], "word"), visible=False),
        Case("one long line, characters", (["abc" * 20],), {"token": "char"}, visible=False),
    ]


def _tokenize_hint(case: Case, expected: dict, student: dict) -> str | None:
    lines = case.args[0]
    token = case.args[1] if len(case.args) > 1 else case.kwargs.get("token", "word")
    out = _out(student)
    if token == "word" and out == [line.split(" ") for line in lines]:
        return "split on runs of whitespace: line.split() with no argument drops empty tokens"
    if token == "char" and out == [line.split() for line in lines]:
        return "token='char' asks for a list of the line's characters, spaces included"
    if token == "word" and out == [list(line) for line in lines]:
        return "the default token type is 'word'"
    return None


def corpus_counts(tokens: Any) -> dict:
    """The reference side of the notebook's `corpus_counts`: count_corpus as a plain dict."""
    return dict(text.count_corpus(tokens))


def _count_cases() -> list[Case]:
    words = [line.split() for line in _LINES]
    return [
        Case("token lists (the book's lines)", (words,)),
        Case("a flat list of words", ([w for line in words for w in line],)),
        Case("character lists", ([list(line) for line in _LINES],)),
        Case("a flat list of characters", (list("hello world"),), visible=False),
        Case("nothing", ([],), visible=False),
    ]


def _count_hint(case: Case, expected: dict, student: dict) -> str | None:
    tokens = case.args[0]
    out = _out(student)
    if tokens and isinstance(tokens[0], str) and out == dict(Counter(c for t in tokens for c in t)):
        return "a flat list of tokens is counted as it is: flatten only a list of token lists"
    return None


def use_vocab(tokens: Any, min_freq: int, reserved_tokens: Any, queries: Any, indices: Any) -> dict:
    """The reference side of the notebook's `use_vocab`: build a Vocab and ask it everything."""
    vocab = text.Vocab(tokens, min_freq=min_freq, reserved_tokens=reserved_tokens)
    return {
        "len": len(vocab),
        "idx_to_token": [vocab.to_tokens(i) for i in range(len(vocab))],
        "unk": vocab.unk,
        "one_index": vocab[queries[0]],
        "indices": vocab[queries],
        "one_token": vocab.to_tokens(indices[0]),
        "tokens": vocab.to_tokens(indices),
        "token_freqs": [list(pair) for pair in vocab.token_freqs],
    }


def _vocab_cases() -> list[Case]:
    words = [line.split() for line in _LINES]
    chars = [list(line) for line in _LINES]
    return [
        Case(
            "words of the book's lines",
            (words, 0, None, ["the", "time", "zebra", "machine"], [0, 1, 2, 3]),
        ),
        Case(
            "characters, nested queries",
            (chars, 0, None, [["t", "h", "e"], ["q", "!"]], [5, 1, 0]),
        ),
        Case(
            "min_freq 2, reserved <pad> <bos> <eos>",
            (words, 2, ["<pad>", "<bos>", "<eos>"], ["<eos>", "the", "wells", "<pad>"], [1, 4, 3]),
        ),
        Case(
            "a flat list, ties kept in first-seen order",
            (list("cabbcad"), 0, None, ["a", "b", "c", "d", "e"], (4, 3, 2, 1)),
            visible=False,
        ),
        Case(
            "min_freq above every count: only <unk> and the reserved",
            (words, 10, ["<pad>"], ["the", "<pad>"], [0, 1]),
            visible=False,
        ),
        Case(
            "a reserved token that is also in the corpus",
            (words + [["<eos>"]] * 3, 0, ["<eos>"], [["<eos>"], ["the", "h"]], [1, 2]),
            visible=False,
        ),
    ]


def _vocab_hint(case: Case, expected: dict, student: dict) -> str | None:
    out = _out(student) or {}
    want = expected["output"]
    got_tokens = out.get("idx_to_token")
    if not isinstance(got_tokens, list) or got_tokens == want["idx_to_token"]:
        return None
    if got_tokens and got_tokens[0] != "<unk>":
        return "'<unk>' is index 0, then the reserved tokens, then the corpus's tokens"
    if sorted(got_tokens) == sorted(want["idx_to_token"]):
        return (
            "order the corpus's tokens by frequency, most frequent first (sort the "
            "(token, count) pairs by count, in reverse, with a stable sort)"
        )
    if len(got_tokens) > len(want["idx_to_token"]) and case.args[1] > 0:
        return f"leave out the tokens seen fewer than min_freq = {case.args[1]} times"
    return None


EXERCISES = [
    Exercise(
        id="ch08.tokenize",
        target="tokenize",
        points=1,
        reference=text.tokenize,
        cases=_tokenize_cases,
        notebook=NB_TEXT,
        forbidden=("d2lkit.text",),
        hint=_tokenize_hint,
    ),
    Exercise(
        id="ch08.count_corpus",
        target="corpus_counts",
        points=1,
        reference=corpus_counts,
        cases=_count_cases,
        notebook=NB_TEXT,
        forbidden=("d2lkit.text",),
        hint=_count_hint,
        description="count_corpus over a flat list or a list of token lists",
    ),
    Exercise(
        id="ch08.Vocab",
        target="use_vocab",
        points=3,
        reference=use_vocab,
        cases=_vocab_cases,
        notebook=NB_TEXT,
        forbidden=("d2lkit.text",),
        hint=_vocab_hint,
        description="frequency order, min_freq, reserved tokens, <unk> at 0, both directions",
    ),
]
