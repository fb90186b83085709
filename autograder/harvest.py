"""Run a target on a case's inputs and return its outputs as plain data.

This module is what runs next to student code: in the student's kernel (the grader's harvest cells) and
in-process for the self-check. It imports torch and nothing of d2lkit, judges nothing, and returns only
plain tensors, numbers, strings, None, and lists/tuples/dicts of them, so that the grader can load the
result with `torch.load(weights_only=True)` and compare it in its own process.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import io
import random
import sys
import threading
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

PLAIN_SCALARS = (bool, int, float, str, type(None))
_D2LKIT_DIR = str(Path(__file__).resolve().parents[1] / "d2lkit")
_AUTOGRADER_DIR = str(Path(__file__).resolve().parent)
_TORCH_DIR = str(Path(torch.__file__).resolve().parent)


class NotPlainError(TypeError):
    """An output that is not plain data (a tensor subclass, an object with its own `__eq__`, …)."""


def plain(value: Any, where: str = "output") -> Any:
    """Copy `value` into plain data, or raise NotPlainError saying where the odd object sits."""
    kind = type(value)
    if kind is torch.Tensor or kind is torch.nn.Parameter:
        return value.detach().cpu().clone().as_subclass(torch.Tensor)
    if kind in PLAIN_SCALARS:
        return value
    if kind.__module__ == "numpy" and hasattr(value, "tolist"):
        # numpy scalars and arrays are plain data in another guise (pandas hands them out)
        return torch.as_tensor(value.tolist()) if kind.__name__ == "ndarray" else value.item()
    if kind is list or kind is tuple:
        return kind(plain(v, f"{where}[{i}]") for i, v in enumerate(value))
    if kind is dict:
        return {str(k): plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    raise NotPlainError(
        f"{where} is a {kind.__module__}.{kind.__qualname__}; return a plain tensor, a Python number, "
        "a string, or a list/tuple/dict of them"
    )


class _Pause(threading.local):
    """How deep this thread is in substituted references' code, which neither recording sees."""

    depth = 0


_PAUSE = _Pause()


class _CallRecorder(TorchFunctionMode):
    """Records the torch functions a call reaches, by name (`softmax`, `cross_entropy`, `linear`)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if not _PAUSE.depth:
            self.names.add(getattr(func, "__name__", repr(func)))
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def _recording():
    """Record torch functions and d2lkit Python functions called inside the block."""
    torch_calls = _CallRecorder()
    py_calls: set[str] = set()

    def profile(frame, event, _arg):
        if (
            event == "call"
            and not _PAUSE.depth
            and frame.f_code.co_filename.startswith(_D2LKIT_DIR)
        ):
            name = getattr(frame.f_code, "co_qualname", frame.f_code.co_name)
            py_calls.add(f"{frame.f_globals.get('__name__', '?')}.{name}")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        with torch_calls:
            yield torch_calls.names, py_calls
    finally:
        sys.setprofile(previous)


def resolve(path: str) -> Any:
    """The object a `module:qualname` path names (an exercise's reference, for the kernel)."""
    module, _, qualname = path.partition(":")
    value = importlib.import_module(module)
    for part in qualname.split("."):
        value = getattr(value, part)
    return value


@contextlib.contextmanager
def substituted(namespace: dict, references: dict[str, Any]) -> Iterator[None]:
    """For the block, each name of `references` that `namespace` defines is bound to its
    reference, run unrecorded, so that a case reaching another exercise's target gets the
    reference and a bug costs one exercise; the namespace's own bindings come back afterwards.

    A function reference runs with both recordings paused, and what it returns stays unrecorded
    (a block factory's modules in their methods, a generator as it resumes); a class reference
    is a subclass whose methods pause them, so its instances' code is not the student's either."""
    saved = {name: namespace[name] for name in references if name in namespace}
    try:
        for name in saved:
            reference = references[name]
            namespace[name] = (
                _unrecorded_class(reference)
                if inspect.isclass(reference)
                else _unrecorded(reference)
            )
        yield
    finally:
        namespace.update(saved)


def _unrecorded(function: Any) -> Any:
    @functools.wraps(function)
    def call(*args, **kwargs):
        _PAUSE.depth += 1
        try:
            return _unrecorded_result(function(*args, **kwargs))
        finally:
            _PAUSE.depth -= 1

    return call


def _unrecorded_result(value: Any) -> Any:
    """`value`, its modules (or those of a list or tuple of them) switched to unrecorded classes,
    a generator (`data_iter`) resumed unrecorded."""
    if isinstance(value, torch.nn.Module) and type(value) not in _UNRECORDED:
        value.__class__ = _unrecorded_class(type(value))
    elif type(value) in (list, tuple):
        for item in value:
            _unrecorded_result(item)
    elif inspect.isgenerator(value):
        return _unrecorded_items(value)
    return value


def _unrecorded_items(generator: Iterator) -> Iterator:
    while True:
        _PAUSE.depth += 1
        try:
            item = next(generator)
        except StopIteration:
            return
        finally:
            _PAUSE.depth -= 1
        yield item


_UNRECORDED: set[type] = set()


@functools.cache
def _unrecorded_class(cls: type) -> type:
    """A subclass of `cls` whose methods (those not torch's own, and `forward`) run unrecorded."""
    methods: dict[str, Any] = {}
    for klass in cls.__mro__:
        if klass.__module__.partition(".")[0] in ("torch", "builtins"):
            continue
        for name, value in vars(klass).items():
            if inspect.isfunction(value):
                methods.setdefault(name, _unrecorded(value))
    if issubclass(cls, torch.nn.Module) and "forward" not in methods:
        methods["forward"] = _unrecorded(cls.forward)
    namespace = {**methods, "__module__": cls.__module__, "__qualname__": cls.__qualname__}
    unrecorded = type(cls)(cls.__name__, (cls,), namespace)
    _UNRECORDED.add(unrecorded)
    return unrecorded


@contextlib.contextmanager
def _quiet():
    """Swallow warnings and stderr: nbgrader zeroes a grade cell that writes to stderr."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "__T__" in value:
        tensor = value["__T__"].clone()
        if value.get("requires_grad"):
            tensor.requires_grad_(True)
        if value.get("grad") is not None:
            tensor.grad = value["grad"].clone()
        return tensor
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_decode(v) for v in value)
    if isinstance(value, torch.Tensor):
        return value.clone()
    return value


def _seed(seed: int) -> None:
    torch.manual_seed(seed)
    random.seed(seed)


def upstream_like(output: torch.Tensor, seed: int) -> torch.Tensor:
    """The random upstream gradient for `output`, the same in every process for the same seed."""
    generator = torch.Generator().manual_seed(seed + 7919)
    return torch.randn(output.shape, generator=generator, dtype=torch.float64).to(output.dtype)


def _differentiable(output: Any) -> list[torch.Tensor]:
    outputs = output if isinstance(output, (list, tuple)) else [output]
    return [o for o in outputs if isinstance(o, torch.Tensor) and o.requires_grad]


def _grads(output: Any, inputs: list[torch.Tensor], seed: int) -> list[Any]:
    outs = _differentiable(output)
    if not outs or not inputs:
        return [None] * len(inputs)
    upstream = [upstream_like(o, seed + i) for i, o in enumerate(outs)]
    grads = torch.autograd.grad(outs, inputs, upstream, allow_unused=True)
    return [None if g is None else g.detach().clone() for g in grads]


def _call(target: Any, payload: dict) -> dict:
    if payload.get("fixture") is None:
        return _call_with(
            target, payload, _decode(list(payload["args"])), _decode(payload["kwargs"])
        )
    from autograder import fixtures

    fixture = payload["fixture"]
    try:
        args, kwargs, after = fixtures.build(fixture["name"], _decode(fixture["params"]))
        return _call_with(target, payload, args, kwargs, after)
    finally:
        fixtures.cleanup()


def _call_with(target: Any, payload: dict, args: list, kwargs: dict, after: Any = None) -> dict:
    kind = payload.get("kind", "function")
    seed = payload.get("seed", 0)
    module = None
    with _recording() as (torch_calls, py_calls):
        _seed(seed)
        if kind == "module":
            module = target(*_decode(list(payload["init"])))
            if payload.get("state") is not None:
                _load_state(module, payload["state"])
            output = module(*args, **kwargs)
        else:
            output = target(*args, **kwargs)
        if hasattr(output, "__next__"):
            # a generator (`data_iter`) runs only when consumed
            output = list(output)
    result: dict[str, Any] = {"ok": True, "output": plain(output)}
    grad_inputs = [args[i] for i in payload.get("grad", ())]
    params = dict(module.named_parameters()) if module is not None and payload.get("grad") else {}
    grads = _grads(output, grad_inputs + list(params.values()), seed)
    result["grads"] = grads[: len(grad_inputs)]
    result["param_grads"] = dict(zip(params, grads[len(grad_inputs) :]))
    if module is not None:
        result["state"] = plain(dict(module.state_dict()), "state_dict")
    result["args_after"] = plain([_after(a) for a in args], "args after the call")
    if after is not None:
        result["after"] = plain(after(), "state after the call")
    result["torch_calls"] = sorted(torch_calls)
    result["py_calls"] = sorted(py_calls)
    return result


def _after(arg: Any) -> Any:
    """An argument's value after the call, with its `.grad` (so in-place updates can be checked)."""
    if isinstance(arg, torch.Tensor):
        return {"value": arg, "grad": arg.grad}
    if isinstance(arg, (list, tuple)):
        return [_after(a) for a in arg]
    if isinstance(arg, PLAIN_SCALARS):
        return arg
    return None


def _load_state(module: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    own = module.state_dict()
    if sorted(own) != sorted(state):
        raise KeyError(
            f"the module's parameters and buffers are named {sorted(own)}; expected {sorted(state)}"
        )
    for name, tensor in state.items():
        if own[name].shape != tensor.shape:
            raise ValueError(
                f"{name} has shape {tuple(own[name].shape)}; expected {tuple(tensor.shape)}"
            )
    module.load_state_dict(state)


def _error(exc: BaseException) -> str:
    """The exception, with the innermost line of code that raised it (usually the student's)."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not f.filename.startswith((_AUTOGRADER_DIR, _TORCH_DIR))
    ]
    where = ""
    if frames and not isinstance(exc, NotPlainError):
        last = frames[-1]
        where = f" (line {last.lineno}: {(last.line or '').strip()})"
    return f"{type(exc).__name__}: {exc}{where}"


def run_case(target: Any, payload: dict) -> dict:
    """Run `target` on one encoded case; never raises for errors of the target's own making."""
    try:
        with _quiet():
            return _call(target, payload)
    except Exception as exc:  # noqa: BLE001 - any failure of student code is a result, not a crash
        return {"ok": False, "error": _error(exc)}


def run_file(inputs_path: str, outputs_path: str, target_name: str, namespace: dict) -> None:
    """Harvest cell body: run `namespace[target_name]` on every case in `inputs_path`, save outputs."""
    payloads = torch.load(inputs_path, weights_only=True)
    target = namespace.get(target_name)
    if target is None:
        results = [{"ok": False, "error": f"`{target_name}` is not defined"} for _ in payloads]
    else:
        results = [run_case(target, p) for p in payloads]
    torch.save(results, outputs_path)
