"""Passages: the unit the engine indexes and a search returns.

A passage is a paragraph of the corpus model (``Document.paragraphs``), its
whitespace trimmed; a document without paragraphs is cut into lines.  A
paragraph longer than ``CHUNK`` characters is indexed in overlapping chunks
(a term of up to ``MAX_TERM_CHARS`` characters always lies whole in one), so
that a 200 MB line never becomes one tantivy document.

Each passage is known by its ordinal in its document; its searchable text is
folded and normalised (``normalize.py``) from the document's own fold, with a
map back to the original characters where their lengths differ.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from tui.corpus.cache import KIND_CODE, KINDS, Rows
from tui.corpus.model import Document
from tui.search.normalize import TextMap, fold_slice, normalize, normalize_folded
from tui.search.query import MAX_TERM_CHARS

CHUNK = 20_000
OVERLAP = MAX_TERM_CHARS * 2


@dataclass(frozen=True, slots=True)
class Passage:
    """A searchable stretch of a document (a paragraph, a heading, a title)."""

    ordinal: int
    start: int  # offsets in doc.text
    end: int
    kind: str
    section: int | None


def doc_fold(doc: Document):
    """The document's whole fold if parsing made one (a document from the
    cache has none: folding a 50 MB document to check one passage would
    cost seconds, so passages are then folded alone, with the same result)."""
    try:
        f = getattr(doc, "_folded", None)
    except Exception:  # noqa: BLE001 - fall back to folding passages
        return None
    if f is None or not hasattr(f, "span_to_orig") or getattr(f, "orig_len", -1) != len(doc.text):
        return None
    return f


def _raw(doc: Document):
    text = doc.text
    if doc.paragraphs:
        items = sorted(((p.start, p.end, p.kind, p.section) for p in doc.paragraphs), key=lambda x: x[0])
    else:
        items = []
        pos = 0
        for line in text.split("\n"):
            items.append((pos, pos + len(line), "body", None))
            pos += len(line) + 1
    n = len(text)
    for s, e, kind, section in items:
        s = max(0, min(s, n))
        e = max(s, min(e, n))
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        if section is None and doc.sections:
            section = doc.section_at(s)
        if e - s <= CHUNK:
            yield s, e, kind, section
            continue
        a = s
        while a < e:
            b = min(e, a + CHUNK)
            yield a, b, kind, section
            if b >= e:
                break
            a = b - OVERLAP


class Passages(Rows):
    """A document's passages in a flat integer array (start, end, kind,
    section), each made into a ``Passage`` when it is read: a 50 MB novel has
    half a million of them."""

    __slots__ = ("_data",)
    WIDTH = 4

    def __init__(self, rows) -> None:
        data = array("q")
        for s, e, kind, section in rows:
            data.extend((s, e, KIND_CODE.get(kind, 0), -1 if section is None else section))
        self._data = data

    def _row(self, i: int) -> Passage:
        s, e, k, sec = self._data[4 * i : 4 * i + 4]
        return Passage(i, s, e, KINDS[k], None if sec < 0 else sec)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


def passages(doc: Document) -> Passages:
    """The document's passages, in order (their ordinals are their indexes)."""
    return Passages(_raw(doc))


def searchable(doc: Document, p: Passage, fold=None) -> tuple[str, TextMap | None]:
    """The passage's folded, normalised text and its map back (None: identity)."""
    f = fold if fold is not None else doc_fold(doc)
    if f is not None:
        return normalize_folded(*fold_slice(f, p.start, p.end))
    return normalize(doc.text[p.start : p.end])
