"""The search bar and the find bar."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class SearchInput(Input):
    """The search bar: Up/Down recall this corpus's earlier queries (Down
    past the newest goes to the results)."""

    BINDINGS = [
        Binding("up", "screen.history_query(-1)", "Earlier query", show=False),
        Binding("down", "screen.history_query(1)", "Results", show=False),
    ]


class FindInput(Input):
    """The find-in-document bar (ctrl+f): Enter finds, Esc closes it."""

    BINDINGS = [
        Binding("escape", "screen.close_find", "Close", show=False),
    ]
