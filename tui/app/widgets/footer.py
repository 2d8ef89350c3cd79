"""The footer: Textual's, without its leak, and never run together.

Textual's Footer lays its keys out in a row that scrolls sideways and docks
the palette key (^p) on the right, over that row: on a narrow terminal the
last keys slide under it ("? Help^p palette") or out of sight.  Here the
keys that do not fit are hidden instead, whole, the least important first
(the screen names them, most expendable first; then from the right), so
what is shown is always whole, separated key hints.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not re-exported by textual.widgets


class LeanFooter(Footer):
    """Textual's Footer, without its leak, fitted to its width.

    Textual 8.2's Footer recomposes on every focus or binding change, and
    each new FooterKey is data-bound to the footer's ``compact`` reactive.
    The watcher entries of the removed keys are only dropped when
    ``compact`` itself changes, which it never does here, so every Tab kept
    about a dozen dead widgets alive (~10 KiB per key in the soak test).
    After each recompose the entries of closed widgets are dropped.

    ``drop_first``: the actions whose keys give way first when the row is
    too narrow, most expendable first; then the others, from the right."""

    def __init__(self, *, drop_first: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.drop_first = drop_first

    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", None)
        if watchers:
            for entries in watchers.values():
                entries[:] = [(node, cb) for node, cb in entries if not (node._closing or node._closed)]
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def _cells(self, widget: Widget) -> int:
        """Cells ``widget`` takes in the row: content, padding, border, margin."""
        styles = widget.styles
        content = widget.get_content_width(Size(self.size.width, 1), self.app.size)
        return content + styles.gutter.width + styles.margin.width

    def fit(self) -> None:
        """Show the keys that fit beside the palette key; hide the rest."""
        width = self.size.width
        if not width:
            return  # not laid out yet: the first resize fits it
        row = [w for w in self.children if not w.has_class("-command-palette")]
        room = width - sum(self._cells(w) for w in self.children if w.has_class("-command-palette"))
        cells = {w: self._cells(w) for w in row}
        rank = {action: i for i, action in enumerate(self.drop_first)}
        # Most expendable first: the named actions in their order, then the
        # remaining keys from the right.
        order = sorted(
            range(len(row)),
            key=lambda i: (0, rank[row[i].action], 0) if isinstance(row[i], FooterKey) and row[i].action in rank
            else (1, 0, -i),
        )
        shown = set(row)
        used = sum(cells.values())
        for i in order:
            if used <= room:
                break
            shown.discard(row[i])
            used -= cells[row[i]]
        for w in row:
            w.display = w in shown
