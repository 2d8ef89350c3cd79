"""What a live reload means for the screen: the tree keeps its expansion
and cursor, the reader its place (``follow_offset`` in a changed document),
the search its hits in unchanged documents; then the index is rebuilt
incrementally (the old one answers meanwhile).  A plain object the main
screen owns; ``tui.app.live`` watches and reloads, and posts the result."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tui.app.widgets.display import safe
from tui.app.widgets.doc_tree import DocTree, NodeRef
from tui.app.widgets.reader import Reader

if TYPE_CHECKING:
    from tui.app.screens.main import MainScreen


class Reload:
    def __init__(self, main: MainScreen) -> None:
        self.main = main

    def apply(self, corpus) -> None:
        """A reload's answer: show what changed, and reload again if files
        changed meanwhile."""
        app = self.main.app
        app.show_notices("Live reload", corpus.notices)
        changes = corpus.changes
        new, changed, removed = changes.get("new", []), changes.get("changed", []), changes.get("removed", [])
        touched = bool(new or changed or removed)
        if touched:
            self._swap(corpus)
            parts = [f"{len(x)} {name}" for x, name in ((changed, "changed"), (new, "new"), (removed, "removed")) if x]
            app.notify(", ".join(parts), title="Files changed", timeout=4, markup=False)
        else:
            app.corpus = corpus  # same documents, fresh file keys
        if app.live.finished(touched):
            app.live.files_changed(app.corpus)

    def _swap(self, corpus) -> None:
        """Put a reloaded corpus on screen: the tree keeps its expansion and
        cursor, the reader its place; then the index is rebuilt."""
        app = self.main.app
        reader = self.main.query_one(Reader)
        tree = self.main.query_one(DocTree)
        old_doc = app.documents[app.current_doc] if app.current_doc is not None else None
        top = reader.top_offset() if old_doc is not None else 0
        expanded = {
            app.documents[node.data.doc].path
            for node in tree.doc_nodes
            if node.is_expanded and node.data is not None and node.data.doc < len(app.documents)
        }
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        cursor_path = app.documents[cursor.doc].path if cursor is not None and cursor.doc < len(app.documents) else None

        kept = {id(d) for d in app.documents}
        app.corpus = corpus
        app.documents = list(corpus.documents)
        by_path = {d.path: i for i, d in enumerate(app.documents)}
        # Hits of changed or removed documents point into old texts: only
        # documents that are the very same objects keep theirs.
        unchanged = {d.id for d in app.documents if id(d) in kept}
        app.searching.keep_documents(unchanged)

        tree.populate(app.documents, corpus.skipped)
        for path in expanded:
            i = by_path.get(path)
            if i is not None:
                tree.doc_nodes[i].expand()

        if old_doc is None:
            if cursor_path in by_path:
                tree.reveal(NodeRef(by_path[cursor_path]))
        elif old_doc.path not in by_path:
            app.current_doc = None
            reader.clear_document()
            app.notify(safe(f"{os.path.basename(old_doc.path)} was removed"), title="Files changed", markup=False)
        else:
            i = by_path[old_doc.path]
            app.current_doc = i
            doc = app.documents[i]
            if doc is not old_doc:
                from tui.corpus.watch import follow_offset

                offset = follow_offset(old_doc.text, doc.text, top)
                reader.show(doc, offset, hits=self.main.search.doc_spans(doc))
                if app.searching.query and app.index is not None:
                    self.main.reading.find_hits(doc, app.searching.query)
            tree.reveal(NodeRef(i, doc.section_at(reader.reading_offset()) if doc.sections else None))
        self.main.reading.update_status()
        # The old index keeps answering (it holds the old documents) until
        # the new one, built incrementally, replaces it and reruns the query.
        app.build_index()
