"""The help dialog: every key, grouped by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

# Every key, as the help screen shows it.  ASCII only (no ambiguous glyphs).
KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Anywhere",
        [
            ("/", "search: Chinese, pinyin (xlgw), \"phrase\", -word"),
            ("Esc", "back: find > reader > list > document tree"),
            ("Tab", "switch pane: list / reader"),
            ("n / N", "next / previous hit (of the find, if active)"),
            ("[ / ]", "previous / next section"),
            ("ctrl+f", "find in this document (less-style; Esc ends it)"),
            ("m", "bookmark this passage (with an optional note)"),
            ("'", "bookmarks: Enter jump, r rename, d delete"),
            ("H / ctrl+o", "back to the previous place"),
            ("L / ctrl+i", "forward again (ctrl+i: see the note below)"),
            ("y", "copy passage + title > section, file:line"),
            ("Y", "copy the whole section + citation"),
            ("e", "export the current results to a Markdown file"),
            ("t", "next theme: dark, light, 16-colour (kept)"),
            ("?", "this help"),
            ("ctrl+p", "palette: documents, sections, themes, commands"),
            ("q / ctrl+q", "quit (the reading place is kept)"),
        ],
    ),
    (
        "Document tree and results",
        [
            ("j / k, Up / Down", "move (the reader previews the result)"),
            ("g / G, Home / End", "first / last"),
            ("Enter", "open in the reader; Esc comes back to it"),
            ("p", "preview the result (one-pane layout)"),
            ("l / h, Right / Left", "expand / collapse a document (tree)"),
            ("space", "expand / collapse (tree)"),
        ],
    ),
    (
        "Search bar and find bar",
        [
            ("type", "results update as you type"),
            ("Enter", "open the highlighted result / find"),
            ("Up / Down", "earlier / later queries; Down: the results"),
        ],
    ),
    (
        "Reader",
        [
            ("j / k, Up / Down", "scroll a line"),
            ("space / b", "scroll a page down / up"),
            ("PageDown / PageUp", "scroll a page down / up"),
            ("ctrl+d / ctrl+u", "half a page down / up"),
            ("g / G, Home / End", "top / bottom"),
        ],
    ),
    (
        "Bookmarks list",
        [
            ("Enter", "jump to the bookmark"),
            ("r", "rename (edit the note)"),
            ("d / Delete", "delete"),
            ("Esc / q", "close"),
        ],
    ),
]

TMUX_NOTE = "Inside tmux, y/Y need `set -g set-clipboard on` in ~/.tmux.conf."


def help_text(tmux: bool | None = None) -> str:
    import os

    if tmux is None:
        tmux = bool(os.environ.get("TMUX"))
    lines = ["yuelan - keys        (Esc, q or ? closes; j/k, space/b scroll)", ""]
    if tmux:
        lines += [TMUX_NOTE, ""]
    for group, keys in KEYS:
        lines.append(group)
        for key, what in keys:
            lines.append(f"  {key:<22} {what}")
        lines.append("")
    lines.append("The mouse works too (click, wheel), but every action has a key.")
    lines.append("The strip right of the reader maps the whole document: . : = # are")
    lines.append("1, 2, up to 4, more hits in that stretch; highlighted rows are in view.")
    lines.append("")
    lines.append("ctrl+i is the same key as Tab in most terminals (it switches panes);")
    lines.append("it goes forward only where the terminal tells them apart (kitty")
    lines.append("keyboard protocol: kitty, foot, WezTerm, Ghostty). L always works.")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > VerticalScroll {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        background: $panel; padding: 1 2;
        min-width: 24;  /* below this the text would wrap at 0 columns and raise */
    }
    HelpScreen Static { width: 1fr; }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss_help", "Close", show=True),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
        Binding("space,pagedown", "scroll(10)", "Page down", show=False),
        Binding("b,pageup", "scroll(-10)", "Page up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._dismissing = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Content(help_text()), id="help-text")

    def action_dismiss_help(self) -> None:
        # Keys queued behind the first close must not pop the main screen.
        if self.is_current and not self._dismissing:
            self._dismissing = True
            self.dismiss(None)

    def action_scroll(self, delta: int) -> None:
        scroller = self.query_one("#help", VerticalScroll)
        scroller.scroll_to(y=scroller.scroll_y + delta, animate=False)
