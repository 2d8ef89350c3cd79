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
) -> Index | None:
    """The search index of ``documents``, from the persistent store where it
    can be (only new and changed documents are indexed again; ``previous``, an
    index of an earlier load, lends its unchanged pieces).  Passes each index
    notice to ``notify``.  Returns None when ``cancelled()`` became true
    during the build."""
    from tui.search import SearchIndex
    from tui.search.index import BuildCancelled

    try:
        index = SearchIndex.build(documents, progress=progress, cancelled=cancelled, previous=previous)
    except BuildCancelled:
        return None
    for notice in index.notices:
        notify(notice)
    return index
