"""Help screen and command-palette providers."""

from __future__ import annotations

from functools import lru_cache
from textual.binding import Binding
from textual import on
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.messages import BookmarkDelete, BookmarkJump, BookmarkRename, OpenDocument
from tui.app.widgets.display import SEP, clip, safe

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


class NoteScreen(ModalScreen["str | None"]):
    """A one-line input: a bookmark's note.  Enter keeps it, Esc cancels (None)."""

    DEFAULT_CSS = """
    NoteScreen { align: center middle; background: $background 60%; }
    NoteScreen > Vertical { width: 70; max-width: 100%; height: auto; background: $panel; padding: 1 2;
        min-width: 24; }
    NoteScreen Static { width: 1fr; }
    NoteScreen Input { width: 1fr; margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=True)]

    def __init__(self, title: str, where: str, value: str = "") -> None:
        super().__init__()
        self._title = title
        self._where = where
        self._value = value

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical():
            yield Static(Content(self._title), id="note-title")
            yield Static(Content(clip(self._where, 200)), id="note-where")
            yield Input(value=self._value, placeholder="note (optional), Enter to keep, Esc to cancel",
                        id="note-input", max_length=500, compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.is_current:
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        if self.is_current:
            self.dismiss(None)


class BookmarksScreen(ModalScreen[None]):
    """Every bookmark of the corpus: Enter jumps, r renames, d deletes.

    The app owns the bookmarks: it gives the rows (label, where, excerpt,
    note); this screen announces BookmarkJump/Rename/Delete and the app
    answers a change with ``show_rows``."""

    DEFAULT_CSS = """
    BookmarksScreen { align: center middle; background: $background 60%; }
    BookmarksScreen > Vertical { width: 100; max-width: 100%; height: auto; max-height: 100%;
        background: $panel; padding: 1 2; min-width: 24; }
    BookmarksScreen Static { width: 1fr; min-width: 10; }
    BookmarksScreen OptionList { height: auto; max-height: 30; border: none; background: $panel; min-width: 10; }
    BookmarksScreen OptionList:focus { border: none; }
    BookmarksScreen #bm-help { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        # Enter jumps at once (not through OptionList's message): a key typed
        # right behind it must not land in this list.
        Binding("enter", "jump", "Jump", show=True, priority=True),
        Binding("escape,q,apostrophe", "close", "Close", show=True),
        Binding("r", "rename", "Rename", show=True),
        Binding("d,delete", "delete", "Delete", show=True),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical():
            yield Static(Content("Bookmarks"), id="bm-title")
            yield OptionList(id="bm-list", markup=False)
            yield Static(Content("Enter jump   r rename   d delete   Esc close"), id="bm-help")

    def __init__(self, rows: list[tuple[str, str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def on_mount(self) -> None:
        self.show_rows(self.rows)
        self.query_one(OptionList).focus()

    def show_rows(self, rows: list[tuple[str, str, str, str]], keep: int | None = None) -> None:
        self.rows = rows
        ol = self.query_one(OptionList)
        ol.clear_options()
        if not rows:
            ol.add_option(Option(Content("No bookmarks yet: press m in the reader to add one."), disabled=True))
            return
        lines = [f"{clip(label, 44)}  - {where}" for label, where, _, _ in rows]
        ol.add_options([Option(Content(clip(r, 200)), id=str(i)) for i, r in enumerate(lines)])
        ol.highlighted = min(keep or 0, len(rows) - 1)

    def _current(self) -> int | None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return None
        option = ol.get_option_at_index(ol.highlighted)
        return int(option.id) if option.id is not None else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click: the same as Enter
        if event.option.id is None or not self.is_current:
            return
        self.query_one(OptionList).highlighted = event.option_index
        self.action_jump()

    def action_jump(self) -> None:
        i = self._current()
        if i is None or not self.is_current:
            return
        self.dismiss(None)
        self.app.post_message(BookmarkJump(i))

    def action_move(self, delta: int) -> None:
        ol = self.query_one(OptionList)
        if delta > 0:
            ol.action_cursor_down()
        else:
            ol.action_cursor_up()

    def action_rename(self) -> None:
        i = self._current()
        if i is None:
            return

        def done(note: "str | None") -> None:
            if note is not None:
                self.app.post_message(BookmarkRename(i, note))

        _, _, excerpt, note = self.rows[i]
        self.app.push_screen(NoteScreen("Rename the bookmark", excerpt, note), done)

    def action_delete(self) -> None:
        i = self._current()
        if i is None:
            return
        self.app.post_message(BookmarkDelete(i))

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)


# ------------------------------------------------------------------ palette


def _fold(s: str) -> str:
    """Lower-case and Simplified, one character for one (positions stay valid)."""
    from tui.text import to_simplified

    return to_simplified(s).lower()


@lru_cache(maxsize=4096)
def _readings(s: str) -> tuple[tuple[str, ...], ...] | None:
    """Every toneless reading of each character of ``s`` (a character
    without one stands for itself, lower-cased), from the search layer's
    lazy pinyin tables: one pinyin source for search, find and palette,
    polyphonic characters included.  None if the tables cannot load."""
    try:
        from tui.search.lang import pinyin

        table = pinyin().readings
    except Exception:  # noqa: BLE001 - pinyin matching is a bonus
        return None
    return tuple(table.get(ch) or (ch.lower(),) for ch in s)


def _initials_at(q: str, syll: tuple[tuple[str, ...], ...]) -> int:
    """Where ``q`` reads as the initials of consecutive characters, or -1."""
    for j in range(len(syll) - len(q) + 1):
        if all(any(r[0] == c for r in syll[j + k]) for k, c in enumerate(q)):
            return j
    return -1


def _spelled_from(q: str, syll: tuple[tuple[str, ...], ...], k: int) -> list[int] | None:
    """Characters from ``k`` on whose readings spell ``q`` (the last one
    may be a syllable still being typed), or None."""
    if k >= len(syll):
        return None
    for r in syll[k]:
        if r.startswith(q):
            return [k]
        if q.startswith(r):
            rest = _spelled_from(q[len(r):], syll, k + 1)
            if rest is not None:
                return [k, *rest]
    return None


def match(query: str, candidate: str) -> tuple[float, list[int]]:
    """Score ``candidate`` for ``query``: substring > pinyin > subsequence."""
    q = _fold(query.strip())
    if not q:
        return 0.0, []
    c = _fold(candidate)
    i = c.find(q)
    if i >= 0:
        return 1.0 - min(0.3, i / 200), list(range(i, i + len(q)))
    q_nospace = q.replace(" ", "")
    if q_nospace.isascii() and q_nospace.isalnum():
        syll = _readings(candidate)
        if syll is not None:
            j = _initials_at(q_nospace, syll) if len(q_nospace) >= 2 else -1
            if j >= 0:
                return 0.8, list(range(j, j + len(q_nospace)))
            # Full pinyin: the query must start at a syllable.
            for start in range(len(syll)):
                pos = _spelled_from(q_nospace, syll, start)
                if pos is not None:
                    return 0.85, pos
    # Subsequence.
    pos = []
    k = 0
    for idx, ch in enumerate(c):
        if k < len(q) and ch == q[k]:
            pos.append(idx)
            k += 1
    if k == len(q):
        spread = (pos[-1] - pos[0] + 1) if pos else 1
        return 0.3 * len(q) / spread, pos
    return 0.0, []


def _display(text: str, positions: list[int], width: int = 70) -> Content:
    shown = clip(safe(text), width)
    content = Content(shown)
    limit = len(shown)
    for p in positions:
        if p < limit:
            content = content.stylize("bold underline", p, p + 1)
    return content


class DocumentsProvider(Provider):
    """Open a document by (part of) its title, or its pinyin."""

    async def discover(self) -> Hits:
        app = self.app
        for i, doc in enumerate(getattr(app, "documents", [])[:200]):
            yield DiscoveryHit(
                _display("Open: " + (doc.title or doc.id), []),
                self._opener(i),
                text="Open: " + safe(doc.title or doc.id),
                help=f"{len(doc.sections)} sections, {len(doc.text)} characters",
            )

    async def search(self, query: str) -> Hits:
        app = self.app
        for i, doc in enumerate(getattr(app, "documents", [])):
            title = doc.title or doc.id
            score, pos = match(query, title[:80])
            if score <= 0:
                score, pos = match(query, doc.id)
                pos = []
            if score > 0:
                yield Hit(
                    score,
                    _display("Open: " + title, [p + 6 for p in pos]),
                    self._opener(i),
                    text="Open: " + safe(title),
                    help=f"{len(doc.sections)} sections",
                )

    def _opener(self, i: int):
        def go() -> None:
            self.app.post_message(OpenDocument(i))

        return go


class SectionsProvider(Provider):
    """Jump to a section: those of the open document first, then all others."""

    def _candidates(self):
        app = self.app
        docs = getattr(app, "documents", [])
        current = getattr(app, "current_doc", None)
        order = ([current] if current is not None else []) + [i for i in range(len(docs)) if i != current]
        for di in order:
            doc = docs[di]
            for si, sec in enumerate(doc.sections[:2000]):
                yield di, si, doc, sec

    async def discover(self) -> Hits:
        app = self.app
        current = getattr(app, "current_doc", None)
        if current is None:
            return
        for di, si, doc, sec in self._candidates():
            if di != current:
                break
            yield DiscoveryHit(
                _display("Section: " + sec.title, []),
                self._jumper(di, si),
                text="Section: " + safe(sec.title),
                help=clip(safe(doc.title), 60),
            )

    async def search(self, query: str) -> Hits:
        shown = 0
        current = getattr(self.app, "current_doc", None)
        for di, si, doc, sec in self._candidates():
            score, pos = match(query, sec.title[:80])
            if score <= 0:
                continue
            if di != current:
                score *= 0.9
            yield Hit(
                score,
                _display("Section: " + sec.title, [p + 9 for p in pos]),
                self._jumper(di, si),
                text="Section: " + safe(sec.title),
                help=clip(safe(doc.title) + SEP + safe(sec.title), 80),
            )
            shown += 1
            if shown >= 300:
                return

    def _jumper(self, di: int, si: int):
        start = self.app.documents[di].sections[si].start

        def go() -> None:
            self.app.post_message(OpenDocument(di, start))

        return go


class SafeCommandPalette(CommandPalette):
    """Textual's command palette, guarded against two crashes the soak test
    found in Textual 8.2.8:

    * Enter twice in one burst (a fast double press, one SSH packet): the
      first Enter runs the command and dismisses the palette, the second
      dismisses it again and raises ScreenStackError, killing the app.
    * Page keys while the list is being refilled (the palette searches as
      you type) raise KeyError in ``OptionList._move_page``.
    """

    @on(Input.Submitted)
    def _ignore_when_closed(self, event: Input.Submitted) -> None:
        if not self.is_current:
            # Already dismissed: this Enter was typed behind the one that ran
            # the command. The base class handler must not dismiss again.
            event.stop()
            event.prevent_default()

    def _select_or_command(self, event=None) -> None:
        # Reached directly (not only through the handler above) when an
        # option is selected with the mouse or a second Enter: once the
        # palette is closed, nothing more is run or dismissed.
        if not self.is_current:
            if event is not None:
                event.stop()
            return
        super()._select_or_command(event)

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except KeyError:
            pass  # the list is being refilled; the next key works
