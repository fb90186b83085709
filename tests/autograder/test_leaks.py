"""No answer in a given cell: copies of a graded answer are found however they are dressed, helpers
built on torch are not, and the released notebooks give nothing away."""

import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import leaks

ROOT = Path(__file__).resolve().parents[2]

CORR2D = '''
def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """2-D cross-correlation."""
    ### BEGIN SOLUTION
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
    ### END SOLUTION
'''

RELU = """
def relu(X):
    ### BEGIN SOLUTION
    return torch.max(X, torch.zeros_like(X))
    ### END SOLUTION
"""

MLP = """
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.hidden = nn.Linear(20, 256)
        self.out = nn.Linear(256, 10)
        ### END SOLUTION

    def forward(self, X):
        ### BEGIN SOLUTION
        return self.out(F.relu(self.hidden(X)))
        ### END SOLUTION
"""

SHIFT = """
def shift(X):
    ### BEGIN SOLUTION
    return X
    ### END SOLUTION
"""

IMPORTS = "import torch\nfrom torch import nn\nfrom torch.nn import functional as F\n"
GLOBALS = leaks.notebook_globals([IMPORTS, "def corr2d(X, K): pass"])
"""A notebook's imports, and a corr2d its cells call."""

ANSWERS = [
    *leaks.solution_answers(CORR2D, "ch06.corr2d", "6.2-conv-layer", GLOBALS),
    *leaks.solution_answers(RELU, "ch04.relu", "4.1-mlp", GLOBALS),
    *leaks.solution_answers(MLP, "ch05.mlp", "5.1-model-construction", GLOBALS),
    *leaks.solution_answers(SHIFT, "ch05.shift", "5.4-custom-layer", GLOBALS),
]

LEAKS = {
    "exact copy": (
        CORR2D.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""),
        ("ch06.corr2d", True),
    ),
    "renamed locals and function, no docstring or annotations": (
        """
def cross_correlate(A, B):
    kh, kw = B.shape
    out = A.new_zeros((A.shape[0] - kh + 1, A.shape[1] - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = (A[r : r + kh, c : c + kw] * B).sum()
    return out
""",
        ("ch06.corr2d", True),
    ),
    "reformatted, with comments": (
        """
def corr2d(X, K):
    h, w = K.shape  # kernel size
    Y = X.new_zeros(
        (X.shape[0] - h + 1,
         X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]): Y[i, j] = (X[i:i+h, j:j+w] * K).sum()
    return (Y)
""",
        ("ch06.corr2d", True),
    ),
    "inside a longer helper": (
        """
def corr2d_checked(X, K):
    if X.dim() != 2:
        raise ValueError("X must be 2-D")
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y
""",
        ("ch06.corr2d", True),
    ),
    "a part of it in a longer loop": (
        """
def corr2d_batch(Xs, K):
    outputs = []
    for X in Xs:
        h, w = K.shape
        Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
        for i in range(Y.shape[0]):
            for j in range(Y.shape[1]):
                Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
        outputs.append(Y)
    return torch.stack(outputs)
""",
        ("ch06.corr2d", False),
    ),
    "a closure over the kernel": (
        """
def make_corr2d(K):
    def apply(X):
        h, w = K.shape
        Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
        for i in range(Y.shape[0]):
            for j in range(Y.shape[1]):
                Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
        return Y

    return apply
""",
        ("ch06.corr2d", True),
    ),
    "a one-line answer, renamed": (
        "def rectify(Z):\n    return torch.max(Z, torch.zeros_like(Z))\n",
        ("ch04.relu", True),
    ),
    "a class with its own attribute names": (
        """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(20, 256)
        self.output = nn.Linear(256, 10)

    def forward(self, x):
        return self.output(F.relu(self.hidden(x)))
""",
        ("ch05.mlp", True),
    ),
    "the double loop alone, on an earlier cell's variables": (
        """
h, w = K.shape
Y = torch.zeros((3, 3))
for i in range(Y.shape[0]):
    for j in range(Y.shape[1]):
        Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
""",
        ("ch06.corr2d", False),
    ),
}

GIVEN = {
    "a torch built-in": (
        "def corr2d(X, K):\n    return F.conv2d(X[None, None], K[None, None])[0, 0]\n"
    ),
    "a strided view and einsum": """
def corr2d(X, K):
    h, w = K.shape
    out = (X.shape[0] - h + 1, X.shape[1] - w + 1)
    windows = X.as_strided((*out, h, w), (*X.stride(), *X.stride()))
    return torch.einsum("ijab,ab->ij", windows, K)
""",
    "torch.relu": "def relu(X):\n    return torch.relu(X)\n",
    "a trivial line every notebook has": "def identity(X):\n    return X\n",
    "an nn.Sequential of the same shape": (
        "def mlp():\n    return nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))\n"
    ),
    "a global where the answer has a local": (
        "def relu(X):\n    return torch.max(X, torch.zeros_like(W))\n"
    ),
    "a demo": "X = torch.ones((6, 8))\nX[:, 2:6] = 0\nY = corr2d(X, torch.tensor([[1.0, -1.0]]))\n",
    "IPython magic": "%timeit corr2d(X, K)\n",
}


@pytest.mark.parametrize("source, found", LEAKS.values(), ids=LEAKS.keys())
def test_a_given_cell_with_an_answer_leaks_it(source, found):
    """`found`: (the exercise, whether the whole answer is there)."""
    assert [(a.exercise, a.whole) for a in leaks.given_leaks(source, ANSWERS, GLOBALS)] == [found]


@pytest.mark.parametrize("source", GIVEN.values(), ids=GIVEN.keys())
def test_a_given_cell_without_an_answer_does_not(source):
    assert leaks.given_leaks(source, ANSWERS, GLOBALS) == []


def test_trivial_answers_are_not_looked_for():
    assert leaks.solution_answers(SHIFT, "ch05.shift", "5.4-custom-layer", GLOBALS) == []


def test_a_leak_in_a_release_names_the_notebook_the_cell_and_the_exercise(tmp_path):
    for folder in ("solutions", "assignments"):
        shutil.copytree(ROOT / folder / "ch06", tmp_path / folder / "ch06")
    path = tmp_path / "assignments" / "ch06" / "6.4-channels.ipynb"
    nb = nbformat.read(path, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "def corr2d(" in c.source)
    body = CORR2D.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")
    nb.cells[index].source = "import torch\n\nfrom autograder import check\n" + body
    nbformat.write(nb, path)
    assert leaks.check(tmp_path) == [
        f"assignments/ch06/6.4-channels.ipynb cell {index} (id {nb.cells[index].id}) "
        "gives away ch06.corr2d (6.2-conv-layer)"
    ]


def test_no_released_notebook_gives_an_answer_away():
    assert leaks.check(ROOT) == []
