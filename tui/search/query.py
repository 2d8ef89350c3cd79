"""Query parsing: lenient, never raises.

Syntax:
* terms separated by whitespace, all required, in any order;
* ``"exact phrase"`` (ASCII, full-width or curly double quotes): matched only
  literally (after folding), never split, spelled in pinyin or fuzzy-matched;
  an unbalanced quote runs to the end of the query;
* ``-term`` / ``-"a phrase"``: passages containing it are excluded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.search.normalize import normalize_text

MAX_QUERY_CHARS = 500
MAX_TERMS = 16
MAX_TERM_CHARS = 64

_OPEN_QUOTES = '"\uff02\u201c\u201d\u300c\u300e'
_CLOSE = {'"': '"', "\uff02": "\uff02", "\u201c": "\u201d", "\u201d": "\u201d", "\u300c": "\u300d", "\u300e": "\u300f"}

_LATIN_RE = re.compile(r"[a-z]+")


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3134F
    )


@dataclass(frozen=True)
class Term:
    """One term of a query: as typed, normalised, and how it must match."""

    raw: str  # as typed (without quotes or the leading minus)
    text: str  # normalised (folded, whitespace handled) form used for matching
    phrase: bool = False  # quoted: literal only
    exclude: bool = False

    @property
    def plain(self) -> bool:
        """The user typed the term in its normalised form (so a literal hit can be exact)."""
        return self.raw == self.text

    @property
    def latin(self) -> bool:
        """Only ASCII letters: a candidate for pinyin."""
        return _LATIN_RE.fullmatch(self.text) is not None

    @property
    def has_cjk(self) -> bool:
        return any(is_cjk(c) for c in self.text)


@dataclass(frozen=True)
class Query:
    """A parsed query: its terms, in the order typed."""

    raw: str
    terms: tuple[Term, ...]

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.exclude)

    @property
    def negative(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.exclude)


def parse_query(raw: str) -> Query:
    """Split a query into terms.  Lenient: any string gives a Query."""
    if not isinstance(raw, str):
        raw = str(raw)
    s = raw[:MAX_QUERY_CHARS]
    terms: list[Term] = []
    i = 0
    n = len(s)
    while i < n and len(terms) < MAX_TERMS:
        ch = s[i]
        if ch.isspace():
            i += 1
            continue
        exclude = False
        if ch == "-" and i + 1 < n and not s[i + 1].isspace():
            exclude = True
            i += 1
            ch = s[i]
        if ch in _OPEN_QUOTES:
            close = _CLOSE[ch]
            j = s.find(close, i + 1)
            if close == '"' and j < 0:
                j = s.find("\uff02", i + 1)
            if j < 0:
                j = n
            body = s[i + 1 : j]
            i = j + 1
            phrase = True
        else:
            j = i
            while j < n and not s[j].isspace():
                j += 1
            body = s[i:j]
            i = j
            phrase = False
        body = body.strip()
        if not body:
            continue
        body = body[:MAX_TERM_CHARS]
        text = normalize_text(body)
        if not text:
            continue
        terms.append(Term(raw=body, text=text, phrase=phrase, exclude=exclude))
    return Query(raw=raw, terms=tuple(terms))
