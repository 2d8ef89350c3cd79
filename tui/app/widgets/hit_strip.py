"""The strip beside the reader: where in the document the hits are."""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tui.app.widgets.reader import Reader

# Hit-density marks, fewest to most hits in a row (ASCII: never ambiguous width).
DENSITY = " .:=#"


class HitStrip(Widget):
    """One column beside the reader: where in the document the hits are.

    Each row of the strip stands for an equal share of the document's display
    lines; its mark says how many hits fall there ('.' one, ':' two, '=' up to
    four, '#' more).  Rows covering the visible part are drawn in the accent
    colour (reverse), so the strip doubles as a position indicator."""

    COMPONENT_CLASSES = {"hitstrip--view", "hitstrip--hit"}

    DEFAULT_CSS = """
    HitStrip { width: 1; height: 1fr; background: $panel; color: $text-muted; }
    HitStrip > .hitstrip--view { background: $primary 50%; color: $text; }
    HitStrip > .hitstrip--hit { color: $warning; text-style: bold; }
    """

    def __init__(self, reader: Reader, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reader = reader
        self._memo: tuple | None = None
        self._row_styles: tuple | None = None  # set while the strip renders

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles are the same for every row: work them out once per
        # render, not per row (``rich_style`` walks every ancestor; per row,
        # the strip took 7 ms of a 36-row first frame).
        self._row_styles = self._styles()
        try:
            return super().render_lines(crop)
        finally:
            self._row_styles = None

    def _styles(self) -> tuple:
        """A row's style, by (has hits) + 2 * (in the viewport)."""
        base = self.rich_style
        hit = self.get_component_rich_style("hitstrip--hit", partial=True)
        view = self.get_component_rich_style("hitstrip--view", partial=True)
        return base, base + hit, base + view, base + hit + view

    def marks(self, rows: int) -> tuple[list[int], range]:
        """Hits per row and the rows of the viewport, for a strip of ``rows``."""
        reader = self.reader
        lay = reader.lay
        key = (id(lay), id(reader.hits), len(reader.hits), round(reader.scroll_y),
               reader.scrollable_content_region.height, rows)
        if self._memo is not None and self._memo[0] == key:
            return self._memo[1]
        result = self._marks(rows)
        self._memo = (key, result)
        return result

    def _marks(self, rows: int) -> tuple[list[int], range]:
        reader = self.reader
        lay = reader.lay
        counts = [0] * max(0, rows)
        if rows <= 0 or lay is None or not len(lay):
            return counts, range(0)
        total = len(lay)
        for s, _ in reader.hits:
            line = lay.line_at(s)
            counts[min(rows - 1, line * rows // total)] += 1
        top = round(reader.scroll_y)
        height = max(1, reader.scrollable_content_region.height)
        first = min(rows - 1, top * rows // total)
        last = min(rows - 1, max(first, (min(total, top + height) * rows - 1) // total))
        return counts, range(first, last + 1)

    def render_line(self, y: int) -> Strip:
        counts, view = self.marks(self.size.height)
        styles = self._row_styles or self._styles()  # (a line asked for outside render_lines)
        base = styles[0]
        if y >= len(counts):
            return Strip.blank(self.size.width, base)
        n = counts[y]
        mark = DENSITY[0 if n == 0 else 1 if n == 1 else 2 if n == 2 else 3 if n <= 4 else 4]
        style = styles[(1 if n else 0) + (2 if y in view else 0)]
        return Strip([Segment(mark, style)]).adjust_cell_length(self.size.width, base)
