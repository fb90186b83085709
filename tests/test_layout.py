"""The layout rules of docs/design.md, checked on the source: no import cycle, no chapter leaning
on another chapter's checks or fixtures, one definition of each shared rule."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("d2lkit", "autograder")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules `path` imports anywhere in its code (TYPE_CHECKING blocks and
    function bodies included); `from pkg import mod` counts as importing `pkg.mod`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    return {m for m in found if m in known and m != name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycle_among_the_projects_modules():
    modules = _modules()
    graph = {name: _imports(path, name, set(modules)) for name, path in modules.items()}
    cycle = _cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


CHAPTER_FILES = sorted(
    p
    for folder in ("autograder/checks", "autograder/fixtures")
    for p in (ROOT / folder).rglob("*.py")
    if re.match(r"ch\d\d", p.relative_to(ROOT / folder).parts[0])
)


@pytest.mark.parametrize("path", CHAPTER_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_chapter_names_another_chapters_checks_or_fixtures(path):
    own = re.match(r"ch\d\d", path.relative_to(ROOT / "autograder").parts[1])[0]
    code = path.read_text(encoding="utf-8")
    # an import of another chapter's module, a fixture or exercise id of another chapter
    others = {m for m in re.findall(r"\b(ch\d\d)\b", code) if m != own}
    assert not others, f"{path.name} names {sorted(others)}"


def test_one_close_and_no_wrappers():
    sources = {p: p.read_text(encoding="utf-8") for p in (ROOT / "autograder").rglob("*.py")}
    closes = [p for p, s in sources.items() if re.search(r"^def close\(", s, re.MULTILINE)]
    wrappers = [p for p, s in sources.items() if re.search(r"def _close\(|_safe\b|guarded", s)]
    assert [p.name for p in closes] == ["hints.py"] and not wrappers


def test_the_design_page_names_every_module():
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    missing = []
    for path in sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if re.match(r"autograder/(checks/ch\d\d/|fixtures/ch\d\d\.py)", rel):
            continue  # a chapter's own modules: named in the chapter table
        folder, name = rel.rsplit("/", 1)
        if rel not in design and not re.search(rf"`{folder}/[^`]*`[^|]*`{name}`", design):
            missing.append(rel)
    assert not missing, f"docs/design.md does not name {missing}"
