"""Live reload: the opened corpus follows the files on disk.

A thin layer over ``tui.corpus.watch``: a :class:`CorpusWatcher` reports
changed paths from its own thread; the app reloads the corpus in a worker
with ``load_corpus(previous=...)`` (only new and changed files are read),
then swaps the tree, keeps the reader where it was (``follow_offset``) and
rebuilds the search index incrementally; until the new index is ready the
old one keeps answering.  Mixed into ``YuelanApp``.
"""

from __future__ import annotations

import os

from textual import work

from tui.app.reader import Reader
from tui.app.widgets import DocTree, NodeRef
from tui.text import escape_name

RELOAD_SETTLE = 0.3  # seconds of quiet before a reload starts


class LiveReload:
    """Watching and reloading; see the module docstring."""

    _watcher = None
    _reload_timer = None
    _reloading = False
    _reload_again = False
    reloads = 0  # completed reloads that changed something (tests wait on it)

    # ----------------------------------------------------------- watching

    def start_watching(self) -> None:
        """Start watching the opened roots (once).  ``YUELAN_NO_WATCH=1`` or
        ``--no-watch`` turns it off; the bundled seeds (no paths given) are
        not watched: they never change."""
        if self._watcher is not None or not getattr(self, "watch_files", True) or not self.paths:
            return
        if os.environ.get("YUELAN_NO_WATCH"):
            return
        from tui.corpus.watch import CorpusWatcher

        self._watcher = CorpusWatcher(list(self.paths), self._changed_in_thread, self._watch_error_in_thread)
        self._watcher.start()

    def stop_watching(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    def on_unmount(self) -> None:
        # However the app ends (q, ctrl+c, a test's run_test leaving): the
        # watcher threads hold inotify instances, 128 per user by default.
        self.stop_watching()

    def _changed_in_thread(self, paths: set[str]) -> None:
        self._from_thread(self.files_changed, paths)

    def _watch_error_in_thread(self, message: str) -> None:
        self._from_thread(self._watch_error, message)

    def _from_thread(self, callback, *args) -> None:
        if not self.is_running or (self._watcher is not None and self._watcher.stopped):
            return  # the app is shutting down
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:
            pass  # it stopped meanwhile

    def _watch_error(self, message: str) -> None:
        self.notify(escape_name(message), title="Live reload", severity="warning", markup=False)

    # ---------------------------------------------------------- reloading

    def files_changed(self, paths: set[str] | None = None) -> None:
        """Files changed on disk: reload once things settle."""
        if self.corpus is None:
            return  # the first load has not finished; it will see them
        if self._reloading:
            self._reload_again = True
            return
        if self._reload_timer is not None:
            self._reload_timer.stop()
        self._reload_timer = self.set_timer(RELOAD_SETTLE, self._start_reload)

    def _start_reload(self) -> None:
        self._reload_timer = None
        self._reloading = True
        self._reload_again = False
        self._reload_corpus(self.corpus)

    @work(thread=True, exclusive=True, group="reload")
    def _reload_corpus(self, previous) -> None:
        from tui.session import open_corpus

        try:
            corpus = open_corpus(self.paths, self.encoding, previous=previous)
        except Exception as exc:  # noqa: BLE001 - a root vanished, permissions...: say so, keep what we have
            self._from_thread(self._reload_failed, exc)
            return
        self._from_thread(self._corpus_reloaded, corpus)

    def _reload_failed(self, exc: Exception) -> None:
        self._reloading = False
        self.notify(escape_name(f"could not reload: {exc}"), title="Live reload", severity="error", markup=False)

    def _corpus_reloaded(self, corpus) -> None:
        self._reloading = False
        self._show_notices("Live reload", corpus.notices)
        changes = corpus.changes
        new, changed, removed = changes.get("new", []), changes.get("changed", []), changes.get("removed", [])
        if new or changed or removed:
            self._swap_corpus(corpus)
            self.reloads += 1
            parts = [f"{len(x)} {name}" for x, name in ((changed, "changed"), (new, "new"), (removed, "removed")) if x]
            self.notify(", ".join(parts), title="Files changed", timeout=4, markup=False)
        else:
            self.corpus = corpus  # same documents, fresh file keys
        if self._reload_again:
            self.files_changed()

    def _swap_corpus(self, corpus) -> None:
        reader = self._q(Reader)
        tree = self._q(DocTree)
        old_doc = self.documents[self.current_doc] if self.current_doc is not None else None
        top = reader.top_offset() if old_doc is not None else 0
        expanded = {
            self.documents[node.data.doc].path
            for node in tree.doc_nodes
            if node.is_expanded and node.data is not None and node.data.doc < len(self.documents)
        }
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        cursor_path = (
            self.documents[cursor.doc].path if cursor is not None and cursor.doc < len(self.documents) else None
        )

        kept = {id(d) for d in self.documents}
        self.corpus = corpus
        self.documents = list(corpus.documents)
        by_path = {d.path: i for i, d in enumerate(self.documents)}
        # Hits of changed or removed documents point into old texts: only
        # documents that are the very same objects keep theirs.
        unchanged = {d.id for d in self.documents if id(d) in kept}
        self.hits_by_doc = {k: v for k, v in self.hits_by_doc.items() if k in unchanged}

        tree.populate(self.documents, corpus.skipped)
        for path in expanded:
            i = by_path.get(path)
            if i is not None:
                tree.doc_nodes[i].expand()

        if old_doc is None:
            if cursor_path in by_path:
                tree.reveal(NodeRef(by_path[cursor_path]))
        elif old_doc.path not in by_path:
            self.current_doc = None
            reader.clear_document()
            self.notify(
                escape_name(f"{os.path.basename(old_doc.path)} was removed"), title="Files changed", markup=False
            )
        else:
            i = by_path[old_doc.path]
            self.current_doc = i
            doc = self.documents[i]
            if doc is not old_doc:
                from tui.corpus.watch import follow_offset

                offset = follow_offset(old_doc.text, doc.text, top)
                reader.show(doc, offset, hits=self._doc_spans(doc))
                if self.query_text and self.index is not None:
                    self._find_hits(doc, self.query_text)
            tree.reveal(NodeRef(i, doc.section_at(reader.reading_offset()) if doc.sections else None))
        self._update_status()
        # The old index keeps answering (it holds the old documents) until
        # the new one, built incrementally, replaces it and reruns the query.
        self._build_index()
