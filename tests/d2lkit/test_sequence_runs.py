"""The sequence models of `d2lkit train` (chapters 8-9): the book's settings and results, read off
the curriculum inventory, and a smoke run of every model through the real command line on the
real Time Machine and fra-eng files."""

import json
import math

import pytest

from d2lkit import cli, models, runs
from d2lkit.runs import seq2seq
from tests.helpers import book_language_models

LANGUAGE_MODELS = book_language_models()


@pytest.mark.parametrize("name", LANGUAGE_MODELS)
def test_language_models_carry_the_books_settings_and_results(name):
    section, lr, (perplexity, tokens_per_sec) = LANGUAGE_MODELS[name]
    spec = models.get(name)
    assert (spec.section, spec.lr, spec.kind, spec.dataset) == (
        section, lr, "language-model", "timemachine"
    )  # fmt: skip
    # every language model of 8.5-9.4: batch 32, 35 steps, 500 epochs, clipped to norm 1
    assert (spec.batch_size, spec.num_steps, spec.epochs, spec.grad_clip) == (32, 35, 500, 1.0)
    assert dict(spec.book) == {"perplexity": perplexity, "tokens_per_sec": tokens_per_sec}


def test_seq2seq_carries_the_books_settings():
    spec = models.get("seq2seq")
    assert (spec.section, spec.lr, spec.batch_size, spec.epochs, spec.num_steps) == (
        "9.7", 0.005, 64, 300, 10
    )  # fmt: skip
    assert spec.book["train_loss"] == 0.019
    # the book's four BLEU scores: 1.000, 1.000, 0.658, 0.447
    assert spec.book["mean_bleu"] == pytest.approx((1 + 1 + 0.658 + 0.447) / 4, abs=1e-3)


def smoke(name, tmp_path, capsys, *flags):
    argv = ["train", name, "--device", "cpu", "--epochs", "1", "--max-batches", "1"]
    assert cli.main([*argv, "--no-progress", "--out", str(tmp_path), *flags]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "curves.png").read_bytes().startswith(b"\x89PNG")
    return out, json.loads((tmp_path / "metrics.json").read_text())


@pytest.mark.parametrize("name", LANGUAGE_MODELS)
def test_every_language_model_trains_on_the_cpu(name, data_root, tmp_path, capsys):
    out, metrics = smoke(name, tmp_path, capsys, "--batch-size", "4", "--limit", "2000")
    assert out.startswith("perplexity ")
    assert metrics["model"] == name and metrics["max_tokens"] == 2000
    assert math.isclose(metrics["train_loss"], math.log(metrics["perplexity"]))
    # one epoch of one batch from 28 characters: about as uncertain as a uniform guess
    assert 1 < metrics["perplexity"] < 40 and metrics["tokens_per_sec"] > 0
    assert metrics["sample"].startswith("time traveller") and len(metrics["sample"]) == 14 + 50
    assert len(metrics["history"]["perplexity"]) == 1 and metrics["seconds"] > 0


def test_random_iter_reaches_the_language_model_run(data_root, tmp_path, capsys):
    _, metrics = smoke("rnn-concise", tmp_path, capsys, "--limit", "2000", "--random-iter")
    assert metrics["random_iter"] is True


def test_seq2seq_translates_the_books_sentences(data_root, tmp_path, capsys):
    out, metrics = smoke("seq2seq", tmp_path, capsys, "--limit", "100", "--beam", "2")
    assert out.startswith("loss ") and metrics["beam"] == 2
    assert list(metrics["translations"]) == list(seq2seq.SENTENCES)
    for result in metrics["translations"].values():
        assert isinstance(result["translation"], str) and 0 <= result["bleu"] <= 1
    assert metrics["mean_bleu"] == pytest.approx(
        sum(r["bleu"] for r in metrics["translations"].values()) / 4
    )


def test_a_sequence_model_without_num_steps_is_a_user_error():
    import dataclasses

    from d2lkit.errors import D2lkitError

    spec = dataclasses.replace(models.get("rnn"), num_steps=None)
    with pytest.raises(D2lkitError, match="has no num_steps"):
        runs.train(spec, runs.TrainConfig.for_spec(spec))
