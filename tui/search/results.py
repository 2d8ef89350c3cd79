"""Search results: passages with highlight offsets, and the response."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

from tui.corpus.model import Document

# Match kinds, best first.
MATCH_KINDS = ("exact", "folded", "pinyin", "fuzzy")


@dataclass(frozen=True)
class Hit:
    """One result: a passage of a document and where the query matched in it."""

    doc: Document
    start: int  # passage offsets in doc.text
    end: int
    highlights: list[tuple[int, int]]  # relative to the passage
    score: float
    match: str  # one of MATCH_KINDS
    section_index: int | None = None
    # Partial match: the passage holds only some of a multi-term query's
    # terms (shown after every full match); ``missing`` names the others.
    partial: bool = False
    missing: tuple[str, ...] = ()
    # Identical passages of one document are one result: how many there are.
    count: int = 1

    @property
    def doc_id(self) -> str:
        return self.doc.id

    @property
    def path(self) -> str:
        return self.doc.path

    @property
    def title(self) -> str:
        return self.doc.title

    @property
    def section(self) -> str | None:
        if self.section_index is None:
            return None
        try:
            return self.doc.sections[self.section_index].title
        except IndexError:
            return None

    @property
    def passage(self) -> str:
        return self.doc.text[self.start : self.end]

    def to_json(self) -> dict:
        return {
            "doc": self.doc.id,
            "path": self.doc.path,
            "title": self.doc.title,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "passage": self.passage,
            "highlights": [[s, e] for s, e in self.highlights],
            "score": round(self.score, 4),
            "match": self.match,
            **({"partial": True, "missing": list(self.missing)} if self.partial else {}),
            **({"count": self.count} if self.count > 1 else {}),
        }


@dataclass
class SearchResponse:
    """One page of results, the exact total, and how long the search took."""

    query: str
    total: int = 0  # all matching passages, not only those returned
    elapsed_ms: float = 0.0  # the search alone
    results: list[Hit] = field(default_factory=list)
    error: str | None = None  # a message for the user when the query cannot run
    load_ms: float = 0.0  # one-time loading (jieba, pinyin) paid by this search, not in elapsed_ms
    offset: int = 0  # the rank of results[0] among all results (paging)
    more: bool | None = None  # the engine's word on later pages (None: from total)

    @property
    def has_more(self) -> bool:
        """More results exist after this page."""
        if self.more is not None:
            return self.more
        return self.offset + len(self.results) < self.total

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "total": self.total,
            "results": [h.to_json() for h in self.results],
        }


class Index(Protocol):
    """What the app and the CLI use of a search index (the tantivy engine,
    or a test double)."""

    documents: list[Document]
    notices: list[str]  # messages for the user from building/opening
    changes: dict[str, list[str]]  # {"reused"|"rebuilt"|"removed": [paths]}

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        offset: int = 0,
        cancelled: Callable[[], bool] | None = None,
    ) -> SearchResponse:
        """Results ``offset .. offset+limit`` (``limit=0``: all) of the
        ranking, with the exact ``total``; never raises."""
        ...

    def find_in_document(
        self, doc: Document, query: str, *, cancelled: Callable[[], bool] | None = None
    ) -> Sequence[tuple[int, int]]:
        """Every match of ``query`` in ``doc.text`` (document offsets, sorted);
        stops early (with what it has) once ``cancelled()`` is true."""
        ...

    def warm(self, wait: bool = True) -> object:
        """Load the lazy language tables now (``wait=False``: in a thread)."""
        ...
