"""8.2: tokenize, count_corpus and Vocab, by their properties."""

from __future__ import annotations

import collections

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from d2lkit.text import Vocab, count_corpus, tokenize

LINES = ["the time machine", "", "the time traveller   said"]


def test_tokenize_words_and_chars():
    assert tokenize(LINES) == [["the", "time", "machine"], [], ["the", "time", "traveller", "said"]]
    assert tokenize(["ab c"], "char") == [["a", "b", " ", "c"]]
    with pytest.raises(ValueError, match="unknown token type 'bpe'"):
        tokenize(LINES, "bpe")


def test_count_corpus_flattens_lists_of_lines():
    tokens = tokenize(LINES)
    assert count_corpus(tokens) == count_corpus([t for line in tokens for t in line])
    assert count_corpus(tokens)["the"] == 2 and count_corpus([]) == collections.Counter()


def test_vocab_orders_by_frequency_after_unk_and_reserved():
    tokens = list("abbcccdddd")
    vocab = Vocab(tokens, reserved_tokens=["<pad>", "<bos>"])
    assert vocab.idx_to_token == ["<unk>", "<pad>", "<bos>", "d", "c", "b", "a"]
    assert vocab.unk == 0 and vocab["<unk>"] == 0 and vocab["<pad>"] == 1
    assert vocab.token_freqs == [("d", 4), ("c", 3), ("b", 2), ("a", 1)]


def test_vocab_ties_keep_first_seen_order():
    assert Vocab(list("zyxzyx")).idx_to_token == ["<unk>", "z", "y", "x"]


def test_vocab_min_freq_maps_rare_tokens_to_unk():
    vocab = Vocab(list("abbccc"), min_freq=2)
    assert len(vocab) == 3 and vocab["a"] == vocab.unk == 0
    assert vocab[["c", "a", "b"]] == [1, 0, 2]
    assert ("a", 1) in vocab.token_freqs  # counted, just not given an index


def test_vocab_both_directions_and_nested_lists():
    vocab = Vocab(tokenize(LINES))
    assert vocab.to_tokens(vocab["time"]) == "time"
    assert vocab.to_tokens([1, 2]) == [vocab.idx_to_token[1], vocab.idx_to_token[2]]
    nested = vocab[[["the", "time"], ["nope"]]]
    assert nested == [[vocab["the"], vocab["time"]], [0]]
    assert vocab["never seen"] == 0 and vocab[("the", "said")] == [vocab["the"], vocab["said"]]


def test_empty_vocab_has_only_unk():
    vocab = Vocab()
    assert len(vocab) == 1 and vocab.idx_to_token == ["<unk>"] and vocab.token_freqs == []


@settings(max_examples=60, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(list("abcdefg")), max_size=40),
    min_freq=st.integers(0, 4),
    reserved=st.lists(st.sampled_from(["<pad>", "<bos>", "a"]), max_size=2, unique=True),
)
def test_vocab_properties(tokens, min_freq, reserved):
    vocab = Vocab(tokens, min_freq=min_freq, reserved_tokens=reserved)
    counts = collections.Counter(tokens)
    assert vocab.idx_to_token[: 1 + len(reserved)] == ["<unk>", *reserved]
    kept = {t for t, c in counts.items() if c >= min_freq} | {"<unk>", *reserved}
    assert set(vocab.idx_to_token) == kept and len(vocab) == len(kept)
    for i, token in enumerate(vocab.idx_to_token):
        assert vocab[token] == i and vocab.to_tokens(i) == token
    ranked = [counts[t] for t in vocab.idx_to_token[1 + len(reserved) :]]
    assert ranked == sorted(ranked, reverse=True)
    for token in counts.keys() - kept:
        assert vocab[token] == 0
