"""Ranked rows of a search: identical passages of one document folded into
one result with a count, and pages of them made into ``Hit``s."""

from __future__ import annotations

from tui.corpus.model import Document
from tui.search.results import Hit
from tui.search.verify import hit_layout


class Rows:
    """Ranked results, identical passages of one document folded into one."""

    def __init__(self, documents: list[Document]) -> None:
        self.documents = documents
        self.rows: list[list] = []  # [result tuple, count]
        self.verified: list = []
        self._by_text: dict[tuple[int, str], list] = {}
        self.exhausted = False

    def extend(self, results) -> None:
        for r in results:
            self.verified.append(r)
            key = (r[1], r[3].text)
            row = self._by_text.get(key)
            if row is not None:
                row[1] += 1
                continue
            row = [r, 1]
            self._by_text[key] = row
            self.rows.append(row)

    def page(self, offset: int, want: int | None) -> list[Hit]:
        chosen = self.rows[offset:want]
        return [self._hit(r, n) for r, n in chosen]

    def more(self, offset: int, want: int | None) -> bool:
        if want is None:
            return False
        return len(self.rows) > want or not self.exhausted

    def _hit(self, r, count: int) -> Hit:
        score, di, p, view, plans, m = r
        doc = self.documents[di]
        start, end, hl, kind = hit_layout(doc, p, view, plans, m)
        missing = tuple(plans[i].term.raw for i, s in enumerate(m.spans) if not s)
        return Hit(doc=doc, start=start, end=end, highlights=hl, score=score, match=kind,
                   section_index=p.section, partial=bool(missing), missing=missing, count=count)
