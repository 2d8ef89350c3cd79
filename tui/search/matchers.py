"""Matchers: ways one query term can match a passage (verification).

The engine finds candidate passages; a matcher then finds the exact spans in
one candidate's searchable text (``verify.View``: ``text``, folded and
normalised, and ``shadow()``, its pinyin shadow).  Each matcher has a
``quality`` in ``(0, 1]``: how good a hit of this kind is (exact phrase 1.0 >
pinyin > split > fuzzy); the weights themselves live in ``rank.py``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tui.search import lang
from tui.search.rank import Q_FUZZY, Q_LITERAL, Q_SPLIT, min_window, split_quality

if TYPE_CHECKING:
    from tui.search.verify import View as SearchIndex

ANY = "[^\\n]"


class Matcher:
    kind = "literal"  # literal | split | pinyin | fuzzy
    quality = Q_LITERAL

    def search(self, idx: SearchIndex, pos: int, endpos: int) -> tuple[int, int] | None:
        raise NotImplementedError

    def spans(self, idx: SearchIndex, pos: int, endpos: int) -> list[tuple[int, int]]:
        """All (non-overlapping) hits in ``[pos, endpos)``."""
        out = []
        while pos < endpos:
            r = self.search(idx, pos, endpos)
            if r is None:
                break
            out.append(r)
            pos = r[1] if r[1] > r[0] else r[0] + 1
        return out

    def accept(self, idx: SearchIndex, pos: int, endpos: int) -> bool:
        """Whether the passage ``[pos, endpos)`` matches (after candidate retrieval)."""
        return True


class Literal(Matcher):
    kind = "literal"
    quality = Q_LITERAL

    def __init__(self, needle: str, raw: str | None = None) -> None:
        self.needle = needle
        self.raw = needle if raw is None else raw  # as the user typed it (for "exact")

    def search(self, idx, pos, endpos):
        i = idx.text.find(self.needle, pos, endpos)
        if i < 0:
            return None
        return i, i + len(self.needle)

    def __repr__(self) -> str:
        return f"Literal({self.needle!r})"


class Pinyin(Matcher):
    """A run of Chinese characters whose readings spell the pieces.

    Searched with one regex over the pinyin shadow of the index text, where
    each character is replaced by a code for its set of readings; a piece
    becomes the class of codes with a reading equal to it (full syllable) or
    starting with it (initials, a syllable being typed).
    """

    kind = "pinyin"

    def __init__(self, pieces: tuple[str, ...], prefix: tuple[bool, ...], quality: float) -> None:
        self.pieces = pieces
        self.prefix = prefix
        self.quality = quality
        tables = lang.pinyin()
        body = "".join(tables.class_for(p, pre) for p, pre in zip(pieces, prefix))
        self.pattern = re.compile(body)

    def search(self, idx, pos, endpos):
        m = self.pattern.search(idx.shadow(), pos, endpos)
        if m is None:
            return None
        return m.span()

    def __repr__(self) -> str:
        return f"Pinyin({' '.join(self.pieces)!r}, q={self.quality})"


class Fuzzy(Matcher):
    """One wrong, missing or extra character.

    One regex of all one-edit variants of the term (leading wildcards dropped,
    so the regex engine scans for the first characters only); the span found
    is then refined with a Levenshtein distance (candidates only).  The
    engine's candidates are the same variants as phrases (``Engine.typos``).
    """

    kind = "fuzzy"
    quality = Q_FUZZY

    def __init__(self, term: str) -> None:
        self.term = term
        self._pattern: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """Compiled when first needed: most terms never open their typos
        (only a term found nowhere does), and a 32-character one takes ms."""
        if self._pattern is None:
            term = self.term
            n = len(term)
            alts: set[str] = set()
            for i in range(n):
                alts.add(re.escape(term[:i] + term[i + 1 :]))
            for i in range(1, n):
                alts.add(re.escape(term[:i]) + ANY + re.escape(term[i + 1 :]))
                alts.add(re.escape(term[:i]) + ANY + re.escape(term[i:]))
            ordered = sorted(alts, key=lambda a: (-len(a), a))
            self._pattern = re.compile("|".join(ordered))
        return self._pattern

    def search(self, idx, pos, endpos):
        m = self.pattern.search(idx.text, pos, endpos)
        if m is None:
            return None
        return self._refine(idx.text, m.start(), m.end(), pos, endpos)

    def _refine(self, text: str, a: int, b: int, lo: int, hi: int) -> tuple[int, int]:
        """The best span around a regex hit: fewest edits, then the fewest
        punctuation characters the term does not have, then the regex's own
        span, then the length closest to the term's."""
        from rapidfuzz.distance import Levenshtein

        t = self.term
        best = None
        for s, e in ((a, b), (a - 1, b), (a, b + 1), (a - 1, b + 1), (a + 1, b), (a, b - 1)):
            if s < lo or e > hi or e - s < max(1, len(t) - 1):
                continue
            piece = text[s:e]
            if "\n" in piece:
                continue
            foreign = sum(1 for c in piece if not c.isalnum() and c not in t)
            key = (Levenshtein.distance(t, piece), foreign, (s, e) != (a, b), abs(len(piece) - len(t)))
            if best is None or key < best[0]:
                best = (key, (s, e))
        return best[1] if best else (a, b)

    def __repr__(self) -> str:
        return f"Fuzzy({self.term!r})"


class Split(Matcher):
    """The words of a term (jieba, on the folded text), apart but close."""

    kind = "split"
    quality = Q_SPLIT

    def __init__(self, words: list[str], limit: int, raw_words: list[str] | None = None, coverage: float = 1.0) -> None:
        self.words = words
        # How much of the term the required words cover (stop words left out).
        self.coverage = coverage
        self.quality = self.quality_for(0.0)
        raws = raw_words if raw_words is not None else words
        self.literals = [Literal(w, r) for w, r in zip(words, raws)]
        self.limit = limit  # the words must stand within this many characters
        # What a cluster depends on: the key of the views' cache (never the
        # matcher's id: a later query's matcher can get a freed one's id).
        self._key = ("split", tuple(lit.needle for lit in self.literals), limit)

    def search(self, idx, pos, endpos):
        # The engine found the candidates; ``accept`` checks the cluster.
        return self.literals[0].search(idx, pos, endpos)

    def cluster(self, idx, pos, endpos) -> list[tuple[int, int]] | None:
        """Spans of the tightest window holding every word, if close enough.

        A word that is part of a longer word of the query (湾 in 心灵港湾湾)
        may not reuse the longer word's characters: the query has both.
        """
        key = (self._key, pos, endpos)
        cache = idx.clusters
        if key not in cache:
            cache[key] = self._cluster(idx, pos, endpos)
        return cache[key]

    def _cluster(self, idx, pos, endpos) -> list[tuple[int, int]] | None:
        found = [lit.spans(idx, pos, endpos)[:200] for lit in self.literals]
        occ = []
        for k, lit in enumerate(self.literals):
            spans = found[k]
            longer = [
                sp for j, other in enumerate(self.literals)
                if j != k and len(other.needle) > len(lit.needle) and lit.needle in other.needle
                for sp in found[j]
            ]
            if longer:
                spans = [(a, b) for a, b in spans if not any(x <= a and b <= y for x, y in longer)]
            if not spans:
                return None
            occ.extend((a, b, k) for a, b in spans)
        win = min_window(occ, len(self.literals))
        if win is None:
            return None
        lo, hi, chosen = win
        if hi - lo > self.limit:
            return None
        return sorted(chosen)

    def quality_for(self, compactness: float) -> float:
        """0.45..0.7: more of the term covered, words closer together: better."""
        return split_quality(self.coverage, compactness)

    def accept(self, idx, pos, endpos):
        return self.cluster(idx, pos, endpos) is not None

    def spans(self, idx, pos, endpos):
        return self.cluster(idx, pos, endpos) or []

    def __repr__(self) -> str:
        return f"Split({self.words!r})"
