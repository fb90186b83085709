"""The kit's copies of the staff's sources, with what students must not have cut out (`ast`, and
the text kept otherwise as it is).

- d2lkit without the references of the kit's own exercises (`strip`);
- the checks without their cases and references (`strip_checks`): every `cases=` argument becomes
  `tuple` (no cases) and every `reference=` argument `None`; the module-level functions that were
  a `cases=` argument, or that build a hidden case (`visible=False`), are removed, and so is every
  import of them (a use elsewhere becomes `tuple`). What stays is what judges: tolerances, forbidden
  calls, hints and checkers. The kit's registry puts the visible cases and the reference's name
  back from its data.
"""

from __future__ import annotations

import ast
from pathlib import Path


def strip(source: str, names: set[str]) -> str:
    """`source` without the top-level definitions of `names` and without importing them from
    the kit's own packages."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    cuts: list[tuple[int, int, str]] = []  # (first line, last line, replacement), 1-based
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in names:
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                cuts.append((first, node.end_lineno, ""))
        elif _ours(node) and any(a.name in names for a in node.names):
            kept = [a for a in node.names if a.name not in names]
            trimmed = ast.ImportFrom(module=node.module, names=kept, level=node.level)
            cuts.append((node.lineno, node.end_lineno, ast.unparse(trimmed) + "\n" if kept else ""))
        elif _is_all(node):
            node.value.elts = [e for e in node.value.elts if getattr(e, "value", None) not in names]
            cuts.append((node.lineno, node.end_lineno, ast.unparse(node) + "\n"))
    for first, last, text in sorted(cuts, reverse=True):
        lines[first - 1 : last] = [text]
    return "".join(lines)


def _ours(node: ast.stmt) -> bool:
    """An import from the kit's own packages: a name stripped there may also be a library's
    (`sigmoid`, `matmul`), whose imports stay."""
    return isinstance(node, ast.ImportFrom) and (
        node.level > 0 or (node.module or "").split(".")[0] in ("d2lkit", "autograder")
    )


def _is_all(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        and isinstance(node.value, (ast.List, ast.Tuple))
    )


def _cases_functions(tree: ast.Module) -> set[str]:
    """Module-level functions that are a `cases=` argument or build a hidden case."""
    defined = {
        n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "cases":
            found |= {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)} & set(defined)
    for name, node in defined.items():
        if any(_hidden(k) for k in ast.walk(node) if isinstance(k, ast.keyword)):
            found.add(name)
    return found


def _hidden(keyword: ast.keyword) -> bool:
    return (
        keyword.arg == "visible"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is False
    )


def checks_removals(package: Path, name: str = "autograder.checks") -> dict[str, set[str]]:
    """Module → the functions `strip_checks` removes from it, across the checks package (a module
    imports another's case builders)."""
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        module = ".".join((name, *parts)).removesuffix(".__init__")
        found[module] = _cases_functions(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _imported(tree: ast.Module, module: str, removals: dict[str, set[str]]) -> set[str]:
    """The names this module imports from another's removed functions."""
    names = set()
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            source = node.module if node.level == 0 else f"{package}.{node.module}"
            for alias in node.names:
                if alias.name in removals.get(source, ()):
                    names.add(alias.asname or alias.name)
    return names


def strip_checks(
    source: str, module: str, removals: dict[str, set[str]], kit_only: set[str]
) -> str:
    """A checks module without cases and references (see the module's docstring); `kit_only` are
    the kit-only references, whose imports go too."""
    tree = ast.parse(source)
    removed = removals.get(module, set()) | _imported(tree, module, removals)
    data = source.encode("utf-8")
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    edits = []  # (byte start, byte end, replacement); ast's columns count UTF-8 bytes
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("cases", "reference"):
            value = node.value
            start = starts[value.lineno - 1] + value.col_offset
            end = starts[value.end_lineno - 1] + value.end_col_offset
            edits.append((start, end, b"tuple" if node.arg == "cases" else b"None"))
        elif isinstance(node, ast.Name) and node.id in removed and isinstance(node.ctx, ast.Load):
            # a case builder passed on by position (to an exercise factory)
            start = starts[node.lineno - 1] + node.col_offset
            edits.append((start, start + len(node.id.encode()), b"tuple"))
    spans = {(start, end): text for start, end, text in reversed(edits)}  # one edit per span
    outermost = [
        (start, end, text)
        for (start, end), text in spans.items()
        if not any(a <= start and end <= b and (a, b) != (start, end) for a, b in spans)
    ]
    for start, end, text in sorted(outermost, reverse=True):
        data = data[:start] + text + data[end:]
    return strip(data.decode("utf-8"), removed | kit_only)
