"""8.2-8.3: the Time Machine corpus (the book's printed figures, from the real file) and the
properties of the two minibatch samplers."""

from __future__ import annotations

import pytest
import torch

from d2lkit.data import (
    DataError,
    SeqDataLoader,
    load_corpus_time_machine,
    load_data_time_machine,
    read_time_machine,
    registry,
    seq_data_iter_random,
    seq_data_iter_sequential,
)
from d2lkit.text import Vocab, tokenize

torch.set_num_threads(1)


# ---------------------------------------------------------------- the book's figures (8.2, 8.3)
def test_read_time_machine(data_root):
    lines = read_time_machine()
    assert len(lines) == 3221
    assert lines[0] == "the time machine by h g wells"
    assert lines[1] == ""  # blank lines are kept
    text = "".join(lines)
    assert set(text) <= set("abcdefghijklmnopqrstuvwxyz ") and "  " not in text


def test_corpus_and_vocab_sizes(data_root):
    corpus, vocab = load_corpus_time_machine()
    assert (len(corpus), len(vocab)) == (170580, 28)
    assert vocab.idx_to_token[:3] == ["<unk>", " ", "e"]
    short, _ = load_corpus_time_machine(10000)
    assert short == corpus[:10000]
    assert "".join(vocab.to_tokens(corpus[:29])) == "the time machine by h g wells"


def test_word_vocab_and_ngram_counts(data_root):
    tokens = tokenize(read_time_machine())
    vocab = Vocab(tokens)
    assert vocab.idx_to_token[:4] == ["<unk>", "the", "i", "and"]
    assert vocab.token_freqs[:3] == [("the", 2261), ("i", 1267), ("and", 1245)]
    words = [token for line in tokens for token in line]
    bigrams = Vocab(list(zip(words[:-1], words[1:])))
    assert bigrams.token_freqs[0] == (("of", "the"), 309)
    trigrams = Vocab(list(zip(words[:-2], words[1:-1], words[2:])))
    assert trigrams.token_freqs[0] == (("the", "time", "traveller"), 59)


def test_missing_file_gives_the_one_line_data_error(tmp_path, monkeypatch):
    def unreachable(url, *args, **kwargs):
        raise OSError("Network is unreachable")

    monkeypatch.setenv("D2LKIT_DATA", str(tmp_path))
    monkeypatch.setattr(registry, "download_url", unreachable)
    with pytest.raises(DataError) as err:
        load_data_time_machine(32, 35)
    message = str(err.value)
    assert "\n" not in message
    assert str(tmp_path / "timemachine" / "timemachine.txt") in message
    assert "D2LKIT_DATA" in message


# ---------------------------------------------------------------- the samplers (8.3)
# (corpus length, batch_size, num_steps): the book's demo first
SAMPLER_CASES = [(35, 2, 5), (100, 3, 7), (1000, 8, 35), (20, 1, 1), (12, 4, 5)]


def _batches(sampler, n, batch_size, num_steps, seed):
    g = torch.Generator().manual_seed(seed)
    return list(sampler(list(range(n)), batch_size, num_steps, generator=g))


@pytest.mark.parametrize(("n", "batch_size", "num_steps"), SAMPLER_CASES)
@pytest.mark.parametrize("seed", range(3))
def test_random_sampler_properties(n, batch_size, num_steps, seed):
    batches = _batches(seq_data_iter_random, n, batch_size, num_steps, seed)
    starts = []
    for X, Y in batches:
        assert X.shape == Y.shape == (batch_size, num_steps) and X.dtype == torch.int64
        assert torch.equal(Y, X + 1)  # labels are the inputs shifted by one token
        # each row is num_steps consecutive tokens of the corpus
        assert torch.equal(X - X[:, :1], torch.arange(num_steps).expand_as(X))
        starts += X[:, 0].tolist()
    assert len(starts) == len(set(starts))  # no subsequence twice in a pass
    if starts:
        offset = starts[0] % num_steps
        assert all(s % num_steps == offset for s in starts)  # non-overlapping, one grid
        assert len(batches) == (n - 1 - offset) // num_steps // batch_size
    assert all(X.max() < n - 1 for X, _ in batches)


@pytest.mark.parametrize(("n", "batch_size", "num_steps"), SAMPLER_CASES)
@pytest.mark.parametrize("seed", range(3))
def test_sequential_sampler_properties(n, batch_size, num_steps, seed):
    batches = _batches(seq_data_iter_sequential, n, batch_size, num_steps, seed)
    for X, Y in batches:
        assert X.shape == Y.shape == (batch_size, num_steps)
        assert torch.equal(Y, X + 1)
        assert torch.equal(X - X[:, :1], torch.arange(num_steps).expand_as(X))
    for (X, _), (X_next, _) in zip(batches, batches[1:]):
        # row r of the next minibatch continues row r of this one
        assert torch.equal(X_next[:, 0], X[:, -1] + 1)
    if batches:
        offset = batches[0][0][0, 0].item()
        assert 0 <= offset <= num_steps
        row_length = (n - offset - 1) // batch_size
        assert len(batches) == row_length // num_steps
        # rows are consecutive stretches of the corpus, row_length apart
        assert torch.equal(batches[0][0][:, 0], offset + row_length * torch.arange(batch_size))


def test_the_books_demo():
    # 35 tokens, batch 2, 5 steps: whatever the offset, 6 subsequences in 3 minibatches
    for seed in range(5):
        batches = _batches(seq_data_iter_random, 35, 2, 5, seed)
        assert len(batches) == 3
        assert len({row[0].item() for X, _ in batches for row in X}) == 6
        assert len(_batches(seq_data_iter_sequential, 35, 2, 5, seed)) in (2, 3)


def test_samplers_accept_tensors_and_are_seeded():
    corpus = torch.arange(200)
    for sampler in (seq_data_iter_random, seq_data_iter_sequential):
        a = list(sampler(corpus, 4, 6, generator=torch.Generator().manual_seed(5)))
        b = list(sampler(corpus.tolist(), 4, 6, generator=torch.Generator().manual_seed(5)))
        assert all(
            torch.equal(x, y) for pair_a, pair_b in zip(a, b) for x, y in zip(pair_a, pair_b)
        )


# ---------------------------------------------------------------- SeqDataLoader
@pytest.mark.parametrize("use_random_iter", [False, True])
def test_load_data_time_machine(data_root, use_random_iter):
    data_iter, vocab = load_data_time_machine(32, 35, use_random_iter, seed=0)
    assert isinstance(data_iter, SeqDataLoader) and len(vocab) == 28
    assert data_iter.corpus.shape == (10000,) and data_iter.corpus.dtype == torch.int64
    text = "".join(vocab.to_tokens(data_iter.corpus.tolist()))
    first = list(data_iter)
    assert len(first) == 8  # 10,000 tokens in minibatches of 32 x 35
    for X, Y in first:
        assert X.shape == Y.shape == (32, 35)
        for row in (0, 31):
            assert "".join(vocab.to_tokens(X[row].tolist())) in text
    second = list(data_iter)  # a new pass samples anew
    assert not all(torch.equal(a[0], b[0]) for a, b in zip(first, second))
    again = list(load_data_time_machine(32, 35, use_random_iter, seed=0)[0])
    assert all(torch.equal(a[0], b[0]) for a, b in zip(first, again))


@pytest.mark.parametrize("use_random_iter", [False, True])
def test_batches_are_cut_on_the_corpus_device(data_root, use_random_iter):
    # the meta device stands in for a GPU: no data, but every op must stay on it
    data_iter, _ = load_data_time_machine(4, 5, use_random_iter, 200, seed=0, device="meta")
    batches = list(data_iter)
    assert batches and all(X.is_meta and Y.is_meta for X, Y in batches)
