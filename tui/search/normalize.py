"""Index normalisation: the text layer's fold, then whitespace handling.

The searchable form of a passage is its folded text (``tui.text.fold``) with
whitespace runs removed, except that a run between two Latin letters or digits
becomes one space.  Chinese text often carries stray spaces and line breaks in
the middle of words (``2018 年11 月``, a paragraph broken across lines, NBSP
indentation); removing them lets ``2018年11月`` match.  ``hello world`` keeps
its word boundary.

Every normalised string keeps a map back to the original characters, composed
of the fold's own offset map and a sparse list of break points for the removed
whitespace, so that a span found in the index maps to the exact original span.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right

from tui.text import Folded, fold, fold_text

_WS_RE = re.compile(r"\s+")


def _wordy(ch: str) -> bool:
    """A letter or digit of an alphabetic script (not CJK)."""
    return ch.isalnum() and ord(ch) < 0x2E80


class TextMap:
    """Maps offsets of a normalised string back to its original string."""

    __slots__ = ("bp_idx", "bp_delta", "folded")

    def __init__(self, bp_idx: array, bp_delta: array, folded: Folded | None) -> None:
        self.bp_idx = bp_idx  # normalised offsets from which ``bp_delta`` applies
        self.bp_delta = bp_delta  # folded offset = normalised offset + delta
        self.folded = folded  # None when the fold was the identity

    def _to_folded(self, i: int) -> int:
        k = bisect_right(self.bp_idx, i) - 1
        return i + (self.bp_delta[k] if k >= 0 else 0)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Original span of the normalised span ``[a, b)`` (``a < b``)."""
        fa = self._to_folded(a)
        fb = self._to_folded(b - 1) + 1
        if self.folded is None:
            return fa, fb
        return self.folded.span_to_orig(fa, fb)


def span_to_orig(tmap: TextMap | None, a: int, b: int) -> tuple[int, int]:
    if tmap is None or b <= a:
        return a, b
    return tmap.span(a, b)


def _identity(f: Folded) -> bool:
    """Whether the fold's offset map is the identity (``Folded.identity``;
    older text layers said so with ``starts is None``)."""
    ident = getattr(f, "identity", None)
    if ident is not None:
        return bool(ident)
    return getattr(f, "starts", None) is None


class DocSlice:
    """The fold map of one passage, read from its document's whole fold
    (``Document.folded``), so that passages need not be folded again."""

    __slots__ = ("folded", "fstart", "ostart")

    def __init__(self, folded: Folded, fstart: int, ostart: int) -> None:
        self.folded = folded
        self.fstart = fstart  # passage start in the folded document
        self.ostart = ostart  # passage start in the original document

    def span_to_orig(self, a: int, b: int) -> tuple[int, int]:
        oa, ob = self.folded.span_to_orig(self.fstart + a, self.fstart + b)
        return oa - self.ostart, ob - self.ostart


def fold_slice(doc_fold: Folded, start: int, end: int) -> tuple[str, DocSlice | None]:
    """Folded text of ``original[start:end]`` taken from the document's fold."""
    if _identity(doc_fold):
        return doc_fold.text[start:end], None
    fs = doc_fold.from_orig(start)
    fe = doc_fold.from_orig(end)
    return doc_fold.text[fs:fe], DocSlice(doc_fold, fs, start)


def normalize(orig: str) -> tuple[str, TextMap | None]:
    """The searchable form of ``orig`` and its map (None when the identity)."""
    f = fold(orig)
    return normalize_folded(f.text, None if _identity(f) else f)


def normalize_folded(ft: str, folded) -> tuple[str, TextMap | None]:
    """Whitespace handling of already folded text; ``folded`` maps it back
    (anything with ``span_to_orig``; None when the fold was the identity)."""
    if _WS_RE.search(ft) is None:
        return ft, (TextMap(array("q"), array("q"), folded) if folded is not None else None)
    pieces: list[str] = []
    bp_idx = array("q")
    bp_delta = array("q")
    pos = 0
    out_len = 0
    delta = 0
    n = len(ft)
    for m in _WS_RE.finditer(ft):
        s, e = m.span()
        pieces.append(ft[pos:s])
        out_len += s - pos
        keep = " " if (s > 0 and e < n and _wordy(ft[s - 1]) and _wordy(ft[e])) else ""
        if keep:
            pieces.append(keep)
            out_len += 1
        delta += (e - s) - len(keep)
        bp_idx.append(out_len)
        bp_delta.append(delta)
        pos = e
    pieces.append(ft[pos:])
    return "".join(pieces), TextMap(bp_idx, bp_delta, folded)


def normalize_text(s: str) -> str:
    """Only the normalised string (query terms, titles and headings): the
    fold without its offset map (a search's first run normalises dozens of
    headings)."""
    return normalize_folded(fold_text(s), None)[0]
