"""Live reload: the opened corpus follows the files on disk.

``LiveReload`` owns the watching: a ``CorpusWatcher`` reports changed paths
from its own thread, which become a ``FilesChanged`` message; once things
settle, a thread worker reloads the corpus through the session core
(``open_corpus(previous=...)``: only new and changed files are read) and
posts ``CorpusReloaded`` or ``ReloadFailed``.  It writes none of the app's
fields: the app decides what a reload means for the screen (it keeps the
tree's expansion and the reader where it was, with ``follow_offset``, and
rebuilds the search index incrementally; until the new index is ready the
old one keeps answering).
"""

from __future__ import annotations

import os

from textual import on
from textual.message_pump import MessagePump

from tui.app.messages import CorpusReloaded, FilesChanged, ReloadFailed, WatchError
from tui.app.widgets.reader import Reader
from tui.app.widgets.display import safe
from tui.app.widgets.doc_tree import DocTree, NodeRef

RELOAD_SETTLE = 0.3  # seconds of quiet before a reload starts


class LiveReload:
    """Watching and reloading for one app; see the module docstring."""

    def __init__(self, app, paths: list[str] | None, encoding: str | None, enabled: bool) -> None:
        self.app = app
        self.paths = paths
        self.encoding = encoding
        self.enabled = enabled
        self.watcher = None
        self._timer = None
        self.reloading = False
        self._again = False
        self.reloads = 0  # completed reloads that changed something (tests wait on it)

    # ----------------------------------------------------------- watching

    def start(self) -> None:
        """Start watching the opened roots (once).  ``YUELAN_NO_WATCH=1`` or
        ``--no-watch`` turns it off; the bundled seeds (no paths given) are
        not watched: they never change."""
        if self.watcher is not None or not self.enabled or not self.paths:
            return
        if os.environ.get("YUELAN_NO_WATCH"):
            return
        from tui.corpus.watch import CorpusWatcher

        self.watcher = CorpusWatcher(list(self.paths), self._changed_in_thread, self._error_in_thread)
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        if self._timer is not None:
            self._timer.stop()

    def _post(self, message) -> None:
        if self.watcher is not None and self.watcher.stopped:
            return  # the app is shutting down
        self.app.post_message(message)  # thread-safe

    def _changed_in_thread(self, paths: set[str]) -> None:
        self._post(FilesChanged())

    def _error_in_thread(self, message: str) -> None:
        self._post(WatchError(message))

    # ---------------------------------------------------------- reloading

    def files_changed(self, previous) -> None:
        """Files changed on disk: reload ``previous`` once things settle."""
        if previous is None:
            return  # the first load has not finished; it will see them
        if self.reloading:
            self._again = True
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(RELOAD_SETTLE, lambda: self._start(previous))

    def _start(self, previous) -> None:
        self._timer = None
        self.reloading = True
        self._again = False
        self.app.run_worker(lambda: self._reload(previous), thread=True, exclusive=True, group="reload")

    def _reload(self, previous) -> None:
        from tui.session import open_corpus

        try:
            corpus = open_corpus(self.paths, self.encoding, previous=previous)
        except Exception as exc:  # noqa: BLE001 - a root vanished, permissions...: say so, keep what we have
            self._post(ReloadFailed(exc))
            return
        self._post(CorpusReloaded(corpus))

    def finished(self, changed: bool) -> bool:
        """A reload's answer was handled; True when another one is due
        (files changed again meanwhile)."""
        self.reloading = False
        if changed:
            self.reloads += 1
        return self._again


class ReloadHandlers(MessagePump):
    """The app's side of live reload: what a reload means for the screen
    (a part of ``YuelanApp``)."""

    @on(FilesChanged)
    def _files_changed(self) -> None:
        self.live.files_changed(self.corpus)

    @on(WatchError)
    def _watch_error(self, message: WatchError) -> None:
        self.notify(safe(message.text), title="Live reload", severity="warning", markup=False)

    @on(ReloadFailed)
    def _reload_failed(self, message: ReloadFailed) -> None:
        self.live.finished(False)
        self.notify(safe(f"could not reload: {message.error}"), title="Live reload", severity="error", markup=False)

    @on(CorpusReloaded)
    def _corpus_reloaded(self, message: CorpusReloaded) -> None:
        corpus = message.corpus
        self._show_notices("Live reload", corpus.notices)
        changes = corpus.changes
        new, changed, removed = changes.get("new", []), changes.get("changed", []), changes.get("removed", [])
        touched = bool(new or changed or removed)
        if touched:
            self._swap_corpus(corpus)
            parts = [f"{len(x)} {name}" for x, name in ((changed, "changed"), (new, "new"), (removed, "removed")) if x]
            self.notify(", ".join(parts), title="Files changed", timeout=4, markup=False)
        else:
            self.corpus = corpus  # same documents, fresh file keys
        if self.live.finished(touched):
            self.live.files_changed(self.corpus)

    def _swap_corpus(self, corpus) -> None:
        """Put a reloaded corpus on screen: the tree keeps its expansion and
        cursor, the reader its place; then the index is rebuilt."""
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
        self.searching.keep_documents(unchanged)

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
                safe(f"{os.path.basename(old_doc.path)} was removed"), title="Files changed", markup=False
            )
        else:
            i = by_path[old_doc.path]
            self.current_doc = i
            doc = self.documents[i]
            if doc is not old_doc:
                from tui.corpus.watch import follow_offset

                offset = follow_offset(old_doc.text, doc.text, top)
                reader.show(doc, offset, hits=self._doc_spans(doc))
                if self.searching.query and self.index is not None:
                    self._find_hits(doc, self.searching.query)
            tree.reveal(NodeRef(i, doc.section_at(reader.reading_offset()) if doc.sections else None))
        self._update_status()
        # The old index keeps answering (it holds the old documents) until
        # the new one, built incrementally, replaces it and reruns the query.
        self._build_index()
