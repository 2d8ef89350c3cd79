"""The search bar and the find bar."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.widgets import Input


def _editing_keys() -> frozenset[str]:
    """The keys of Input's own bindings that change its value."""
    keys: set[str] = set()
    for b in Input.BINDINGS:
        action = b.action.split("(")[0]
        if action.startswith("delete") or action in ("cut", "paste"):
            keys.update(k.strip() for k in b.key.split(","))
    return frozenset(keys)


class FixedInput(Input):
    """An Input whose size does not follow its text (this app's are 1fr x 1).

    Textual's Input sets its ``virtual_size``, a reactive that lays out the
    whole screen, on every change of its value: each typed key then cost a
    layout of every widget (frames of 18 ms against 7 without, at 120x40),
    and the search's answer waited behind that echo frame.  The virtual
    size only bounds the input's own horizontal scrolling, so it is set
    here without the layout (and the scroll offsets checked against it);
    an input sized by its text keeps Textual's way."""

    EDITING_KEYS = _editing_keys()

    def edits(self, event: events.Event) -> bool:
        """Whether ``event``, a key or a paste on its way to this input, may
        change its value (cursor keys and bindings do not)."""
        if isinstance(event, events.Paste):
            return True
        return isinstance(event, events.Key) and (event.is_printable or event.key in self.EDITING_KEYS)

    def _watch_value(self, value: str) -> None:
        if not self.styles.auto_dimensions:
            size = Size(self.content_width, 1)
            if size != self.virtual_size:
                self.set_reactive(Input.virtual_size, size)
                self._scroll_update(size)
        super()._watch_value(value)


class SearchInput(FixedInput):
    """The search bar: Up/Down recall this corpus's earlier queries (Down
    past the newest goes to the results)."""

    BINDINGS = [
        Binding("up", "screen.history_query(-1)", "Earlier query", show=False),
        Binding("down", "screen.history_query(1)", "Results", show=False),
    ]


class FindInput(FixedInput):
    """The find-in-document bar (ctrl+f): Enter finds, Esc closes it."""

    BINDINGS = [
        Binding("escape", "screen.close_find", "Close", show=False),
    ]
