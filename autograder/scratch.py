"""The grader's static "from scratch" judge: it reads the student's code and runs none of it.

The kernel records what a graded call reaches (`autograder.harvest`), and code in the same kernel can
blind that record. This module judges the source instead, in the grader's process, with `ast` only:

- (a) in the code reachable from the exercise's target (its def or class and, transitively, the
  notebook's functions, classes and names it refers to): a forbidden torch API reached by name or
  attribute, the `@` operator where `__matmul__` is forbidden, the exercise's reference or a
  forbidden d2lkit module used or imported;
- (b) anywhere in the student's code, since it acts kernel-wide: what could blind the record or reach
  the grader — names computed at run time and looked up on torch, d2lkit, autograder or sys;
  `eval`/`exec`/`compile`/`__import__`, `importlib`, `builtins`; profilers and tracers; torch's
  dispatch internals; `autograder` beyond `from autograder import check`; attributes of those modules
  replaced; dunder and frame poking.

`student_cells` tells the student's cells from the release's; `scan` returns `Finding`s.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from autograder.scratch_source import (
    Binding,
    Finding,
    Notebook,
    base_name,
    canonical,
    constant_str,
    free_names,
    notebook,
)

__all__ = ["Finding", "scan", "student_cells"]

Cells = Sequence[tuple[int, str]]


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.splitlines()).strip("\n")


def student_cells(submitted: list[str], given: list[str]) -> list[tuple[int, str]]:
    """The student's own code: (index in `submitted`, source) of every non-blank code cell that is not,
    up to trailing whitespace, the source of a cell of the release (`given`)."""
    released = {_normal(source) for source in given}
    return [
        (i, source)
        for i, source in enumerate(submitted)
        if _normal(source) and _normal(source) not in released
    ]


def scan(
    cells: Cells,
    *,
    target: str,
    forbidden: Sequence[str],
    reference: str,
    given: Cells = (),
) -> list[Finding]:
    """What in the student's `cells` (index, source) breaks the exercise's "from scratch" rule.

    `forbidden` is `Exercise.forbidden` (torch function names, or dotted d2lkit names), `reference` the
    qualified name of the exercise's reference (`d2lkit.linear.softmax`). `given` are the notebook's
    other code cells (index, source): read to follow the target through given code (a wrapper the
    check calls) and to know the notebook's imports, never reported. Cells that do not parse (after
    IPython's magics are blanked) are skipped: they fail at run time anyway. In the grader:

        mine = student_cells(submitted, released)
        given = [(i, s) for i, s in enumerate(submitted) if i not in dict(mine)]
        scan(mine, target=e.target, forbidden=e.forbidden, reference=qualname(e.reference), given=given)

    The judgement that does not depend on the exercise (b) is made once per notebook and cached, as
    is each cell's parse, so scanning every exercise of a notebook costs little more than one.
    """
    parsed = notebook(
        tuple((i, s, True) for i, s in cells) + tuple((i, s, False) for i, s in given)
    )
    rules = Rules(parsed, tuple(forbidden), reference)
    found = rules.reachable(target) + rules.blinding()
    unique = {(f.cell, f.line, f.reason): f for f in found}
    return sorted(unique.values(), key=lambda f: (f.cell, f.line, f.reason))


WRITE_IT = "which this exercise asks you to write yourself"

# torch.nn layers that are a forbidden function in another guise
LAYERS = {
    "ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax",
    "LogSoftmax": "log_softmax", "Linear": "linear", "LazyLinear": "linear", "Dropout": "dropout",
    "Dropout1d": "dropout1d", "Dropout2d": "dropout2d", "Conv1d": "conv1d", "Conv2d": "conv2d",
    "LazyConv2d": "conv2d", "Conv3d": "conv3d", "ConvTranspose2d": "conv_transpose2d",
    "Unfold": "unfold", "Fold": "fold", "MaxPool1d": "max_pool1d", "MaxPool2d": "max_pool2d",
    "AvgPool1d": "avg_pool1d", "AvgPool2d": "avg_pool2d", "AdaptiveAvgPool2d": "adaptive_avg_pool2d",
    "AdaptiveMaxPool2d": "adaptive_max_pool2d", "BatchNorm1d": "batch_norm",
    "BatchNorm2d": "batch_norm", "BatchNorm3d": "batch_norm", "LazyBatchNorm1d": "batch_norm",
    "LazyBatchNorm2d": "batch_norm", "InstanceNorm2d": "instance_norm", "LayerNorm": "layer_norm",
    "GroupNorm": "group_norm", "MSELoss": "mse_loss", "L1Loss": "l1_loss",
    "CrossEntropyLoss": "cross_entropy", "NLLLoss": "nll_loss", "RNN": "rnn_tanh", "GRU": "gru",
    "LSTM": "lstm", "RNNCell": "rnn_tanh_cell", "GRUCell": "gru_cell", "LSTMCell": "lstm_cell",
    "LeakyReLU": "leaky_relu", "ReLU6": "hardtanh", "Hardtanh": "hardtanh", "ELU": "elu",
    "SELU": "selu", "CELU": "celu", "SiLU": "silu", "Softplus": "softplus", "Softsign": "softsign",
    "LogSigmoid": "log_sigmoid", "Hardsigmoid": "hardsigmoid",
}  # fmt: skip
# tensor attributes that are data, not a call of the function of the same name (`x.grad`)
DATA_ATTRIBUTES = {"grad", "data", "T", "mT", "H", "real", "imag", "shape", "dtype", "device"}

RUNS_CODE = "runs code the grader cannot read"
# (b): origins, by prefix, that no student code may reach (`sys.setprofile`, or a module's `sys`)
PROFILER = "replaces the profiler the grader records calls with"
TRACER = "installs a tracer, which can blind the grader's record"
FRAMES = "reaches the interpreter's frames"
TORCH_PROFILER = "starts torch's profiler, which hooks its dispatch"
DISPATCH = "reaches torch's dispatch internals (the grader records calls through them)"
LOOKS_UP = "looks names up at run time"
BLOCKED = {
    **dict.fromkeys(("sys.setprofile", "threading.setprofile"), PROFILER),
    **dict.fromkeys(("sys.settrace", "threading.settrace"), TRACER),
    **dict.fromkeys(("torch.profiler", "torch.autograd.profiler"), TORCH_PROFILER),
    "sys.monitoring": "installs a monitor, which can blind the grader's record",
    **dict.fromkeys(("sys._getframe", "sys._current_frames", "inspect.currentframe"), FRAMES),
    **dict.fromkeys(("inspect.stack", "inspect.getouterframes", "inspect.trace"), FRAMES),
    "sys.modules": "reaches loaded modules behind their names",
    **dict.fromkeys(("torch._C", "torch.overrides", "torch.utils._python_dispatch"), DISPATCH),
    "torch.ops": "calls torch's operators behind their names",
    "torch.library": "reaches torch's operator registry",
    **dict.fromkeys(("gc.get_referrers", "gc.get_referents", "gc.get_objects"), "reaches objects"
                    " through the garbage collector"),
    "importlib": "imports modules by computed name",
    "builtins": "reaches Python's builtins",
    "ctypes": "reaches the interpreter's memory",
    **dict.fromkeys(("pickle.load", "pickle.loads", "pickle.Unpickler", "marshal", "runpy"), RUNS_CODE),
    **dict.fromkeys(("types.FunctionType", "types.CodeType", "codeop", "IPython"), RUNS_CODE),
    **dict.fromkeys(("code.InteractiveInterpreter", "code.InteractiveConsole", "code.interact"), RUNS_CODE),
    **dict.fromkeys(("inspect.getmembers", "inspect.getattr_static"), LOOKS_UP),
    "__main__": "reaches the notebook's namespace behind its names",
    "autograder": "reaches the grader (only `from autograder import check` and `check(...)` are allowed)",
}  # fmt: skip
ALLOWED = ("autograder.check", "IPython.display")  # with what is under them
DISPATCH_NAMES = {
    "TorchFunctionMode",
    "TorchDispatchMode",
    "__torch_function__",
    "__torch_dispatch__",
}
DYNAMIC_CODE = {
    "eval": RUNS_CODE,
    "exec": RUNS_CODE,
    "compile": RUNS_CODE,
    "get_ipython": RUNS_CODE,
    "__import__": "imports modules by computed name",
    "__builtins__": "reaches Python's builtins",
    "globals": LOOKS_UP,
    "breakpoint": "starts a debugger, which traces the kernel",
}
# IPython magics that run Python code given as text
CODE_MAGICS = {
    "time", "timeit", "prun", "run", "capture", "debug", "load", "macro", "rerun", "recall", "pdb",
    "load_ext", "reload_ext",
}  # fmt: skip
LOOKUPS = {"getattr", "setattr", "delattr", "hasattr", "vars"}
NAME_LOOKUPS = {"operator.attrgetter", "operator.methodcaller"}
NAMES = {"__name__", "__qualname__"}
IMPORTS = (ast.Import, ast.ImportFrom)
SETTINGS = ("torch.backends.",)  # module attributes that are switches (`cudnn.benchmark = True`)
PROTECTED = (
    "torch",
    "d2lkit",
    "autograder",
    "sys",
    "builtins",
    "threading",
    "gc",
    "inspect",
    "type()",
)
POKES = {
    "__class__", "__dict__", "__globals__", "__builtins__", "__code__", "__closure__", "__func__",
    "__subclasses__", "__bases__", "__base__", "__mro__", "__getattribute__", "__setattr__",
    "__delattr__", "__getattr__", "__wrapped__", "__self__", "__loader__", "__spec__", "__import__",
    "f_globals", "f_locals", "f_back", "f_builtins", "f_code", "tb_frame", "gi_frame", "cr_frame",
}  # fmt: skip


def _protected(origins: set[str]) -> str | None:
    for origin in sorted(origins):
        if origin.split(".")[0] in PROTECTED:
            return origin
    return None


class Rules:
    """One exercise's rules over one notebook."""

    def __init__(self, notebook: Notebook, forbidden: tuple[str, ...], reference: str) -> None:
        self.nb = notebook
        self.torch_names = {f for f in forbidden if "." not in f}
        self.dotted = [f for f in forbidden if "." in f]
        self.reference = reference

    # (a) ------------------------------------------------------------------------------------------

    def reachable(self, target: str) -> list[Finding]:
        """Forbidden APIs and the reference in the target and the notebook code it refers to."""
        found: list[Finding] = []
        last = self.nb.last_binding(target)
        if last is not None and not last.cell.student and isinstance(last.node, IMPORTS):
            # a copy of a release's import cell, run after the student's def, rebinds the target
            found += self._uses(last, target)
        queue, seen_names, seen = [target], set(), set()
        while queue:
            name = queue.pop()
            if name in seen_names:
                continue
            seen_names.add(name)
            for binding in self.nb.bindings.get(name, []) + self.nb.mutations.get(name, []):
                if id(binding.node) in seen:
                    continue
                seen.add(id(binding.node))
                queue += free_names(binding.node, frozenset())
                if binding.cell.student:
                    found += self._uses(binding, name)
        return found

    def _uses(self, binding: Binding, name: str) -> list[Finding]:
        cell, found = binding.cell, []
        if isinstance(binding.node, (ast.Import, ast.ImportFrom)):
            for origin in self.nb.resolve_import(binding.node, name):
                why = self._torch(origin) or self._dotted(origin)
                if why:
                    found.append(cell.finding(binding.node, f"imports {origin}, {why}"))
            return found
        for node in ast.walk(binding.node):
            why = self._use(node)
            if why:
                found.append(cell.finding(node, why))
            if isinstance(node, ast.Import | ast.ImportFrom):  # imported inside the target
                for origin in sorted(self.nb.resolve_import(node)):
                    why = self._torch(origin) or self._dotted(origin)
                    if why:
                        found.append(cell.finding(node, f"imports {origin}, {why}"))
        return found

    def _use(self, node: ast.AST) -> str | None:
        parent = self.nb.parents.get(id(node))
        called = isinstance(parent, ast.Call) and parent.func is node
        verb = "calls" if called else "uses"
        matmul = isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.MatMult)
        if matmul and self.torch_names & {"__matmul__", "matmul"}:
            return f"uses the @ operator (matmul), {WRITE_IT}"
        if isinstance(node, ast.Call) and node.args:
            name = self._looked_up(node)
            owners = self.nb.resolve(node.args[0]) if len(node.args) >= 2 else set()
            for origin in sorted(f"{owner}.{name}" for owner in owners if name):
                why = self._torch(origin) or self._dotted(origin)
                if why:
                    return f"uses {origin}, {why}"
            if name in self.torch_names and not owners:
                return f"looks up {name} by name, {WRITE_IT}"
            dynamic = self.nb.is_builtin(node.func, {"getattr"}) and len(node.args) >= 2
            if dynamic and name is None and base_name(node.args[0]) != "self":
                return (
                    "looks up a name computed at run time, which could reach a forbidden function"
                )
        if not isinstance(node, ast.Name | ast.Attribute) or not isinstance(node.ctx, ast.Load):
            return None
        origins = self.nb.resolve(node)
        if isinstance(parent, ast.Attribute) and parent.value is node and origins:
            return None  # the longer name is judged
        given = set()
        if isinstance(node, ast.Name) and isinstance(parent, ast.ClassDef) and node in parent.bases:
            given = self.nb.given_only.get(node.id, set())
        for origin in sorted(origins):
            # a base class the release imports (9.7's `Encoder`) is the kit's interface to implement
            why = self._torch(origin) or self._dotted(origin, reference_only=origin in given)
            if why:
                return f"{verb} {origin}, {why}"
        method = isinstance(node, ast.Attribute) and not origins and node.attr in self.torch_names
        # an attribute the student's classes define (`self.linear`) is theirs; `x.grad` is data
        own = method and base_name(node.value) == "self" and node.attr in self.nb.attributes
        if method and not own and (called or node.attr not in DATA_ATTRIBUTES):
            return f"{verb} .{node.attr}, torch's {node.attr}, {WRITE_IT}"
        return None

    def _looked_up(self, call: ast.Call) -> str | None:
        if self.nb.is_builtin(call.func, {"getattr"}) and len(call.args) >= 2:
            return constant_str(call.args[1])
        if self.nb.resolve(call.func) & NAME_LOOKUPS and call.args:
            return constant_str(call.args[0])
        return None

    def _torch(self, origin: str) -> str | None:
        parts = origin.split(".")
        if parts[0] not in ("torch", "type()"):
            return None
        if parts[-1] in self.torch_names:
            return WRITE_IT
        layer = LAYERS.get(parts[-1])
        if layer in self.torch_names:
            return f"which computes {layer}, {WRITE_IT}"
        return None

    def _dotted(self, origin: str, reference_only: bool = False) -> str | None:
        names = {origin, canonical(origin)}
        if any(n == self.reference or n.startswith(self.reference + ".") for n in names):
            return "the exercise's reference implementation"
        parts = origin.split(".")
        if parts[0] == "d2l" and self.reference.rpartition(".")[2] in parts[1:]:
            return "the book's own implementation of this exercise"
        for banned in () if reference_only else self.dotted:
            if any(n == banned or n.startswith(banned + ".") for n in names):
                return f"from {banned}, {WRITE_IT}"
        return None

    # (b) ------------------------------------------------------------------------------------------

    def blinding(self) -> list[Finding]:
        """What could blind the kernel's record or reach the grader, anywhere in the student's code."""
        if "blinding" not in self.nb.memo:
            found = []
            for cell in self.nb.cells:
                if cell.student:
                    for node in ast.walk(cell.tree):
                        why = self._blinds(node)
                        if why:
                            found.append(cell.finding(node, why))
            self.nb.memo["blinding"] = found
        return self.nb.memo["blinding"]

    def _blinds(self, node: ast.AST) -> str | None:
        nb = self.nb
        if isinstance(node, ast.Import | ast.ImportFrom):
            if isinstance(node, ast.ImportFrom) and node.module == "autograder" and not node.level:
                if all(a.name == "check" and not a.asname for a in node.names):
                    return None
                return f"imports from autograder: {BLOCKED['autograder']}"
            for origin in sorted(nb.resolve_import(node)):
                why = _blocked(origin)
                if why:
                    return f"imports {origin}: {why}"
            return None
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return f"defines {node.name}: {DISPATCH}" if node.name in DISPATCH_NAMES else None
        if isinstance(node, ast.Call):
            return self._lookup(node)
        if isinstance(node, ast.Attribute) and node.attr in POKES | DISPATCH_NAMES:
            parent = nb.parents.get(id(node))
            if (
                node.attr == "__class__"
                and isinstance(parent, ast.Attribute)
                and parent.attr in NAMES
            ):
                return None  # the book's `layer.__class__.__name__`
            return f"reaches .{node.attr}, Python's internals, which can blind the grader's record"
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
            owner = _protected(nb.resolve(node.value))
            if owner and not owner.startswith(SETTINGS):
                return f"replaces {owner}.{node.attr}, which changes what the grader records"
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Store)
            and node.id in DISPATCH_NAMES
        ):
            return f"defines {node.id}: {DISPATCH}"
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            name = nb.is_builtin(node, DYNAMIC_CODE)
            if name and not (name == "get_ipython" and self._plain_magic(node)):
                return f"uses {name}, which {DYNAMIC_CODE[name]}"
            parent = nb.parents.get(id(node))
            passed = not (isinstance(parent, ast.Call) and parent.func is node)
            name = nb.is_builtin(node, LOOKUPS)
            if name and passed:
                return f"passes {name} around, which {LOOKS_UP}"
            if node.id in DISPATCH_NAMES:
                return f"uses {node.id}: {DISPATCH}"
        if isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Load):
            parent = nb.parents.get(id(node))
            if isinstance(parent, ast.Attribute) and parent.value is node and nb.resolve(parent):
                return None  # the longer name is judged
            for origin in sorted(nb.resolve(node)):
                why = _blocked(origin)
                if why:
                    return f"uses {origin}: {why}"
        return None

    def _plain_magic(self, node: ast.AST) -> bool:
        """Whether `get_ipython()` here runs a shell command or a magic that runs no Python
        (`%matplotlib inline`, as IPython writes it: `get_ipython().run_line_magic('matplotlib', ...)`)."""
        call = self.nb.parents.get(id(node))
        method = self.nb.parents.get(id(call))
        outer = self.nb.parents.get(id(method))
        if not isinstance(method, ast.Attribute) or not isinstance(outer, ast.Call):
            return False
        if method.attr in {"system", "getoutput"}:
            return True
        magic = constant_str(outer.args[0]) if outer.args else None
        return method.attr in {"run_line_magic", "run_cell_magic"} and magic not in CODE_MAGICS

    def _lookup(self, call: ast.Call) -> str | None:
        nb = self.nb
        unsafe = [
            k.value
            for k in call.keywords
            if k.arg == "weights_only"
            and not (isinstance(k.value, ast.Constant) and k.value.value is True)
        ]
        if unsafe and "torch.load" in nb.resolve(call.func):
            return f"loads with weights_only other than True, which {RUNS_CODE}"
        name = nb.is_builtin(call.func, LOOKUPS)
        if name and call.args:
            owner = _protected(nb.resolve(call.args[0]))
            if owner is None:
                return None
            literal = len(call.args) > 1 and isinstance(call.args[1], ast.Constant)
            if name in {"setattr", "delattr"}:
                return f"{name} on {owner}, which changes what the grader records"
            if name == "vars" or not literal:
                return f"computes a name at run time and looks it up on {owner}"
            return None
        if (
            nb.resolve(call.func) & NAME_LOOKUPS
            and call.args
            and constant_str(call.args[0]) is None
        ):
            return "computes a name at run time and looks it up by name"
        return None


def _blocked(origin: str) -> str | None:
    if any(origin == a or origin.startswith(a + ".") for a in ALLOWED):
        return None
    parts = origin.split(".")
    for start in range(len(parts)):
        rest = ".".join(parts[start:])  # `torch.nn.modules.module.sys.modules` reaches `sys`
        for prefix, why in BLOCKED.items():
            if rest == prefix or rest.startswith(prefix + "."):
                return why
    if parts[0] == "torch" and any(p.startswith("_") and not p.endswith("__") for p in parts[1:]):
        return "reaches torch's private internals"
    return None
