"""The smaller widgets: document tree, results list, search bar.

Every string that comes from a document or a file name is passed through
``safe()`` and handed to widgets as ``Text``/``Content`` objects, never as a
markup string.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.content import Content
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widgets import Footer, Input, OptionList, Tree
from textual.widgets.option_list import Option

from tui.app.layout import char_width
from tui.text.safe import escape_controls

# Chrome stays free of East-Asian-ambiguous glyphs (box drawing, block
# elements, "…"): they misalign on terminals that draw them wide.
ELLIPSIS = "..."
SEP = " \u203a "  # U+203A is East-Asian neutral (one cell everywhere)
MAX_SECTIONS_PER_DOC = 2000
MAX_LABEL = 40  # cells of a tree label, so the section count stays visible


def safe(s: str) -> str:
    """Text from a document or file name, made safe to draw on one line."""
    return escape_controls(s).replace("\t", " ").replace("\n", " ")


def cell_len(s: str) -> int:
    return sum(char_width(c) for c in s)


def clip(s: str, cells: int) -> str:
    """Cut ``s`` to at most ``cells`` terminal cells, marking the cut with '...'."""
    if cells <= 0:
        return ""
    total = 0
    for i, ch in enumerate(s):
        total += char_width(ch)
        if total > cells:
            keep = max(0, cells - len(ELLIPSIS))
            out, w = [], 0
            for c in s:
                cw = char_width(c)
                if w + cw > keep:
                    break
                out.append(c)
                w += cw
            return "".join(out) + ELLIPSIS[: cells - w]
    return s


def clip_middle(s: str, cells: int) -> str:
    """``s`` in at most ``cells`` cells, cut in the middle ('head...tail'):
    both ends of a long section title say more than its start alone."""
    if cell_len(s) <= cells:
        return s
    if cells < 2 + len(ELLIPSIS) + 2:
        return clip(s, cells)
    room = cells - len(ELLIPSIS)

    def take(chars, budget: int) -> list[str]:
        out, w = [], 0
        for ch in chars:
            if w + char_width(ch) > budget:
                break
            out.append(ch)
            w += char_width(ch)
        return out

    head = "".join(take(s, (room + 1) // 2))
    tail = "".join(reversed(take(reversed(s), room - cell_len(head))))
    return head + ELLIPSIS + tail


MIN_PART = 6  # cells: below this, a part of 'title > section' would read as a bare '...'


def title_section(title: str, section: str | None, room: int) -> str:
    """'title › section' in at most ``room`` cells, both parts kept readable:
    cut in the middle, and the section left out rather than shown as '...'."""
    if not section:
        return clip_middle(title, room)
    tw, sw = cell_len(title), cell_len(section)
    if tw + len(SEP) + sw <= room:
        return title + SEP + section
    avail = room - len(SEP)
    if avail < 2 * MIN_PART:
        return clip_middle(title, room)
    s_alloc = min(sw, avail // 2)
    t_alloc = avail - s_alloc
    if t_alloc > tw:
        t_alloc, s_alloc = tw, avail - tw
    return clip_middle(title, t_alloc) + SEP + clip_middle(section, s_alloc)


class AsciiScrollBarRender(ScrollBarRender):
    """Scroll bars drawn with spaces and colour only (no block elements)."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


ScrollBar.renderer = AsciiScrollBarRender


@dataclass(frozen=True)
class NodeRef:
    doc: int  # index into the corpus documents
    section: int | None = None  # index into doc.sections


def _no_op() -> None:
    pass


class _SectionNodes:
    """``tree.section_nodes[di]``: the section nodes of document ``di``,
    added to the tree on first access."""

    def __init__(self, tree: DocTree) -> None:
        self._tree = tree
        self._built: dict[int, list] = {}

    def __len__(self) -> int:
        return len(self._tree.doc_nodes)

    def __getitem__(self, di: int) -> list:
        nodes = self._built.get(di)
        if nodes is None:
            if not 0 <= di < len(self._tree.doc_nodes):
                raise IndexError(di)
            nodes = self._built[di] = self._tree._add_sections(di)
        return nodes


class DocTree(Tree[NodeRef]):
    """Documents and their sections, nested by level."""

    ICON_NODE = "+ "
    ICON_NODE_EXPANDED = "- "

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("l,right", "expand", "Expand", show=False),
        Binding("h,left", "collapse", "Collapse", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("documents", id=id)
        self.show_root = False
        self.show_guides = False
        self.guide_depth = 2
        self.auto_expand = False
        self.doc_nodes: list = []
        self.section_nodes = _SectionNodes(self)
        self._documents: list = []
        self._widths: dict = {}

    def populate(self, documents, skipped=()) -> None:
        """One node per document; a document's sections are added when it
        is first expanded or revealed (a 10 000-document corpus has ~70 000
        sections: adding them all up front took seconds)."""
        self.clear()
        self.doc_nodes = []
        self.section_nodes = _SectionNodes(self)
        self._documents = []
        self._widths = {}
        self.append(documents, skipped)

    def append(self, documents, skipped=()) -> None:
        """Documents after those listed (a first open lists them as they are
        parsed), then ``skipped``; the cursor stays where it is (on the first
        document when there was none)."""
        first = not self.doc_nodes
        # Every TreeNode.add() invalidates the whole tree and schedules a
        # refresh (0.1 ms each: ~1 s for 8 000 documents); invalidate once.
        self._invalidate = _no_op
        try:
            self._add_documents(list(documents), skipped)
        finally:
            del self._invalidate
            self._invalidate()
        if first and self.doc_nodes:
            self.move_cursor(self.doc_nodes[0])

    def _add_documents(self, documents, skipped) -> None:
        for di, doc in enumerate(documents, start=len(self._documents)):
            self._documents.append(doc)
            count = len(doc.sections)
            label = Text(clip(safe(doc.title) or "(untitled)", MAX_LABEL))
            if count:
                label.append(f" ({count})", style="dim")
            if doc.warnings:
                label.append(" !", style="bold")
            node = self.root.add(label, data=NodeRef(di), expand=False, allow_expand=bool(count))
            self.doc_nodes.append(node)
        if skipped:
            snode = self.root.add(Text(f"Skipped files ({len(skipped)})", style="dim"), expand=False)
            for sk in skipped[:500]:
                snode.add_leaf(Text(clip(safe(f"{sk.path}: {sk.reason}"), 200), style="dim"))

    def _add_sections(self, di: int) -> list:
        node = self.doc_nodes[di]
        doc = self._documents[di]
        count = len(doc.sections)
        nodes = []
        stack: list[tuple[int, object]] = []  # (level, node)
        for si, sec in enumerate(doc.sections[:MAX_SECTIONS_PER_DOC]):
            while stack and stack[-1][0] >= sec.level:
                stack.pop()
            parent = stack[-1][1] if stack else node
            child = parent.add(
                Text(clip(safe(sec.title) or "(untitled)", MAX_LABEL)),
                data=NodeRef(di, si),
                expand=True,
                allow_expand=False,
            )
            if stack:
                parent.allow_expand = True
            stack.append((sec.level, child))
            nodes.append(child)
        if count > MAX_SECTIONS_PER_DOC:
            node.add_leaf(Text(f"({count - MAX_SECTIONS_PER_DOC} more sections not listed)", style="dim"))
        return nodes

    def on_tree_node_expanded(self, event) -> None:
        data = event.node.data
        if data is not None and data.section is None and 0 <= data.doc < len(self.doc_nodes):
            if self.doc_nodes[data.doc] is event.node:
                self.section_nodes[data.doc]  # adds them the first time

    def get_label_width(self, node) -> int:
        # Textual's default renders every label to measure it, on every
        # rebuild of the tree's lines: ~0.45 s per rebuild with 8 000
        # documents. Labels are plain Text and never change here; leaves and
        # nodes both get a two-cell prefix (see render_label).
        widths = getattr(self, "_widths", None)  # None while Tree.__init__ runs
        if widths is None:
            return node.label.cell_len + 2
        width = widths.get(node.id)
        if width is None:
            width = widths[node.id] = node.label.cell_len + 2
        return width

    def render_label(self, node, base_style, style):
        text = super().render_label(node, base_style, style)
        if not node._allow_expand:
            # Leaves get the same indent as nodes with a +/- icon.
            text = Text("  ", style=base_style) + text
        return text

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def reveal(self, ref: NodeRef) -> None:
        """Move the cursor to the node of ``ref`` (expanding its parents), quietly."""
        if ref.doc >= len(self.doc_nodes):
            return
        node = self.doc_nodes[ref.doc]
        if ref.section is not None and ref.section < len(self.section_nodes[ref.doc]):
            node = self.section_nodes[ref.doc][ref.section]
        parent = node.parent
        while parent is not None and parent is not self.root:
            if not parent.is_expanded:
                parent.expand()
            parent = parent.parent
        if self.cursor_node is not node or node.line == -1:
            self.move_cursor(node)
        # Lines of just-expanded nodes (and the tree's size on the first
        # frame) are only known after a refresh: place and scroll then, so
        # the cursor is in view, not under the scroll bar or off screen.
        self.call_after_refresh(self._cursor_into_view, node)

    def _cursor_into_view(self, node) -> None:
        if node.line == -1 or node.tree is not self:
            return
        if self.cursor_node is not node:
            self.move_cursor(node)
        self.scroll_to_node(node, animate=False)


RENDERED_OPTIONS = 256


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
        Binding("p", "app.preview", "Preview", show=False),
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

    def show_results(self, query: str, hits: list, counts: dict[str, int], message: str | None = None) -> None:
        self.query_text = query
        self.hits = list(hits)
        self.counts = dict(counts)
        self.rebuild()

    def _width(self) -> int:
        # Two cells spare: a scroll bar may appear once the options are in,
        # and a prompt that wraps would push its snippet out of view.
        return max(10, (self.scrollable_content_region.width or 40) - 2)

    def rebuild(self) -> None:
        width = self._width()
        keep = self.highlighted
        self.clear_options()
        self._first_rows = {}
        if not self.hits:
            if self.query_text:
                self.add_option(Option(Content(clip(f"No results for {safe(self.query_text)!r}.", width * 3)), disabled=True))
            return
        self.add_options(self._make_options(0, self.hits, width))
        self.highlighted = keep if keep is not None and keep < len(self.hits) else 0

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
        self.add_options(self._make_options(start, hits, self._width()))

    def set_counts(self, counts: dict[str, int]) -> None:
        """Final hit counts arrived: redraw only the rows that show one."""
        changed = [d for d, n in counts.items() if self.counts.get(d) != n]
        self.counts.update(counts)
        width = self._width()
        for doc_id in changed:
            row = self._first_rows.get(doc_id)
            if row is not None and row < self.option_count:
                self.replace_option_prompt_at_index(row, self._prompt(self.hits[row], width, first=True))

    def _prompt(self, hit, width: int, first: bool = True) -> Content:
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
        first_line = Content.assemble((head, "bold"), (kind, "italic $text-muted"), (tail, "$text-muted"))
        return first_line + Content("\n") + self._snippet(hit, width)

    @staticmethod
    def _snippet(hit, width: int) -> Content:
        """One line of the passage, the first hit in the middle of it."""
        passage = safe(hit.passage or "").replace("\u3000", " ")
        if not passage:
            return Content("")
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
        content = Content(prefix + cut)
        for s, e in spans:
            a, b = s - start, e - start
            if b <= 0 or a >= visible:
                continue
            a, b = max(0, a), min(visible, b)
            content = content.stylize("bold reverse", a + len(prefix), b + len(prefix))
        return content

    def on_resize(self) -> None:
        if self.hits:
            self.rebuild()

    def action_page_down(self) -> None:
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
        if self.option_count:
            self.highlighted = self.option_count - 1


class SearchInput(Input):
    """The search bar: Up/Down recall this corpus's earlier queries (Down
    past the newest goes to the results)."""

    BINDINGS = [
        Binding("up", "app.history_query(-1)", "Earlier query", show=False),
        Binding("down", "app.history_query(1)", "Results", show=False),
    ]


class FindInput(Input):
    """The find-in-document bar (ctrl+f): Enter finds, Esc closes it."""

    BINDINGS = [
        Binding("escape", "app.close_find", "Close", show=False),
    ]


class LeanFooter(Footer):
    """Textual's Footer, without its leak.

    Textual 8.2's Footer recomposes on every focus or binding change, and
    each new FooterKey is data-bound to the footer's ``compact`` reactive.
    The watcher entries of the removed keys are only dropped when
    ``compact`` itself changes, which it never does here, so every Tab kept
    about a dozen dead widgets alive (~10 KiB per key in the soak test).
    After each recompose the entries of closed widgets are dropped."""

    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", None)
        if not watchers:
            return
        for entries in watchers.values():
            entries[:] = [(node, cb) for node, cb in entries if not (node._closing or node._closed)]
