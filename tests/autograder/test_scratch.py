"""The static "from scratch" judge: every rule on a table of cells, and no finding on the kit's own
solutions and sample class."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograder import registry
from autograder.compare import qualname
from autograder.scratch import Finding, scan, student_cells
from autograder.scratch_source import python_source

ROOT = Path(__file__).resolve().parents[2]

HEAD = "import torch\nfrom torch import nn\nfrom torch.nn import functional as F\n"
SOFTMAX = (
    "def softmax(X):\n    X_exp = torch.exp(X)\n    return X_exp / X_exp.sum(1, keepdim=True)\n"
)
CORR2D = (
    "def corr2d(X, K):\n"
    "    h, w = K.shape\n"
    "    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))\n"
    "    for i in range(Y.shape[0]):\n"
    "        for j in range(Y.shape[1]):\n"
    "            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()\n"
    "    return Y\n"
)


def _softmax(body: str) -> str:
    return f"def softmax(X):\n    {body}\n"


# (exercise, code of the student's cell after HEAD, a substring of the expected finding or None)
TABLE = [
    # (a) forbidden APIs in code the target reaches, by every route
    (
        "ch03.softmax",
        _softmax("return torch.softmax(X, 1)"),
        "calls torch.softmax, which this exercise",
    ),
    ("ch03.softmax", _softmax("return F.softmax(X, dim=1)"), "calls torch.nn.functional.softmax"),
    ("ch03.softmax", _softmax("return X.softmax(1)"), "calls .softmax"),
    ("ch03.softmax", _softmax("return nn.functional.log_softmax(X, 1).exp()"), "log_softmax"),
    ("ch03.softmax", _softmax("return torch.special.softmax(X, 1)"), "torch.special.softmax"),
    (
        "ch03.softmax",
        _softmax("return nn.Softmax(dim=1)(X)"),
        "torch.nn.Softmax, which computes softmax",
    ),
    (
        "ch03.softmax",
        "from torch.nn.functional import softmax as s\n" + _softmax("return s(X, 1)"),
        "calls torch.nn.functional.softmax",
    ),
    ("ch03.softmax", "sm = torch.softmax\n" + _softmax("return sm(X, 1)"), "uses torch.softmax"),
    (
        "ch03.softmax",
        "def helper(X):\n    return torch.softmax(X, 1)\n" + _softmax("return helper(X)"),
        "calls torch.softmax",
    ),
    (
        "ch03.softmax",
        "class K:\n    f = staticmethod(F.softmax)\n" + _softmax("return K.f(X, 1)"),
        "uses torch.nn.functional.softmax",
    ),
    ("ch03.softmax", _softmax("return getattr(torch, 'softmax')(X, 1)"), "uses torch.softmax"),
    ("ch03.softmax", _softmax("f = X.softmax\n    return f(1)"), "uses .softmax"),
    ("ch03.softmax", _softmax("return getattr(X, 'soft' + 'max')(1)"), "looks up softmax by name"),
    (
        "ch03.softmax",
        _softmax(
            "n = [n for n in dir(X) if n.startswith('softm')][0]\n    return getattr(X, n)(1)"
        ),
        "looks up a name computed at run time",
    ),
    # the four tricks
    (
        "ch03.softmax",
        "import sys\n" + _softmax("sys.setprofile(None)\n    return torch.softmax(X, 1)"),
        "replaces the profiler",
    ),
    (
        "ch03.softmax",
        "import sys\n" + _softmax("sys.setprofile(None)\n    return torch.softmax(X, 1)"),
        "calls torch.softmax",
    ),
    (
        "ch03.softmax",
        _softmax("torch._C._set_torch_function_mode(None)\n    return X"),
        "dispatch internals",
    ),
    (
        "ch03.softmax",
        "from torch.overrides import TorchFunctionMode\n",
        "torch.overrides.TorchFunctionMode",
    ),
    ("ch03.softmax", "with torch._C.DisableTorchFunction():\n    pass\n", "dispatch internals"),
    ("ch03.softmax", "torch.overrides._pop_mode()\n", "dispatch internals"),
    (
        "ch03.softmax",
        _softmax('return getattr(torch, "soft" + "max")(X, 1)'),
        "computes a name at run time and looks it up on torch",
    ),
    ("ch03.softmax", _softmax('return getattr(torch, "soft" + "max")(X, 1)'), "uses torch.softmax"),
    (
        "ch03.softmax",
        "import operator\n" + _softmax("return operator.methodcaller('soft' + 'max', 1)(X)"),
        "looks up softmax by name",
    ),
    (
        "ch03.softmax",
        "import d2lkit\n" + _softmax("return d2lkit.softmax(X)"),
        "calls d2lkit.softmax, the exercise's reference",
    ),
    # the reference, however it is imported
    (
        "ch03.softmax",
        "from d2lkit.linear import softmax\n",
        "imports d2lkit.linear.softmax, the exercise's",
    ),
    (
        "ch03.softmax",
        "import d2lkit as d2l\n" + _softmax("return d2l.softmax(X)"),
        "the exercise's reference",
    ),
    (
        "ch03.softmax",
        "import d2lkit.linear\n" + _softmax("return d2lkit.linear.softmax(X)"),
        "reference",
    ),
    (
        "ch03.softmax",
        "import d2lkit as d2l\nsoftmax = d2l.softmax\n",
        "uses d2lkit.softmax, the exercise's",
    ),
    (
        "ch03.softmax",
        "from torch.nn.functional import *\n" + _softmax("return log_softmax(X, 1).exp()"),
        "calls torch.nn.functional.log_softmax",
    ),
    (
        "ch03.softmax",
        _softmax("from torch.nn.functional import softmax as s\n    return s(X, 1)"),
        "imports torch.nn.functional.softmax",
    ),
    ("ch03.softmax", _softmax("return type(X).softmax(X, 1)"), "calls type().softmax"),
    (
        "ch04.mlp_scratch",
        "class MLPScratch(nn.Module):\n    def __init__(self, i, o, h):\n"
        "        super().__init__()\n        self.net = nn.Sequential(nn.LazyLinear(h), nn.ReLU())\n",
        "torch.nn.LazyLinear, which computes linear",
    ),
    (
        "ch03.softmax",
        "class Mine:\n    def softmax(self):\n        pass\n" + _softmax("return X.softmax(1)"),
        "calls .softmax",
    ),
    (
        "ch03.softmax",
        "from d2l import torch as d2l\n" + _softmax("return d2l.softmax(X)"),
        "the book's own",
    ),
    # only code the target reaches is judged for (a)
    ("ch03.softmax", SOFTMAX + "P = torch.softmax(torch.ones(2, 3), 1)\n", None),
    (
        "ch03.softmax",
        SOFTMAX + "def check_mine(X):\n    return torch.softmax(X, 1) - softmax(X)\n",
        None,
    ),
    (
        "ch03.softmax",
        SOFTMAX + "import d2lkit as d2l\nwant = d2l.softmax(torch.ones(2, 3))\n",
        None,
    ),
    ("ch03.softmax", SOFTMAX + "softmax.doc = F.softmax\n", "uses torch.nn.functional.softmax"),
    ("ch03.softmax", _softmax("X = torch.exp(X)\n    return X / X.sum(1, keepdim=True)"), None),
    # (b) blinding constructs anywhere
    ("ch03.softmax", SOFTMAX + "import sys\nsys.settrace(None)\n", "installs a tracer"),
    ("ch03.softmax", SOFTMAX + "from sys import setprofile\n", "replaces the profiler"),
    (
        "ch03.softmax",
        SOFTMAX + "import threading\nthreading.setprofile(None)\n",
        "replaces the profiler",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "import sys\nsys.monitoring.use_tool_id(3, 'x')\n",
        "installs a monitor",
    ),
    ("ch03.softmax", SOFTMAX + "with torch.profiler.profile():\n    pass\n", "profiler"),
    ("ch03.softmax", SOFTMAX + "with torch.autograd.profiler.profile():\n    pass\n", "profiler"),
    (
        "ch03.softmax",
        SOFTMAX + "from torch.utils._python_dispatch import TorchDispatchMode\n",
        "dispatch",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "class M:\n    def __torch_function__(self, *a):\n        pass\n",
        "defines",
    ),
    ("ch03.softmax", SOFTMAX + "torch.ops.aten._softmax\n", "torch's operators"),
    (
        "ch03.softmax",
        SOFTMAX + "name = 'softmax'\nf = getattr(torch, name)\n",
        "computes a name at run time",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "T = torch.Tensor\nhasattr(T, 'x' + 'y')\n",
        "looks it up on torch.Tensor",
    ),
    ("ch03.softmax", SOFTMAX + "getattr(type(torch.ones(1)), 'soft' 'max')\n", None),
    (
        "ch03.softmax",
        SOFTMAX + "getattr(type(torch.ones(1)), ''.join(['so', 'ftmax']))\n",
        "run time",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "import d2lkit\ngetattr(d2lkit, 'soft' + 'max')\n",
        "looks it up on d2lkit",
    ),
    ("ch03.softmax", SOFTMAX + "vars(torch)['softmax']\n", "looks it up on torch"),
    (
        "ch03.softmax",
        SOFTMAX + "import operator\nname = 'f'\noperator.methodcaller(name)\n",
        "by name",
    ),
    ("ch03.softmax", SOFTMAX + "eval('torch.softmax')\n", "uses eval"),
    ("ch03.softmax", SOFTMAX + "exec('import sys')\n", "uses exec"),
    ("ch03.softmax", SOFTMAX + "c = compile('1', 'x', 'eval')\n", "uses compile"),
    ("ch03.softmax", SOFTMAX + "m = __import__('sys')\n", "uses __import__"),
    ("ch03.softmax", SOFTMAX + "import importlib\n", "imports importlib"),
    ("ch03.softmax", SOFTMAX + "import builtins\nbuiltins.len = None\n", "imports builtins"),
    ("ch03.softmax", SOFTMAX + "__builtins__.print = None\n", "__builtins__"),
    ("ch03.softmax", SOFTMAX + "globals()['x'] = 1\n", "uses globals"),
    ("ch03.softmax", SOFTMAX + "import autograder\n", "imports autograder"),
    ("ch03.softmax", SOFTMAX + "from autograder import harvest\n", "reaches the grader"),
    ("ch03.softmax", SOFTMAX + "from autograder.harvest import _recording\n", "reaches the grader"),
    (
        "ch03.softmax",
        SOFTMAX + "from autograder import check\ncheck.x = 1\n",
        "replaces autograder.check.x",
    ),
    ("ch03.softmax", SOFTMAX + "from autograder import check as c\n", "reaches the grader"),
    ("ch03.softmax", SOFTMAX + "torch.softmax = softmax\n", "replaces torch.softmax"),
    ("ch03.softmax", SOFTMAX + "F.relu = lambda X: X\n", "replaces torch.nn.functional.relu"),
    ("ch03.softmax", SOFTMAX + "torch.Tensor.sum = lambda X: X\n", "replaces torch.Tensor.sum"),
    ("ch03.softmax", SOFTMAX + "setattr(torch, 'exp', None)\n", "setattr on torch"),
    (
        "ch03.softmax",
        SOFTMAX + "del torch.nn.functional.softmax\n",
        "replaces torch.nn.functional.softmax",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "import sys\nsys.modules['autograder.harvest'] = None\n",
        "sys.modules",
    ),
    ("ch03.softmax", SOFTMAX + "type(torch.ones(1)).sum = None\n", "replaces type().sum"),
    ("ch03.softmax", SOFTMAX + "softmax.__globals__['torch'] = None\n", ".__globals__"),
    ("ch03.softmax", SOFTMAX + "x = torch.ones(1).__class__\n", ".__class__"),
    ("ch03.softmax", SOFTMAX + "x = softmax.__code__\n", ".__code__"),
    ("ch03.softmax", SOFTMAX + "import gc\ngc.get_referrers(softmax)\n", "garbage collector"),
    ("ch03.softmax", SOFTMAX + "import inspect\ninspect.currentframe().f_back\n", "frames"),
    ("ch03.softmax", SOFTMAX + "import sys\nsys._getframe(1)\n", "frames"),
    ("ch03.softmax", SOFTMAX + "import ctypes\n", "imports ctypes"),
    ("ch03.softmax", SOFTMAX + "import sys\n%time sys.setprofile(None)\n", "replaces the profiler"),
    (
        "ch03.softmax",
        "%%capture\n" + SOFTMAX + "torch.softmax = softmax\n",
        "replaces torch.softmax",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "import functools\nfunctools.reduce(getattr, ['nn'], torch)\n",
        "passes getattr",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "import pickle\npickle.loads(b'')\n",
        "runs code the grader cannot read",
    ),
    ("ch03.softmax", SOFTMAX + "torch.load('x.pt', weights_only=False)\n", "weights_only"),
    ("ch03.softmax", SOFTMAX + "get_ipython().run_cell('1')\n", "uses get_ipython"),
    (
        "ch03.softmax",
        SOFTMAX + "import numpy as np\nnp.sys.setprofile(None)\n",
        "replaces the profiler",
    ),
    ("ch03.softmax", SOFTMAX + "F.torch._C\n", "dispatch internals"),
    (
        "ch03.softmax",
        SOFTMAX + "import inspect\ninspect.getmembers(F)\n",
        "looks names up at run time",
    ),
    ("ch03.softmax", SOFTMAX + "x = F.__getattr__\n", ".__getattr__"),
    (
        "ch03.softmax",
        SOFTMAX + "get_ipython().run_line_magic('time', 'sys.setprofile(None)')\n",
        "get_ipython",
    ),
    (
        "ch03.softmax",
        "%%writefile mine.py\nimport torch\ndef softmax(X):\n    return torch.softmax(X, 1)\n",
        "calls torch.softmax",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "if (1\n    != 2):\n    x = 1\n%time torch.softmax = None\n",
        "replaces torch.softmax",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "import __main__\n__main__.softmax = F.softmax\n",
        "imports __main__",
    ),
    (
        "ch03.softmax",
        SOFTMAX + "class T(torch.Tensor):\n    __torch_function__ = None\n",
        "defines __torch_function__",
    ),
    # (c) ordinary code stays legal
    ("ch03.softmax", SOFTMAX + "torch.backends.cudnn.benchmark = True\n", None),
    ("ch03.softmax", SOFTMAX + "x = (1\n    != 2)\n%time y = 1\n", None),
    ("ch03.softmax", "%%bash\nls -l\n", None),
    (
        "ch03.softmax",
        SOFTMAX + "from IPython import display\ndisplay.clear_output(wait=True)\n",
        None,
    ),
    (
        "ch03.softmax",
        SOFTMAX + "net = torch.load('x.pt', weights_only=True)\nprint(torch.__version__)\n",
        None,
    ),
    (
        "ch03.softmax",
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.softmax = nn.Identity()\n"
        "    def forward(self, X):\n        return self.softmax(X)\n" + "softmax = Net()\n",
        None,
    ),
    (
        "ch03.softmax",
        SOFTMAX + "from autograder import check\ncheck('ch03.softmax', softmax)\n",
        None,
    ),
    ("ch03.softmax", SOFTMAX + "%matplotlib inline\n!ls\nfiles = !ls\nsoftmax?\n", None),
    (
        "ch03.softmax",
        SOFTMAX + "torch.manual_seed(0)\nwith torch.no_grad():\n    y = softmax(torch.ones(2))\n",
        None,
    ),
    (
        "ch03.softmax",
        SOFTMAX
        + "import d2lkit as d2l\ntrain_iter, test_iter = d2l.load_data_fashion_mnist(256)\n",
        None,
    ),
    (
        "ch03.softmax",
        SOFTMAX + "net = nn.Sequential(nn.Linear(4, 2))\nnet[0].weight.data.normal_(0, 0.01)\n",
        None,
    ),
    (
        "ch03.softmax",
        SOFTMAX + "def sgd(params, lr):\n    for param in params:\n"
        "        param.data -= lr * param.grad\n        param.grad.zero_()\n",
        None,
    ),
    (
        "ch03.softmax",
        SOFTMAX + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        for i in range(2):\n            setattr(self, f'conv{i}', nn.LazyConv2d(4, 3))\n"
        "    def forward(self, X):\n        return getattr(self, f'conv{1}')(X)\n",
        None,
    ),
    (
        "ch03.softmax",
        SOFTMAX + "net = nn.Sequential(nn.ReLU())\nfor layer in net:\n"
        "    print(layer.__class__.__name__)\n",
        None,
    ),
    (
        "ch03.softmax",
        SOFTMAX + "net = nn.Linear(2, 2)\nnet.eval()\nimport re\nre.compile('x')\n",
        None,
    ),
    ("ch03.softmax", SOFTMAX + "def f(:\n    torch.softmax = softmax\n", None),
    # chapter 6: corr2d, with the convolution built-ins and d2lkit.cnn off limits
    ("ch06.corr2d", CORR2D, None),
    (
        "ch06.corr2d",
        "def corr2d(X, K):\n    return F.conv2d(X[None, None], K[None, None])[0, 0]\n",
        "calls torch.nn.functional.conv2d",
    ),
    (
        "ch06.corr2d",
        "def corr2d(X, K):\n    h, w = K.shape\n    P = X.unfold(0, h, 1).unfold(1, w, 1)\n"
        "    return (P * K).sum((-1, -2))\n",
        "calls .unfold",
    ),
    (
        "ch06.corr2d",
        "def corr2d(X, K):\n    c = nn.Conv2d(1, 1, K.shape, bias=False)\n    return c(X)\n",
        "torch.nn.Conv2d, which computes conv2d",
    ),
    (
        "ch06.corr2d",
        "from d2lkit.cnn import corr2d\n",
        "imports d2lkit.cnn.corr2d, the exercise's reference",
    ),
    (
        "ch06.corr2d",
        "import d2lkit.cnn as cnn\ndef corr2d(X, K):\n    return cnn.corr2d_multi_in(X[None], K[None])\n",
        "from d2lkit.cnn",
    ),
    (
        "ch06.corr2d",
        "import sys\ndef corr2d(X, K):\n    sys.setprofile(None)\n    return F.conv2d(X, K)\n",
        "replaces the profiler",
    ),
    (
        "ch06.corr2d",
        "def corr2d(X, K):\n    torch._C._set_torch_function_mode(None)\n    return X\n",
        "dispatch internals",
    ),
    (
        "ch06.corr2d",
        "def corr2d(X, K):\n    return getattr(F, 'con' + 'v2d')(X, K)\n",
        "looks it up on torch",
    ),
    (
        "ch06.corr2d",
        "import d2lkit\ndef corr2d(X, K):\n    return d2lkit.cnn.corr2d(X, K)\n",
        "reference",
    ),
    (
        "ch06.corr2d",
        CORR2D + "Y = F.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))\n",
        None,
    ),
]


def _exercise_args(exercise_id: str) -> dict:
    exercise = registry.get(exercise_id)
    return {
        "target": exercise.target,
        "forbidden": exercise.forbidden,
        "reference": qualname(exercise.reference),
    }


@pytest.mark.parametrize(("exercise_id", "code", "expected"), TABLE)
def test_rule(exercise_id: str, code: str, expected: str | None) -> None:
    findings = scan([(3, HEAD + code)], **_exercise_args(exercise_id))
    if expected is None:
        assert findings == []
    else:
        assert any(expected in f.reason for f in findings), findings


def test_a_finding_says_where_and_why() -> None:
    [finding] = scan(
        [(5, HEAD + _softmax("return torch.softmax(X, 1)"))], **_exercise_args("ch03.softmax")
    )
    assert finding == Finding(
        5,
        5,
        "return torch.softmax(X, 1)",
        "calls torch.softmax, which this exercise asks you to write yourself",
    )
    assert str(finding).startswith("cell 5, line 5: return torch.softmax(X, 1)\n  calls")


def test_the_target_is_followed_through_given_code() -> None:
    given = [(0, HEAD), (2, "def corpus_counts(X):\n    return dict(softmax(X))\n")]
    mine = [(1, _softmax("return F.softmax(X, 1)"))]
    args = _exercise_args("ch03.softmax") | {"target": "corpus_counts"}
    [finding] = scan(mine, given=given, **args)
    assert (finding.cell, finding.line) == (1, 2)
    # the release's own code is never reported
    assert scan([], given=[(0, HEAD + _softmax("return F.softmax(X, 1)"))], **args) == []


def test_a_base_class_the_release_imports_is_the_kits_interface() -> None:
    given = [
        (0, HEAD + "import d2lkit as d2l\nfrom d2lkit.cnn import Conv2D, corr2d_multi_in, corr2d\n")
    ]
    args = _exercise_args("ch06.corr2d")
    subclass = (
        CORR2D
        + "class C(Conv2D):\n    def forward(self, X):\n        return corr2d(X, self.weight)\n"
    )
    assert scan([(1, subclass)], given=given, **args | {"target": "C"}) == []
    [finding] = scan(
        [(1, "def corr2d(X, K):\n    return corr2d_multi_in(X, K)\n")], given=given, **args
    )
    assert "from d2lkit.cnn" in finding.reason
    [finding] = scan(
        [(1, "def corr2d(X, K):\n    return d2l.cnn.corr2d_multi_in(X, K)\n")], given=given, **args
    )
    assert "from d2lkit.cnn" in finding.reason
    [finding] = scan(
        [(1, "def f(X, K):\n    return corr2d(X, K)\n")], given=given, **args | {"target": "f"}
    )
    assert "the exercise's reference" in finding.reason


def test_a_copy_of_a_release_import_cell_that_rebinds_the_target() -> None:
    given = [(0, HEAD), (1, "from d2lkit.cnn import corr2d\n")]
    mine = [(2, CORR2D)]
    assert scan(mine, given=given, **_exercise_args("ch06.corr2d")) == []
    [finding] = scan(mine, given=[*given, (3, given[1][1])], **_exercise_args("ch06.corr2d"))
    assert (finding.cell, finding.line) == (3, 1)
    assert "the exercise's reference" in finding.reason


def test_student_cells_are_the_ones_the_release_does_not_have() -> None:
    given = ["import torch\n", "def softmax(X):\n    raise NotImplementedError\n", "check()"]
    submitted = ["import torch  \n\n", "def softmax(X):\n    return X\n", "", "check()", "x = 1"]
    assert student_cells(submitted, given) == [(1, submitted[1]), (4, "x = 1")]


def test_ipython_syntax_is_blanked_line_for_line() -> None:
    assert (
        python_source("%matplotlib inline\nx = 1\n!ls\ny = !ls\nx?")
        == "pass\nx = 1\npass\ny = None\npass"
    )
    assert python_source("%timeit -n 10 f(x)") == "f(x)"
    assert python_source("%%bash\nls") is None


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


NOTEBOOKS = sorted(ROOT.glob("solutions/ch*/*.ipynb")) + sorted(
    ROOT.glob("samples/class/*/ch*/*.ipynb")
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_finding_on_the_kits_notebooks(path: Path) -> None:
    exercises = registry.for_notebook(path.stem)
    if not exercises:
        pytest.skip("no graded exercise")
    chapter = re.search(r"ch\d\d", path.as_posix()).group()
    submitted = _code_cells(path)
    mine = student_cells(submitted, _code_cells(ROOT / "assignments" / chapter / path.name))
    given = [(i, s) for i, s in enumerate(submitted) if i not in {j for j, _ in mine}]
    for exercise in exercises:
        findings = scan(mine, given=given, **_exercise_args(exercise.id))
        assert findings == [], f"{exercise.id}: {[str(f) for f in findings]}"


def test_5_1_my_sequential_may_not_lean_on_nn_sequential():
    exercise = registry.get("ch05.my_sequential")
    given = [
        (0, "import torch\nfrom torch import nn\n"),
        (2, "def SequentialMLP(*sizes):\n    return MySequential(nn.Linear(2, 3), nn.ReLU())\n"),
    ]
    rule = dict(target=exercise.target, forbidden=exercise.forbidden, given=given)
    rule["reference"] = qualname(exercise.reference)
    borrowed = [(1, "class MySequential(nn.Sequential):\n    pass\n")]
    assert "torch.nn.Sequential" in scan(borrowed, **rule)[0].reason
    own = [
        (
            1,
            "class MySequential(nn.Module):\n"
            "    def __init__(self, *blocks):\n"
            "        super().__init__()\n"
            "        for i, block in enumerate(blocks):\n"
            "            self.add_module(str(i), block)\n\n"
            "    def forward(self, X):\n"
            "        for block in self.children():\n"
            "            X = block(X)\n"
            "        return X\n",
        )
    ]
    assert scan(own, **rule) == []
