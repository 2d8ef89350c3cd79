"""Why a document's title and sections are what they are (``yuelan list --explain``).

For the title and each section: the rule that decided it (``structure.RULES``,
the same name as ``"rule"`` in ``list --json``).  For lines that nearly
qualified (a numbered line, a short stand-alone line): why they did not.

The document is parsed again with notes switched on (parsing keeps no notes,
so ordinary loading pays nothing for this).  Plain data, no printing: the CLI
formats the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.corpus.model import Document
from tui.corpus.structure import RULE_NAMES, TITLE_RULES, _parse

TITLE = "title"
SECTION = "section"
NOT = "not"  # a line that nearly qualified


@dataclass(frozen=True)
class Row:
    kind: str  # TITLE, SECTION or NOT
    line: int  # 1-based line number in the document text (0: not in the text)
    offset: int  # offset in Document.text (-1: not in the text)
    text: str  # the title, the section title, or the line
    rule: str  # the rule's name ("" for lines that did not qualify)
    why: str  # what the rule means, or why the line is not a heading
    level: int | None = None  # sections only

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "line": self.line,
            "offset": self.offset,
            "text": self.text,
            "rule": self.rule,
            "why": self.why,
            "level": self.level,
        }


def explain(doc: Document) -> list[Row]:
    """Rows in text order: the title first, then sections and near misses."""
    notes: list[tuple[int, str, str]] = []
    p, _ = _parse(doc.text, doc.path, notes)
    in_text = p.title_rule in ("line", "two-lines", "md", "setext")
    title_at = next((b.start for b in p.blocks if b.kind == "title"), -1) if in_text else -1
    title = Row(TITLE, 0, title_at, doc.title, p.title_rule, TITLE_RULES.get(p.title_rule, ""))
    rows = []
    starts = set()
    for s in doc.sections:
        starts.add(s.start)
        rows.append(Row(SECTION, 0, s.start, s.title, s.rule, RULE_NAMES.get(s.rule, ""), s.level))
    seen: set[int] = set()
    for offset, text, why in notes:
        if offset in starts or offset in seen:
            continue
        seen.add(offset)
        rows.append(Row(NOT, 0, offset, text, "", why))
    rows.sort(key=lambda r: r.offset)
    return _numbered(doc.text, [title]) + _numbered(doc.text, rows)


def _numbered(text: str, rows: list[Row]) -> list[Row]:
    """The rows (sorted by offset) with their line numbers, counted in one pass."""
    out = []
    line, pos = 1, 0
    for r in rows:
        if r.offset < 0:
            out.append(r)
            continue
        line += text.count("\n", pos, r.offset)
        pos = r.offset
        out.append(replace(r, line=line))
    return out


def lines(doc: Document, rows: list[Row]) -> list[str]:
    """The rows as text for a terminal (not yet escaped: the caller escapes)."""
    out = [f"{doc.id}: {len(doc.sections)} sections"]
    for r in rows:
        where = f"line {r.line}" if r.line else "no line"
        if r.kind == SECTION:
            what = f"section L{r.level}"
        elif r.kind == TITLE:
            what = "title"
        else:
            what = "not a heading"
        text = r.text if len(r.text) <= 40 else r.text[:39] + "…"
        rule = f"[{r.rule}] " if r.rule else ""
        out.append(f"  {where:>10}  {what:<13}  {text}  — {rule}{r.why}")
    return out
