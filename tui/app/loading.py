"""A first open streams: the tree, the reader and search follow the parse.

With no document cache yet, every file must be parsed (~25 s at 100 MB).
Instead of waiting for the whole corpus and then indexing it,
``tui.session.CorpusStream`` runs ``open_streaming`` in a daemon thread,
started before Textual (``tui.app.run``) so the parse pool can start its
processes (``parallel.prepare``): each document is indexed as it is parsed,
with commits further apart as the build goes on (``SearchIndex`` says
how; the first comes after 0.3 s).  The index's
pinyin tables are loaded once the app has composed its screen (``quiet``:
no two threads importing at once).  The stream only collects what
arrives; the app (``Loading``) takes it every ``STREAM_TICK`` seconds on its
own thread: the tree grows at its end (the cursor stays put; the
listings further apart as it grows, ``LIST_RATE``), the reader
shows the first document (or the kept reading place, once its document has
arrived, if the user has not moved meanwhile), search answers on what is
indexed after the first commit (``_index_searchable``), and the search bar
says how far indexing is.  When the stream ends the app is where the
ordinary path leaves it: the corpus and its notices, live reload, the
complete index.

A reopen reads the document cache (fast, all at once) and keeps the plain
path (``open_corpus``, then the index).
"""

from __future__ import annotations

import time

from textual import work
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from tui.app.widgets.display import safe
from tui.app.widgets.doc_tree import DocTree
from tui.app.widgets.inputs import SearchInput
from tui.session import CorpusStream

STREAM_TICK = 0.3  # seconds between the app's looks at what arrived
# The tree lays out every line again whenever it grows (Textual's Tree), so
# the wait between listings grows with it: at most LIST_RATE lines laid out
# per second of waiting, and never more than LIST_MAX_WAIT seconds.  Listing
# 8 000 documents every 0.3 s churned through enough short-lived objects to
# fragment the heap: a first open of 100 MB peaked 200 MB higher.
LIST_RATE = 2500
LIST_MAX_WAIT = 3.0


class Loading(MessagePump):
    """The app's side of loading: the search index (built in a worker, or
    arriving with a streaming first open) and the stream itself (a part of
    ``YuelanApp``: starting the corpus and index workers is the app's job;
    what the screen shows of them, the main screen's)."""

    # ----------------------------------------------------------------- index

    def _start_index(self) -> None:
        self._index_started = time.monotonic()
        self._progress_timer = self.set_interval(0.25, self.index_progress)
        self.build_index()

    def index_progress(self) -> None:
        if (self.index is not None and not self._index_partial) or self.index_error:
            if self._progress_timer is not None:
                self._progress_timer.stop()
            return
        elapsed = time.monotonic() - self._index_started
        waiting = " (your search runs when ready)" if self.searching.query else ""
        done, total, done_bytes, total_bytes = self._index_counts or (0, len(self.documents), 0, 0)
        eta = ""
        if 0 < done_bytes < total_bytes and elapsed > 1:
            eta = f", {(total_bytes - done_bytes) * elapsed / done_bytes:.0f}s left"
        size = f" {done_bytes / 1e6:.0f}/{total_bytes / 1e6:.0f} MB" if total_bytes >= 2e6 else ""
        if self._index_partial:
            waiting = ", searching what is indexed"
        docs = f"indexing {done}/{total} docs"
        self.search_flow.set_status(f"{docs}{size}{eta}{waiting}", f"{docs}{size}{eta}", f"{docs}{size}", docs,
                                    f"indexing {done}/{total}")

    @work(thread=True, exclusive=True, group="index")
    def build_index(self) -> None:
        worker = get_current_worker()
        documents = self.documents
        previous = self.index  # a reload: unchanged documents keep their pieces

        def progress(done: int, total: int, done_bytes: int, total_bytes: int) -> None:
            self._index_counts = (done, total, done_bytes, total_bytes)

        self._index_counts = None
        try:
            if self._index_factory is not None:
                index = self._index_factory(documents)
            else:
                from tui.session import open_index

                # From the persistent store: only new and changed documents
                # are indexed again.  Its notices are shown by _index_ready.
                def searchable(partial) -> None:
                    if not worker.is_cancelled:
                        self.call_from_thread(self._index_searchable, partial)

                index = open_index(documents, progress=progress, cancelled=lambda: worker.is_cancelled, previous=previous,
                                   roots=self.corpus.roots if self.corpus is not None else None, searchable=searchable)
                if index is None:  # cancelled
                    return
        except Exception as exc:  # noqa: BLE001 - the reader still works without search
            self.call_from_thread(self._index_failed, exc)
            return
        if worker.is_cancelled:
            return
        # Searchable now; jieba and the pinyin tables load in the background
        # (a query that needs one of them waits for that one only).
        try:
            index.warm(wait=False)
        except Exception:  # noqa: BLE001 - warming is an optimisation only
            pass
        self.call_from_thread(self._index_ready, index)

    def _index_failed(self, exc: Exception) -> None:
        self.index_error = f"search unavailable: {exc}"
        self.search_flow.set_status(self.index_error)
        self.notify(safe(self.index_error), severity="error", markup=False)

    def _index_searchable(self, index) -> None:
        """A long build committed its first documents: search answers on
        what is indexed so far while the rest is indexed."""
        if self.index is not None and not self._index_partial:
            return  # a reload: the previous index answers meanwhile
        self.index = index
        self._index_partial = True
        if self.searching.query:
            self.search_flow.run()

    def _index_ready(self, index) -> None:
        self._index_partial = False
        self.index = index
        self.show_notices("Search index", index.notices)
        if self._progress_timer is not None:
            self._progress_timer.stop()
        n = len(self.documents)
        self.search_flow.set_status(f"{n} document{'s' if n != 1 else ''}")
        if self.searching.query:
            self.search_flow.run()
        self.collector.settled()

    def _follow_stream(self) -> None:
        self._stream.quiet()
        self._index_started = time.monotonic()
        self._pending_place = None
        self._list_due = 0.0
        self._stream_timer = self.set_interval(STREAM_TICK, self._stream_tick)
        self._stream_tick()

    def _stream_tick(self) -> None:
        stream = self._stream
        if stream is None:
            return
        ended = stream.done.is_set()  # before take(): nothing arrives unseen
        now = time.monotonic()
        if ended or not self.documents or now >= self._list_due:
            arrived = stream.take()
            if arrived:
                self._stream_documents(arrived)
                self._list_due = now + min(LIST_MAX_WAIT, max(STREAM_TICK, len(self.documents) / LIST_RATE))
        if stream.partial is not None and self.index is None:
            self._index_searchable(stream.partial)
        if ended:
            self._stream_timer.stop()
            self._stream = None
            self._stream_ended(stream)
        else:
            self._stream_progress(stream)

    def _stream_documents(self, arrived: list) -> None:
        first = not self.documents
        # A new list, not extend(): lookups cached per list (doc_at) see it.
        self.documents = self.documents + arrived
        self._q(DocTree).append(arrived)
        if first:
            self._pending_place = self.reading.open_first_place(final=False)
        elif self._pending_place is not None:
            self._try_pending_place(final=False)

    def _try_pending_place(self, final: bool) -> None:
        """The kept reading place, once its document has arrived, unless the
        user has left the first document's top meanwhile."""
        place = self._pending_place
        here = self.reading.reader_place()  # None while laying out: not moved
        if self.current_doc != 0 or (here is not None and here != (self.documents[0].id, 0)):
            self._pending_place = None
            return
        if self.get_screen_main().narrow and isinstance(self.focused, SearchInput):
            return  # typing a query: not now
        if self.reading.open_place(place, final) or final:
            self._pending_place = None

    def _stream_progress(self, stream: CorpusStream) -> None:
        parsed = stream.parsed
        if parsed is None:
            n = len(self.documents)
            self.search_flow.set_status(f"reading files... {n} doc{'s' if n != 1 else ''}" if n else "finding files...")
            return
        files, total, done_bytes, total_bytes = parsed
        indexed = min(stream.indexed, total)
        if not indexed:
            self._index_started = time.monotonic()  # the time left counts from the first one indexed
        # Bytes indexed, estimated from the parsed share (the index lags the parse).
        self._index_counts = (indexed, total, done_bytes * indexed // max(1, files), total_bytes)
        self.index_progress()

    def _stream_ended(self, stream: CorpusStream) -> None:
        from tui.corpus import PathError

        if stream.error is not None:
            if isinstance(stream.error, PathError):
                self._fail(stream.error)
            else:  # open it the plain way: parse, then index
                self.show_notices("Documents", [f"could not index while parsing ({stream.error!r}): parsing first"])
                self._load_corpus()
            return
        corpus, index = stream.corpus, stream.index
        if corpus is None:
            return  # cancelled: the app is closing
        documents = list(corpus.documents)
        tree = self._q(DocTree)
        if [id(d) for d in documents] == [id(d) for d in self.documents]:
            tree.append([], corpus.skipped)
        else:  # (only documents from a cache come out of order)
            current = self.documents[self.current_doc].path if self.current_doc is not None else None
            self.documents = documents
            tree.populate(documents, corpus.skipped)
            self.current_doc = next((i for i, d in enumerate(documents) if d.path == current), None)
            self.reading.reveal_in_tree()
        if not self._corpus_settled(corpus):
            return
        if self._pending_place is not None:
            self._try_pending_place(final=True)
        if self.current_doc is None:
            self.reading.open_first_place()
        try:
            index.warm(wait=False)
        except Exception:  # noqa: BLE001 - warming is an optimisation only
            pass
        self._index_ready(index)
