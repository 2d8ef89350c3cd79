"""A one-line dialog: a bookmark's note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.app.widgets.display import clip


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
