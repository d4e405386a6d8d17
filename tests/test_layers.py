"""The module graph has no cycles: layers point down (STYLE.md §16).

Every ``import portal.…`` counts, including imports inside functions — an import written inside a
function to dodge a cycle is the cycle still there.  Nodes are the portal's top-level modules and
packages (``portal.review``, ``portal.workflow``, …); the application factory (``portal/__init__``)
and the migrations stand above everything and are left out.
"""
from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
# The bottom of the imports: they may use nothing of the portal but each other.
BOTTOM = {"portal.clock", "portal.formatting", "portal.parsing", "portal.collation", "portal.config",
          "portal.extensions"}
BOTTOM_MAY_USE = {"portal.formatting": {"portal.clock"}, "portal.parsing": set(), "portal.collation": set(),
                  "portal.clock": set(), "portal.config": set(), "portal.extensions": {"portal.models"}}


def _node(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "portal" or len(parts) < 2 or parts[1] == "migrations":
        return None
    return ".".join(parts[:2])


def _module_name(path: Path) -> str:
    relative = path.relative_to(PORTAL.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _exists(node: str) -> bool:
    name = node.split(".")[1]
    return (PORTAL / name).is_dir() or (PORTAL / f"{name}.py").exists()


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PORTAL.rglob("*.py"):
        if "migrations" in path.parts or path == PORTAL / "__init__.py":
            continue
        source = _node(_module_name(path))
        package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rsplit(".", 1)[0]
        graph.setdefault(source, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names] if base == "portal" else [base]
            for target in targets:
                target_node = _node(target)
                if target_node and target_node != source and _exists(target_node):
                    graph[source].add(target_node)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_portal_modules_import_each_other_without_cycles():
    graph = import_graph()
    assert "portal.workflow" in graph and "portal.review" in graph  # the walk found the code
    assert cycles(graph) == []


def test_the_bottom_layer_imports_only_the_bottom():
    graph = import_graph()
    for module in BOTTOM:
        assert graph.get(module, set()) <= BOTTOM_MAY_USE[module], module


def test_the_generic_workflow_knows_no_feature():
    assert import_graph()["portal.workflow"].isdisjoint(
        {"portal.review", "portal.scoreboard", "portal.nominations", "portal.workspace", "portal.ceremony", "portal.live"})


def test_a_cycle_is_found_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
