"""Layers point one way: no import cycle in trialdocs/, and ``check`` imports no renderer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE, ROOT

PACKAGE = ROOT / "trialdocs"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(name: str, level: int, current: str, is_package: bool) -> str:
    if not level:
        return name
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def import_graph() -> dict[str, set[str]]:
    """{module: trialdocs modules it imports}, imports inside functions included."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        package = path.name == "__init__.py"
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                module = _resolve(node.module or "", node.level, name, package)
                found.add(module)
                found |= {f"{module}.{alias.name}" for alias in node.names}
        graph[name] = {m for m in found if m in files and m != name}
    return graph


def find_cycle(graph) -> list[str]:
    """One import cycle as [a, b, ..., a], or []."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, stack)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return []

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return []


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_trialdocs():
    graph = import_graph()
    assert "trialdocs.cli" in graph and graph["trialdocs.cli"]  # the walk sees imports
    assert find_cycle(graph) == []


def test_nothing_below_the_cli_imports_it():
    graph = import_graph()
    above = {"trialdocs.__main__"}  # ``python -m trialdocs`` is the CLI's entry
    assert [m for m, imported in graph.items()
            if "trialdocs.cli" in imported and m not in above] == []


def test_check_imports_no_renderer():
    code = ("import sys; from trialdocs.cli import main; rc = main(['check', sys.argv[1]]); "
            "print('LOADED', sorted(m for m in ('jinja2', 'markdown_it', 'weasyprint') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert "LOADED []" in result.stdout, result.stdout + result.stderr
