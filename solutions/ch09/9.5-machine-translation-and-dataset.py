# %% [markdown]
# # 9.5 Machine Translation and the Dataset — 机器翻译与数据集
#
# Machine translation maps a sentence of one language to a sentence of another; both sides are
# sequences of different lengths. This notebook turns the English-French pairs of `fra.txt`
# (tab-separated, one pair a line) into what a model eats: normalised text, word tokens, one
# vocabulary per language, and fixed-length index arrays with the number of real tokens per row.
#
# Each exercise ends in a one-line check cell: here it runs the visible cases; when your
# notebook is graded, hidden cases (other texts, edge cases) run as well.

# %%
import collections

import torch

from autograder import check
from d2lkit.data.fra_eng import read_data_nmt
from d2lkit.text import Vocab

# %%
raw_text = read_data_nmt()
print(raw_text[:75])

# %% [markdown]
# ## Preprocessing
#
# `preprocess_nmt(text)` returns the text
#
# 1. with the no-break spaces `'\u202f'` and `'\xa0'` (French typography puts them before `!`
#    and `?`) replaced by plain spaces,
# 2. lower-cased,
# 3. with a space inserted before each `,` `.` `!` `?` whose previous character is not a space,
#    so that punctuation becomes a token of its own. A mark at the very start of the text gets
#    no space (there is no previous character). Judge "previous character" on the text after
#    steps 1-2: in `what?!` both marks get a space, `what ? !`.


# %% tags=["solution"]
def preprocess_nmt(text: str) -> str:
    """The normalised text: plain spaces, lower case, a space before punctuation."""
    ### BEGIN SOLUTION
    def no_space(char, prev_char):
        return char in set(",.!?") and prev_char != " "

    text = text.replace("\u202f", " ").replace("\xa0", " ").lower()
    out = [" " + char if i > 0 and no_space(char, text[i - 1]) else char for i, char in enumerate(text)]
    return "".join(out)
    ### END SOLUTION


# %%
check("ch09.preprocess_nmt", preprocess_nmt)

# %% [markdown]
# The whole file has about ten million characters; a Python loop over them takes a few
# seconds, so the demos below use its first 200,000 characters.

# %%
text = preprocess_nmt(raw_text[:200_000])
print(text[:80])

# %% [markdown]
# ## Tokens
#
# `tokenize_nmt(text, num_examples=None)` splits each line on `'\t'` and each side on single
# spaces (`split(" ")`): it returns `(source, target)`, two lists of equal length whose items
# are token lists. A line that does not split into exactly two parts on the tab is skipped.
#
# `num_examples` keeps the book's loop: it stops once the line **index** exceeds
# `num_examples`, so it reads lines `0, 1, ..., num_examples` (one more line than the number
# says; skipped lines count too). `None` or `0` reads every line.


# %% tags=["solution"]
def tokenize_nmt(text: str, num_examples: int | None = None):
    """text -> (source, target): two lists of n token lists (English, French)."""
    ### BEGIN SOLUTION
    source, target = [], []
    for i, line in enumerate(text.split("\n")):
        if num_examples and i > num_examples:
            break
        parts = line.split("\t")
        if len(parts) == 2:
            source.append(parts[0].split(" "))
            target.append(parts[1].split(" "))
    return source, target
    ### END SOLUTION


# %%
check("ch09.tokenize_nmt", tokenize_nmt)

# %%
source, target = tokenize_nmt(text)
print(source[:4], target[:4])
src_lengths = collections.Counter(len(line) for line in source)
tgt_lengths = collections.Counter(len(line) for line in target)
print("tokens per English sentence:", sorted(src_lengths.items())[:8])
print("tokens per French sentence: ", sorted(tgt_lengths.items())[:8])

# %% [markdown]
# ## Vocabularies
#
# One `Vocab` (8.2) per language. Rare words (seen once) become `<unk>`, and three reserved
# tokens come first: `<pad>` (padding), `<bos>` (beginning of sequence, the decoder's first
# input) and `<eos>` (end of sequence). With `<unk>` at 0 they get the indices 1, 2, 3.

# %%
src_vocab = Vocab(source, min_freq=2, reserved_tokens=["<pad>", "<bos>", "<eos>"])
print(len(src_vocab), src_vocab.idx_to_token[:8])

# %% [markdown]
# ## Fixed-length sequences
#
# A minibatch needs rows of one length `num_steps`. `truncate_pad(line, num_steps,
# padding_token)` returns a **list** of exactly `num_steps` items: the first `num_steps` of
# `line` if it is longer, otherwise `line` followed by as many `padding_token`s as needed.


# %% tags=["solution"]
def truncate_pad(line, num_steps: int, padding_token) -> list:
    """line: a sequence of tokens or indices -> a list of num_steps items."""
    ### BEGIN SOLUTION
    line = list(line)
    if len(line) > num_steps:
        return line[:num_steps]
    return line + [padding_token] * (num_steps - len(line))
    ### END SOLUTION


# %%
check("ch09.truncate_pad", truncate_pad)

# %%
print(truncate_pad(src_vocab[source[0]], 10, src_vocab["<pad>"]))

# %% [markdown]
# `build_array_nmt(lines, vocab, num_steps)` maps every line to indices, appends `<eos>`, then
# cuts or pads it to `num_steps` (so a line cut short loses its `<eos>`). It returns
#
# - `array`: `(n, num_steps)` int64, one row per line;
# - `valid_len`: `(n,)` integers (int32 or int64), the number of entries of each row that are
#   not `<pad>`, `<eos>` included.


# %% tags=["solution"]
def build_array_nmt(lines, vocab, num_steps: int):
    """lines: n token lists -> (array: (n, num_steps) int64, valid_len: (n,))."""
    ### BEGIN SOLUTION
    rows = [truncate_pad(vocab[list(line)] + [vocab["<eos>"]], num_steps, vocab["<pad>"]) for line in lines]
    array = torch.tensor(rows, dtype=torch.int64).reshape(len(rows), num_steps)
    valid_len = (array != vocab["<pad>"]).type(torch.int32).sum(1)
    return array, valid_len
    ### END SOLUTION


# %%
check("ch09.build_array_nmt", build_array_nmt)

# %%
src_array, src_valid_len = build_array_nmt(source[:3], src_vocab, num_steps=8)
print(src_array)
print(src_valid_len)

# %% [markdown]
# Put together (`d2lkit.data.fra_eng.load_data_nmt(batch_size, num_steps, num_examples)` does
# this for the whole file), a minibatch is `(X, X_valid_len, Y, Y_valid_len)`.

# %%
tgt_vocab = Vocab(target, min_freq=2, reserved_tokens=["<pad>", "<bos>", "<eos>"])
X, X_valid_len = build_array_nmt(source[:2], src_vocab, 8)
Y, Y_valid_len = build_array_nmt(target[:2], tgt_vocab, 8)
print("X:", X, "\nvalid lengths of X:", X_valid_len)
print("Y:", Y, "\nvalid lengths of Y:", Y_valid_len)

# %% [markdown] tags=["written"]
# Why are sentences truncated or padded to one length? What are the valid lengths kept for?

# %% [markdown] tags=["answer"]
# A minibatch must be one tensor of a fixed shape. The valid lengths say where each sentence
# really ends, so padding can be left out of the loss (and of attention).

# %% [markdown] tags=["written"]
# Why does a translation dataset add `<eos>` to each sentence and use `<bos>` in the decoder?

# %% [markdown] tags=["answer"]
# `<eos>` lets the model learn when to stop; `<bos>` is the decoder's first input, before it has
# produced any token.
