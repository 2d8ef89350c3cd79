"""Search results: passages with highlight offsets, and the response."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.corpus.model import Document

# Match kinds, best first.
MATCH_KINDS = ("exact", "folded", "pinyin", "fuzzy")


@dataclass(frozen=True)
class Hit:
    doc: Document
    start: int  # passage offsets in doc.text
    end: int
    highlights: list[tuple[int, int]]  # relative to the passage
    score: float
    match: str  # one of MATCH_KINDS
    section_index: int | None = None

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
        }


@dataclass
class SearchResponse:
    query: str
    total: int = 0  # all matching passages, not only those returned
    elapsed_ms: float = 0.0  # the search alone
    results: list[Hit] = field(default_factory=list)
    error: str | None = None  # a message for the user when the query cannot run
    load_ms: float = 0.0  # one-time loading (jieba, pinyin) paid by this search, not in elapsed_ms

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "total": self.total,
            "results": [h.to_json() for h in self.results],
        }
