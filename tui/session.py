"""One way to open a corpus and its search index, for the CLI and the app alike.

"Load the documents, pass on their notices, build the index, pass on its
notices" used to be written six times (two CLI modules, the app's start, its
worker, live reload).  Here it is once: callers give a ``notify`` callable
(the CLI prints to stderr, the app shows a toast) and get the same notices in
the same order.

The index builder is called in one place only (``open_index``), so swapping
the search engine touches this module and nothing above it.

Pure Python: never imports textual or rich.  Heavy imports (the search
engine) happen on first use, not at import.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from tui.corpus import Corpus, Document
    from tui.search.results import Index

Notify = Callable[[str], None]
Progress = Callable[[int, int, int, int], None]


def _ignore(_notice: str) -> None:
    pass


def check_encoding(name: str | None) -> str | None:
    """The canonical name of a user-given encoding (None stays None).

    Raises ``tui.corpus.NotText`` with a readable message when the name is
    not a text encoding."""
    if not name:
        return None
    from tui.corpus.decode import text_encoding

    return text_encoding(name)


def open_corpus(
    paths: list[str] | None,
    encoding: str | None = None,
    *,
    notify: Notify = _ignore,
    cache: bool = True,
    progress: Progress | None = None,
    previous: Corpus | None = None,
) -> Corpus:
    """Load ``paths`` (None or empty: the bundled seeds) and pass each corpus
    notice (a cache rebuilt, a directory unreadable...) to ``notify``.

    Raises ``tui.corpus.PathError`` for a path that cannot be used at all."""
    from tui.corpus import load_corpus

    corpus = load_corpus(list(paths) if paths else None, encoding, progress=progress, cache=cache, previous=previous)
    for notice in corpus.notices:
        notify(notice)
    return corpus


def open_index(
    documents: list[Document],
    *,
    notify: Notify = _ignore,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    previous: Index | None = None,
    roots: list[str] | None = None,
    searchable: Callable[[Index], None] | None = None,
) -> Index | None:
    """The search index of ``documents``, from the persistent store where it
    can be (only new and changed documents are indexed again; ``previous``, an
    index of an earlier load, lends its unchanged pieces).  ``roots``: the
    corpus's ``roots``, which name its kept index (the CLI and the app share
    it).  ``searchable(index)``: called during a long build, after the
    first commit, when the index answers on what is indexed so far.  Passes
    each index notice to ``notify``.  Returns None when ``cancelled()``
    became true during the build."""
    from tui.search import SearchIndex
    from tui.search.index import BuildCancelled

    try:
        index = SearchIndex.build(documents, progress=progress, cancelled=cancelled, previous=previous,
                                  roots=roots or None, searchable=searchable)
    except BuildCancelled:
        return None
    for notice in index.notices:
        notify(notice)
    return index


def open_streaming(
    paths: list[str] | None,
    encoding: str | None = None,
    *,
    notify: Notify = _ignore,
    on_document: Callable[[Document], None] | None = None,
    on_searchable: Callable[[Index], None] | None = None,
    progress: Progress | None = None,
    indexed: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    quiet: Callable[[], object] | None = None,
) -> tuple[Corpus | None, Index | None]:
    """Open a corpus and index it at once, as its files are parsed.

    Files are parsed (on every core) in a thread; each document is passed to
    ``on_document`` (to show it) and indexed as soon as it is ready, with
    commits as ``SearchIndex`` spaces them, after the first of which
    ``on_searchable(index)`` is called: search answers on what is indexed so
    far while the rest is parsed.  ``progress`` is the corpus's (files
    parsed), ``indexed`` the index's (documents indexed; their total is not
    known while files are found).  Returns the corpus and its index; both
    None when ``cancelled()`` became true (parsing stops at the next
    document too).  Notices of both go to ``notify``.  Raises
    ``tui.corpus.PathError`` as ``open_corpus``.  ``quiet()`` returns once
    no other thread is importing modules (the index's tables import pypinyin
    meanwhile; two threads importing at once can deadlock)."""
    import queue
    import threading

    from tui.corpus import default_seed_dir, load_corpus
    from tui.search import SearchIndex
    from tui.search.index import BuildCancelled

    roots = list(paths) if paths else [str(default_seed_dir())]
    docs: queue.Queue = queue.Queue(maxsize=1024)
    done = object()
    box: dict = {}

    stop = threading.Event()  # the build failed or was interrupted (Ctrl-C)

    def arrived(doc) -> None:
        if stop.is_set() or (cancelled is not None and cancelled()):
            raise BuildCancelled  # out of load_corpus: nothing more is parsed
        if on_document is not None:
            on_document(doc)
        docs.put(doc)

    def load() -> None:
        try:
            box["corpus"] = load_corpus(roots, encoding, progress=progress, cache=True, on_document=arrived)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            box["error"] = exc
        finally:
            docs.put(done)

    def stream():
        if first is not done:
            yield first
        while "ended" not in box:
            doc = docs.get()
            if doc is done:
                box["ended"] = True
                if "error" in box:
                    # Parsing stopped short: the build must not take the
                    # documents it saw for the whole corpus (and drop the rest).
                    raise BuildCancelled
                return
            yield doc

    loader = threading.Thread(target=load, name="yuelan-load", daemon=True)
    loader.start()
    index = None
    first = done
    try:
        # The index writer's pinyin tables take seconds to load: load them
        # while the first files are parsed, not after the first one arrives.
        if quiet is not None:
            quiet()
        from tui.search import lang

        lang.token_tables()
        first = docs.get()
        if first is done:
            box["ended"] = True
        # No index is opened (nor made in the cache) for a corpus that could
        # not be read at all (a path that does not exist).
        if not (first is done and "error" in box):
            index = SearchIndex.build(stream(), cancelled=cancelled, searchable=on_searchable, roots=roots,
                                      progress=indexed)
    except BuildCancelled:
        pass
    except BaseException:
        # Ctrl-C, or the build failed: the parsing stops at its next
        # document, not at the corpus's end.
        stop.set()
        raise
    finally:
        while "ended" not in box:  # let the loader finish (it may wait on a full queue)
            if docs.get() is done:
                box["ended"] = True
    loader.join()
    error = box.get("error")
    if error is not None and not isinstance(error, BuildCancelled):
        raise error
    if index is None:
        return None, None
    corpus = box["corpus"]
    for notice in corpus.notices:
        notify(notice)
    for notice in index.notices:
        notify(notice)
    return corpus, index


def open_indexed(
    paths: list[str] | None,
    encoding: str | None = None,
    *,
    notify: Notify = _ignore,
    progress: Progress | None = None,
    indexed: Progress | None = None,
) -> tuple[Corpus, Index | None]:
    """The corpus and its index, for a caller that needs both before it can
    answer (``yuelan search``, ``yuelan index``).  On a first open (no
    document cache) each file is indexed as soon as it is parsed
    (``open_streaming``): the texts and their folds are never all held at
    once (`yuelan index` of 100 MB: peak 571-581 -> 437-499 MB), and
    indexing overlaps parsing.  Otherwise the corpus comes from its cache
    and the kept index is opened, only what changed indexed again.  The index is None for a corpus
    without documents.  ``progress``: files parsed; ``indexed``: documents
    indexed, called only when indexing follows loading (on a first open it
    keeps pace with ``progress``).  Raises ``tui.corpus.PathError`` as
    ``open_corpus``."""
    if needs_parsing(paths, encoding):
        corpus, index = open_streaming(paths, encoding, notify=notify, progress=progress)
        assert corpus is not None and index is not None  # None only when cancelled, and nothing cancels it here
        if not corpus.documents:
            index.close()
            return corpus, None
        return corpus, index
    corpus = open_corpus(paths, encoding, notify=notify, progress=progress)
    if not corpus.documents:
        return corpus, None
    return corpus, open_index(corpus.documents, notify=notify, progress=indexed, roots=corpus.roots)


def needs_parsing(paths: list[str] | None, encoding: str | None) -> bool:
    """True when this corpus has no document cache yet (a first open): then
    every file is parsed, and streaming shows and indexes them as they are."""
    from tui.corpus import default_seed_dir
    from tui.corpus.cache import cache_path

    path = cache_path(list(paths) if paths else [str(default_seed_dir())], encoding)
    return path is None or not os.path.exists(path)


QUIET_WAIT = 5.0  # seconds a stream waits for its app to be up before importing more


class CorpusStream:
    """``open_streaming`` in a daemon thread (not an executor's: quitting
    must not wait for it), started before the app is up: it collects the
    documents as they arrive, which the app takes (``take()``) when it
    looks, with how far parsing (``parsed``) and indexing (``indexed``) are,
    the index once searchable (``partial``), and at the end (``done``) the
    corpus and index, or the ``error``.  ``cancel()``: stop soon."""

    def __init__(self, paths: list[str] | None, encoding: str | None) -> None:
        self.paths = paths
        self.encoding = encoding
        self._lock = threading.Lock()
        self._arrived: list = []
        self.parsed: tuple[int, int, int, int] | None = None  # (files, of files, bytes, of bytes)
        self.indexed = 0  # documents indexed
        self.partial = None  # the index, searchable on what is committed
        self.corpus = None
        self.index = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self._cancelled = threading.Event()
        self._quiet = threading.Event()

    def start(self) -> CorpusStream:
        from tui.corpus import parallel

        parallel.prepare()  # before Textual takes stderr
        threading.Thread(target=self._run, name="yuelan-stream", daemon=True).start()
        return self

    def cancel(self) -> None:
        self._cancelled.set()

    def quiet(self) -> None:
        """The app is up (Textual imported, the first screen composed): the
        stream may import what indexing needs."""
        self._quiet.set()

    def take(self) -> list:
        """The documents that arrived since the last call, in order."""
        with self._lock:
            out, self._arrived = self._arrived, []
        return out

    def _run(self) -> None:
        try:
            self.corpus, self.index = open_streaming(
                self.paths, self.encoding, on_document=self._arrive, on_searchable=self._searchable,
                progress=self._parsed, indexed=self._indexed, cancelled=self._cancelled.is_set,
                quiet=lambda: self._quiet.wait(QUIET_WAIT))
        except BaseException as exc:  # noqa: BLE001 - reported by the app
            self.error = exc
        finally:
            self.done.set()

    def _arrive(self, doc) -> None:
        with self._lock:
            self._arrived.append(doc)

    def _searchable(self, index) -> None:
        self.partial = index

    def _parsed(self, done: int, total: int, done_bytes: int, total_bytes: int) -> None:
        self.parsed = (done, total, done_bytes, total_bytes)

    def _indexed(self, done: int, _total: int, _chars: int, _all: int) -> None:
        self.indexed = done
