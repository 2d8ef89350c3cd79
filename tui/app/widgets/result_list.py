"""The results list: ranked search results, two lines each.

A new answer is on the keystroke-to-results path: building all 50 rows
(each prompt clipped and measured by the OptionList) took two thirds of
the time after the engine had answered.  So the rows that fill the list's
height go in at once and the rest right after that first screen is
painted (``call_after_refresh``); moving past the built rows (Down, PageDown,
End) builds them at once, so every result stays reachable.

Each row is a ``Row``: its two lines as runs of text and a role (title,
how it matched, hit count, plain, hit), drawn straight into strips with
the styles the same runs get as ``Content``.  As ``Content``, a row cost
0.45 ms to draw and more to measure (wrapped to learn that it is two lines
high): 20 rows were 9 ms of the frame that shows an answer.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.app.layout import char_width
from tui.app.widgets.display import ELLIPSIS, cell_len, clip, safe, title_section

RENDERED_OPTIONS = 256
FIRST_SCREEN_SPARE = 2  # rows built beyond those that fill the list's height

# A row's runs are (text, role); each role's style, as Content markup.
ROLES = {
    "plain": "",
    "head": "bold",  # title › section
    "kind": "italic $text-muted",  # how it matched, when that explains a surprise
    "tail": "$text-muted",  # the document's hit count
    "hit": "bold reverse",  # a highlighted match in the snippet
}
_ROLE_NAMES = tuple(ROLES)


class Row(Visual):
    """One result's two lines, as runs of (text, role).  ``str()`` is its
    plain text; ``content()`` the same row as ``Content`` (what the list
    falls back to, and what the fast drawing must match)."""

    __slots__ = ("lines", "width")

    def __init__(self, *lines: tuple[tuple[str, str], ...]) -> None:
        self.lines = lines
        self.width = max((sum(cell_len(t) for t, _ in line) for line in lines), default=0)

    def __str__(self) -> str:
        return "\n".join("".join(t for t, _ in line) for line in self.lines)

    def content(self) -> Content:
        out = Content("")
        for n, line in enumerate(self.lines):
            if n:
                out += Content("\n")
            out += Content.assemble(*((t, ROLES[r]) for t, r in line if t))
        return out

    def render_strips(self, width, height, style, options):
        return self.content().render_strips(width, height, style, options)

    def get_optimal_width(self, rules, container_width: int) -> int:
        return self.width

    def get_height(self, rules, width: int) -> int:
        # Every line is cut to the list's width: two lines, unless the list
        # is narrower than a line (then Content says how it wraps).  A list
        # with no width (hidden: the one-pane layout shows the reader) lays
        # nothing out; Rich's wrapping fails on a width of 0.
        if self.width <= width or width < 1:
            return len(self.lines)
        return self.content().get_height(rules, width)


class ResultList(OptionList):
    """Ranked search results: ``title › section`` on one line (cut in the
    middle when it must be), then a snippet centred on the first hit.  A
    document's hit count shows once, on its first row, and only when final;
    partial matches say what they miss.  Moving the cursor announces
    ``OptionHighlighted`` (the app previews the passage); pages are appended
    with ``add_hits``."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "Top", show=False),
        Binding("G", "last", "Bottom", show=False),
        Binding("p", "screen.preview", "Preview", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        # OptionList keeps 2 048 rendered options (two lines each here, a
        # Strip with its own caches is ~1.3 KB): ~5 MB for a list the user
        # pages through.  A few screens of the list are enough to redraw it.
        from textual.cache import LRUCache

        self._option_render_cache = LRUCache(maxsize=RENDERED_OPTIONS)
        self.hits: list = []
        self.counts: dict[str, int] = {}
        self.query_text = ""
        self._first_rows: dict[str, int] = {}  # doc id -> its first row
        self._palettes: dict = {}  # an option style -> each role's Rich style on it
        self._rest_pending = False  # rows of self.hits past option_count still to build
        self._generation = 0  # a later rebuild makes an earlier deferred build moot
        # While a frame draws the list: the rows' width and padding, read
        # once (see render_lines).
        self._drawing: tuple[int, object] | None = None

    def show_results(self, query: str, hits: list, counts: dict[str, int], message: str | None = None) -> None:
        self.query_text = query
        self.hits = list(hits)
        self.counts = dict(counts)
        self.rebuild()

    def _width(self) -> int:
        """The width rows are laid out for, whether or not the scroll bar
        shows now: the list keeps the last answer's height until the next
        one's rows are in, so a row's length depended on the previous answer
        (a snippet one character shorter after a long answer).  One cell
        spare for the scroll bar, one more: a prompt that wraps would push
        its snippet out of view."""
        width = self.scrollable_content_region.width
        if not width:
            return 38
        if self.show_vertical_scrollbar:
            width += self.styles.scrollbar_size_vertical
        return max(10, width - 2)

    def screen_rows(self) -> int:
        """Rows that fill the list (two lines each); the app's height
        before the list has a size of its own."""
        height = self.scrollable_content_region.height or self.app.size.height
        return -(-height // 2) + FIRST_SCREEN_SPARE

    def rebuild(self) -> None:
        width = self._width()
        keep = self.highlighted
        # From the clearing on, the list is as tall as all its rows will
        # make it (see _update_lines): an answer as long as the last one
        # leaves the scroll bar as it was.
        self._rest_pending = bool(self.hits)
        self.clear_options()
        self._first_rows = {}
        self._generation += 1
        if not self.hits:
            if self.query_text:
                self.add_option(Option(Content(clip(f"No results for {safe(self.query_text)!r}.", width * 3)), disabled=True))
            return
        keep = keep if keep is not None and keep < len(self.hits) else 0
        first = min(len(self.hits), keep + self.screen_rows())
        self.add_options(self._make_options(0, self.hits[:first], width))
        if first < len(self.hits):
            self.call_after_refresh(self._build_rest, self._generation)
        else:
            self._rest_pending = False
        self.highlighted = keep

    def _update_lines(self) -> None:
        """OptionList's line map, with one change: while the rows past the
        first screen wait to be built, the list is as tall as all of them
        will be.  Its scroll bar is then drawn once per answer: it was drawn
        for the first screen's rows and again for the rest, 3-8 ms of each
        of two frames after a key."""
        if self._drawing is not None or not self.scrollable_content_region:
            return  # brought up to date when the frame began
        line_cache = self._line_cache
        lines = line_cache.lines
        next_index = lines[-1][0] + 1 if lines else 0
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        if next_index < len(self.options):
            room = self._row_room()
            for index, option in enumerate(self.options[next_index:], next_index):
                line_cache.index_to_line[index] = len(lines)
                count = self._get_visual(option).get_height(self.styles, room) + option._divider
                line_cache.heights[index] = count
                lines.extend([(index, line_no) for line_no in range(count)])
        height = len(lines) - (1 if self.options and self.options[-1]._divider else 0)
        if self._rest_pending:
            height += 2 * max(0, len(self.hits) - len(self.options))  # rows to come, two lines each
        virtual_size = Size(width, height)
        if virtual_size != self.virtual_size:
            self.set_reactive(ResultList.virtual_size, virtual_size)
            self._scroll_update(virtual_size)
            self.refresh()

    def _row_metrics(self) -> tuple[int, object]:
        """The list's content width less the gutter, and the option's padding."""
        return (
            self.scrollable_content_region.width - self._get_left_gutter_width(),
            self.get_component_styles("option-list--option").padding,
        )

    def _row_room(self) -> int:
        """The cells a row's prompt has: the content width less the option's
        padding (what its height is measured at)."""
        width, padding = self._row_metrics()
        return width - padding.width

    def _build_rest(self, generation: int | None = None) -> None:
        """The rows past the first screen (after it is painted, or at once
        when the cursor goes past them)."""
        if not self._rest_pending or (generation is not None and generation != self._generation):
            return
        self._rest_pending = False
        start = self.option_count
        self.add_options(self._make_options(start, self.hits[start:], self._width()))

    def _make_options(self, start: int, hits: list, width: int) -> list[Option]:
        out = []
        for i, h in enumerate(hits, start):
            self._first_rows.setdefault(h.doc_id, i)
            out.append(Option(self._prompt(h, width, first=self._first_rows[h.doc_id] == i), id=str(i)))
        return out

    def add_hits(self, hits: list, counts: dict[str, int]) -> None:
        """Append a later page (the cursor neared the end)."""
        start = len(self.hits)
        self.hits.extend(hits)
        self.counts.update(counts)
        if not self._rest_pending:  # else the deferred build takes them too
            self.add_options(self._make_options(start, hits, self._width()))

    def set_counts(self, counts: dict[str, int]) -> None:
        """Final hit counts arrived: redraw only the rows that show one."""
        changed = [d for d, n in counts.items() if self.counts.get(d) != n]
        self.counts.update(counts)
        width = self._width()
        for doc_id in changed:
            row = self._first_rows.get(doc_id)
            if row is not None and row < self.option_count:
                self._replace_row(row, self._prompt(self.hits[row], width, first=True))

    def _replace_row(self, row: int, prompt: Row) -> None:
        """A new prompt for one row, redrawing only its lines: the
        OptionList's own replacement forgets every row's drawing, and counts
        arrive for up to 50 rows at once."""
        option = self.get_option_at_index(row)
        old = option.prompt
        room = self._row_room()
        line = self._index_to_line.get(row)
        rules = self.styles
        if not isinstance(old, Row) or line is None or old.get_height(rules, room) != prompt.get_height(rules, room):
            self.replace_option_prompt_at_index(row, prompt)  # its height may change: everything moves
            return
        option._set_prompt(prompt)
        cache = self._option_render_cache
        for key in [k for k in cache.keys() if k[0] is option]:
            cache.discard(key)
        self.refresh_lines(line, len(prompt.lines))

    def _prompt(self, hit, width: int, first: bool = True) -> Row:
        title = safe(hit.title or "")
        section = safe(hit.section) if hit.section else ""
        count = self.counts.get(hit.doc_id) if first else None
        tail = f"  {count} hit{'s' if count != 1 else ''}" if count else ""
        # Say how it matched only when that explains a surprise.
        if hit.partial:
            missing = " ".join(safe(m) for m in hit.missing)
            kind = f" (partial: no {clip(missing, 12)})" if missing else " (partial)"
        elif hit.match in ("pinyin", "fuzzy"):
            kind = f" ({hit.match})"
        else:
            kind = ""
        if hit.count > 1:
            kind += f" x{hit.count}"
        head_room = max(4, width - cell_len(tail) - cell_len(kind))
        head = title_section(title, section, head_room)
        return Row(((head, "head"), (kind, "kind"), (tail, "tail")), self._snippet(hit, width))

    @staticmethod
    def _snippet(hit, width: int) -> tuple[tuple[str, str], ...]:
        """One line of the passage, the first hit in the middle of it, as
        runs split wherever a highlight starts or ends."""
        passage = safe(hit.passage or "").replace("\u3000", " ")
        if not passage:
            return ()
        spans = sorted(hit.highlights or [])
        first, first_end = spans[0] if spans else (0, 0)
        # Context before the hit: half of what the hit leaves of the line.
        side = max(0, (width - cell_len(passage[first:first_end])) // 2)
        start, room = first, side
        while start > 0 and room - char_width(passage[start - 1]) >= len(ELLIPSIS):
            room -= char_width(passage[start - 1])
            start -= 1
        prefix = ELLIPSIS if start > 0 else ""
        piece = passage[start:]
        cut = clip(piece, max(4, width - len(prefix)))
        visible = len(cut) - (len(ELLIPSIS) if cut != piece else 0)
        text = prefix + cut
        marks: list[tuple[int, int]] = []  # highlighted ranges of ``text``
        for s, e in spans:
            a, b = s - start, e - start
            if b <= 0 or a >= visible:
                continue
            a, b = max(0, a), min(visible, b)
            if a < b:
                marks.append((a + len(prefix), b + len(prefix)))
        # Split where Content would: at every start and end of a range.
        cuts = sorted({0, len(text), *(x for m in marks for x in m)})
        return tuple(
            (text[a:b], "hit" if any(s <= a and b <= e for s, e in marks) else "plain")
            for a, b in zip(cuts, cuts[1:])
        )

    # ------------------------------------------------------------ drawing

    def _palette(self, style) -> dict[str, object] | None:
        """Each role's Rich style on the option style ``style``: read off
        ``Content``'s own rendering of one character per role, so that the
        rows look exactly as ``Content`` would draw them."""
        palette = self._palettes.get(style)
        if palette is None:
            sample = Content.assemble(*(("x", ROLES[r]) for r in _ROLE_NAMES))
            strips = sample.render_strips(len(_ROLE_NAMES), None, style, _plain_options(self))
            segments = [seg for seg in strips[0] if seg.text] if strips else []
            if len(segments) != len(_ROLE_NAMES) or any(seg.text != "x" for seg in segments):
                palette = {}  # not as expected: draw through Content
            else:
                palette = {r: seg.style.clear_meta_and_links() for r, seg in zip(_ROLE_NAMES, segments)}
            if len(self._palettes) > 16:  # themes and option states; a few at a time
                self._palettes.clear()
            self._palettes[style] = palette
        return palette or None

    def render_lines(self, crop):
        # The line map is brought up to date once, and the rows' width and
        # padding read once, for the whole frame: OptionList did both for
        # every line drawn (a third of the list's drawing time).
        self._update_lines()
        self._drawing = self._row_metrics()
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def _get_option_render(self, option: Option, style) -> list[Strip]:
        row = option.prompt
        if not isinstance(row, Row) or option._divider:
            return super()._get_option_render(option, style)
        width, padding = self._drawing or self._row_metrics()
        key = (option, style, padding)
        strips = self._option_render_cache.get(key)
        if strips is not None:
            return strips
        palette = self._palette(style)
        if palette is None or padding or row.width > width:
            return super()._get_option_render(option, style)
        base, meta = style.rich_style, {"option": self._option_to_index[option]}
        strips = []
        for y, line in enumerate(row.lines):
            segments, x = [], 0
            for text, role in line:
                if text:
                    segments.append(Segment(text, _at(palette, role, x, y)))
                    x += len(text)
            strips.append(Strip(segments).extend_cell_length(width, base).apply_meta(meta))
        self._option_render_cache[key] = strips
        return strips

    def on_resize(self) -> None:
        if self.hits:
            self.rebuild()

    def action_cursor_down(self) -> None:
        if self.highlighted is not None and self.highlighted >= self.option_count - 1:
            self._build_rest()
        super().action_cursor_down()

    def action_page_down(self) -> None:
        self._build_rest()
        self._safe_page(1)

    def action_page_up(self) -> None:
        self._safe_page(-1)

    def _safe_page(self, direction: int) -> None:
        # Textual 8.2's OptionList raises KeyError paging before its line map
        # is built (e.g. right after the options change while hidden).
        try:
            if direction > 0:
                super().action_page_down()
            else:
                super().action_page_up()
        except (KeyError, IndexError):
            if self.option_count:
                step = max(1, self.scrollable_content_region.height // 2)
                current = self.highlighted or 0
                self.highlighted = max(0, min(self.option_count - 1, current + direction * step))

    def action_first(self) -> None:
        if self.option_count:
            self.highlighted = 0

    def action_last(self) -> None:
        self._build_rest()
        if self.option_count:
            self.highlighted = self.option_count - 1


def _at(palette: dict, role: str, x: int, y: int):
    """``role``'s style with the offset Content marks on a run starting at
    character ``x`` of line ``y`` (so runs and padding split and merge on
    screen exactly as Content's do); kept per palette, they repeat."""
    key = (role, x, y)
    style = palette.get(key)
    if style is None:
        style = palette[key] = palette[role] + RichStyle.from_meta({"offset": (x, y)})
    return style


def _plain_options(widget):
    """Render options for a sample drawn outside a frame: no selection."""
    from textual.visual import RenderOptions

    return RenderOptions(widget._get_style, widget.styles, None, None)
