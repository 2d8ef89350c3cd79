"""Inside ``tui.app`` imports point down too: widgets announce and know no
screen, screens decide and know no app module, the plain state owners know
no Textual.  (``test_imports`` walks every module of ``tui``, the new
packages included; this adds the app's own layers.)"""

from __future__ import annotations

import ast

from test_imports import TUI, graph

# A module of the first kind may not import one of the second.
FORBIDDEN = [
    ("tui.app.state", ("tui.app.widgets", "tui.app.screens", "tui.app.app", "tui.app.loading", "tui.app.palette")),
    ("tui.app.widgets", ("tui.app.screens", "tui.app.app", "tui.app.loading", "tui.app.palette", "tui.app.live")),
    ("tui.app.screens", ("tui.app.app", "tui.app.loading", "tui.app.palette", "tui.app.live")),
]


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_app_layers_point_down():
    edges = graph()
    assert any(_under(m, "tui.app.screens") for m in edges) and any(_under(m, "tui.app.widgets") for m in edges)
    bad = [
        f"{src} -> {dst}"
        for src, targets in sorted(edges.items())
        for lower, higher in FORBIDDEN
        if _under(src, lower)
        for dst in sorted(targets)
        if any(_under(dst, h) for h in higher)
    ]
    assert bad == []


def test_state_owners_are_plain_python():
    for path in sorted((TUI / "app" / "state").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {n for n in names if n.split(".")[0] in ("textual", "rich")}, path.name
