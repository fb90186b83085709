"""What `autograder.scratch` reads: a notebook's cells parsed (IPython's syntax blanked line for line),
its module-level bindings, where each name comes from (`F` -> `torch.nn.functional`), and the names a
function reads from the module. `ast` only; nothing here imports or runs the student's code."""

from __future__ import annotations

import ast
import builtins
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """One construct the exercise does not allow: where it is and why, in words."""

    cell: int
    line: int
    source: str
    reason: str

    def __str__(self) -> str:
        return f"cell {self.cell}, line {self.line}: {self.source.strip()}\n  {self.reason}"


# IPython: cell magics whose body is Python, line magics whose argument is a statement
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "writefile", "file"}
_STATEMENT_MAGIC = re.compile(r"^(\s*)%(?:time|timeit|prun|debug)\b(?:\s+-\w+(?:\s+\d+)?)*\s+")
_MAGIC_ASSIGNMENT = re.compile(r"^(\s*[\w.\[\], ]+=\s*)[%!].*$")


def python_source(source: str) -> str | None:
    """`source` with IPython's syntax blanked, line for line (`%`, `!`, `x = !ls`, `obj?`), or None
    for a cell magic whose body is not Python (`%%bash`)."""
    lines = source.splitlines()
    out = []
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if number == 0 and stripped.startswith("%%"):
            if stripped[2:].split(maxsplit=1)[:1] not in ([m] for m in _PYTHON_CELL_MAGICS):
                return None
            out.append("")
        elif match := _STATEMENT_MAGIC.match(line):
            out.append(match.group(1) + line[match.end() :])
        elif _escaped(stripped):
            out.append(indent + "pass")
        elif match := _MAGIC_ASSIGNMENT.match(line):
            out.append(match.group(1) + "None")
        else:
            out.append(line)
    return "\n".join(out)


def _escaped(line: str) -> bool:
    """A line magic, a shell escape or a help request (`obj?`); not a continued `!=`."""
    magic = line.startswith(("%", "!")) and not line.startswith("!=")
    return magic or (line.endswith("?") and not line.startswith("#"))


@functools.lru_cache(maxsize=4096)
def _parse(source: str) -> ast.Module | None:
    """The cell's tree: as Python, else with IPython's syntax blanked line for line, else as IPython
    itself reads it (its `get_ipython()` calls judged like a student's); None if nothing parses."""
    for read in (str, python_source, _ipython):
        try:
            text = read(source)
            if text is not None:
                return ast.parse(text)
        except (SyntaxError, ValueError):
            continue
    return None


def _ipython(source: str) -> str | None:
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # the grader without IPython: the two readings above
        return None
    return TransformerManager().transform_cell(source)


@dataclass(frozen=True)
class Cell:
    """A code cell that parses: its index in the notebook, its lines, its tree, whose it is."""

    index: int
    lines: tuple[str, ...]
    tree: ast.Module
    student: bool

    def finding(self, node: ast.AST, reason: str) -> Finding:
        line = getattr(node, "lineno", 1)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Finding(self.index, line, text.strip(), reason)


@dataclass(frozen=True)
class Binding:
    """A module-level name's definition: a def, a class, an assignment, an import or a mutation."""

    cell: Cell
    node: ast.AST


class Notebook:
    """The parsed cells, with what the judge needs to resolve names: module-level bindings, every
    name's origins (`F` -> `torch.nn.functional`), and the attribute names the notebook defines."""

    def __init__(self, cells: tuple[tuple[int, str, bool], ...]) -> None:
        self.cells: list[Cell] = []
        for index, source, student in sorted(cells, key=lambda c: c[0]):
            tree = _parse(source)
            if tree is not None:
                self.cells.append(Cell(index, tuple(source.splitlines()), tree, student))
        self.bindings: dict[str, list[Binding]] = {}
        self.mutations: dict[str, list[Binding]] = {}
        self.defined: set[str] = set()
        self.origins: dict[str, set[str]] = {}
        self.given_only: dict[str, set[str]] = {}  # origins only the release's cells bring in
        self._student_origins: dict[str, set[str]] = {}
        self.stars: set[str] = set()
        self.attributes: set[str] = set()
        self.parents: dict[int, ast.AST] = {}
        self.memo: dict[str, list] = {}  # what does not depend on the exercise, judged once
        assignments: list[tuple[ast.Assign, bool]] = []
        for cell in self.cells:
            for statement in _module_level(cell.tree.body):
                self._bind(cell, statement)
            for node in ast.walk(cell.tree):
                for child in ast.iter_child_nodes(node):
                    self.parents[id(child)] = node
                self._note(node, cell.student)
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    assignments.append((node, cell.student))
        for _ in range(3):  # aliases of aliases: `nn = torch.nn`, then `F = nn.functional`
            for node, student in assignments:
                self._alias(node.targets[0], node.value, student)
        for name, gifts in self.given_only.items():
            if gifts and self._redefined(name):
                self.origins[name] -= gifts

    def last_binding(self, name: str) -> Binding | None:
        """The module-level binding of `name` that runs last, in notebook order."""
        bindings = self.bindings.get(name, [])
        return max(bindings, key=lambda b: (b.cell.index, b.node.lineno), default=None)

    def _redefined(self, name: str) -> bool:
        """Whether the binding of `name` that runs last is the student's own (a def, a class, an
        assignment), replacing what the release imported under that name."""
        last = self.last_binding(name)
        imported = last is None or isinstance(last.node, ast.Import | ast.ImportFrom)
        return last is not None and last.cell.student and not imported

    def _bind(self, cell: Cell, statement: ast.stmt) -> None:
        names: list[str] = []
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [statement.name]
            self.defined.add(statement.name)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in statement.names]
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        names.append(node.id)
                        self.defined.add(node.id)
                    elif isinstance(node, (ast.Attribute, ast.Subscript)):
                        base = base_name(node)
                        if base:
                            self.mutations.setdefault(base, []).append(Binding(cell, statement))
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            if _called_name(call) in {"setattr", "delattr"} and call.args:
                base = base_name(call.args[0])
                if base:
                    self.mutations.setdefault(base, []).append(Binding(cell, statement))
        for name in names:
            self.bindings.setdefault(name, []).append(Binding(cell, statement))

    def _origin(self, name: str, origins: set[str], student: bool) -> None:
        self.origins.setdefault(name, set()).update(origins)
        if student:
            self._student_origins.setdefault(name, set()).update(origins)
        self.given_only[name] = self.origins[name] - self._student_origins.get(name, set())

    def _note(self, node: ast.AST, student: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                self._origin(alias.asname or top, {alias.name if alias.asname else top}, student)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if alias.name == "*":
                    self.stars.add(node.module)
                else:
                    name = alias.asname or alias.name
                    self._origin(name, {f"{node.module}.{alias.name}"}, student)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            self.attributes.add(node.attr)
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.attributes.add(statement.name)
                elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                    targets = (
                        statement.targets
                        if isinstance(statement, ast.Assign)
                        else [statement.target]
                    )
                    self.attributes.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.defined.add(node.name)

    def _alias(self, target: ast.AST, value: ast.AST, student: bool) -> None:
        if isinstance(target, ast.Name):
            found = self.resolve(value)
            if found:
                self._origin(target.id, found, student)

    def resolve(self, node: ast.AST) -> set[str]:
        """The dotted origins an expression may stand for (`F.relu` -> {`torch.nn.functional.relu`}),
        empty when it is not reached from an import (a local tensor, `self.net`)."""
        if isinstance(node, ast.Name):
            found = set(self.origins.get(node.id, ()))
            if not found and node.id not in self.defined and not hasattr(builtins, node.id):
                found = {f"{star}.{node.id}" for star in self.stars}
            return found
        if isinstance(node, ast.Attribute):
            return {f"{o}.{node.attr}" for o in self.resolve(node.value)}
        if isinstance(node, ast.Call) and _called_name(node) == "getattr" and len(node.args) >= 2:
            name = constant_str(node.args[1])
            return {f"{o}.{name}" for o in self.resolve(node.args[0])} if name else set()
        if isinstance(node, ast.Call) and _called_name(node) == "type" and len(node.args) == 1:
            return {"type()"}
        return set()

    def resolve_import(
        self, node: ast.Import | ast.ImportFrom, name: str | None = None
    ) -> set[str]:
        """The dotted names an import brings in (`from torch import nn` -> {`torch.nn`}), or only
        the one it binds to `name`."""
        if isinstance(node, ast.ImportFrom) and (node.level or not node.module):
            return set()
        found = set()
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            if name is None or bound == name or alias.name == "*":
                if isinstance(node, ast.Import):
                    found.add(alias.name)
                else:
                    found.add(node.module if alias.name == "*" else f"{node.module}.{alias.name}")
        return found

    def is_builtin(self, node: ast.AST, names: Iterable[str]) -> str | None:
        """The builtin `node` names (`eval`, `builtins.getattr`), if it is one of `names`."""
        own = isinstance(node, ast.Name) and (node.id in self.defined or node.id in self.origins)
        if isinstance(node, ast.Name) and node.id in names and not own:
            return node.id
        for origin in self.resolve(node):
            head, _, name = origin.rpartition(".")
            if head == "builtins" and name in names:
                return name
        return None


def _module_level(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """The statements of a module's body, through `if`/`try`/`with`/loops but not into defs."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            for field in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(statement, field, []))
            for handler in getattr(statement, "handlers", []):
                yield from _module_level(handler.body)


def base_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


@functools.lru_cache(maxsize=64)
def notebook(cells: tuple[tuple[int, str, bool], ...]) -> Notebook:
    return Notebook(cells)


def constant_str(node: ast.AST) -> str | None:
    """The string an expression of constants folds to (`"soft" + "max"`, `"".join(["a", "b"])`,
    `"xam"[::-1]`), or None when it depends on run time."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = constant_str(node.left), constant_str(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts = [constant_str(v) for v in node.values]
        return "".join(parts) if all(p is not None for p in parts) else None  # type: ignore[arg-type]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        base = constant_str(node.func.value)
        items = node.args[0]
        if (
            base is not None
            and node.func.attr == "join"
            and isinstance(items, (ast.List, ast.Tuple))
        ):
            parts = [constant_str(e) for e in items.elts]
            return base.join(parts) if all(p is not None for p in parts) else None  # type: ignore[arg-type]
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        text = constant_str(node.value)
        bounds = [node.slice.lower, node.slice.upper, node.slice.step]
        if text is not None and all(b is None or isinstance(b, ast.Constant) for b in bounds):
            values = [None if b is None else b.value for b in bounds]  # type: ignore[union-attr]
            if all(v is None or isinstance(v, int) for v in values):
                return text[slice(*values)]
    return None


D2LKIT_ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _exports(module: str) -> dict[str, str] | None:
    """What a d2lkit module re-exports by import (`softmax` -> `d2lkit.linear.softmax`), read from its
    source; None when `module` is no module of the kit."""
    path = D2LKIT_ROOT / module.replace(".", "/")
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    if not path.is_file():
        return None
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, str] = {}
    for statement in ast.parse(path.read_text()).body:
        if isinstance(statement, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - statement.level + 1] if statement.level else []
            source = ".".join([*base, *([statement.module] if statement.module else [])])
            for alias in statement.names:
                found[alias.asname or alias.name] = f"{source}.{alias.name}"
    return found


def canonical(origin: str, depth: int = 0) -> str:
    """`d2lkit.softmax` -> `d2lkit.linear.softmax`: where a d2lkit name is defined."""
    parts = origin.split(".")
    if parts[0] != "d2lkit" or depth > 8:
        return origin
    for cut in range(len(parts), 0, -1):
        exports = _exports(".".join(parts[:cut]))
        if exports is None:
            continue
        if cut < len(parts) and parts[cut] in exports:
            return canonical(".".join([exports[parts[cut]], *parts[cut + 1 :]]), depth + 1)
        return origin
    return origin


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def free_names(node: ast.AST, bound: frozenset[str]) -> set[str]:
    """The names `node` reads from the module's namespace: not its functions' parameters and locals."""
    if isinstance(node, ast.Name):
        return {node.id} if isinstance(node.ctx, ast.Load) and node.id not in bound else set()
    if isinstance(node, _FUNCTIONS):
        args = node.args
        outside = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            outside += [*node.decorator_list, *([node.returns] if node.returns else [])]
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        body = node.body if isinstance(node.body, list) else [node.body]
        local = {p.arg for p in params if p is not None} | _stores(body)
        found = set().union(*(free_names(n, bound) for n in outside))
        return found.union(*(free_names(n, bound | local) for n in body))
    return set().union(*(free_names(n, bound) for n in ast.iter_child_nodes(node)))


def _stores(body: list) -> set[str]:
    """The names a function body binds (not in its nested functions), less its `global` names."""
    stores: set[str] = set()
    declared: set[str] = set()
    todo = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            stores.add(node.id)
        elif isinstance(node, ast.Global):
            declared.update(node.names)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            stores.update((a.asname or a.name).split(".")[0] for a in node.names)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            stores.add(node.name)
        elif not isinstance(node, ast.Lambda):
            todo.extend(ast.iter_child_nodes(node))
    return stores - declared
