"""Search state: what the user asked, what came back, what is stale.

A search runs in a worker; by the time its answer arrives the user may have
typed on.  ``accept`` takes an answer only when its query is still the
current one (Textual's dictionary example does the same), so an old answer
never replaces a newer one.  Pages (``offset``) are appended only when they
continue the current list.

Hit counts per document are shown once they are final (every hit in the
document, not just those in the returned passages): a count that changes
under the cursor (6, then 10) reads as a bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]
HISTORY_MAX = 100


@dataclass
class SearchState:
    """The search as typed: the query, the answer accepted for it, every loaded result and the hits per document."""

    query: str = ""
    response: Any = None  # the last accepted SearchResponse (first page)
    results: list = field(default_factory=list)  # every loaded Hit, in rank order
    total: int = 0
    more: bool = False  # the last page's word on later pages (``SearchResponse.has_more``)
    # doc id -> every hit span in the document (final once ``counted`` has it)
    hits: dict[str, list[Span]] = field(default_factory=dict)
    counted: set[str] = field(default_factory=set)
    docs: list[str] = field(default_factory=list)  # doc ids with hits, in rank order
    loading_more: bool = False
    shown: Any = None  # the result last opened in the reader (a Hit), if any

    def set_query(self, query: str) -> bool:
        """The search bar's value; True when it changed (results are then stale)."""
        query = query.strip()
        if query == self.query:
            return False
        self.query = query
        if not query:
            self.clear()
        return True

    def clear(self) -> None:
        self.response = None
        self.results = []
        self.total = 0
        self.more = False
        self.hits = {}
        self.counted = set()
        self.docs = []
        self.loading_more = False
        self.shown = None

    def is_current(self, query: str) -> bool:
        return bool(query) and query == self.query

    def accept(self, query: str, resp) -> bool:
        """Take the first page of ``query``'s answer; False (dropped) when stale."""
        if not self.is_current(query) or resp.error == "cancelled":
            return False
        self.response = resp
        self.results = list(resp.results)
        self.total = resp.total
        self.more = resp.has_more
        self.hits = {}
        self.counted = set()
        self.docs = []
        self.loading_more = False
        self.shown = None
        self._add_passage_hits(self.results)
        return True

    def extend(self, query: str, resp) -> bool:
        """Append a later page; False when stale or not the continuation."""
        self.loading_more = False
        if not self.is_current(query) or self.response is None or resp.offset != len(self.results):
            return False
        self.results.extend(resp.results)
        self.total = resp.total
        self.more = resp.has_more
        self._add_passage_hits(resp.results)
        return True

    @property
    def has_more(self) -> bool:
        """The engine's word, not results against the total: identical
        passages folded into one result count apart in the total."""
        return self.response is not None and self.more

    def next_offset(self) -> int | None:
        """Where the next page starts, or None (all loaded, or already loading)."""
        if not self.has_more or self.loading_more:
            return None
        return len(self.results)

    def _add_passage_hits(self, hits) -> None:
        # Until a document is counted, its best passage's highlights are its
        # hits (so n/N work at once); never shown as its count.
        for hit in hits:
            if hit.doc_id in self.docs:
                continue
            self.docs.append(hit.doc_id)
            if hit.doc_id not in self.counted:
                self.hits[hit.doc_id] = sorted((hit.start + s, hit.start + e) for s, e in hit.highlights)

    def add_document_hits(self, query: str, found: dict[str, list[Span]]) -> bool:
        """Every hit of some documents (``find_in_document``); False when stale."""
        if not self.is_current(query):
            return False
        for doc_id, spans in found.items():
            if spans:
                self.hits[doc_id] = sorted(set(spans))
                self.counted.add(doc_id)
        return True

    def keep_documents(self, doc_ids: set[str]) -> None:
        """After a reload: hits of changed or removed documents point into
        old texts; only those of ``doc_ids`` (the very same documents) stay."""
        self.hits = {k: v for k, v in self.hits.items() if k in doc_ids}
        self.counted &= doc_ids

    def uncounted(self) -> list[str]:
        """Result documents whose every hit is not known yet, in rank order."""
        return [d for d in self.docs if d not in self.counted]

    def count(self, doc_id: str) -> int | None:
        """The document's hit count, only once it is final."""
        return len(self.hits[doc_id]) if doc_id in self.counted else None

    def spans(self, doc_id: str) -> list[Span]:
        return self.hits.get(doc_id, []) if self.query else []


class QueryHistory:
    """Past queries of one corpus, oldest first; Up/Down recall them like a
    shell, and the text being typed is kept as the newest entry until the
    recall ends, so nothing typed is lost."""

    def __init__(self, entries=(), limit: int = HISTORY_MAX) -> None:
        self.limit = limit
        self.entries: list[str] = []
        for q in entries:
            self.add(q)
        self._pos: int | None = None  # index in entries while recalling
        self._draft = ""

    def add(self, query: str) -> bool:
        """Remember ``query`` (moved to the end if known); True when the list changed."""
        query = query.strip()
        self._pos = None
        if not query:
            return False
        if self.entries and self.entries[-1] == query:
            return False
        if query in self.entries:
            self.entries.remove(query)
        self.entries.append(query)
        del self.entries[: -self.limit]
        return True

    def older(self, current: str) -> str | None:
        """The query before the one shown (Up); None at the oldest."""
        if self._pos is None:
            if not self.entries:
                return None
            self._draft = current
            pos = len(self.entries) - 1
            if self.entries[pos] == current.strip() and pos > 0:
                pos -= 1  # the shown query is the newest one: go past it
            elif self.entries[pos] == current.strip():
                return None
        else:
            if self._pos == 0:
                return None
            pos = self._pos - 1
        self._pos = pos
        return self.entries[pos]

    def newer(self) -> str | None:
        """The query after the one shown (Down); the draft past the newest;
        None when not recalling."""
        if self._pos is None:
            return None
        if self._pos + 1 < len(self.entries):
            self._pos += 1
            return self.entries[self._pos]
        self._pos = None
        return self._draft

    @property
    def recalling(self) -> bool:
        return self._pos is not None

    def stop(self) -> None:
        self._pos = None
