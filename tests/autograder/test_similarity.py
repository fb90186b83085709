"""The similarity check: the normaliser, the scoring, the code grading keeps, and the generated
class end to end (its planted pairs above every honest pair)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from autograder import fingerprints, gradebook, own_code, registry, similarity
from tests.autograder.generated_class import generate

SOFTMAX = '''def softmax(X):
    """Row-wise softmax."""
    # subtract the row maximum so that exp cannot overflow
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    partition = X_exp.sum(dim=1, keepdim=True)
    return X_exp / partition * 1.0
'''

SOFTMAX_DISGUISED = """def softmax(X):
    e = torch.exp(
        X - X.max(dim=1,
                  keepdim=True,).values
    )

    total = e.sum(dim=1, keepdim=True)   # normaliser
    return e / total * 1.
"""

LONG = """def train(net, batches, loss, updater):
    totals = [0.0, 0.0, 0]
    for X, y in batches:
        out = net(X)
        l = loss(out, y)
        l.sum().backward()
        updater(X.shape[0])
        totals[0] += float(l.sum())
        totals[1] += float((out.argmax(dim=1) == y).sum())
        totals[2] += y.numel()
    return totals[0] / totals[2], totals[1] / totals[2]
"""

UNUSUAL = """def train(net, batches, loss, updater):
    log = {"loss": [], "hits": [], "seen": []}
    for batch_X, batch_y in batches:
        scores = net(batch_X)
        per_example = loss(scores, batch_y)
        per_example.sum().backward()
        updater(len(batch_y))
        log["loss"].append(per_example.sum().item())
        log["hits"].append((scores.argmax(1) == batch_y).sum().item())
        log["seen"].append(len(batch_y))
    return sum(log["loss"]) / sum(log["seen"]), sum(log["hits"]) / sum(log["seen"])
"""


def _restyled(code: str, i: int) -> str:
    """`code` with student `i`'s names and comments (nothing the normaliser keeps)."""
    renamed = code.replace("totals", f"acc_{i}").replace("out", f"pred{i}")
    return f"# student {i}\n" + renamed.replace("\n    ", f"\n    # step of {i}\n    ", 1)


def test_names_comments_formatting_and_literal_spellings_are_normalised_away():
    assert fingerprints.tokens(SOFTMAX) == fingerprints.tokens(SOFTMAX_DISGUISED)
    assert fingerprints.fingerprints(SOFTMAX) == fingerprints.fingerprints(SOFTMAX_DISGUISED)


def test_apis_attributes_and_keyword_arguments_are_kept():
    tokens = fingerprints.tokens(SOFTMAX)
    assert {"torch", "exp", "max", "values", "keepdim", "dim", "sum"} <= set(tokens)
    assert "X_exp" not in tokens and "partition" not in tokens and "1.0" not in tokens
    other = SOFTMAX.replace("torch.exp", "torch.log")
    assert fingerprints.tokens(other) != fingerprints.tokens(SOFTMAX)


def test_docstrings_and_bare_strings_are_dropped_but_string_values_kept():
    tokens = fingerprints.tokens('def f(a):\n    """doc"""\n    "note"\n    return {"k": a}\n')
    assert tokens.count("S") == 1


def test_an_added_statement_leaves_the_rest_of_the_fingerprints():
    padded = LONG.replace("    totals = ", "    extra = 1\n    totals = ")
    assert len(fingerprints.fingerprints(LONG) & fingerprints.fingerprints(padded)) >= 0.7 * len(
        fingerprints.fingerprints(LONG)
    )


def test_code_that_does_not_parse_still_gives_tokens():
    assert fingerprints.tokens("def f(x):\n    return (x +\n")[:3] == ["def", "V0", "("]
    assert fingerprints.canonical("def f(:\n", "f") is None


def test_forty_students_with_the_same_natural_relu_do_not_pair():
    relu = (
        "def relu(X):\n    # zero out the negatives\n    return torch.max(X, torch.zeros_like(X))\n"
    )
    sources = {f"s{i}/ch04": relu.replace("negatives", f"negatives ({i})") for i in range(40)}
    assert similarity.exercise_pairs("ch04.relu", sources, threshold=0.0) == []


def test_common_code_is_discounted_and_a_rare_copy_pairs():
    sources = {f"s{i}/ch03": _restyled(LONG, i) for i in range(40)}
    sources["copier/ch03"] = _restyled(UNUSUAL, 1).replace("log", "record")
    sources["original/ch03"] = UNUSUAL
    pairs = similarity.exercise_pairs("ch03.train", sources, threshold=0.0)
    assert [(p.a, p.b) for p in pairs] == [("copier/ch03", "original/ch03")]
    assert pairs[0].score >= similarity.THRESHOLD and pairs[0].code_b == UNUSUAL
    # in a class of two, the same long code is rare: they pair
    few = {name: sources[name] for name in ("s1/ch03", "s2/ch03")}
    assert len(similarity.exercise_pairs("ch03.train", few)) == 1


def test_short_code_never_pairs_and_the_base_code_is_nobodys():
    short = {"a/ch03": "def linreg(X, w, b):\n    return X @ w + b\n"}
    short["b/ch03"] = short["a/ch03"].replace("X", "inputs")
    assert similarity.exercise_pairs("ch03.linreg", short, threshold=0.0) == []
    both = {"a/ch03": UNUSUAL, "b/ch03": UNUSUAL.replace("batch_X", "xb")}
    assert similarity.exercise_pairs("ch03.train", both, base=UNUSUAL, threshold=0.0) == []


def _code_files(out: Path, code: dict[str, dict[str, str]]) -> None:
    for name, by_exercise in code.items():
        record = {"submission": name, "code": by_exercise}
        gradebook.write_atomic(own_code.code_path(out, name), json.dumps(record))


def test_code_identical_to_the_reference_is_flagged_apart_never_as_a_pair(tmp_path):
    softmax = registry.exercises()["ch03.softmax"]
    reference = similarity._reference_source(softmax)
    undocumented = re.sub(
        r'\n\s*""".*?"""', "\n    # shift by the row maximum", reference, count=1, flags=re.S
    )
    disguised = undocumented.replace("X_exp", "e").replace("dim=-1", "dim = -1")
    assert similarity.is_reference(disguised, softmax)
    assert not similarity.is_reference(SOFTMAX, softmax)
    _code_files(
        tmp_path,
        {
            "a/ch03": {"ch03.softmax": reference},
            "b/ch03": {"ch03.softmax": disguised},
            "c/ch03": {"ch03.softmax": SOFTMAX},
        },
    )
    found = similarity.find(tmp_path, "ch03", threshold=0.0)
    assert [(m.exercise, m.submission) for m in found.reference] == [
        ("ch03.softmax", "a/ch03"),
        ("ch03.softmax", "b/ch03"),
    ]
    assert found.pairs == []


def test_a_submission_without_its_code_file_is_skipped(tmp_path):
    for name in ("a/ch03", "b/ch03"):
        record = {"score": 0, "tests": [], "extra_data": {"submission": name}}
        gradebook.write_atomic(gradebook.result_path(tmp_path, name), json.dumps(record))
    _code_files(tmp_path, {"a/ch03": {"ch03.softmax": SOFTMAX}})
    found = similarity.find(tmp_path, "ch03")
    assert found.skipped == ["b/ch03"] and found.pairs == []


def test_own_code_is_the_solution_cell_marked_or_not(tmp_path):
    generate(tmp_path, seed=1)
    path = tmp_path / "student01" / "ch03" / "3.6-softmax-regression-scratch.ipynb"
    exercises = registry.for_notebook(path.stem)
    code = own_code.notebook_code(path, exercises)
    assert set(code) == {e.id for e in exercises}
    assert "class SoftmaxRegressionScratch" in code["ch03.net"]
    assert "raise NotImplementedError" not in code["ch03.softmax"]
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        cell["metadata"].pop("nbgrader", None)  # copied into new cells: the marks are lost
    path.write_text(json.dumps(nb))
    assert own_code.notebook_code(path, exercises) == code


def test_merge_copies_the_code_files(tmp_path):
    shards = [tmp_path / "0", tmp_path / "1"]
    for shard, name in zip(shards, ("a/ch03", "b/ch03")):
        record = {"score": 0, "tests": [], "extra_data": {"submission": name}}
        gradebook.write_atomic(gradebook.result_path(shard, name), json.dumps(record))
        _code_files(shard, {name: {"ch03.softmax": SOFTMAX}})
    gradebook.merge(shards, tmp_path / "out")
    assert set(own_code.load(tmp_path / "out")) == {"a/ch03", "b/ch03"}


@pytest.mark.slow
def test_the_generated_class_planted_pairs_rank_above_every_honest_pair(graded_class):
    manifest = graded_class.manifest
    code = own_code.load(graded_class.out)
    assert set(code) == set(manifest.students) and len(code) >= 60
    start = time.perf_counter()
    everything = similarity.find(graded_class.out, "ch03", threshold=0.0)
    seconds = time.perf_counter() - start
    planted = [p for p in everything.pairs if manifest.copied(p.exercise, p.a, p.b)]
    honest = [p for p in everything.pairs if not manifest.copied(p.exercise, p.a, p.b)]
    want = {(e, *sorted((a, b))) for a, b, exercises in manifest.planted for e in exercises}
    assert {(p.exercise, p.a, p.b) for p in planted} == want
    assert min(p.score for p in planted) > max((p.score for p in honest), default=0.0)
    flagged = similarity.find(graded_class.out, "ch03")
    assert {(p.exercise, p.a, p.b) for p in flagged.pairs} == want
    assert [p.score for p in flagged.pairs] == sorted(
        (p.score for p in flagged.pairs), reverse=True
    )
    print(
        f"graded in {graded_class.seconds:.0f} s; similarity in {seconds:.1f} s; planted "
        f"{min(p.score for p in planted):.2f}-{max(p.score for p in planted):.2f}, best honest "
        f"{max((p.score for p in honest), default=0.0):.2f}"
    )


@pytest.mark.slow
def test_the_generated_class_seeded_mistakes_fail_with_their_hint(graded_class):
    records = gradebook.load(graded_class.out)
    for exercise, hint, students in graded_class.manifest.mistakes.values():
        for name in students:
            failed = [t for t in records[name]["tests"] if t["score"] < t["max_score"]]
            assert {t["extra_data"]["exercise"] for t in failed} == {exercise}
            assert any(hint in t.get("output", "") for t in failed)
    mistaken = {n for _, _, students in graded_class.manifest.mistakes.values() for n in students}
    honest = set(records) - mistaken
    assert all(
        records[n]["score"] == sum(t["max_score"] for t in records[n]["tests"]) for n in honest
    )
