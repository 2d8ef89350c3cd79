"""Imports point down only, and no module of ``tui`` imports itself round a cycle.

Every ``import`` in every module is read from the source (also the lazy
ones inside functions: they run sooner or later), so a cycle hidden by a lazy
import is found as well as one at module level.  Imports under
``if TYPE_CHECKING:`` never run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

TUI = ROOT / "tui"

# Lower layers first; a module may import its own layer and the ones below.
# The CLI may start the app (``yuelan`` with no sub-command); the app never
# reaches into the CLI.
LAYERS = [
    ("tui.text", "tui.persist", "tui.gcpause", "tui.memory"),
    ("tui.corpus",),
    ("tui.search",),
    ("tui.session", "tui.state", "tui.export"),
    ("tui.app",),
    ("tui.cli",),
    ("tui.__main__",),
]


def layer_of(module: str) -> int | None:
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None  # tui itself (the package's __init__)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The ``tui`` modules ``path`` imports (``from pkg import sub`` counts as ``pkg.sub``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "tui":
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] == "tui":
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    found.add(sub if sub in modules else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    found.discard(name)
    return {m for m in found if m in modules}


def graph() -> dict[str, set[str]]:
    paths = sorted(TUI.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(edges, WHITE)
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if colour.get(nxt) == GREY:
                return stack[stack.index(nxt) :] + [nxt]
            if colour.get(nxt) == WHITE:
                cycle = dfs(nxt)
                if cycle:
                    return cycle
        stack.pop()
        colour[node] = BLACK
        return None

    for node in sorted(edges):
        if colour[node] == WHITE:
            cycle = dfs(node)
            if cycle:
                return cycle
    return None


def upward(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for src, targets in sorted(edges.items()):
        rank = layer_of(src)
        for dst in sorted(targets):
            target_rank = layer_of(dst)
            if rank is not None and target_rank is not None and target_rank > rank:
                bad.append(f"{src} -> {dst}")
    return bad


def test_every_module_has_a_layer():
    assert [m for m in graph() if m != "tui" and layer_of(m) is None] == []


def test_no_upward_import():
    assert upward(graph()) == []


def test_no_import_cycle():
    assert find_cycle(graph()) is None


def test_the_checks_catch_what_they_are_for():
    """The checker itself: an upward import and a lazy cycle are found."""
    edges = {"tui.corpus.model": {"tui.search.index"}, "tui.search.index": {"tui.corpus.model"}}
    assert upward(edges) == ["tui.corpus.model -> tui.search.index"]
    assert find_cycle(edges) == ["tui.corpus.model", "tui.search.index", "tui.corpus.model"]
    assert find_cycle({"tui.app.app": {"tui.app.live"}, "tui.app.live": set()}) is None
