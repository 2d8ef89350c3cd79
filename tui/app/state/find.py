"""Find in the open document (ctrl+f): its query, matches and stepping."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FindState:
    """Find in document (ctrl+f): the document it is in, its query and the spans it found."""

    doc: str | None = None  # id of the document the find is in
    query: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.doc is not None

    def start(self, doc_id: str, query: str, spans: list[tuple[int, int]]) -> None:
        self.doc, self.query, self.spans = doc_id, query, sorted(spans)

    def end(self) -> bool:
        """Stop; True when a find was active."""
        had = self.doc is not None
        self.doc, self.query, self.spans = None, "", []
        return had

    def is_in(self, doc_id: str | None) -> bool:
        return self.doc is not None and self.doc == doc_id


def step(current: int | None, count: int, direction: int, first_in_view: int | None) -> tuple[int, bool] | None:
    """The match to go to from ``current`` (None: start from the first match
    in view), and whether that wrapped round; None when there is none."""
    if not count:
        return None
    if current is None:
        i = first_in_view or 0
        return ((i - 1) % count, False) if direction < 0 else (i, False)
    i = current + direction
    if 0 <= i < count:
        return i, False
    return i % count, True
