"""The chapter-10 translators of `d2lkit train` (10.4 Bahdanau, 10.7 Transformer): the book's
settings and results, read off the curriculum inventory, and smoke runs through the real
command line on the real fra-eng file, with their attention heatmaps."""

import json
import re

import pytest

from d2lkit import cli, models
from d2lkit.runs import seq2seq
from tests.helpers import INVENTORY


def _section(head: str) -> str:
    text = INVENTORY.read_text(encoding="utf-8")
    body = text[text.index(head) :]
    return body[: body.index("\n#### ", 1)]


def book_translators() -> dict[str, tuple]:
    """name -> (section, lr, epochs, loss, tokens/sec, the four BLEU scores) as zh v2 prints them."""
    found = {}
    for name, section in (("seq2seq-attention", "10.4"), ("transformer", "10.7")):
        body = _section(f"#### {section} ")
        lr = float(re.search(r"lr[^\d]*?(0\.\d+)", body)[1])
        epochs = int(re.search(r"num_epochs(?: = [\d.]+,| \*\*)? ?(\d+)", body)[1])
        loss, speed = re.search(r"`loss ([\d.]+), ([\d.]+) tokens/sec", body).groups()
        translations = body[body.index("Translations:") :].split("\n")[0]
        scores = [float(s) for s in re.findall(r"bleu ([\d.]+)", translations)]
        if "all four BLEU **1.000**" in translations:
            scores = [1.0] * 4
        found[name] = (section, lr, epochs, float(loss), float(speed), scores)
    return found


BOOK = book_translators()


@pytest.mark.parametrize("name", BOOK)
def test_translators_carry_the_books_settings_and_results(name):
    section, lr, epochs, loss, speed, scores = BOOK[name]
    spec = models.get(name)
    assert (spec.section, spec.lr, spec.epochs, spec.kind, spec.dataset) == (
        section, lr, epochs, "seq2seq", "fra-eng"
    )  # fmt: skip
    assert (spec.batch_size, spec.num_steps, spec.grad_clip) == (64, 10, 1.0)
    assert len(scores) == 4
    assert spec.book["train_loss"] == loss and spec.book["tokens_per_sec"] == speed
    assert spec.book["mean_bleu"] == pytest.approx(sum(scores) / 4, abs=1e-3)


def test_the_book_figures_parse():
    assert BOOK["seq2seq-attention"] == ("10.4", 0.005, 250, 0.021, 4948.7, [1, 1, 0.658, 1])
    assert BOOK["transformer"][:5] == ("10.7", 0.005, 200, 0.030, 5202.9)


@pytest.mark.parametrize(
    ("name", "maps", "beam"),
    [
        ("seq2seq-attention", ["attention.png"], None),
        (
            "transformer",
            ["attention-encoder.png", "attention-decoder-self.png", "attention-decoder-cross.png"],
            2,  # beam search copies the decoder's state, the Transformer's cache included
        ),
    ],
)
def test_translators_train_on_the_cpu_and_draw_their_attention(
    name, maps, beam, data_root, tmp_path, capsys
):
    argv = ["train", name, "--device", "cpu", "--epochs", "1", "--max-batches", "1"]
    flags = ["--no-progress", "--out", str(tmp_path), "--limit", "100", "--batch-size", "8"]
    assert cli.main([*argv, *flags, *(["--beam", str(beam)] if beam else [])]) == 0
    assert capsys.readouterr().out.startswith("loss ")
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["beam"] == beam
    assert list(metrics["translations"]) == list(seq2seq.SENTENCES)
    for result in metrics["translations"].values():
        assert isinstance(result["translation"], str) and 0 <= result["bleu"] <= 1
    for png in ["curves.png", *maps]:
        assert (tmp_path / png).read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("name", ["seq2seq-attention", "transformer"])
def test_attention_maps_cut_to_the_sentence_and_the_translation(name, tmp_path):
    import torch

    from d2lkit.runs.attention_maps import attention_maps, draw_attention
    from d2lkit.seq2seq import predict_seq2seq
    from d2lkit.text import Vocab

    reserved = ["<pad>", "<bos>", "<eos>"]
    src_vocab = Vocab([["i'm", "home", "."]], reserved_tokens=reserved)
    tgt_vocab = Vocab([["je", "suis", "chez", "moi", "."]], reserved_tokens=reserved)
    torch.manual_seed(0)
    net = models.get(name).build(len(src_vocab), len(tgt_vocab))
    with torch.no_grad():  # an <eos> that is never likely: all 10 steps are decoded
        net.decoder.dense.bias[tgt_vocab["<eos>"]] = -1e4
    maps = attention_maps(net, "i'm home .", src_vocab, tgt_vocab, 10, "cpu")
    net.eval()
    _, steps = predict_seq2seq(
        net, "i'm home .", src_vocab, tgt_vocab, 10, "cpu", save_attention_weights=True
    )
    n = len(steps)  # 4 source positions: 3 words and <eos>
    assert n == 10
    if name == "seq2seq-attention":
        assert {k: tuple(v.shape) for k, v in maps.items()} == {"attention": (1, 1, n, 4)}
    else:
        assert {k: tuple(v.shape) for k, v in maps.items()} == {
            "attention-encoder": (2, 4, 4, 4),
            "attention-decoder-self": (2, 4, n, n),
            "attention-decoder-cross": (2, 4, n, 4),
        }
        # step t attends to the t + 1 positions decoded so far; the rest is padding
        self_weights = maps["attention-decoder-self"]
        assert torch.allclose(self_weights.sum(dim=-1), torch.ones(2, 4, n))
        assert torch.equal(self_weights.triu(1), torch.zeros_like(self_weights))
    paths = draw_attention(maps, tmp_path)
    assert [p.name for p in paths] == [f"{k}.png" for k in maps]
