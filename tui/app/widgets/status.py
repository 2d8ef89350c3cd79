"""A one-line status that says as much as fits.

The status beside the search bar is given a text and shorter forms of it
("244 results (top 50) in 3 docs, 12 ms", "244 results (top 50)",
"244 (top 50)").  It shows the first form that fits the room its CSS
allows (``max-width``) in the bar as it is now, and chooses again whenever
the bar's width changes: a form chosen for 120 columns is not left to be
wrapped and cut at 60 ("244 results (top 50) in 3").  Only when no form
fits is the last one clipped, with a visible '...'.

Its width grows and shrinks by whole steps of cells (the text kept at its
right end), so most new texts, such as each keystroke's count of results,
fit the width it has and need no layout of the screen.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from tui.app.widgets.display import cell_len, clip

STEP = 8  # the status's width grows and shrinks by this many cells


class FitStatus(Widget):
    DEFAULT_CSS = """
    FitStatus { width: auto; height: 1; text-wrap: nowrap; text-align: right; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._forms: tuple[str, ...] = (text,)
        self._room: int | None = None  # cells allowed at the last layout (None: not laid out yet)

    def show(self, text: str, *shorter: str) -> None:
        """Show ``text``, or the first of the ``shorter`` forms that fits."""
        forms = (text, *shorter)
        if forms != self._forms:
            self._forms = forms
            # A new width lays out the whole screen (10 ms and more, on the
            # frame that shows a search's answer): only a text that needs
            # another STEP of cells asks for one.
            self.refresh(layout=self._room is None or self._width() != self.content_size.width)

    @property
    def text(self) -> str:
        """The form shown at the width of the last layout."""
        room = self._room
        if room is None:
            return self._forms[0]
        for form in self._forms:
            if cell_len(form) <= room:
                return form
        return clip(self._forms[-1], room)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        # ``container`` is the room inside the parent less this widget's
        # padding, border and margin (the parent as it is now, also in the
        # middle of a resize); ``max-width`` counts the padding and border.
        room = container.width
        limit = self.styles.max_width
        if limit is not None:
            gutter = self.styles.gutter
            room = min(room, int(limit.resolve(container + gutter.totals, viewport)) - gutter.width)
        self._room = max(0, room)
        return self._width()

    def _width(self) -> int:
        """The cells this status takes: its text's, rounded up to a whole
        STEP (within its room), so that most new texts fit the old width."""
        cells = cell_len(self.text)
        wide = -(-cells // STEP) * STEP
        return wide if self._room is None else min(self._room, wide)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render(self) -> Content:
        return Content(self.text)
