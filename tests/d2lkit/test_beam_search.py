"""9.8 beam search: width 1 is greedy search, a full-width beam is exhaustive search (checked by
enumerating every sequence of a fixed logits table), and the score is the book's."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from d2lkit.beam_search import beam_search, sequence_score
from d2lkit.data.fra_eng import truncate_pad
from d2lkit.seq2seq import (
    EncoderDecoder,
    Seq2SeqDecoder,
    Seq2SeqEncoder,
    predict_seq2seq,
)
from tests.d2lkit.test_seq2seq import (
    BOS,
    EOS,
    NullEncoder,
    TableDecoder,
    table_translator,
    tokens_vocab,
    trap_table,
)

torch.set_num_threads(1)

VOCAB = tokens_vocab(["a", "b"])  # <unk> <pad> <bos> <eos> a b


def exhaustive_search(table, num_steps, alpha):
    """The best ``(translation, score)`` over every sequence the table can generate: up to
    ``num_steps`` tokens, ending in ``<eos>`` unless it is ``num_steps`` long."""
    log_probs = table.double().log_softmax(dim=-1)
    vocab_size = table.shape[-1]
    best = None
    for length in range(1, num_steps + 1):
        for seq in itertools.product(range(vocab_size), repeat=length):
            if EOS in seq[:-1] or (length < num_steps and seq[-1] != EOS):
                continue
            prev = (BOS, *seq[:-1])
            log_prob = sum(float(log_probs[t, prev[t], seq[t]]) for t in range(length))
            score = sequence_score(log_prob, length, alpha)
            if best is None or score > best[1]:
                words = [t for t in seq if t != EOS]
                best = (" ".join(VOCAB.to_tokens(words)), score)
    return best


def _random_table(seed, num_steps, junk=None):
    """Step-dependent bigram logits; with ``junk``, <unk>, <pad> and <bos> get that logit."""
    g = torch.Generator().manual_seed(seed)
    table = 2 * torch.randn(num_steps, 6, 6, generator=g)
    if junk is not None:
        table[..., :3] = junk
    return table


# ---------------------------------------------------------------- the trap for greedy search
def test_greedy_is_trapped_and_a_beam_of_two_escapes():
    net = table_translator(trap_table(num_steps=3))
    assert predict_seq2seq(net, "x", VOCAB, VOCAB, 3, "cpu")[0] == "a a a"
    greedy, greedy_score = beam_search(net, "x", VOCAB, VOCAB, 3, 1, "cpu")
    assert greedy == "a a a"
    assert greedy_score == pytest.approx((math.log(0.5) + 2 * math.log(0.34)) / 3**0.75, rel=1e-6)
    for beam_size in (2, 3, 6):
        translation, score = beam_search(net, "x", VOCAB, VOCAB, 3, beam_size, "cpu")
        assert translation == "b"
        assert score == pytest.approx((math.log(0.4) + math.log(0.9)) / 2**0.75, rel=1e-6)
    assert exhaustive_search(trap_table(3), 3, 0.75)[0] == "b"


def test_alpha_trades_length_against_probability():
    # from <bos>: <eos> or a, even odds; then a 0.9 (or <eos> 0.1), then a surely
    probs = torch.full((3, 6, 6), 1e-30)
    probs[0, BOS, [EOS, 4]] = 0.5
    probs[1, 4, [EOS, 4]] = torch.tensor([0.1, 0.9])
    probs[2, 4, 4] = 1.0
    table = probs.log().clamp(min=-50)
    net = table_translator(table)
    # "" scores log 0.5 = -0.69 (1 token); "a a a" log 0.45 = -0.80 over 3 tokens
    for alpha, expected in ((0.0, ""), (0.75, "a a a"), (1.0, "a a a")):
        assert beam_search(net, "x", VOCAB, VOCAB, 3, 2, "cpu", alpha=alpha)[0] == expected
        assert exhaustive_search(table, 3, alpha)[0] == expected


# ---------------------------------------------------------------- exhaustive and greedy
@pytest.mark.parametrize("alpha", [0.0, 0.75, 1.0])
@pytest.mark.parametrize("seed", range(8))
def test_a_beam_as_wide_as_a_tiny_vocabulary_is_exhaustive(seed, alpha):
    """Three live tokens (<eos>, a, b) and three never-likely ones: a 6-wide beam keeps every
    likely prefix of 3-token outputs."""
    table = _random_table(seed, num_steps=3, junk=-50.0)
    expected = exhaustive_search(table, 3, alpha)
    translation, score = beam_search(table_translator(table), "x", VOCAB, VOCAB, 3, 6, "cpu", alpha)
    assert translation == expected[0]
    assert score == pytest.approx(expected[1], rel=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_a_beam_holding_every_prefix_is_exhaustive(seed):
    table = _random_table(seed, num_steps=3)
    expected = exhaustive_search(table, 3, 0.75)
    translation, score = beam_search(table_translator(table), "x", VOCAB, VOCAB, 3, 36, "cpu")
    assert (translation, score) == (expected[0], pytest.approx(expected[1], rel=1e-9))


@pytest.mark.parametrize("seed", range(8))
def test_beam_of_one_is_greedy_on_tables(seed):
    table = _random_table(seed, num_steps=4)
    net = table_translator(table)
    expected, _ = predict_seq2seq(net, "x", VOCAB, VOCAB, 4, "cpu")
    assert beam_search(net, "x", VOCAB, VOCAB, 4, 1, "cpu")[0] == expected


def test_ties_are_broken_like_argmax():
    table = torch.zeros(3, 6, 6)  # every token equally likely: argmax takes index 0, <unk>
    net = table_translator(table)
    expected, _ = predict_seq2seq(net, "x", VOCAB, VOCAB, 3, "cpu")
    assert expected == "<unk> <unk> <unk>"
    assert beam_search(net, "x", VOCAB, VOCAB, 3, 1, "cpu")[0] == expected


def _seq2seq(seed, src_size=9, tgt_size=8):
    torch.manual_seed(seed)
    return EncoderDecoder(
        Seq2SeqEncoder(src_size, 6, 12, 2, 0.2), Seq2SeqDecoder(tgt_size, 6, 12, 2, 0.2)
    )


def _score_by_teacher_forcing(net, src, translation, vocab, num_steps, alpha):
    """Recompute a translation's score in one decoder call: <bos> and its tokens in, its tokens
    (then <eos>, if it stopped early) out."""
    tokens = vocab[translation.split(" ")] if translation else []
    targets = tokens + [EOS] if len(tokens) < num_steps else tokens
    src_tokens = [*vocab[src.split(" ")], EOS]
    enc_X = torch.tensor([truncate_pad(src_tokens, num_steps, vocab["<pad>"])])
    was_training = net.training
    net.eval()
    with torch.no_grad():
        Y, _ = net(enc_X, torch.tensor([[BOS, *targets[:-1]]]), torch.tensor([len(src_tokens)]))
    net.train(was_training)
    log_probs = Y[0].double().log_softmax(dim=-1)
    log_prob = sum(float(log_probs[t, y]) for t, y in enumerate(targets))
    return sequence_score(log_prob, len(targets), alpha)


SOURCES = ["a", "b a", "a a b", "<unk> b"]


@pytest.mark.parametrize("seed", range(4))
def test_beam_of_one_is_greedy_on_seq2seq_models(seed):
    vocab = tokens_vocab(["a", "b", "c", "d"])
    net = _seq2seq(seed).train()
    for src in SOURCES:
        expected, _ = predict_seq2seq(net, src, vocab, vocab, 5, "cpu")
        translation, score = beam_search(net, src, vocab, vocab, 5, 1, "cpu")
        assert translation == expected
        recomputed = _score_by_teacher_forcing(net, src, translation, vocab, 5, 0.75)
        assert score == pytest.approx(recomputed, rel=1e-5)
    assert net.training


@pytest.mark.parametrize("beam_size", [2, 3, 8])
def test_the_returned_score_is_the_translations_score(beam_size):
    vocab = tokens_vocab(["a", "b", "c", "d"])
    net = _seq2seq(7)
    for src in SOURCES:
        translation, score = beam_search(net, src, vocab, vocab, 5, beam_size, "cpu", alpha=0.5)
        recomputed = _score_by_teacher_forcing(net, src, translation, vocab, 5, 0.5)
        assert score == pytest.approx(recomputed, rel=1e-5)


# ---------------------------------------------------------------- states
class CachingTableDecoder(TableDecoder):
    """A table decoder that, like d2l's transformer decoder, keeps its history in a list of the
    state and appends to it in place; the step is read from the history's length."""

    def init_state(self, enc_outputs, *args):
        return ("context", [[]])

    def forward(self, X, state):
        history = state[1][0]
        out, _ = super().forward(X, (len(history),))
        state[1][0] = history + X[0].tolist()  # written into the state's own list
        return out, state


@pytest.mark.parametrize("beam_size", [2, 3, 6])
@pytest.mark.parametrize("seed", range(3))
def test_siblings_do_not_share_a_decoders_in_place_writes(seed, beam_size):
    table = _random_table(seed, num_steps=4)
    plain = beam_search(table_translator(table), "x", VOCAB, VOCAB, 4, beam_size, "cpu")
    net = EncoderDecoder(NullEncoder(), CachingTableDecoder(table))
    assert beam_search(net, "x", VOCAB, VOCAB, 4, beam_size, "cpu") == plain


def test_bad_arguments():
    net = table_translator(trap_table())
    with pytest.raises(ValueError, match="beam_size"):
        beam_search(net, "x", VOCAB, VOCAB, 3, 0, "cpu")
    with pytest.raises(ValueError, match="num_steps"):
        beam_search(net, "x", VOCAB, VOCAB, 0, 2, "cpu")
