"""Fails when modules of archive/ import each other in a cycle (lazy imports inside functions
included: a cycle hidden in a function is still a cycle), or when archive/parsing or
archive/citations.py import Django. Run by ./scripts/test; by hand: python scripts/check_imports.py"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PURE = ("archive.parsing", "archive.citations")  # plain Python: no Django, no database


def modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "archive").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found[".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(project modules imported, top-level packages imported) by one module."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    project, top = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                target = ".".join(parts + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            top.add(target.split(".")[0])
            project |= {c for c in [target, *(f"{target}.{a.name}" for a in node.names)] if c in known}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top.add(alias.name.split(".")[0])
                if alias.name in known:
                    project.add(alias.name)
    project.discard(name)
    return project, top


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main() -> int:
    known = modules()
    graph, problems = {}, []
    for name, path in known.items():
        graph[name], top = imports(name, path, known)
        if name.startswith(PURE) and ("django" in top or "haystack" in top):
            problems.append(f"{path.relative_to(ROOT)} imports Django: parsing and citations stay pure")
    problems += [f"import cycle: {' <-> '.join(c)}" for c in cycles(graph)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(known)} modules, {sum(map(len, graph.values()))} imports between them, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
