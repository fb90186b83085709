"""What several test modules share: the comparison with torch, the one-line error, toy data and
the sample class's expected partial totals. Test modules import from here, never from each other."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import nbformat
import torch

ROOT = Path(__file__).resolve().parents[1]


def assert_same_values_and_grads(ours, reference, *inputs, **tol) -> None:
    """Run both implementations on the same leaves; compare outputs, then the gradients that one
    random upstream gradient pulls back through each. `tol`: rtol/atol for `assert_close`."""
    leaves = [x.detach().clone().requires_grad_(True) for x in inputs]
    out_ours, out_ref = ours(*leaves), reference(*leaves)
    torch.testing.assert_close(out_ours, out_ref, **tol)
    upstream = torch.randn_like(out_ref)
    grads_ours = torch.autograd.grad(out_ours, leaves, upstream)
    grads_ref = torch.autograd.grad(out_ref, leaves, upstream)
    for g_ours, g_ref in zip(grads_ours, grads_ref):
        torch.testing.assert_close(g_ours, g_ref, **tol)


def assert_one_line_error(captured, *fragments: str, prog: str = "d2lkit") -> None:
    """stderr is exactly one `PROG: error: ...` line holding every fragment, no traceback."""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"{prog}: error: "), captured.err
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in captured.err + captured.out


def separable_images(num_examples: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """(num_examples, 4, 4) uint8 images of 3 classes, each a noisy copy of its class's fixed
    pattern: a linear classifier separates them."""
    patterns = torch.randint(0, 256, (3, 4, 4), generator=torch.Generator().manual_seed(0))
    generator = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 3, (num_examples,), generator=generator)
    noise = torch.randn(num_examples, 4, 4, generator=generator) * 20
    return (patterns[y] + noise).clamp(0, 255).to(torch.uint8), y


def expected_partial(chapter: str) -> int:
    """The points of exactly the exercises whose solution cell the partial student filled in. An
    exercise's solution cell is the one named after its target, else the last solution cell
    before its grade cell (5.1's SequentialMLP is checked after the MySequential it builds on)."""
    from autograder import registry, release

    total = 0
    for path in sorted((ROOT / "assignments" / chapter).glob("*.ipynb")):
        released = nbformat.read(path, as_version=4)
        exercises = {e.grade_id: e for e in registry.for_notebook(path.stem)}
        solution_ids = [c.metadata.nbgrader.grade_id for c in release.code_solutions(released)]
        filled = set(solution_ids[: release.half(released)])
        last_solution = None
        for cell in released.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                last_solution = meta["grade_id"]
            elif meta.get("grade") and meta["grade_id"] in exercises:
                exercise = exercises[meta["grade_id"]]
                named = f"{chapter}-{exercise.target}-solution"
                if (named if named in solution_ids else last_solution) in filled:
                    total += exercise.points
    return total


INVENTORY = ROOT.parent / "shared" / "curriculum" / "d2l-inventory.md"
# the inventory's chapter 7 table rows by section, as `d2lkit train` names the models
_CHAPTER_7_MODELS = {
    "7.1": "alexnet",
    "7.2": "vgg11",
    "7.3": "nin",
    "7.4": "googlenet",
    "7.5": "lenet-bn",
    "7.6": "resnet18",
    "7.7": "densenet",
}
_RESULT = r"`loss ([\d.]+), train acc ([\d.]+), test acc ([\d.]+)`.{0,10}`([\d.]+) examples/sec"


def book_cnn_zoo() -> dict[str, tuple]:
    """name -> (section, lr, batch size, input side, (loss, train acc, test acc, examples/sec))
    of LeNet (6.6) and the chapter 7 models, as the book reports them (zh v2, on a V100), parsed
    from the curriculum inventory. 7.5's row is the scratch batch norm's."""
    text = INVENTORY.read_text(encoding="utf-8")
    lenet = text[text.index("#### 6.6 ") : text.index("### Chapter 7 ")]
    zoo = {
        "lenet": (
            "6.6",
            float(re.search(r"lr ([\d.]+)", lenet)[1]),
            int(re.search(r"batch (\d+)", lenet)[1]),
            int(re.search(r"(\d+)×\d+", lenet)[1]),
            tuple(float(v) for v in re.search(_RESULT, lenet).groups()),
        )
    }
    row = r"^\| (7\.\d) ([^|]+) \| \D*(\d+) \| ([\d.]+) \| (\d+) \| " + _RESULT
    for section, model, size, lr, batch, *book in re.findall(row, text, re.MULTILINE):
        if "concise" in model:
            continue
        zoo[_CHAPTER_7_MODELS[section]] = (
            section, float(lr), int(batch), int(size), tuple(float(v) for v in book)
        )  # fmt: skip
    return zoo


# the inventory's chapter 9 table rows, as `d2lkit train` names the models
_CHAPTER_9_MODELS = {
    "9.1 GRU scratch": "gru",
    "9.1 GRU concise": "gru-concise",
    "9.2 LSTM scratch": "lstm",
    "9.2 LSTM concise": "lstm-concise",
    "9.3 deep LSTM": "deep-lstm",
    "9.4 BiLSTM": "bi-lstm",
}


def book_language_models() -> dict[str, tuple]:
    """name -> (section, lr, (perplexity, tokens/sec)) of the language models of 8.5-9.4 as the
    book reports them (zh v2, on a V100), parsed from the curriculum inventory."""
    text = INVENTORY.read_text(encoding="utf-8")
    models = {}
    for name, section, head in (("rnn", "8.5", "#### 8.5 "), ("rnn-concise", "8.6", "#### 8.6 ")):
        body = text[text.index(head) :]
        body = body[: body.index("\n#### ", 1)]
        lr = float(re.search(r"lr (\d+(?:\.\d+)?)", body)[1])
        # 8.5 prints its line in Chinese: 困惑度 (perplexity) ..., 词元/秒 (tokens/sec)
        result = re.search(r"(?:perplexity|困惑度) ([\d.]+), ([\d.]+) (?:tokens/sec|词元/秒)", body)
        models[name] = (section, lr, (float(result[1]), float(result[2])))
    row = (
        r"^\| (9\.\d [^|\[]+?) (?:\[\w\] )?\| [^|]+ \| \d+ \| \D*([\d.]+)[^|]* \| "
        r"`perplexity ([\d.]+), ([\d.]+) tokens/sec"
    )
    for label, lr, perplexity, speed in re.findall(row, text, re.MULTILINE):
        models[_CHAPTER_9_MODELS[label]] = (
            label[:3], float(lr), (float(perplexity), float(speed))
        )  # fmt: skip
    return models


def container_user(name: str) -> str | None:
    """`name`, an unprivileged user the container-mode tests run notebooks as (each test module
    its own: the grader kills every process of the user after each notebook), made if missing;
    None where that needs root and this is not root (CI runs as root)."""
    if os.geteuid() != 0:
        return None
    for _ in range(10):
        if subprocess.run(["id", "-u", name], capture_output=True).returncode == 0:
            return name
        if shutil.which("useradd") is None:
            return None
        # a useradd of another test process may hold the lock on /etc/passwd a moment
        make = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name]
        if subprocess.run(make, capture_output=True).returncode != 0:
            time.sleep(0.5)
    return None


def borrowing_venv(venv: Path) -> Path:
    """A new virtual environment at `venv` that borrows this one's libraries by a plain path line
    (so that installing into it needs no download); returns its Python. A path line runs none of
    this environment's `.pth` files: the staff's editable d2lkit and autograder stay out."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python
