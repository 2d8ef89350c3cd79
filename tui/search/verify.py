"""Verification and highlights: exact spans in one candidate passage.

The engine's candidates are a superset for some ways of matching (words of a
phrase standing close, typos); here each candidate's searchable text is
checked with the matchers, which also give the spans to highlight, mapped
back to the original characters (offset maps only where folding or
whitespace changed lengths).  Long passages are shown as a window around
the best cluster of hits.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.corpus.model import Document
from tui.search import lang, rank
from tui.search.matchers import Fuzzy, Literal, Matcher, Pinyin, Split
from tui.search.normalize import TextMap, normalize, span_to_orig
from tui.search.passages import Passage
from tui.search.results import MATCH_KINDS

MAX_SPANS_PER_TERM = 200  # per passage, for scoring and highlights
LONG_PASSAGE = 400  # passages longer than this are shown as a window
WINDOW = 300  # target window size around the hits
# A window holds every hit of its passage when they lie within this many
# characters (two windows' worth); beyond it, the best cluster of hits.
MAX_WINDOW = 2 * WINDOW


class View:
    """One passage's searchable text, as the matchers see it."""

    __slots__ = ("text", "tmap", "_shadow", "clusters")

    def __init__(self, text: str, tmap: TextMap | None) -> None:
        self.text = text
        self.tmap = tmap
        self._shadow: str | None = None
        self.clusters: dict = {}

    def shadow(self) -> str:
        if self._shadow is None:
            self._shadow = lang.pinyin().shadow(self.text)
        return self._shadow


@dataclass
class TermPlan:
    """One query term and the ways it may match, best first; ``active``:
    those the gates let through for this query (see plan.py)."""

    term: object  # query.Term
    matchers: list[Matcher]
    active: list[Matcher]
    latin_pinyin: bool = False  # Latin letters that also read as pinyin


@dataclass
class Match:
    """How a passage matched a query: per term, its quality, spans and matcher kind."""

    qualities: list[float]
    spans: list[list[tuple[int, int]]]  # per term, in the searchable text (empty: missing)
    kinds: list[str]  # per term: matcher kind ("" when missing)


def _in_word(text: str, a: int, b: int) -> bool:
    return (a > 0 and text[a - 1].isascii() and text[a - 1].isalpha()) or (
        b < len(text) and text[b].isascii() and text[b].isalpha()
    )


def _is_word(chars: str) -> bool:
    return len(chars) >= 2 and chars in lang.common_words(rank.WORD_MIN_FREQ)


def _main_reading(m: Pinyin, chars: str) -> bool:
    """Each character read by its first (main) reading."""
    readings = lang.pinyin().readings
    if len(chars) != len(m.pieces):
        return False
    for c, p, pre in zip(chars, m.pieces, m.prefix):
        rs = readings.get(c)
        if not rs or not (rs[0].startswith(p) if pre else rs[0] == p):
            return False
    return True


def term_match(view: View, plan: TermPlan, orig: str, start: int, every: bool = False):
    """The best way ``plan`` matches in ``view``: (quality, spans, kind) or None.

    ``orig`` is the document's text and ``start`` the passage's offset in it
    (for the whole-character and exactness checks).  ``every``: the spans
    are those of every way it matches (find in document highlights each
    occurrence: ``yo`` is 有, and also 园区 read y·o)."""
    text = view.text
    n = len(text)
    best = None
    found: list[tuple[int, int]] = []
    for m in plan.active:
        if not every and best is not None and m.quality + 0.1 < best[0]:
            break  # sorted best first: nothing further can win
        spans = m.spans(view, 0, n)[:MAX_SPANS_PER_TERM]
        if not spans or not m.accept(view, 0, n):
            continue
        if view.tmap is not None and view.tmap.folded is not None:
            spans = [sp for sp in spans if _whole_chars(view, orig, start, *sp)]
            if not spans:
                continue
        q = m.quality
        if isinstance(m, Split):
            lo = min(a for a, _ in spans)
            hi = max(b for _, b in spans)
            need = sum(b - a for a, b in spans)
            q = m.quality_for(need / max(need, hi - lo))
        elif isinstance(m, Literal):
            if plan.latin_pinyin and all(_in_word(text, a, b) for a, b in spans):
                q = rank.Q_IN_WORD
            elif any(_orig(view, orig, start, a, b) == m.raw for a, b in spans[:3]):
                q += rank.EXACT_BONUS
        elif isinstance(m, Pinyin):
            if any(_is_word(text[a:b]) for a, b in spans[:3]):
                q += rank.WORD_BONUS
            if any(_main_reading(m, text[a:b]) for a, b in spans[:3]):
                q += rank.MAIN_READING_BONUS
        found.extend(spans)
        if best is None or q > best[0]:
            best = (q, spans, m.kind)
    if every and best is not None:
        best = (best[0], merge(sorted(found)), best[2])
    return best


def evaluate(view: View, plans: list[TermPlan], orig: str, start: int, *, partial: bool = False,
             every: bool = False) -> Match | None:
    """Every term's best match; None when one is missing (unless ``partial``).
    ``orig``/``start``: the document's text and the passage's offset in it;
    ``every``: see ``term_match``."""
    qs, spans, kinds = [], [], []
    for plan in plans:
        r = term_match(view, plan, orig, start, every)
        if r is None:
            if not partial:
                return None
            qs.append(0.0)
            spans.append([])
            kinds.append("")
            continue
        qs.append(r[0])
        spans.append(r[1])
        kinds.append(r[2])
    return Match(qs, spans, kinds)


def _orig(view: View, orig: str, start: int, a: int, b: int) -> str:
    oa, ob = span_to_orig(view.tmap, a, b)
    return orig[start + oa : start + ob]


def _whole_chars(view: View, orig: str, start: int, a: int, b: int) -> bool:
    """The hit covers whole original characters: ".." inside "…" (which
    folds to "...") is not a hit, its original span would show "…"."""
    return normalize(_orig(view, orig, start, a, b))[0] == view.text[a:b]


def doc_spans(view: View, passage: Passage, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the searchable text as document offsets."""
    out = []
    for a, b in spans:
        oa, ob = span_to_orig(view.tmap, a, b)
        out.append((passage.start + oa, passage.start + ob))
    return out


def match_kind(plan: TermPlan, mkind: str, doc: Document, mapped: list[tuple[int, int]]) -> str:
    if mkind in ("pinyin", "fuzzy"):
        return mkind
    raws = {plan.term.raw}
    for m in plan.matchers:
        if isinstance(m, Split):
            raws.update(lit.raw for lit in m.literals)
    exact = [doc.text[oa:ob] in raws for oa, ob in mapped]
    if mkind == "split":
        return "exact" if exact and all(exact) else "folded"
    return "exact" if any(exact) else "folded"


def hit_layout(doc: Document, passage: Passage, view: View, plans: list[TermPlan], match: Match):
    """(start, end, highlights, match kind) of a hit."""
    kinds = []
    dspans: list[tuple[int, int]] = []
    per_term: list[list[tuple[int, int]]] = []
    for plan, spans, mkind in zip(plans, match.spans, match.kinds):
        if not spans:
            continue
        mapped = doc_spans(view, passage, spans)
        per_term.append(mapped)
        dspans.extend(mapped)
        kinds.append(match_kind(plan, mkind, doc, mapped))
    kind = max(kinds, key=MATCH_KINDS.index) if kinds else "folded"
    start, end = passage.start, passage.end
    if end - start > LONG_PASSAGE and dspans:
        start, end = window(doc.text, start, end, per_term)
    hl = merge(sorted((a - start, b - start) for a, b in dspans if a >= start and b <= end and a < b))
    return start, end, hl, kind


_SENTENCE_END = "。！？；!?;\n"
SNAP = 60  # characters an edge of a window may move to a sentence boundary


def _nearest_boundary(text: str, edge: int, lo: int, hi: int) -> int:
    """The sentence boundary (just after a sentence end) in ``[lo, hi]``
    nearest to ``edge``, or ``edge`` itself when there is none."""
    best = None
    for i in range(max(0, lo - 1), min(len(text), hi)):
        b = i + 1
        if text[i] in _SENTENCE_END and lo <= b <= hi and (best is None or abs(b - edge) < abs(best - edge)):
            best = b
    return edge if best is None else best


def _best_cluster(occ: list[tuple[int, int, int]], k: int) -> tuple[int, int]:
    """(lo, hi) of the best cluster of hits (start, end, term): the tightest
    stretch holding every one of ``k`` terms while it is at most MAX_WINDOW
    long, else (or for one term) the window holding the most hits."""
    win = rank.min_window(occ, k) if k > 1 else None
    if win is not None and win[1] - win[0] <= MAX_WINDOW:
        return win[0], win[1]
    spans = sorted((a, b) for a, b, _ in occ)
    best = (0, spans[0][0], spans[0][1])
    j = 0
    for i in range(len(spans)):
        while j < i and spans[i][1] - spans[j][0] > WINDOW - 40:  # (a hit may be wider than that)
            j += 1
        count = i - j + 1
        if count > best[0]:
            best = (count, spans[j][0], spans[i][1])
    return best[1], best[2]


def window(text: str, pstart: int, pend: int, per_term: list[list[tuple[int, int]]]) -> tuple[int, int]:
    """A window of about WINDOW characters around the passage's hits: all of
    them when they lie within MAX_WINDOW characters (a hit left outside the
    window would be neither listed nor highlighted in the reader), else the
    best cluster."""
    occ = [(a, b, k) for k, sp in enumerate(per_term) for a, b in sp if sp]
    lo, hi = min(a for a, _, _ in occ), max(b for _, b, _ in occ)
    if hi - lo > MAX_WINDOW:
        lo, hi = _best_cluster(occ, sum(1 for sp in per_term if sp))
    if hi - lo >= WINDOW:
        start, end = lo, hi
    else:
        pad = (WINDOW - (hi - lo)) // 2
        start = max(pstart, lo - pad)
        end = min(pend, hi + pad)
        # Use the room lost at one edge on the other.
        if start == pstart:
            end = min(pend, start + WINDOW)
        elif end == pend:
            start = max(pstart, end - WINDOW)
    # Each edge moves to the sentence boundary nearest to it, at most SNAP
    # characters away and never into the hits.  (The boundary nearest to
    # the hits instead took the padding away: one line of a hard-wrapped
    # novel, cut mid-sentence, for a hit in a 780-character paragraph.)
    if start > pstart:
        start = _nearest_boundary(text, start, max(pstart, start - SNAP), min(lo, start + SNAP))
    if end < pend:
        end = _nearest_boundary(text, end, max(hi, end - SNAP), min(pend, end + SNAP))
    while start < lo and text[start].isspace():
        start += 1
    while end > hi and text[end - 1].isspace():
        end -= 1
    return start, end


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if a >= b:
            continue
        if out and a < out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


__all__ = ["View", "TermPlan", "Match", "evaluate", "hit_layout", "merge", "window", "doc_spans", "Fuzzy", "Literal"]
