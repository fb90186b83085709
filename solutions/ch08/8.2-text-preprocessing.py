# %% [markdown]
# # 8.2 Text Preprocessing — 文本预处理
#
# Before a model can read text, the text becomes numbers: split it into **tokens** (words or
# characters), count them, and give each distinct token an index in a **vocabulary** (词表). The
# Time Machine by H. G. Wells is the corpus of this chapter.
#
# Each check cell runs the visible cases here; when your notebook is graded, hidden cases run
# as well.

# %%
from collections import Counter

from autograder import check
from d2lkit.data.timemachine import read_time_machine

# %% [markdown]
# The book's reader keeps only letters: every run of other characters becomes one space, and
# lines are stripped and lowercased.

# %%
lines = read_time_machine()
print(f"{len(lines)} lines; the first: {lines[0]!r}; the eleventh: {lines[10]!r}")

# %% [markdown]
# ## Tokens
#
# `tokenize(lines, token)` turns each line into a list of tokens: with `token='word'` (the
# default) the words, split on runs of whitespace (so no empty strings appear); with
# `token='char'` every character of the line, spaces included. An empty line gives an empty list.


# %% tags=["solution"]
def tokenize(lines: list[str], token: str = "word") -> list[list[str]]:
    """n lines -> n lists of tokens; token is 'word' or 'char'."""
    ### BEGIN SOLUTION
    if token == "word":
        return [line.split() for line in lines]
    if token == "char":
        return [list(line) for line in lines]
    raise ValueError(f"unknown token type {token!r}")
    ### END SOLUTION


# %%
check("ch08.tokenize", tokenize)

# %%
tokens = tokenize(lines)
print(tokens[0], tokens[10])

# %% [markdown]
# ## Counting tokens
#
# `count_corpus(tokens)` counts how often each token occurs and returns a
# `collections.Counter`. It accepts a flat list of tokens or a list of token lists (a 2D list),
# which it flattens first. A flat list is counted as it is: do not split its strings.


# %% tags=["solution"]
def count_corpus(tokens) -> Counter:
    """A list of tokens, or a list of token lists -> Counter of token -> count."""
    ### BEGIN SOLUTION
    tokens = list(tokens)
    if tokens and isinstance(tokens[0], list):
        tokens = [token for line in tokens for token in line]
    return Counter(tokens)
    ### END SOLUTION


# %% [markdown]
# A Counter is not plain data the grader accepts, so the check calls your function through the
# cell below, which returns a plain dict. Leave it as it is.


# %%
def corpus_counts(tokens):
    """count_corpus as a plain dict (the check calls this)."""
    return dict(count_corpus(tokens))


# %%
check("ch08.count_corpus", corpus_counts)

# %% [markdown]
# ## The vocabulary
#
# `Vocab(tokens, min_freq=0, reserved_tokens=None)` numbers the tokens:
#
# - index 0 is the unknown token `'<unk>'`; then come the `reserved_tokens` in the order given
#   (such as `'<pad>'`, `'<bos>'`, `'<eos>'`, used from chapter 9 on);
# - then the corpus's tokens, most frequent first; tokens with equal counts keep the order in
#   which they were first seen (a stable sort of `count_corpus(tokens).items()` by count, in
#   reverse); a token already reserved is not added twice;
# - tokens seen fewer than `min_freq` times are left out: they map to `<unk>`.
#
# `vocab[token]` gives the index of a token (`unk`, 0, for a token not in the vocabulary);
# `vocab[[t1, t2, ...]]` a list of indices, recursively for nested lists;
# `vocab.to_tokens(i)` the token of an index, and `vocab.to_tokens([i, j, ...])` a list of them.
# `len(vocab)`, `vocab.unk` and `vocab.token_freqs` (the `(token, count)` pairs, most frequent
# first) complete it.


# %% tags=["solution"]
class Vocab:
    """Token <-> index: '<unk>' is 0, then the reserved tokens, then the corpus's tokens by frequency."""

    def __init__(self, tokens=None, min_freq: int = 0, reserved_tokens=None):
        ### BEGIN SOLUTION
        counter = count_corpus(tokens or [])
        self._token_freqs = sorted(counter.items(), key=lambda item: item[1], reverse=True)
        self.idx_to_token = ["<unk>", *(reserved_tokens or [])]
        self.token_to_idx = {token: i for i, token in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.token_to_idx[token] = len(self.idx_to_token)
                self.idx_to_token.append(token)
        ### END SOLUTION

    def __len__(self) -> int:
        ### BEGIN SOLUTION
        return len(self.idx_to_token)
        ### END SOLUTION

    def __getitem__(self, tokens):
        ### BEGIN SOLUTION
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]
        ### END SOLUTION

    def to_tokens(self, indices):
        ### BEGIN SOLUTION
        if isinstance(indices, (list, tuple)):
            return [self.idx_to_token[int(i)] for i in indices]
        return self.idx_to_token[int(indices)]
        ### END SOLUTION

    @property
    def unk(self) -> int:
        return 0

    @property
    def token_freqs(self) -> list[tuple[str, int]]:
        ### BEGIN SOLUTION
        return self._token_freqs
        ### END SOLUTION


# %% [markdown]
# The check cannot hand your class to the grader as it is, so the cell below (leave it as it is)
# builds a vocabulary and asks it everything: its tokens in index order, the indices of some
# tokens, nested or not, the tokens of some indices, and the counts.


# %%
def use_vocab(tokens, min_freq, reserved_tokens, queries, indices):
    """Build Vocab(tokens, min_freq, reserved_tokens) and return what it answers, as plain data."""
    vocab = Vocab(tokens, min_freq=min_freq, reserved_tokens=reserved_tokens)
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


# %%
check("ch08.Vocab", use_vocab)

# %% [markdown]
# The word vocabulary of the book, and its character corpus: 28 tokens (`<unk>`, the space and
# 26 letters) and 170580 characters.

# %%
vocab = Vocab(tokens)
print(len(vocab), list(vocab.token_to_idx.items())[:10])
for i in (0, 10):
    print("words:", tokens[i], "\nindices:", vocab[tokens[i]])
char_tokens = tokenize(lines, "char")
char_vocab = Vocab(char_tokens)
corpus = [char_vocab[token] for line in char_tokens for token in line]
print(len(corpus), len(char_vocab))

# %% [markdown] tags=["written"]
# Compare word tokens with character tokens: vocabulary size, sequence length, and words never
# seen in training.

# %% [markdown] tags=["answer"]
# Words: a large vocabulary, short sequences, and unseen words become `<unk>`. Characters: a tiny
# vocabulary, sequences several times longer, no unknown tokens, but dependencies that span more
# steps.

# %% [markdown] tags=["written"]
# The vocabulary maps tokens rarer than a minimum frequency to `<unk>`. Why? What is lost?

# %% [markdown] tags=["answer"]
# A rare token has too few examples to learn from and enlarges the embedding and output layers.
# The distinctions between those tokens (names, rare words) are lost.
