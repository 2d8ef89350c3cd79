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


# The dialogs and the palette's providers announce (a message posted on
# themselves, a dismiss with a result, a request posted to the screen they
# serve); the main screen decides.  None of them may touch what the yuelan
# app adds to Textual's App, nor post to the app.
DIALOGS = ["bookmarks.py", "note.py", "help.py", "commands.py"]


def app_domain() -> set[str]:
    """What ``YuelanApp`` adds to Textual's ``App``: its methods and fields
    (the corpus, the index, the state owners...), and ``post_message``."""
    from textual.app import App

    from app_support import make_app

    app = make_app()
    ours = set(dir(type(app))) | set(vars(app))
    return ours - set(dir(App)) - set(vars(App())) | {"post_message"}


def reaches_into_the_app(source: str, domain: set[str]) -> list[str]:
    """``self.app.X`` (or ``app.X`` after ``app = self.app``) with X in
    ``domain``, and any ``getattr`` on the app, in ``source``."""
    tree = ast.parse(source)

    def is_app(node: ast.AST, aliases: set[str]) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "app":
            return isinstance(node.value, ast.Name) and node.value.id == "self"
        return isinstance(node, ast.Name) and node.id in aliases

    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and is_app(node.value, set()):
            aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in domain and is_app(node.value, aliases):
            bad.append(f"line {node.lineno}: app.{node.attr}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                and node.args and is_app(node.args[0], aliases)):
            bad.append(f"line {node.lineno}: getattr(app, ...)")
    return bad


def test_dialogs_and_providers_do_not_reach_into_the_app():
    domain = app_domain()
    assert {"documents", "current_doc", "bookmarks", "doc_at", "post_message"} <= domain
    # The check finds what it looks for (the shapes the dialogs used to have).
    old = (
        "class P:\n"
        "    def f(self):\n"
        "        app = self.app\n"
        "        docs = getattr(app, 'documents', [])\n"
        "        self.app.post_message(1)\n"
        "        return app.current_doc, self.app.documents[0], self.app.push_screen\n"
    )
    assert len(reaches_into_the_app(old, domain)) == 4
    bad = {
        name: found
        for name in DIALOGS
        if (found := reaches_into_the_app((TUI / "app" / "screens" / name).read_text(encoding="utf-8"), domain))
    }
    assert bad == {}


def test_the_providers_read_the_main_screen_through_a_declared_interface():
    from tui.app.app import YuelanApp
    from tui.app.screens.commands import PaletteSource
    from tui.app.screens.main import MainScreen

    assert issubclass(MainScreen, PaletteSource)
    # The document and section commands are the main screen's, not the app's:
    # over any other screen there is no source for them.
    names = {getattr(p, "__name__", "") for p in MainScreen.COMMANDS}
    assert {"documents_provider", "sections_provider"} <= names
    assert not names & {getattr(p, "__name__", "") for p in YuelanApp.COMMANDS}
