"""The bookmarks dialog: it shows the rows it is given and announces what
the user asks (jump: its result; rename, delete: messages posted on it);
the main screen decides."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.app.messages import BookmarkDelete, BookmarkRename
from tui.app.screens.note import NoteScreen
from tui.app.widgets.display import clip


class BookmarksScreen(ModalScreen["int | None"]):
    """Every bookmark of the corpus: Enter jumps, r renames, d deletes.

    The main screen owns the bookmarks: it gives the rows (label, where,
    excerpt, note).  Enter dismisses this screen with the bookmark's index
    (None: closed); r and d post BookmarkRename/BookmarkDelete on it (they
    bubble to the app, which hands them to the main screen), and the main
    screen answers a change with ``show_rows``."""

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
        self.dismiss(i)

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
                self.post_message(BookmarkRename(i, note))

        _, _, excerpt, note = self.rows[i]
        self.app.push_screen(NoteScreen("Rename the bookmark", excerpt, note), done)

    def action_delete(self) -> None:
        i = self._current()
        if i is None:
            return
        self.post_message(BookmarkDelete(i))

    def action_close(self) -> None:
        if self.is_current:
            self.dismiss(None)
