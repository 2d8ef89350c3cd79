"""Folding for matching: width (NFKC), case, and Traditional -> Simplified.

Folding is for matching only, never for display.  Every fold keeps an offset
map back to the original text, so a span found in folded text maps to the
exact original characters.

The fold works character by character:

* each character is NFKC-normalised on its own (full-width letters, digits and
  punctuation become half-width; compatibility ideographs and Kangxi radicals
  become unified ideographs; ``㈣`` becomes ``(四)``),
* case-folded,
* mapped from Traditional to Simplified with a one-to-one *character* table
  (OpenCC's TSCharacters, first candidate).  Phrase-level conversion is never
  used: it rewrites Simplified text (一批覆盖 -> 一批复盖) and breaks offsets,
* invisible format characters (zero-width space, joiners, soft hyphen, BOM,
  bidi marks) are dropped so that they cannot split a word.

Most characters fold to exactly one character; those are handled by one
``str.translate`` call in C.  Only the few that expand (``…`` -> ``...``) or
vanish need an explicit offset map.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
import importlib.util
import os

# Code points considered when building the table.  Planes 0-2 hold every
# character that NFKC, case folding or the T2S table change, except a few
# tag characters in plane 14, which are format characters handled by category.
_TABLE_LIMIT = 0x30000


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, int]:
    """Traditional -> Simplified, character to character (OpenCC data)."""
    table: dict[int, int] = {}
    # Found without importing the opencc package (its import costs ~60 ms and
    # nothing of it but this data file is used).
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the opencc-python-reimplemented package is missing")
    base = list(spec.submodule_search_locations)[0]
    with open(os.path.join(base, "dictionary", "TSCharacters.txt"), encoding="utf-8") as f:
        data = f.read()
    for line in data.splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        src, targets = parts
        first = targets.split(" ")[0]
        if len(src) == 1 and len(first) == 1 and src != first:
            table[ord(src)] = ord(first)
    return table


def _fold_one(ch: str, t2s: dict[int, int]) -> str:
    if unicodedata.category(ch) == "Cf":
        return ""
    out = unicodedata.normalize("NFKC", ch).casefold()
    if any(ord(c) in t2s for c in out):
        out = "".join(chr(t2s.get(ord(c), ord(c))) for c in out)
    return out


@dataclass(frozen=True)
class _Tables:
    """The folding tables, built once (``_tables``) and kept between runs."""

    simple: dict[int, int]  # one character -> one other character
    irregular: dict[str, str]  # character -> "" or several characters
    irregular_set: frozenset[str]
    irregular_bmp_re: re.Pattern[str]  # BMP irregular characters (fast to scan)
    simple_bmp_re: re.Pattern[str]  # BMP characters that fold to another one


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    kept = _kept_tables()
    if kept is not None:
        simple, irregular = kept
    else:
        simple, irregular = _build_tables()
        _keep_tables(simple, irregular)
    # re scans a character class quickly only while it stays in the BMP
    # (astral members push it onto a slow path: seconds for a few MB), so
    # the classes below hold BMP characters and astral text is checked apart.
    irr_bmp = "".join(re.escape(c) for c in sorted(irregular) if ord(c) < 0x10000)
    simple_bmp = "".join(re.escape(chr(c)) for c in sorted(simple) if c < 0x10000)
    return _Tables(
        simple, irregular, frozenset(irregular), re.compile(f"[{irr_bmp}]"), re.compile(f"[{simple_bmp}]")
    )


def _tables_file() -> str | None:
    """Where the built tables are kept: named by everything they come from
    (this module's source, the Unicode database, OpenCC's table)."""
    import hashlib
    import sys

    from tui.persist import private_cache_dir

    if os.environ.get("YUELAN_NO_CACHE"):
        return None
    base = private_cache_dir("tables")
    spec = importlib.util.find_spec("opencc")
    if base is None or spec is None or not spec.submodule_search_locations:
        return None
    try:
        ts = os.stat(os.path.join(list(spec.submodule_search_locations)[0], "dictionary", "TSCharacters.txt"))
        with open(__file__, "rb") as f:
            source = f.read()
    except OSError:
        return None
    key = f"{unicodedata.unidata_version}|{sys.version_info[:2]}|{ts.st_size}|{ts.st_mtime_ns}|{_TABLE_LIMIT}|"
    digest = hashlib.sha256(key.encode() + source).hexdigest()[:20]
    return os.path.join(base, f"fold-{digest}.json")


def _kept_tables() -> tuple[dict[int, int], dict[str, str]] | None:
    """The tables as a previous run built them (building takes 0.2-0.6 s,
    paid by every fresh ``yuelan search``), or None."""
    import json

    from tui.persist import read_bytes

    path = _tables_file()
    if path is None:
        return None
    try:
        data = json.loads(bytes(read_bytes(path, cap=16 << 20)).decode("utf-8", "surrogatepass"))
        simple = {int(k): int(v) for k, v in data["simple"]}
        irregular = {str(k): str(v) for k, v in data["irregular"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not simple or not irregular:
        return None
    return simple, irregular


def _keep_tables(simple: dict[int, int], irregular: dict[str, str]) -> None:
    import json

    from tui.persist import write_atomic

    path = _tables_file()
    if path is None:
        return
    blob = json.dumps({"simple": sorted(simple.items()), "irregular": sorted(irregular.items())}, ensure_ascii=False)
    try:
        write_atomic(path, blob.encode("utf-8", "surrogatepass"), durable=False)
    except OSError:
        pass  # built again next time


def _build_tables() -> tuple[dict[int, int], dict[str, str]]:
    t2s = t2s_table()
    simple: dict[int, int] = {}
    irregular: dict[str, str] = {}
    for cp in range(_TABLE_LIMIT):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if cp < 0x80:
            if "A" <= ch <= "Z":
                simple[cp] = cp + 32
            continue
        if unicodedata.is_normalized("NFKC", ch) and cp not in t2s:
            if ch.casefold() == ch and unicodedata.category(ch) != "Cf":
                continue
        out = _fold_one(ch, t2s)
        if len(out) == 1:
            if out != ch:
                simple[cp] = ord(out)
        else:
            irregular[ch] = out
    # Format characters beyond the table range (tags, plane 14).
    for cp in range(0xE0000, 0xE0080):
        irregular[chr(cp)] = ""
    return simple, irregular


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _translate(text: str, tables: _Tables) -> str:
    """``text.translate(tables.simple)``, faster when few characters change.

    str.translate looks every character up in a dict (~140 ns each); a BMP
    character-class scan is ~15 ns, and a substitution callback costs more
    only where something changes.  Modern Simplified text changes rarely
    (full-width punctuation, capitals), Traditional text often.  Also for
    a passage of 130 characters: 10 us against 33 us (search verification
    folds each candidate passage)."""
    if _ASTRAL.search(text) is not None:
        return text.translate(tables.simple)
    hits = len(tables.simple_bmp_re.findall(text))
    if hits == 0:
        return text
    if hits * 8 > len(text):
        return text.translate(tables.simple)
    simple = tables.simple
    return tables.simple_bmp_re.sub(lambda m: chr(simple[ord(m.group())]), text)


@lru_cache(maxsize=256)
def _class_re(chars: frozenset[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _irregular_re(text: str, tables: _Tables) -> re.Pattern[str] | None:
    """A regex for the irregular characters present in ``text`` (None if none).

    A regex over all ~1500 irregular characters is slow (large charsets are
    scanned slowly by ``re``); the set of characters actually present is small.
    """
    if _ASTRAL.search(text) is None:
        # BMP-only text: one fast scan decides, and finds what is present.
        present = set(tables.irregular_bmp_re.findall(text))
    else:
        present = tables.irregular_set.intersection(text)
    if not present:
        return None
    return _class_re(frozenset(present))


@dataclass(frozen=True)
class Folded:
    """Folded text with a map back to the original.

    The map is kept as segments, not one entry per character: almost every
    character folds to exactly one character, so a document is a handful of
    linear runs broken only where a character expanded (``…`` -> ``...``,
    a *flat* segment whose characters all come from one original character)
    or vanished (a zero-width space).  ``f_starts[k]``/``o_starts[k]`` are
    where segment ``k`` starts in the folded and the original text.  With no
    segments the map is the identity.
    """

    text: str
    orig_len: int
    f_starts: array | None = None
    o_starts: array | None = None
    flat: bytes | None = None

    @property
    def identity(self) -> bool:
        return self.f_starts is None

    def _seg_end(self, k: int) -> int:
        return self.f_starts[k + 1] if k + 1 < len(self.f_starts) else len(self.text)

    def to_orig(self, i: int) -> int:
        """Original index of folded index ``i`` (``len(text)`` maps to the end)."""
        if self.f_starts is None:
            return i
        if i >= len(self.text):
            return self.orig_len
        k = bisect_right(self.f_starts, i) - 1
        if k < 0:
            return 0
        if self.flat[k]:
            return self.o_starts[k]
        return self.o_starts[k] + (i - self.f_starts[k])

    def span_to_orig(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span ``[start, end)`` to the original span it came from."""
        if self.f_starts is None:
            return start, end
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if start == end:
            o = self.to_orig(start)
            return o, o
        return self.to_orig(start), self.to_orig(end - 1) + 1

    def from_orig(self, o: int) -> int:
        """First folded index whose source is at or after original index ``o``."""
        if self.f_starts is None:
            return max(0, min(o, self.orig_len))
        if o <= 0:
            return 0
        if o >= self.orig_len:
            return len(self.text)
        k = bisect_right(self.o_starts, o) - 1
        if k < 0:
            return 0
        seg_end = self._seg_end(k)
        if self.flat[k]:
            return self.f_starts[k] if o == self.o_starts[k] else seg_end
        offset = o - self.o_starts[k]
        return self.f_starts[k] + offset if offset < seg_end - self.f_starts[k] else seg_end


def fold(text: str) -> Folded:
    """Fold ``text`` for matching, keeping an offset map to the original."""
    tables = _tables()
    pattern = _irregular_re(text, tables)
    if pattern is None:
        return Folded(_translate(text, tables), len(text))
    pieces: list[str] = []
    f_starts = array("q")
    o_starts = array("q")
    flat = bytearray()
    pos = 0  # original index
    fpos = 0  # folded index

    def segment(f: int, o: int, is_flat: bool) -> None:
        # Extend the previous linear segment when this one simply continues it.
        if (
            not is_flat
            and flat
            and not flat[-1]
            and f - f_starts[-1] == o - o_starts[-1]
        ):
            return
        f_starts.append(f)
        o_starts.append(o)
        flat.append(1 if is_flat else 0)

    for m in pattern.finditer(text):
        i = m.start()
        if i > pos:
            pieces.append(_translate(text[pos:i], tables))
            segment(fpos, pos, False)
            fpos += i - pos
        out = tables.irregular[m.group()]
        if out:
            pieces.append(out)
            segment(fpos, i, True)
            fpos += len(out)
        pos = i + 1
    if pos < len(text):
        pieces.append(_translate(text[pos:], tables))
        segment(fpos, pos, False)
    if not f_starts:  # everything vanished
        f_starts.append(0)
        o_starts.append(0)
        flat.append(0)
    return Folded("".join(pieces), len(text), f_starts, o_starts, bytes(flat))


def fold_text(text: str) -> str:
    """Only the folded string, for queries and comparisons."""
    tables = _tables()
    if _irregular_re(text, tables) is None:
        return _translate(text, tables)
    return fold(text).text


def to_simplified(text: str) -> str:
    """Traditional -> Simplified by character only; lengths are preserved."""
    return text.translate(t2s_table())
