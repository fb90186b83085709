"""9.5: the translation pipeline on hand-made text, and the book's figures from the real file."""

from __future__ import annotations

import pytest
import torch

from d2lkit.data import registry
from d2lkit.data.fra_eng import (
    build_array_nmt,
    load_data_nmt,
    preprocess_nmt,
    read_data_nmt,
    tokenize_nmt,
    truncate_pad,
)
from d2lkit.data.registry import DataError
from d2lkit.text import Vocab

torch.set_num_threads(1)

RESERVED = ["<pad>", "<bos>", "<eos>"]


def _spaced_by_loop(text):
    """The rule written as a character loop: a space before each mark whose predecessor is not
    a space (the first character has none)."""
    text = text.replace("\u202f", " ").replace("\xa0", " ").lower()
    out = []
    for i, char in enumerate(text):
        out.append(" " + char if i > 0 and char in ",.!?" and text[i - 1] != " " else char)
    return "".join(out)


# ---------------------------------------------------------------- preprocess_nmt
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Go.\tVa !", "go .\tva !"),
        ("Run!\tCours\u202f!", "run !\tcours !"),
        ("Who?\tQui\xa0?", "who ?\tqui ?"),
        ("Yes, sir.", "yes , sir ."),
        ("What?!", "what ? !"),
        ("Wait...", "wait . . ."),
        (".Start", ".start"),
        ("a\t.\n!", "a\t .\n !"),
        ("", ""),
    ],
)
def test_preprocess_nmt_examples(raw, expected):
    assert preprocess_nmt(raw) == expected


def test_preprocess_nmt_matches_the_character_loop():
    g = torch.Generator().manual_seed(0)
    alphabet = list("aB ,.!?\t\n\u202f\xa0É")
    for _ in range(200):
        n = int(torch.randint(0, 30, (), generator=g))
        text = "".join(alphabet[i] for i in torch.randint(len(alphabet), (n,), generator=g))
        assert preprocess_nmt(text) == _spaced_by_loop(text)


# ---------------------------------------------------------------- tokenize_nmt
TEXT = "go .\tva !\nhi .\tsalut !\nno tab here\nrun !\tcours !\na\tb\tc\n\n"


def test_tokenize_nmt_splits_pairs_and_skips_malformed_lines():
    source, target = tokenize_nmt(TEXT)
    assert source == [["go", "."], ["hi", "."], ["run", "!"]]
    assert target == [["va", "!"], ["salut", "!"], ["cours", "!"]]


@pytest.mark.parametrize(("num_examples", "n_pairs"), [(None, 3), (0, 3), (1, 2), (2, 2), (3, 3)])
def test_tokenize_nmt_reads_num_examples_plus_one_lines_like_the_book(num_examples, n_pairs):
    source, target = tokenize_nmt(TEXT, num_examples)
    assert len(source) == len(target) == n_pairs


def test_tokenize_nmt_splits_on_single_spaces():
    assert tokenize_nmt("a  b\tc")[0] == [["a", "", "b"]]


# ---------------------------------------------------------------- truncate_pad, build_array_nmt
@pytest.mark.parametrize(
    ("line", "num_steps", "expected"),
    [
        ([47, 4], 10, [47, 4, 1, 1, 1, 1, 1, 1, 1, 1]),
        ([5, 6, 7], 3, [5, 6, 7]),
        ([5, 6, 7, 8], 2, [5, 6]),
        ([], 2, [1, 1]),
        ((5,), 0, []),
    ],
)
def test_truncate_pad(line, num_steps, expected):
    out = truncate_pad(line, num_steps, 1)
    assert out == expected and len(out) == num_steps


def test_truncate_pad_leaves_its_input_alone():
    line = [3, 4]
    truncate_pad(line, 5, 0)
    assert line == [3, 4]


def _vocab():
    return Vocab([["a", "b", "a", "b", "c"]], min_freq=2, reserved_tokens=RESERVED)


def test_build_array_nmt_appends_eos_pads_and_counts():
    vocab = _vocab()
    pad, eos, a, b = vocab["<pad>"], vocab["<eos>"], vocab["a"], vocab["b"]
    lines = [["a"], ["a", "b", "zzz"], ["b", "a", "b", "a"], ["a", "b", "a", "b", "a"], []]
    array, valid_len = build_array_nmt(lines, vocab, num_steps=4)
    assert array.dtype == torch.int64 and array.shape == (5, 4)
    assert valid_len.dtype == torch.int32
    assert array.tolist() == [
        [a, eos, pad, pad],
        [a, b, vocab.unk, eos],
        [b, a, b, a],  # cut: <eos> falls off
        [a, b, a, b],
        [eos, pad, pad, pad],
    ]
    assert valid_len.tolist() == [2, 4, 4, 4, 1]


def test_build_array_nmt_valid_len_is_tokens_plus_eos_capped():
    vocab = _vocab()
    g = torch.Generator().manual_seed(1)
    lines = [["a"] * int(n) for n in torch.randint(0, 12, (50,), generator=g)]
    for num_steps in (1, 5, 13):
        array, valid_len = build_array_nmt(lines, vocab, num_steps)
        expected = [min(len(line) + 1, num_steps) for line in lines]
        assert valid_len.tolist() == expected
        assert torch.equal(valid_len.long(), (array != vocab["<pad>"]).sum(1))


# ---------------------------------------------------------------- the real file
def test_read_data_nmt_starts_like_the_book(data_root):
    raw = read_data_nmt()
    assert raw.startswith("Go.\tVa !\nHi.\tSalut !\nRun!\tCours\u202f!\n")


def test_load_data_nmt_batches(data_root):
    torch.manual_seed(0)
    data_iter, src_vocab, tgt_vocab = load_data_nmt(batch_size=2, num_steps=8)
    for vocab in (src_vocab, tgt_vocab):
        assert vocab.to_tokens([0, 1, 2, 3]) == ["<unk>", *RESERVED]
    X, X_valid_len, Y, Y_valid_len = next(iter(data_iter))
    assert X.shape == Y.shape == (2, 8) and X.dtype == Y.dtype == torch.int64
    assert X_valid_len.shape == Y_valid_len.shape == (2,)
    assert X_valid_len.dtype == Y_valid_len.dtype == torch.int32
    for tokens, valid_len in ((X, X_valid_len), (Y, Y_valid_len)):
        assert torch.equal((tokens != 1).sum(1).int(), valid_len)
    # 601 pairs, as the book's loop reads num_examples + 1 lines
    n = sum(len(batch[0]) for batch in data_iter)
    assert n == 601 and len(data_iter) == 301


def test_load_data_nmt_matches_the_pipeline_by_hand(data_root):
    source, target = tokenize_nmt(preprocess_nmt(read_data_nmt()), 50)
    data_iter, src_vocab, tgt_vocab = load_data_nmt(batch_size=1000, num_steps=6, num_examples=50)
    assert len(src_vocab) == len(Vocab(source, min_freq=2, reserved_tokens=RESERVED))
    X, X_valid_len, Y, Y_valid_len = next(iter(data_iter))
    src, src_len = build_array_nmt(source, src_vocab, 6)
    tgt, tgt_len = build_array_nmt(target, tgt_vocab, 6)
    # the loader shuffles rows, keeping the four arrays aligned
    got = sorted(zip(X.tolist(), X_valid_len.tolist(), Y.tolist(), Y_valid_len.tolist()))
    assert got == sorted(zip(src.tolist(), src_len.tolist(), tgt.tolist(), tgt_len.tolist()))


@pytest.mark.slow
def test_the_books_vocabulary_figures(data_root):
    source, _ = tokenize_nmt(preprocess_nmt(read_data_nmt()))
    src_vocab = Vocab(source, min_freq=2, reserved_tokens=RESERVED)
    assert len(src_vocab) == 10012
    assert truncate_pad(src_vocab[source[0]], 10, src_vocab["<pad>"]) == [47, 4] + [1] * 8


def test_missing_file_is_a_one_line_error(tmp_path, monkeypatch):
    def unreachable(url, *args, **kwargs):
        raise OSError("Network is unreachable")

    monkeypatch.setenv("D2LKIT_DATA", str(tmp_path))
    monkeypatch.setattr(registry, "download_url", unreachable)
    with pytest.raises(DataError) as err:
        load_data_nmt(batch_size=2, num_steps=8)
    message = str(err.value)
    assert "\n" not in message
    assert str(tmp_path / "fra-eng" / "fra.txt") in message and "D2LKIT_DATA" in message
