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
    cancelled: Callable[[], bool] | None = None,
) -> tuple[Corpus, Index | None]:
    """Open a corpus and index it at once, as its files are parsed.

    Files are parsed (on every core) in a thread; each document is passed to
    ``on_document`` (to show it) and indexed as soon as it is ready, with a
    commit every ``COMMIT_SECONDS``, after the first of which
    ``on_searchable(index)`` is called: search answers on what is indexed so
    far while the rest is parsed.  ``progress`` is the corpus's.  Returns the
    corpus and its index (None when ``cancelled()`` became true).  Notices of
    both go to ``notify``.  Raises ``tui.corpus.PathError`` as ``open_corpus``."""
    import queue
    import threading

    from tui.corpus import default_seed_dir, load_corpus
    from tui.search import SearchIndex
    from tui.search.index import BuildCancelled

    roots = list(paths) if paths else [str(default_seed_dir())]
    docs: queue.Queue = queue.Queue(maxsize=1024)
    done = object()
    box: dict = {}

    def arrived(doc) -> None:
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
        while True:
            doc = docs.get()
            if doc is done:
                return
            yield doc

    loader = threading.Thread(target=load, name="yuelan-load", daemon=True)
    loader.start()
    index = None
    try:
        index = SearchIndex.build(stream(), cancelled=cancelled, searchable=on_searchable, roots=roots)
    except BuildCancelled:
        for _ in stream():  # let the loader finish
            pass
    loader.join()
    if "error" in box:
        raise box["error"]
    corpus = box["corpus"]
    for notice in corpus.notices:
        notify(notice)
    if index is not None:
        for notice in index.notices:
            notify(notice)
    return corpus, index
