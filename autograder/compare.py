"""Judge a student's outputs against the reference's. Runs in the grader (or checker) process only."""

from __future__ import annotations

import math
from typing import Any

import torch

from autograder.results import Failure, Problem, hint_id, kind_of
from autograder.spec import Case, Compare, Exercise

# (rtol, atol) by dtype, a little looser than torch.testing's defaults: a student's formula may sum
# in another order than the reference's.
TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float16: (1e-3, 1e-4),
    torch.bfloat16: (1.6e-2, 1e-4),
    torch.float32: (1e-5, 1e-6),
    torch.float64: (1e-7, 1e-9),
}
GRAD_LOOSENING = 10.0
DEFAULT = Compare()
PLAIN_TYPES = (torch.Tensor, bool, int, float, str, type(None), list, tuple, dict)


def check_plain(value: Any, where: str = "output") -> None:
    """Re-check in the grader that loaded outputs are plain data, whatever the kernel claimed."""
    if type(value) not in PLAIN_TYPES:
        raise TypeError(f"{where} is a {type(value).__qualname__}, not plain data")
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            check_plain(v, f"{where}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_plain(v, f"{where}[{k!r}]")


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def compare_values(
    expected: Any, got: Any, spec: Compare, where: str = "output", scale: float = 1.0
) -> str | None:
    """The first difference between `expected` and `got`, as a message, or None if they agree.

    `scale` multiplies the tolerances (gradients pass through more floating-point operations).
    """
    if isinstance(expected, torch.Tensor) and got is None:
        return Problem(f"{where}: expected a tensor, got None", "shape")
    if isinstance(expected, torch.Tensor):
        if isinstance(got, (int, float)) and not isinstance(got, bool) and expected.numel() == 1:
            got = torch.tensor(got, dtype=expected.dtype)
        if not isinstance(got, torch.Tensor):
            return Problem(
                f"{where}: expected a tensor, got {type(got).__name__} {got!r:.60}", "shape"
            )
        return _compare_tensors(expected, got, spec, where, scale)
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return (
            None
            if got == expected and type(got) is type(expected)
            else Problem(f"{where}: expected {expected!r}, got {got!r:.80}", "values")
        )
    if isinstance(expected, (int, float)):
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return Problem(
                f"{where}: expected a number ({_fmt(expected)}), got {type(got).__name__}", "shape"
            )
        rtol, atol = _tolerance(torch.float64, spec, scale)
        if math.isclose(got, expected, rel_tol=rtol, abs_tol=atol) or (
            math.isnan(expected) and math.isnan(got)
        ):
            return None
        return Problem(f"{where}: expected {_fmt(expected)}, got {_fmt(got)}", "values")
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)):
            kind = type(expected).__name__
            return Problem(
                f"{where}: expected a {kind} of {len(expected)}, got {type(got).__name__}", "shape"
            )
        if len(got) != len(expected):
            return Problem(f"{where}: expected {len(expected)} items, got {len(got)}", "shape")
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = compare_values(e, g, spec, f"{where}[{i}]", scale)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or sorted(got) != sorted(expected):
            keys = sorted(got) if isinstance(got, dict) else type(got).__name__
            return Problem(f"{where}: expected keys {sorted(expected)}, got {keys}", "shape")
        for k in expected:
            problem = compare_values(expected[k], got[k], spec, f"{where}[{k!r}]", scale)
            if problem:
                return problem
        return None
    raise TypeError(f"unsupported expected value {type(expected)}")


def _tolerance(dtype: torch.dtype, spec: Compare, scale: float = 1.0) -> tuple[float, float]:
    rtol, atol = TOLERANCES.get(dtype, (0.0, 0.0))
    rtol = spec.rtol if spec.rtol is not None else rtol
    atol = spec.atol if spec.atol is not None else atol
    return rtol * scale, atol * scale


def _compare_tensors(
    expected: torch.Tensor, got: torch.Tensor, spec: Compare, where: str, scale: float
) -> str | None:
    if tuple(got.shape) != tuple(expected.shape):
        return Problem(
            f"{where}: expected shape {tuple(expected.shape)}, got {tuple(got.shape)}", "shape"
        )
    if spec.dtype and got.dtype != expected.dtype:
        return Problem(f"{where}: expected dtype {expected.dtype}, got {got.dtype}", "dtype")
    if expected.is_floating_point() or got.is_floating_point():
        dtype = expected.dtype if expected.is_floating_point() else got.dtype
        rtol, atol = _tolerance(dtype, spec, scale)
        e, g = expected.double(), got.double()
        close = torch.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    else:
        rtol = atol = 0.0
        e, g = expected, got
        close = g == e
    if bool(close.all()):
        return None
    index = tuple(int(i) for i in torch.nonzero(~close)[0])
    at = f"[{', '.join(map(str, index))}]" if index else ""
    diff = (e.double() - g.double()).abs()
    max_err = float(diff.nan_to_num(nan=math.inf).max()) if diff.numel() else 0.0
    lines = [
        f"{where}{at}: expected {_fmt(float(e[index]))}, got {_fmt(float(g[index]))}",
        f"max abs error {_fmt(max_err)} over {int((~close).sum())} of {close.numel()} entries"
        f" (rtol {rtol:g}, atol {atol:g})",
    ]
    if not bool(torch.isfinite(g).all()) and bool(torch.isfinite(e).all()):
        lines.append("your output has inf or nan where the expected one is finite")
    return Problem("\n".join(lines), "values")


def forbidden_calls(exercise: Exercise, student: dict) -> list[str]:
    """The forbidden APIs a student's call reached: torch functions by name, d2lkit by qualified name."""
    banned_py = [f for f in exercise.forbidden if "." in f] + [qualname(exercise.reference)]
    banned_torch = {f for f in exercise.forbidden if "." not in f}
    hits = sorted(banned_torch.intersection(student.get("torch_calls", ())))
    hits += sorted(
        {
            c
            for c in student.get("py_calls", ())
            for b in banned_py
            if c == b or c.startswith(b + ".")
        }
    )
    return hits


def reference_path(exercise: Exercise) -> str:
    """`module:qualname` of the exercise's reference: how the kernel (`harvest.resolve`) and the
    student kit's registry import it."""
    return f"{exercise.reference.__module__}:{exercise.reference.__qualname__}"


def qualname(reference: Any) -> str:
    return f"{reference.__module__}.{reference.__qualname__}"


def judge_case(exercise: Exercise, case: Case, expected: dict, student: dict) -> Failure | None:
    """Why a student's outputs for one case fail, or None if they pass."""
    if not expected.get("ok"):
        raise RuntimeError(
            f"the reference failed on {exercise.id} / {case.name}: {expected.get('error')}"
        )
    if not student.get("ok"):
        return Failure("error", student.get("error", "no result"))
    try:
        check_plain(student.get("output"))
    except TypeError as exc:
        return Failure("shape", str(exc))
    hits = forbidden_calls(exercise, student)
    if hits:
        return Failure(
            "forbidden",
            f"uses {', '.join(hits)}, which this exercise asks you to write yourself "
            "(the reference implementation and the framework's built-in are off limits here)",
        )
    spec = exercise.compare
    problem = (
        spec.checker(case, expected, student)
        if spec.checker is not None
        else compare_outputs(expected, student, spec)
    )
    if not problem:
        return None
    hint = run_hint(exercise, case, expected, student)
    return Failure(kind_of(problem), str(problem), hint, hint and hint_id(exercise, hint))


def run_hint(exercise: Exercise, case: Case, expected: dict, student: dict) -> str | None:
    """The exercise's hint for a failed case, or None. A hint is a guess at the mistake, run on
    whatever the student returned: one that raises gives no hint and never costs the student."""
    if exercise.hint is None:
        return None
    try:
        hint = exercise.hint(case, expected, student)
    except Exception:  # noqa: BLE001 - an author's bug in a hint must not abort the grading
        return None
    return hint if isinstance(hint, str) and hint else None


# what a call changed besides its output, compared in this order: (path in the outputs, label)
CHANGES: tuple[tuple[str, str], ...] = (
    ("args_after", "args_after"),
    ("after", "after"),
    ("state", "state"),
)


def compare_outputs(
    expected: dict,
    student: dict,
    spec: Compare = DEFAULT,
    changes: tuple[tuple[str, str], ...] = CHANGES,
    input_grads: str = "gradient of argument",
) -> str | None:
    """The first difference, or None: the output, then each of `changes` the reference has
    (a path `after.steps` reaches into a dict), then the gradients of the inputs (labelled
    `input_grads`) and of the parameters, with tolerances loosened by GRAD_LOOSENING. A
    difference in a gradient is of kind `gradient`, whatever it is."""
    problem = compare_values(expected["output"], student.get("output"), spec)
    if problem:
        return problem
    for path, label in changes:
        want, got = _at(expected, path), _at(student, path)
        if want is not _MISSING:
            problem = compare_values(want, None if got is _MISSING else got, spec, label)
            if problem:
                return problem
    if spec.grads:
        for key, label in (("grads", input_grads), ("param_grads", "gradient of")):
            for name, grad in _items(expected.get(key)).items():
                got = _items(student.get(key)).get(name)
                problem = compare_values(grad, got, spec, f"{label} {name}", GRAD_LOOSENING)
                if problem:
                    return Problem(problem, "gradient")
    return None


_MISSING = object()


def _at(outputs: dict, path: str) -> Any:
    value: Any = outputs
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return _MISSING
        value = value[key]
    return value


def _items(value: Any) -> dict:
    if isinstance(value, dict):
        return value
    return dict(enumerate(value or ()))
