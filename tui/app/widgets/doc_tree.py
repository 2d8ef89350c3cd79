"""The document tree: documents and their sections, nested by level."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree

from tui.app.widgets.display import clip, safe

MAX_SECTIONS_PER_DOC = 2000
MAX_LABEL = 40  # cells of a tree label, so the section count stays visible


@dataclass(frozen=True)
class NodeRef:
    """What a tree node stands for: a document, or one of its sections."""

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
            nodes = self._built[di] = self._tree.add_sections(di)
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
        # A Text, not a str: a str label goes through markup parsing, which
        # loads rich's emoji table (~9 ms before the first frame).
        super().__init__(Text("documents"), id=id)
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

    def add_sections(self, di: int) -> list:
        """Add the section nodes of document ``di`` (once: see ``section_nodes``)."""
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
