"""The one entry point into the structure layer for rich formats.

``build`` runs the plain-text parser (``structure.parse_document``) for the
paragraphs, then puts the format's own outline over it: the extractor's
headings become the sections (levels made relative: the outermost level
used is 1) and their paragraphs HEADING; its title replaces the guessed
one; its boilerplate spans become BOILERPLATE paragraphs.  When the format
gives no headings, the parser's sections stay, except those inside
boilerplate.  Nothing in ``structure`` changes.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from tui.corpus.model import BODY, BOILERPLATE, HEADING, TITLE, Document, Paragraph, Section
from tui.corpus.structure import MAX_SECTIONS, clean_title, parse_document

if TYPE_CHECKING:
    from tui.corpus.formats import Extracted


def _inside(spans: list[tuple[int, int]], starts: list[int], a: int, b: int) -> bool:
    i = bisect_right(starts, a) - 1
    return i >= 0 and spans[i][0] <= a and b <= spans[i][1]


def build(ex: Extracted, *, id: str, path: str) -> Document:
    doc = parse_document(ex.text, id=id, path=path, encoding=ex.encoding, warnings=ex.warnings)
    spans = sorted(ex.boilerplate)
    starts = [s for s, _ in spans]
    if ex.title:
        doc.title = clean_title(ex.title)
    if not ex.headings:
        if spans:
            kept = [s for s in doc.sections if not _inside(spans, starts, s.start, s.heading_end)]
            if len(kept) != len(doc.sections):
                _set_sections(doc, [(s.start, s.heading_end, s.level, s.title) for s in kept])
                _relabel(doc, spans, starts, {(s.start, s.heading_end) for s in kept}, ex.title_span)
        elif ex.title_span:
            _relabel(doc, spans, starts, {(s.start, s.heading_end) for s in doc.sections}, ex.title_span)
        return doc
    heads = ex.headings
    if len(heads) > MAX_SECTIONS:
        doc.warnings.append(f"{len(heads)} headings found; only the first {MAX_SECTIONS} are listed as sections")
        heads = heads[:MAX_SECTIONS]
    _set_sections(doc, [(h.start, h.end, h.level, h.title) for h in heads])
    _relabel(doc, spans, starts, {(h.start, h.end) for h in heads}, ex.title_span)
    return doc


def _set_sections(doc: Document, heads: list[tuple[int, int, int, str]]) -> None:
    """Sections from (start, heading end, format level, title), in text order."""
    heads = sorted(heads)
    levels = sorted({h[2] for h in heads})
    rel = {lv: k + 1 for k, lv in enumerate(levels)}
    body_end = len(doc.text.rstrip())
    sections: list[Section] = []
    next_start = [body_end] * (len(levels) + 2)
    ends = [body_end] * len(heads)
    for k in range(len(heads) - 1, -1, -1):
        level = rel[heads[k][2]]
        ends[k] = min(next_start[1 : level + 1])
        next_start[level] = heads[k][0]
    for k, (start, hend, lv, title) in enumerate(heads):
        sections.append(Section(clean_title(title), rel[lv], start, max(ends[k], hend), hend, rule="format"))
    doc.sections = sections
    doc._starts = None
    doc._parents = None


def _relabel(doc: Document, spans, starts, heads: set[tuple[int, int]], title_span) -> None:
    """Paragraph kinds and sections after the outline changed."""
    head_starts = {a for a, _ in heads}
    out: list[Paragraph] = []
    for para in doc.paragraphs:
        a, b = para.start, para.end
        if title_span and title_span[0] <= a and b <= title_span[1]:
            kind = TITLE
        elif a in head_starts:
            kind = HEADING
        elif _inside(spans, starts, a, b):
            kind = BOILERPLATE
        elif para.kind == HEADING or (para.kind == TITLE and title_span):
            kind = BODY
        else:
            kind = para.kind
        out.append(Paragraph(a, b, kind, doc.section_at(a)))
    doc.paragraphs = out

