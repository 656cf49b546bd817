"""The module import graph of authflow/ has no cycle.

Every module's imports are read with :mod:`ast` (no import is executed). Only absolute
``authflow.*`` imports count; authflow uses no relative imports. Edges:

* ``import authflow.x.y`` → ``authflow.x.y``;
* ``from authflow.x import y`` → ``authflow.x.y`` when that is a module, else ``authflow.x``;
* a package ``__init__`` importing its own submodules is an edge like any other.

Imports under ``if TYPE_CHECKING:`` count too. They do not run, but a type-only import still
says "this module needs to know that one": a cycle through one is a design loop (two modules each
defined in terms of the other) that only the ``TYPE_CHECKING`` guard keeps from failing at import
time. Imports inside functions count as well, for the same reason.

Cycles outside authflow/emulator that another change is removing are listed in
:data:`KNOWN_CYCLES`; the test fails if one of them disappears (so the list is kept honest) or if
any other cycle exists.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "authflow"

# Cycles outside authflow/emulator that the concurrent flows/sessions/client/protocol refactor is
# expected to remove, each written as the sorted tuple of its modules. Empty: none today.
KNOWN_CYCLES: set[tuple[str, ...]] = set()


def module_name(path: Path) -> str:
    """``authflow/emulator/ops/__init__.py`` → ``authflow.emulator.ops``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of authflow/ by dotted name."""
    return {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The authflow modules ``path`` imports (see the module docs for the rules)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "authflow")
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import (use an absolute authflow import)"
            module = node.module or ""
            if module.split(".")[0] != "authflow":
                continue
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                found.add(candidate if candidate in known else module)
    return {name for name in found if name in known}


def import_graph() -> dict[str, set[str]]:
    """Module → the authflow modules it imports (self-imports dropped)."""
    found = modules()
    known = set(found)
    return {name: imported_modules(path, known) - {name} for name, path in found.items()}


def strongly_connected(graph: dict[str, set[str]]) -> Iterator[list[str]]:
    """Tarjan's algorithm, iteratively: every strongly connected component of two or more
    modules (a module importing itself was dropped above)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    yield sorted(component)


def one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A concrete cycle inside a strongly connected ``component``, as a path ``a → … → a``."""
    members = set(component)
    start = component[0]
    # Breadth-first from start's successors back to start, inside the component.
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:  # back at the start: walk the path back from node
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{component} is not strongly connected")


def test_the_graph_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "import os\n"
        "import authflow.a.b\n"
        "from authflow.a import c, some_name\n"
        "if TYPE_CHECKING:\n"
        "    from authflow.d import Thing\n"
        "def later() -> None:\n"
        "    from authflow.g import h\n",
        encoding="utf-8",
    )
    known = {"authflow.a", "authflow.a.b", "authflow.a.c", "authflow.d", "authflow.g", "authflow.x"}
    assert imported_modules(source, known) == {
        "authflow.a.b",  # import of a module
        "authflow.a.c",  # from-import of a submodule
        "authflow.a",  # from-import of a name
        "authflow.d",  # under TYPE_CHECKING
        "authflow.g",  # inside a function
    }
    relative = tmp_path / "rel.py"
    relative.write_text("from . import sibling\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="relative import"):
        imported_modules(relative, known)


def test_module_names_and_package_edges() -> None:
    assert module_name(PKG / "emulator" / "ops" / "__init__.py") == "authflow.emulator.ops"
    assert module_name(PKG / "emulator" / "core.py") == "authflow.emulator.core"
    graph = import_graph()
    # A package __init__ importing its own submodules is an edge like any other.
    assert "authflow.protocol.errors" in graph["authflow.protocol"]


def test_cycle_finder_reports_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": set()}
    (component,) = list(strongly_connected(graph))
    assert component == ["a", "b", "c"]
    assert one_cycle(graph, component) == ["a", "b", "c", "a"]
    assert list(strongly_connected({"x": {"y"}, "y": set()})) == []
    two = {"p": {"q"}, "q": {"p"}, "r": {"s"}, "s": {"r"}}
    assert sorted(strongly_connected(two)) == [["p", "q"], ["r", "s"]]


def test_authflow_import_graph_is_acyclic() -> None:
    graph = import_graph()
    cycles = {tuple(c): one_cycle(graph, c) for c in strongly_connected(graph)}
    unexpected = {k: v for k, v in cycles.items() if k not in KNOWN_CYCLES}
    assert not unexpected, "import cycles:\n" + "\n".join(
        " → ".join(path) for path in unexpected.values()
    )
    gone = KNOWN_CYCLES - set(cycles)
    assert not gone, f"known cycles no longer present, remove them from KNOWN_CYCLES: {gone}"
