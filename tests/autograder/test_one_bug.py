"""One bug, one exercise: while an exercise is harvested, the notebook's other targets that its cases
reach are their references, which neither the torch-call nor the d2lkit-call record counts."""

import dataclasses
import sys
import types
from pathlib import Path

import nbformat
import pytest

from autograder import engine, grade_cell, harvest, registry
from autograder.compare import reference_path
from autograder.grade import grade

ROOT = Path(__file__).resolve().parents[2]
SOFTMAX_NB = ROOT / "solutions" / "ch03" / "3.6-softmax-regression-scratch.ipynb"
HOUSE_NB = ROOT / "solutions" / "ch04" / "4.10-kaggle-house-price.ipynb"
BATCH_NORM_NB = ROOT / "solutions" / "ch07" / "7.5-batch-norm.ipynb"

WRONG_ACCURACY = """
def accuracy(y_hat, y):
    raise NotImplementedError
"""
WRONG_SOFTMAX = """
def softmax(X):
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    return X_exp / X_exp.sum(dim=0, keepdim=True)
"""
WRONG_LOG_RMSE = """
def log_rmse(net, features, labels):
    with torch.no_grad():
        return torch.sqrt(torch.mean((net(features) - labels) ** 2)).item()
"""
# a net that calls the notebook's softmax (here the reference's) and no forbidden API itself
NET_CALLING_EXP = """
class SoftmaxRegressionScratch(nn.Module):
    def __init__(self, num_inputs=784, num_outputs=10, sigma=0.01):
        super().__init__()
        self.W = nn.Parameter(torch.randn(num_inputs, num_outputs) * sigma)
        self.b = nn.Parameter(torch.zeros(num_outputs))

    def forward(self, X):
        O = X.reshape(-1, self.W.shape[0]) @ self.W + self.b
        O_exp = torch.exp(O - O.max(dim=1, keepdim=True).values)
        return O_exp / O_exp.sum(dim=1, keepdim=True)
"""


def _cells(source: Path, replace: dict[str, str]) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in replace:
            cell.source = replace[grade_id]
    return nb


def variant(tmp: Path, student: str, source: Path, replace: dict[str, str]) -> Path:
    path = tmp / student / source.name
    path.parent.mkdir(parents=True)
    nbformat.write(_cells(source, replace), path)
    return path


def notebook_module(monkeypatch, source: Path, replace: dict[str, str]) -> types.ModuleType:
    """The notebook's code cells up to its last grade cell (what its targets need), run as a
    module, as a kernel's `__main__`."""
    module = types.ModuleType(f"one_bug_{source.stem.replace('.', '_').replace('-', '_')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setenv(grade_cell.GRADE_MODE_VARIABLE, "grade")
    cells = [c for c in _cells(source, replace).cells if c.cell_type == "code"]
    last = max(i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade"))
    for cell in cells[: last + 1]:
        if not cell.metadata.get("autograder", {}).get("demo"):
            exec(compile(cell.source, source.name, "exec"), vars(module))  # noqa: S102
    monkeypatch.delenv(grade_cell.GRADE_MODE_VARIABLE)
    return module


def self_check(module: types.ModuleType, stem: str) -> dict[str, bool]:
    """Each exercise of the notebook through the student's `check()`: passed or not."""
    passed = {}
    for exercise in registry.for_notebook(stem):
        try:
            grade_cell.check(exercise.id, getattr(module, exercise.target))
            passed[exercise.id] = True
        except AssertionError:
            passed[exercise.id] = False
    return passed


def only_failing(passed: dict[str, bool]) -> set[str]:
    return {i for i, ok in passed.items() if not ok}


@pytest.mark.parametrize(
    ("replace", "failing"),
    [
        ({"ch03-accuracy-solution": WRONG_ACCURACY}, {"ch03.accuracy"}),
        ({"ch03-softmax-solution": WRONG_SOFTMAX}, {"ch03.softmax"}),
    ],
)
def test_the_self_check_fails_only_the_wrong_exercise(monkeypatch, capsys, replace, failing):
    module = notebook_module(monkeypatch, SOFTMAX_NB, replace)
    assert only_failing(self_check(module, SOFTMAX_NB.stem)) == failing
    # the student's functions are back in the notebook once the checks are done
    wrong = next(iter(failing)).split(".")[1]
    assert getattr(module, wrong).__module__ == module.__name__


def test_a_wrong_log_rmse_fails_only_log_rmse_in_the_self_check(monkeypatch, capsys):
    module = notebook_module(monkeypatch, HOUSE_NB, {"ch04-log_rmse-solution": WRONG_LOG_RMSE})
    assert only_failing(self_check(module, HOUSE_NB.stem)) == {"ch04.log_rmse"}


def test_the_substituted_reference_s_calls_are_not_the_student_s(monkeypatch):
    """`exp` and d2lkit's softmax are off limits for this net: it reaches both only through the
    notebook's `softmax`, which is the reference while the net is checked."""
    module = notebook_module(monkeypatch, SOFTMAX_NB, {})
    net = registry.get("ch03.net")
    strict = dataclasses.replace(net, forbidden=(*net.forbidden, "exp", "d2lkit.linear.softmax"))
    result = engine.check_in_process(strict, module.SoftmaxRegressionScratch)
    assert result.passed, result.message()
    # the net's own calls are still recorded
    exec(NET_CALLING_EXP, vars(module))  # noqa: S102
    result = engine.check_in_process(strict, module.SoftmaxRegressionScratch)
    assert not result.passed and "uses exp" in result.message(), result.message()


class _NeverPaused:
    """A pause that never holds: every call is recorded, the substituted references' too."""

    depth = property(lambda self: 0, lambda self, value: None)


def test_a_solution_reaching_reference_classes_passes_only_with_the_record_paused(monkeypatch):
    """7.5's `lenet_bn` builds the notebook's `BatchNorm` (the reference's class while it is
    checked), whose code is d2lkit's `batch_norm`, off limits to `lenet_bn` itself."""
    module = notebook_module(monkeypatch, BATCH_NORM_NB, {})
    lenet_bn = registry.get("ch07.lenet_bn")
    assert engine.check_in_process(lenet_bn, module.lenet_bn).passed
    monkeypatch.setattr(harvest, "_PAUSE", _NeverPaused())
    result = engine.check_in_process(lenet_bn, module.lenet_bn)
    assert not result.passed and "uses d2lkit.batch_norm" in result.message(), result.message()


def test_the_kernel_can_import_every_reference():
    for exercise in registry.exercises().values():
        assert harvest.resolve(reference_path(exercise)) is exercise.reference, exercise.id


def test_a_reference_generator_runs_unrecorded():
    from d2lkit import linear

    namespace = {"data_iter": None}
    exec("def student(X, y):\n    return list(data_iter(2, X, y))", namespace)  # noqa: S102
    payload = {"args": [linear.torch.ones(5, 2), linear.torch.ones(5)], "kwargs": {}}
    with harvest.substituted(namespace, {"data_iter": linear.data_iter}):
        result = harvest.run_case(namespace["student"], payload)
    assert result["ok"] and len(result["output"]) == 3, result
    assert result["py_calls"] == [] and result["torch_calls"] == []


def test_substituted_restores_the_namespace_and_pauses_the_record():
    from d2lkit import linear

    def own(X):
        raise NotImplementedError

    namespace = {"softmax": own}
    exec("def student(X):\n    return softmax(X)", namespace)  # noqa: S102
    payload = {"args": [linear.torch.ones(2, 3)], "kwargs": {}}
    with harvest.substituted(namespace, {"softmax": linear.softmax, "absent": linear.accuracy}):
        assert "absent" not in namespace
        result = harvest.run_case(namespace["student"], payload)
    assert namespace["softmax"] is own
    assert result["ok"] and result["torch_calls"] == [] and result["py_calls"] == []


def test_a_reference_class_and_the_modules_a_reference_returns_run_unrecorded():
    from d2lkit import modern_cnn

    namespace = {"Residual": object, "resnet_block": object}
    references = {"Residual": modern_cnn.Residual, "resnet_block": modern_cnn.resnet_block}
    with harvest.substituted(namespace, references):
        blocks = namespace["resnet_block"](3, 4, 2)
        net = namespace["Residual"](3, 3)
        payload = {"args": [modern_cnn.torch.ones(1, 3, 8, 8)], "kwargs": {}}
        results = [harvest.run_case(m, payload) for m in (blocks, net)]
    assert isinstance(net, modern_cnn.Residual) and isinstance(blocks[1], modern_cnn.Residual)
    for result in results:
        assert result["ok"] and result["torch_calls"] == [] and result["py_calls"] == []


@pytest.mark.slow
def test_under_the_grader_a_bug_costs_one_exercise(tmp_path):
    variant(tmp_path, "accuracy", SOFTMAX_NB, {"ch03-accuracy-solution": WRONG_ACCURACY})
    variant(tmp_path, "softmax", SOFTMAX_NB, {"ch03-softmax-solution": WRONG_SOFTMAX})
    variant(tmp_path, "log_rmse", HOUSE_NB, {"ch04-log_rmse-solution": WRONG_LOG_RMSE})
    graded = {g.submission.name: g for g in grade([tmp_path], jobs=1, show_progress=False)}
    expected = {
        "accuracy": (SOFTMAX_NB.stem, {"ch03.accuracy"}),
        "softmax": (SOFTMAX_NB.stem, {"ch03.softmax"}),
        "log_rmse": (HOUSE_NB.stem, {"ch04.log_rmse"}),
    }
    for student, (stem, failing) in expected.items():
        results = {i: r for i, r in graded[student].results.items() if r.exercise.notebook == stem}
        assert {i for i, r in results.items() if not r.passed} == failing, {
            i: r.message() for i, r in results.items()
        }
