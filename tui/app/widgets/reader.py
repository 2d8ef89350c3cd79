"""The reading pane: a line-API scroll view over one document.

Only the lines on screen are rendered (toolong's model), so a long document
costs no more to show than a short one.  Text is always rendered as literal
segments after ``escape_controls``: it is never parsed as markup and no
control character reaches the terminal.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from tui.app.layout import Layout, layout
from tui.text.safe import escape_controls

# The reading measure: lines longer than this are hard to read.
MAX_MEASURE = 100
# Documents longer than this (characters) are laid out in a worker thread.
BIG_DOCUMENT = 200_000
FIRST_WINDOW = 20_000  # characters each side of the target laid out first in a big document


def display_text(s: str) -> str:
    """Document text as it may be drawn: controls made visible, tabs as spaces."""
    return escape_controls(s).replace("\t", " ")


def _para_start(p) -> int:
    return p.start


# Rendered lines kept (a Strip with its own caches is about 1.3 KB): some
# screens of the largest terminal, not every line the preview ever showed.
STRIP_CACHE = 600
REDRAW_SPANS_MAX = 400  # more changed hits than this: the whole reader is redrawn

class Reader(ScrollView, can_focus=True):
    """Shows one document, wrapped, with every search hit highlighted."""

    COMPONENT_CLASSES = {
        "reader--title",
        "reader--h1",
        "reader--h2",
        "reader--h3",
        "reader--boilerplate",
        "reader--hit",
        "reader--current",
    }

    DEFAULT_CSS = """
    Reader {
        background: $surface;
        padding: 0 1;
        overflow-y: scroll;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    Reader > .reader--title { text-style: bold; color: $accent; }
    Reader > .reader--h1 { text-style: bold; color: $primary; }
    Reader > .reader--h2 { text-style: bold; color: $secondary; }
    Reader > .reader--h3 { text-style: bold italic; }
    Reader > .reader--boilerplate { color: $text-muted; text-style: dim; }
    Reader > .reader--hit { background: $warning 35%; text-style: underline; }
    Reader > .reader--current { background: $accent; color: $text; text-style: bold reverse; }
    """

    BINDINGS = [
        Binding("j,down", "line(1)", "Down", show=False),
        Binding("k,up", "line(-1)", "Up", show=False),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "bottom", "Bottom", show=False),
        Binding("space,pagedown", "page(1)", "Page down", show=False),
        Binding("b,pageup", "page(-1)", "Page up", show=False),
        # less/vim habits: half a page.
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False),
    ]

    class Moved(Message):
        """The reading position changed (scroll, open, hit)."""

        def __init__(self, reader: "Reader") -> None:
            super().__init__()
            self.reader = reader

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.doc = None
        self.lay: Layout | None = None
        self.hits: list[tuple[int, int]] = []
        self._hit_starts: list[int] = []
        self._hit_ends_max: list[int] = []
        self.current: int | None = None
        self._cache: dict[int, Strip] = {}
        self._pending_offset: tuple[int, bool] | None = None
        # Where the user was sent (a section, a hit): the reading position
        # while it is on screen, even when it is not the top line.
        self.anchor: int | None = None
        self._layout_scheduled = False

    # ------------------------------------------------------------------ state

    @property
    def pending_offset(self) -> int | None:
        """Where the reader is about to go (a jump waiting for its layout), or None."""
        return self._pending_offset[0] if self._pending_offset is not None else None

    def show(self, doc, offset: int = 0, *, hits=None, current: int | None = None, center: bool = False) -> None:
        """Show ``doc`` with ``offset`` in view (centred a third down if ``center``)."""
        if doc is not self.doc:
            self.doc = doc
            self.lay = None
            self.virtual_size = Size(0, 0)
            self._window_target = offset
            self._cache.clear()
        # The same document (the live preview moving through its results)
        # keeps its drawn lines: set_hits redraws those whose hits changed.
        if hits is not None:
            self.set_hits(hits, current)
        self._relayout()
        self.go_to(offset, center=center)

    def clear_document(self) -> None:
        self.anchor = None
        self.doc = None
        self.lay = None
        self.hits = []
        self._hit_starts = []
        self.current = None
        self._cache.clear()
        self.virtual_size = Size(0, 0)
        self.refresh()

    def set_hits(self, hits: list[tuple[int, int]], current: int | None = None) -> None:
        was, was_current = self.hits, self._current_span()
        self.hits = sorted(hits)
        self._hit_starts = [s for s, _ in self.hits]
        # Running maximum of ends, to find hits overlapping a line quickly.
        m = -1
        self._hit_ends_max = []
        for _, e in self.hits:
            m = max(m, e)
            self._hit_ends_max.append(m)
        self.current = current if current is not None and 0 <= current < len(self.hits) else None
        changed = set(was).symmetric_difference(self.hits)
        now_current = self._current_span()
        if now_current != was_current:
            changed.update(x for x in (was_current, now_current) if x is not None)
        self._redraw_spans(changed)

    def set_current(self, index: int | None, *, center: bool = True) -> None:
        was_current = self._current_span()
        if index is None or not self.hits:
            self.current = None
        else:
            self.current = max(0, min(index, len(self.hits) - 1))
        self._redraw_spans({x for x in (was_current, self._current_span()) if x is not None})
        if self.current is not None:
            self.go_to(self.hits[self.current][0], center=center, only_if_hidden=True)

    def _current_span(self) -> tuple[int, int] | None:
        return self.hits[self.current] if self.current is not None and self.current < len(self.hits) else None

    def _redraw_spans(self, spans) -> None:
        """Redraw the lines that show any of ``spans`` (hits added, removed,
        or made current or not): only those lines change.  A new query's
        hits redrew all 37 lines of the reader (10-20 ms of a frame at
        120x40), though most showed no hit before or after."""
        lay = self.lay
        if lay is None or len(spans) > REDRAW_SPANS_MAX:
            self._cache.clear()
            self.refresh()
            return
        lines: set[int] = set()
        starts, ends = lay.starts, lay.ends
        for s, e in spans:
            end = max(e, s + 1)
            i = max(0, bisect_right(starts, s) - 1)
            while i < len(starts) and starts[i] < end:
                if ends[i] > s:
                    lines.add(i)
                i += 1
        for i in lines:
            self._cache.pop(i, None)
            self.refresh_lines(i)

    def hit_index_at_or_after(self, offset: int) -> int | None:
        if not self.hits:
            return None
        i = bisect_left(self._hit_starts, offset)
        return min(i, len(self.hits) - 1)

    @staticmethod
    def _style_key(p, sections) -> str | None:
        if p.kind == "title":
            return "reader--title"
        if p.kind == "boilerplate":
            return "reader--boilerplate"
        if p.kind == "heading":
            level = 1
            if p.section is not None and 0 <= p.section < len(sections):
                level = sections[p.section].level
            return f"reader--h{min(max(level, 1), 3)}"
        return None

    def _styles_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        """Style runs (headings, title, boilerplate) overlapping [s, e).

        Looked up per rendered line by bisecting the paragraphs (which are
        in text order), not precomputed: a 120 000-paragraph document would
        otherwise spend ~0.6 s before its first screen."""
        doc = self.doc
        paras = getattr(doc, "paragraphs", None) or []
        if not paras:
            return []
        sections = getattr(doc, "sections", None) or []
        i = max(0, bisect_right(paras, s, key=_para_start) - 1)
        out: list[tuple[int, int, str]] = []
        n = len(paras)
        while i < n:
            p = paras[i]
            if p.start >= e:
                break
            if p.end > s:
                key = self._style_key(p, sections)
                if key is not None:
                    out.append((max(p.start, s), min(p.end, e), key))
            i += 1
        return out

    # ----------------------------------------------------------------- layout

    @property
    def measure(self) -> int:
        width = self.scrollable_content_region.width
        return max(4, min(width, MAX_MEASURE))

    def _relayout(self) -> None:
        if self.doc is None or self.scrollable_content_region.width <= 0:
            return
        width = self.measure
        if self.lay is not None and self.lay.width == width:
            return
        if len(self.doc.text) > BIG_DOCUMENT:
            # Long texts are laid out in a thread; the old layout stays on
            # screen meanwhile and the reader says so.  With none yet, the
            # text around the target is laid out first (milliseconds), so
            # the first screen does not wait for the whole document.
            if self.lay is None:
                target = getattr(self, "_window_target", 0) or 0
                self._install(layout(self.doc, width, max(0, target - FIRST_WINDOW), target + FIRST_WINDOW))
            self._layout_in_thread(self.doc, width)
            return
        self._install(layout(self.doc, width))

    def _install(self, lay: Layout) -> None:
        anchor = reading = None
        if self.lay is not None:
            anchor, reading = self.top_offset(), self.reading_offset()
        self.lay = lay
        self._cache.clear()
        self.virtual_size = Size(lay.width, len(lay))
        if self._pending_offset is not None:
            offset, center = self._pending_offset
            self._pending_offset = None
            self.go_to(offset, center=center)
        elif reading is not None and reading != anchor:
            # The user was sent somewhere (a hit, a section): keep it in view.
            self.go_to(reading, center=True)
        elif anchor is not None:
            self._scroll_line(self.lay.line_at(anchor))
        self.refresh()
        self.post_message(self.Moved(self))

    @property
    def laying_out(self) -> bool:
        return self.doc is not None and (self.lay is None or self.lay.partial)

    def _layout_in_thread(self, doc, width: int) -> None:
        def work() -> None:
            lay = layout(doc, width)
            if get_current_worker().is_cancelled:
                return
            self.app.call_from_thread(self._layout_done, doc, lay)

        self.run_worker(work, thread=True, exclusive=True, group="layout")

    def _layout_done(self, doc, lay: Layout) -> None:
        if doc is self.doc and lay.width == self.measure:
            self._install(lay)

    def ensure_layout(self) -> None:
        """Lay out for the current width (if shown) and apply a pending jump.

        A hidden reader (narrow terminals show one pane) has no width: it is
        laid out when it is shown, not at a guessed width."""
        if self.doc is None or self.scrollable_content_region.width <= 0:
            return
        self._relayout()
        if self._pending_offset is not None and self.lay is not None:
            offset, center = self._pending_offset
            self._pending_offset = None
            self.go_to(offset, center=center)
        self.refresh()

    def _scheduled_layout(self) -> None:
        self._layout_scheduled = False
        self.ensure_layout()

    def on_resize(self) -> None:
        self.ensure_layout()

    def on_show(self) -> None:
        # Becoming visible does not always bring a Resize event.
        self.call_after_refresh(self.ensure_layout)

    # -------------------------------------------------------------- position

    def top_offset(self) -> int:
        if self.lay is None:
            return 0
        return self.lay.offset_at(round(self.scroll_y))

    def reading_offset(self) -> int:
        """The offset the user is reading: the current hit when on screen, else the top."""
        if self.lay is None:
            return 0
        top = round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        for offset in (self.hits[self.current][0] if self.current is not None else None, self.anchor):
            if offset is not None and top <= self.lay.line_at(offset) < top + height:
                return offset
        return self.top_offset()

    def percent(self) -> int:
        max_y = self.max_scroll_y
        if max_y <= 0:
            return 100
        return int(round(100 * self.scroll_y / max_y))

    def go_to(self, offset: int, *, center: bool = False, only_if_hidden: bool = False) -> None:
        """Scroll so that ``offset`` is in view (a third down when ``center``)."""
        if self.lay is not None and self.lay.width != self.measure and self.scrollable_content_region.width > 0:
            self._relayout()
        if self.lay is None or self.scrollable_content_region.height <= 0:
            self._pending_offset = (offset, center)
            return
        self.anchor = offset
        line = self.lay.line_at(offset)
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if only_if_hidden and top + 1 <= line < top + height - 1:
            self.post_message(self.Moved(self))
            return
        target = line - height // 3 if center else line
        self._scroll_line(target)

    def _scroll_line(self, line: int) -> None:
        max_y = max(0, (len(self.lay) if self.lay else 0) - self.scrollable_content_region.height)
        y = max(0, min(line, max_y))
        self.scroll_to(y=y, animate=False, force=True)
        self.post_message(self.Moved(self))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.post_message(self.Moved(self))

    # --------------------------------------------------------------- actions

    def action_line(self, delta: int) -> None:
        self.anchor = None
        self._scroll_line(round(self.scroll_y) + delta)

    def action_page(self, direction: int) -> None:
        self.anchor = None
        step = max(1, self.scrollable_content_region.height - 2)
        self._scroll_line(round(self.scroll_y) + direction * step)

    def action_half_page(self, direction: int) -> None:
        self.anchor = None
        step = max(1, self.scrollable_content_region.height // 2)
        self._scroll_line(round(self.scroll_y) + direction * step)

    def action_top(self) -> None:
        self.anchor = None
        self._scroll_line(0)

    def action_bottom(self) -> None:
        self.anchor = None
        self._scroll_line(len(self.lay) if self.lay else 0)

    # --------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self.doc is not None and (self.lay is None or self.lay.width != self.measure):
            # Drawn at a width it is not laid out for (shown without a Resize
            # event): lay out right after this frame.
            if not self._layout_scheduled:
                self._layout_scheduled = True
                self.call_later(self._scheduled_layout)
        index = round(self.scroll_y) + y
        strip = self._cache.get(index)
        if strip is None or strip.cell_length != width:
            strip = self._render_index(index, width)
            if len(self._cache) >= STRIP_CACHE:
                # Oldest first (dicts keep insertion order): the lines around
                # the view stay, the live preview's earlier jumps go.
                for old in list(self._cache)[: STRIP_CACHE // 4]:
                    del self._cache[old]
            self._cache[index] = strip
        return strip

    def _render_index(self, index: int, width: int) -> Strip:
        base = self.rich_style
        lay = self.lay
        if self.doc is None or lay is None or index >= len(lay) or lay.blank[index]:
            return Strip.blank(width, base)
        s, e = lay.starts[index], lay.ends[index]
        text = self.doc.text
        # Cut points: style runs and hits that overlap [s, e).
        pieces: list[tuple[int, int, Style]] = []
        cuts = {s, e}
        styles = self._styles_in(s, e)
        for rs, re_, _key in styles:
            cuts.add(rs)
            cuts.add(re_)
        hit_spans: list[tuple[int, int, str]] = []
        if self.hits:
            # First hit whose running max end passes s.
            j = bisect_right(self._hit_ends_max, s)
            while j < len(self.hits) and self.hits[j][0] < e:
                hs, he = self.hits[j]
                if he > s:
                    key = "reader--current" if j == self.current else "reader--hit"
                    hit_spans.append((max(hs, s), min(he, e), key))
                    cuts.add(max(hs, s))
                    cuts.add(min(he, e))
                j += 1
        points = sorted(cuts)
        comp = self.get_component_rich_style
        for a, b in zip(points, points[1:]):
            style = base
            for rs, re_, key in styles:
                if rs <= a < re_:
                    style = style + comp(key, partial=True)
            for hs, he, key in hit_spans:
                if hs <= a < he:
                    style = style + comp(key, partial=True)
            pieces.append((a, b, style))
        segments = [Segment(display_text(text[a:b]), style) for a, b, style in pieces]
        return Strip(segments).adjust_cell_length(width, base)

    def notify_style_update(self) -> None:
        self._cache.clear()
        super().notify_style_update()
