"""9.6-9.7: the encoder-decoder against hand-run torch modules, the masked loss against
``F.cross_entropy``, BLEU against hand-computed cases, and training / greedy prediction on toys."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from d2lkit.seq2seq import (
    Decoder,
    Encoder,
    EncoderDecoder,
    MaskedSoftmaxCELoss,
    Seq2SeqDecoder,
    Seq2SeqEncoder,
    bleu,
    predict_seq2seq,
    sequence_mask,
    train_seq2seq,
)
from d2lkit.text import Vocab

torch.set_num_threads(1)

RESERVED = ["<pad>", "<bos>", "<eos>"]
UNK, PAD, BOS, EOS = 0, 1, 2, 3


# ---------------------------------------------------------------- a translator with a fixed table
class NullEncoder(Encoder):
    """Ignores the source: the toy translations depend on the target side only."""

    def forward(self, X, *args):
        return X


class TableDecoder(Decoder):
    """A decoder whose logits are looked up: ``table[t, prev]`` at output step ``t`` after the
    token ``prev``. Its state is the number of steps decoded so far (a one-element tuple, to
    exercise tuple states)."""

    def __init__(self, table):
        super().__init__()
        self.register_buffer("table", table)

    def init_state(self, enc_outputs, *args):
        return (0,)

    def forward(self, X, state):
        (step,) = state
        steps = torch.arange(step, step + X.shape[1]).clamp(max=self.table.shape[0] - 1)
        return self.table[steps[None, :], X], (step + X.shape[1],)


def tokens_vocab(words):
    """A vocabulary of ``<unk>``, the reserved tokens, then ``words`` in order (indices 4, 5...)."""
    return Vocab(
        [w for i, word in enumerate(words) for w in [word] * (len(words) - i + 1)],
        reserved_tokens=RESERVED,
    )


def table_translator(table):
    return EncoderDecoder(NullEncoder(), TableDecoder(table))


def trap_table(num_steps=3, junk=-50.0):
    """Vocabulary ``<unk> <pad> <bos> <eos> a b``. From ``<bos>``: a 0.5, b 0.4, ``<eos>`` 0.1;
    after ``a`` the three are about equally likely; after ``b``, ``<eos>`` has 0.9. Greedy takes
    ``a`` and never finds a likely end; the best sequence is ``b <eos>``."""
    probs = torch.full((6, 6), 1e-30)
    probs[BOS, [EOS, 4, 5]] = torch.tensor([0.1, 0.5, 0.4])
    probs[4, [EOS, 4, 5]] = torch.tensor([0.33, 0.34, 0.33])
    probs[5, [EOS, 4, 5]] = torch.tensor([0.9, 0.05, 0.05])
    probs[[UNK, PAD, EOS], EOS] = 1.0
    logits = probs.log().clamp(min=junk)
    return logits.expand(num_steps, 6, 6).clone()


# ---------------------------------------------------------------- 9.6 the interfaces
def test_the_interfaces_are_abstract():
    with pytest.raises(NotImplementedError):
        Encoder()(torch.zeros(1))
    with pytest.raises(NotImplementedError):
        Decoder().init_state(None)
    with pytest.raises(NotImplementedError):
        Decoder()(torch.zeros(1), None)


def test_encoder_decoder_passes_extra_arguments_to_encoder_and_init_state():
    calls = []

    class Enc(Encoder):
        def forward(self, X, *args):
            calls.append(("encoder", X, args))
            return "enc_outputs"

    class Dec(Decoder):
        def init_state(self, enc_outputs, *args):
            calls.append(("init_state", enc_outputs, args))
            return "state"

        def forward(self, X, state):
            calls.append(("decoder", X, state))
            return "output", "new state"

    assert EncoderDecoder(Enc(), Dec())("src", "tgt", "valid_len") == ("output", "new state")
    assert calls == [
        ("encoder", "src", ("valid_len",)),
        ("init_state", "enc_outputs", ("valid_len",)),
        ("decoder", "tgt", "state"),
    ]


# ---------------------------------------------------------------- 9.7 encoder and decoder
def test_the_books_shapes():
    encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2).eval()
    X = torch.zeros((4, 7), dtype=torch.long)
    output, state = encoder(X)
    assert output.shape == (7, 4, 16) and state.shape == (2, 4, 16)
    decoder = Seq2SeqDecoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2).eval()
    out, (context, hidden) = decoder(X, decoder.init_state(encoder(X)))
    assert out.shape == (4, 7, 10) and context.shape == (4, 16) and hidden.shape == (2, 4, 16)


def test_parameter_names_are_the_books():
    enc = Seq2SeqEncoder(10, 8, 16, 2)
    dec = Seq2SeqDecoder(10, 8, 16, 2)
    assert {n.split(".")[0] for n in enc.state_dict()} == {"embedding", "rnn"}
    assert {n.split(".")[0] for n in dec.state_dict()} == {"embedding", "rnn", "dense"}
    assert dec.rnn.input_size == 8 + 16


@pytest.mark.parametrize("seed", range(3))
def test_encoder_is_embedding_then_time_major_gru(seed):
    torch.manual_seed(seed)
    encoder = Seq2SeqEncoder(vocab_size=12, embed_size=5, num_hiddens=6, num_layers=3).double()
    embedding, gru = nn.Embedding(12, 5).double(), nn.GRU(5, 6, 3).double()
    embedding.load_state_dict(encoder.embedding.state_dict())
    gru.load_state_dict(encoder.rnn.state_dict())
    X = torch.randint(0, 12, (4, 9))
    output, state = encoder(X, torch.tensor([9, 3, 1, 5]))
    expected_output, expected_state = gru(embedding(X).transpose(0, 1))
    torch.testing.assert_close(output, expected_output)
    torch.testing.assert_close(state, expected_state)
    # the last layer's output at the last step is its final state
    torch.testing.assert_close(output[-1], state[-1])


def _decoder_by_hand(decoder, X, enc_state):
    context = enc_state[-1]
    outputs, hidden = [], enc_state
    for t in range(X.shape[1]):
        step_input = torch.cat((decoder.embedding(X[:, t]), context), dim=1)
        out, hidden = decoder.rnn(step_input[None], hidden)
        outputs.append(decoder.dense(out[0]))
    return torch.stack(outputs, dim=1), hidden


@pytest.mark.parametrize("seed", range(3))
def test_decoder_concatenates_the_encoders_context_at_every_step(seed):
    torch.manual_seed(seed)
    encoder = Seq2SeqEncoder(11, 4, 6, 2).double()
    decoder = Seq2SeqDecoder(13, 5, 6, 2).double()
    src, tgt = torch.randint(0, 11, (3, 7)), torch.randint(0, 13, (3, 5))
    enc_outputs = encoder(src)
    output, (context, hidden) = decoder(tgt, decoder.init_state(enc_outputs))
    expected_output, expected_hidden = _decoder_by_hand(decoder, tgt, enc_outputs[1])
    torch.testing.assert_close(output, expected_output)
    torch.testing.assert_close(hidden, expected_hidden)
    torch.testing.assert_close(context, enc_outputs[1][-1])


def test_decoding_step_by_step_equals_one_call():
    """What prediction relies on: carrying the state across calls keeps the encoder's context."""
    torch.manual_seed(0)
    net = EncoderDecoder(Seq2SeqEncoder(11, 4, 6, 2, 0.3), Seq2SeqDecoder(13, 5, 6, 2, 0.3))
    net.eval()
    src, tgt = torch.randint(0, 11, (3, 7)), torch.randint(0, 13, (3, 6))
    whole, _ = net(src, tgt)
    state = net.decoder.init_state(net.encoder(src))
    steps = []
    for t in range(tgt.shape[1]):
        out, state = net.decoder(tgt[:, t : t + 1], state)
        steps.append(out)
    torch.testing.assert_close(torch.cat(steps, dim=1), whole)


# ---------------------------------------------------------------- sequence_mask
def test_sequence_mask_book_examples():
    X = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert torch.equal(sequence_mask(X, torch.tensor([1, 2])), torch.tensor([[1, 0, 0], [4, 5, 0]]))
    Y = sequence_mask(torch.ones(2, 3, 4), torch.tensor([1, 2]), value=-1)
    assert torch.equal(Y[0, 0], torch.ones(4)) and torch.equal(Y[0, 1:], -torch.ones(2, 4))
    assert torch.equal(Y[1, :2], torch.ones(2, 4)) and torch.equal(Y[1, 2], -torch.ones(4))


@settings(max_examples=50, deadline=None)
@given(
    batch=st.integers(1, 5),
    steps=st.integers(1, 6),
    trailing=st.lists(st.integers(1, 3), max_size=2),
    value=st.sampled_from([0.0, -1e6, 7.5]),
    seed=st.integers(0, 2**16),
)
def test_sequence_mask_properties(batch, steps, trailing, value, seed):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(batch, steps, *trailing, generator=g, dtype=torch.float64)
    valid_len = torch.randint(0, steps + 2, (batch,), generator=g)
    before = X.clone()
    Y = sequence_mask(X, valid_len, value)
    assert torch.equal(X, before)  # the input is left alone
    assert Y.shape == X.shape and Y.dtype == X.dtype
    for b in range(batch):
        n = int(valid_len[b])
        assert torch.equal(Y[b, :n], X[b, :n])
        assert (Y[b, n:] == value).all()


def test_sequence_mask_gradient_reaches_only_kept_positions():
    X = torch.randn(3, 4, 2, requires_grad=True)
    sequence_mask(X, torch.tensor([0, 2, 4]), value=-5).sum().backward()
    expected = torch.zeros(3, 4, 2)
    expected[1, :2] = 1
    expected[2] = 1
    assert torch.equal(X.grad, expected)


# ---------------------------------------------------------------- MaskedSoftmaxCELoss
def test_masked_loss_book_demo():
    loss = MaskedSoftmaxCELoss()
    l = loss(torch.ones(3, 4, 10), torch.ones((3, 4), dtype=torch.long), torch.tensor([4, 2, 0]))
    torch.testing.assert_close(l, torch.tensor([2.3026, 1.1513, 0.0]), atol=1e-4, rtol=0)


def _random_loss_inputs(seed, batch=5, steps=6, vocab=7):
    g = torch.Generator().manual_seed(seed)
    pred = torch.randn(batch, steps, vocab, generator=g, dtype=torch.float64)
    label = torch.randint(0, vocab, (batch, steps), generator=g)
    valid_len = torch.randint(0, steps + 1, (batch,), generator=g)
    return pred, label, valid_len


def _by_ignore_index(pred, label, valid_len):
    steps = label.shape[1]
    masked = torch.where(torch.arange(steps)[None, :] < valid_len[:, None], label, -100)
    per_row = [
        F.cross_entropy(p, y, ignore_index=-100, reduction="sum") for p, y in zip(pred, masked)
    ]
    return torch.stack(per_row) / steps


def _by_weights(pred, label, valid_len):
    batch, steps, vocab = pred.shape
    per_token = F.cross_entropy(pred.reshape(-1, vocab), label.reshape(-1), reduction="none")
    weights = (torch.arange(steps)[None, :] < valid_len[:, None]).to(pred.dtype)
    return (per_token.reshape(batch, steps) * weights).mean(dim=1)


@pytest.mark.parametrize("oracle", [_by_ignore_index, _by_weights])
@pytest.mark.parametrize("seed", range(4))
def test_masked_loss_matches_cross_entropy_values_and_gradients(oracle, seed):
    pred, label, valid_len = _random_loss_inputs(seed)
    upstream = torch.randn(pred.shape[0], dtype=torch.float64)
    grads = []
    for f in (MaskedSoftmaxCELoss(), oracle):
        p = pred.clone().requires_grad_()
        l = f(p, label, valid_len)
        (g,) = torch.autograd.grad(l, p, upstream)
        grads.append((l, g))
    torch.testing.assert_close(grads[0][0], grads[1][0])
    torch.testing.assert_close(grads[0][1], grads[1][1])


def test_masked_loss_ignores_logits_and_labels_past_the_valid_length():
    pred, label, valid_len = _random_loss_inputs(9)
    valid_len = torch.tensor([0, 1, 3, 6, 2])
    garbled_pred, garbled_label = pred.clone(), label.clone()
    for b, n in enumerate(valid_len.tolist()):
        garbled_pred[b, n:] = 1e3 * torch.randn_like(pred[b, n:])
        garbled_label[b, n:] = 0
    loss = MaskedSoftmaxCELoss()
    torch.testing.assert_close(
        loss(pred, label, valid_len), loss(garbled_pred, garbled_label, valid_len)
    )


def test_masked_loss_is_a_cross_entropy_loss():
    assert isinstance(MaskedSoftmaxCELoss(), nn.CrossEntropyLoss)


# ---------------------------------------------------------------- bleu
@pytest.mark.parametrize(
    ("pred", "label", "k", "expected"),
    [
        ("va !", "va !", 2, 1.0),
        ("j'ai perdu .", "j'ai perdu .", 2, 1.0),
        # the book's printed scores
        ("il est riche .", "il est calme .", 2, math.sqrt(3 / 4) * (1 / 3) ** 0.25),
        ("je suis en retard ?", "je suis chez moi .", 2, math.sqrt(2 / 5) * (1 / 4) ** 0.25),
        # the prose's example: the brevity penalty of a 2-token prediction of 6 tokens
        ("A B", "A B C D E F", 2, math.exp(1 - 6 / 2)),
        ("je suis", "je suis chez moi .", 2, math.exp(1 - 5 / 2)),
        # a longer prediction is not penalised, but its extra n-grams do not match
        ("a b c d", "a b", 1, math.sqrt(2 / 4)),
        # clipping: "the" matches once, however often it is predicted
        ("the the the the", "the cat", 1, math.sqrt(1 / 4)),
        ("a a b a a", "a a b", 2, math.sqrt(3 / 5) * (2 / 4) ** 0.25),
        ("a b c d", "a b d c", 2, (1 / 3) ** 0.25),
        ("a b c d", "a b d c", 3, 0.0),  # no trigram matches
        ("x y", "a b", 2, 0.0),
        # an order longer than the prediction is left out
        ("go", "go", 2, 1.0),
        ("go", "go home", 3, math.exp(1 - 2 / 1)),
    ],
)
def test_bleu_hand_computed(pred, label, k, expected):
    assert bleu(pred, label, k) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def _bleu_by_counting(pred_seq, label_seq, k):
    """The score by the book's method: each matched label n-gram is used up."""
    pred, label = pred_seq.split(" "), label_seq.split(" ")
    score = math.exp(min(0, 1 - len(label) / len(pred)))
    for n in range(1, k + 1):
        remaining = [tuple(label[i : i + n]) for i in range(len(label) - n + 1)]
        matches = 0
        for i in range(len(pred) - n + 1):
            gram = tuple(pred[i : i + n])
            if gram in remaining:
                remaining.remove(gram)
                matches += 1
        score *= (matches / (len(pred) - n + 1)) ** (0.5**n)
    return score


@settings(max_examples=200, deadline=None)
@given(
    pred=st.lists(st.sampled_from("abc"), min_size=4, max_size=9),
    label=st.lists(st.sampled_from("abc"), min_size=1, max_size=9),
    k=st.integers(1, 4),
)
def test_bleu_matches_the_counting_method(pred, label, k):
    expected = _bleu_by_counting(" ".join(pred), " ".join(label), k)
    assert bleu(" ".join(pred), " ".join(label), k) == pytest.approx(expected, abs=1e-12)


# ---------------------------------------------------------------- training
def copy_task(n=48, num_steps=6, seed=0):
    """A source-to-target copy task with a 4-word vocabulary, as load_data_nmt batches."""
    words = ["w", "x", "y", "z"]
    vocab = tokens_vocab(words)
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, num_steps, (n,), generator=g)
    X = torch.full((n, num_steps), PAD)
    for i, length in enumerate(lengths.tolist()):
        X[i, :length] = torch.randint(4, 8, (length,), generator=g)
        X[i, length] = EOS
    valid_len = (lengths + 1).int()
    batches = [(X[i : i + 16], valid_len[i : i + 16]) * 2 for i in range(0, n, 16)]
    return batches, vocab


def _small_net(vocab_size, dropout=0.0):
    return EncoderDecoder(
        Seq2SeqEncoder(vocab_size, 8, 16, 2, dropout), Seq2SeqDecoder(vocab_size, 8, 16, 2, dropout)
    )


def test_train_seq2seq_learns_a_copy_task_quietly(capsys):
    torch.manual_seed(0)
    batches, vocab = copy_task(n=32)
    net = _small_net(len(vocab))
    history = train_seq2seq(net, batches, 0.03, 20, vocab, "cpu")
    assert capsys.readouterr().out == ""
    assert set(history) == {"loss", "tokens_per_sec"} and len(history["loss"]) == 20
    assert history["loss"][-1] < 0.3 * history["loss"][0]
    assert history["tokens_per_sec"] > 0


def test_train_seq2seq_reports_the_books_loss_and_prints_on_request(capsys):
    """One epoch of lr 0: the reported loss is the summed sequence losses over the valid tokens."""
    batches, vocab = copy_task(n=32)
    torch.manual_seed(1)
    net = _small_net(len(vocab))
    history = train_seq2seq(net, batches, 0.0, 1, vocab, "cpu", verbose=True)
    loss, total, tokens = MaskedSoftmaxCELoss(), 0.0, 0
    with torch.no_grad():
        for X, X_len, Y, Y_len in batches:
            dec_input = torch.cat([torch.full((len(Y), 1), BOS), Y[:, :-1]], dim=1)
            total += loss(net(X, dec_input, X_len)[0], Y, Y_len).sum().item()
            tokens += int(Y_len.sum())
    assert history["loss"][0] == pytest.approx(total / tokens, rel=1e-5)
    out = capsys.readouterr().out
    assert out.startswith(f"loss {history['loss'][0]:.3f}, ") and out.rstrip().endswith(
        "tokens/sec on cpu"
    )


def test_train_seq2seq_teacher_forces_with_bos():
    seen = []

    class Spy(EncoderDecoder):
        def forward(self, enc_X, dec_X, *args):
            seen.append((dec_X.clone(), args))
            return super().forward(enc_X, dec_X, *args)

    batches, vocab = copy_task(n=16)
    net = Spy(*_small_net(len(vocab)).children())
    train_seq2seq(net, batches, 0.01, 1, vocab, "cpu")
    ((dec_X, args),), ((_, X_len, Y, _),) = seen, batches
    assert torch.equal(dec_X[:, 0], torch.full((16,), BOS)) and torch.equal(dec_X[:, 1:], Y[:, :-1])
    assert torch.equal(args[0], X_len)


def test_train_seq2seq_xavier_initialises_linear_and_gru_weights():
    torch.manual_seed(0)
    net = _small_net(30)
    with torch.no_grad():
        for p in net.parameters():
            p.fill_(5.0)
    train_seq2seq(net, [], 0.01, 0, tokens_vocab(["a"]), "cpu")
    for name, p in net.named_parameters():
        if "rnn.weight" in name or name.endswith("dense.weight"):
            fan_out, fan_in = p.shape
            assert p.abs().max() <= math.sqrt(6 / (fan_in + fan_out)), name
        else:  # biases and embeddings keep their values
            assert (p == 5.0).all(), name


# ---------------------------------------------------------------- greedy prediction
def test_predict_seq2seq_is_greedy_and_stops_at_eos():
    vocab = tokens_vocab(["a", "b"])
    net = table_translator(trap_table(num_steps=3))
    assert predict_seq2seq(net, "anything", vocab, vocab, 3, "cpu") == ("a a a", [])
    table = trap_table(num_steps=4)
    table[2, 4, EOS] = 10.0  # the third token after "a" is now surely <eos>
    net = table_translator(table)
    assert predict_seq2seq(net, "x", vocab, vocab, 4, "cpu")[0] == "a a"
    assert predict_seq2seq(net, "x", vocab, vocab, 1, "cpu")[0] == "a"


def test_predict_seq2seq_restores_the_mode_and_keeps_gradients_off():
    torch.manual_seed(0)
    vocab = tokens_vocab(["w", "x", "y", "z"])
    net = _small_net(len(vocab), dropout=0.5).train()
    first = predict_seq2seq(net, "w x", vocab, vocab, 6, "cpu")
    assert net.training
    assert all(predict_seq2seq(net, "w x", vocab, vocab, 6, "cpu") == first for _ in range(3))
    assert all(p.grad is None for p in net.parameters())


def test_predict_seq2seq_collects_attention_weights_when_asked():
    class Attending(TableDecoder):
        def forward(self, X, state):
            self.attention_weights = torch.full((1, 1), float(state[0]))
            return super().forward(X, state)

    vocab = tokens_vocab(["a", "b"])
    net = EncoderDecoder(NullEncoder(), Attending(trap_table(num_steps=3)))
    _, weights = predict_seq2seq(net, "x", vocab, vocab, 3, "cpu", save_attention_weights=True)
    assert [w.item() for w in weights] == [0.0, 1.0, 2.0]


@pytest.mark.slow
def test_the_books_model_learns_on_the_real_data(data_root):
    from d2lkit.data.fra_eng import load_data_nmt

    torch.manual_seed(0)
    data_iter, src_vocab, tgt_vocab = load_data_nmt(64, 10)
    net = EncoderDecoder(
        Seq2SeqEncoder(len(src_vocab), 32, 32, 2, 0.1),
        Seq2SeqDecoder(len(tgt_vocab), 32, 32, 2, 0.1),
    )
    history = train_seq2seq(net, data_iter, 0.005, 20, tgt_vocab, "cpu")
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    translation, _ = predict_seq2seq(net, "go .", src_vocab, tgt_vocab, 10, "cpu")
    assert 1 <= len(translation.split(" ")) <= 10
