"""Lazily loaded language resources: jieba's tokenizer and pinyin readings.

Both are loaded once per process, on first use (or by ``warm()``), under a
lock, so that building an index and plain literal searches never pay for them.

* jieba: its logger is silenced and its dictionary cache goes to a private
  directory under the user cache dir (mode 0700), never the shared temp dir.
* pinyin: only pypinyin's per-character readings are used, read from its
  data file (importing ``pypinyin.pinyin_dict`` runs the package's
  ``__init__``, which also loads its phrase dictionary: 37 MB more, unused);
  every reading of a polyphonic character is kept (行: xing, hang, heng).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass

_lock = threading.RLock()
# jieba's dictionary loads under its own lock: a search that needs only the
# pinyin tables or the common words must not wait for it (the app warms
# jieba in the background right after start-up).
_jieba_lock = threading.Lock()
# Seconds this thread spent loading resources since ``reset_thread_load``: a
# search subtracts what it paid for one-time loading from its ``elapsed_ms``
# (reported as ``load_ms``), correct also while other threads search.
_local = threading.local()


def _charge(dt: float) -> None:
    _local.seconds = getattr(_local, "seconds", 0.0) + dt


def reset_thread_load() -> None:
    _local.seconds = 0.0


def thread_load() -> float:
    return getattr(_local, "seconds", 0.0)


# What the loaders below built, by key ("jieba", "pinyin", "tokens",
# ("common", minimum frequency)): each is built once, on first use.
_loaded: dict = {}


def _load(lock, key, build):
    """``_loaded[key]``, built by ``build()`` under ``lock`` the first time
    (later calls take no lock); the time it took is charged to this thread."""
    value = _loaded.get(key)
    if value is not None:
        return value
    with lock:
        if key not in _loaded:
            t0 = time.perf_counter()
            _loaded[key] = build()
            _charge(time.perf_counter() - t0)
    return _loaded[key]


# Single-character function words that a split query may leave out.
STOPWORDS = frozenset("的了和与及或在是对于把被从为等之而也")


def _cache_dir() -> str | None:
    """A private, writable directory for what is kept of jieba's
    dictionary, or None (then it is read from jieba's dictionary file)."""
    import os

    from tui.persist import private_cache_dir

    if os.environ.get("YUELAN_NO_CACHE"):
        return None
    return private_cache_dir("jieba")


def tokenizer():
    """jieba's Tokenizer, initialised once (~1 s the first time)."""
    return _load(_jieba_lock, "jieba", _build_tokenizer)


# jieba's prefix dictionary is kept in pieces of this many entries.  jieba's
# own cache is one marshalled dict of 500 000 entries: loading it is one C
# call that holds the GIL for 0.4-1 s, and the app loads it in the
# background right when the index is ready, as the user starts typing
# (the app's event loop stood still for 130-385 ms).  A piece loads in a
# few milliseconds, and other threads run between pieces.
FREQ_PIECE = 4096
FREQ_FORMAT = "yuelan-jieba-freq-1"


def _build_tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    kept = _kept_freq()
    try:
        if kept is None:
            # As jieba builds it from its dictionary file: a Python loop,
            # which other threads interrupt.
            kept = tok.gen_pfdict(tok.get_dict_file())
            _keep_freq(*kept)
    except Exception:  # noqa: BLE001 - jieba's own way, whatever it is
        tok.initialize()
        return tok
    tok.FREQ, tok.total = kept
    tok.initialized = True
    return tok


def _freq_file() -> str | None:
    return _kept_file("freq", FREQ_FORMAT, ".bin")


def _kept_file(name: str, tag: object, suffix: str) -> str | None:
    """Where something made from jieba's dictionary file is kept: named for
    that file (path, size, mtime) and ``tag``, in the private cache
    directory; None when nothing can be kept."""
    import hashlib
    import os

    path = _dictionary_file()
    base = _cache_dir() if path is not None else None
    if base is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = hashlib.sha256(f"{path}|{st.st_size}|{st.st_mtime_ns}|{tag}".encode()).hexdigest()[:20]
    return os.path.join(base, f"{name}-{key}{suffix}")


def _kept_freq() -> tuple[dict, int] | None:
    """jieba's prefix dictionary and total as kept by ``_keep_freq``, loaded
    a piece at a time; None when missing or not as written."""
    import marshal

    from tui.persist import read_bytes

    path = _freq_file()
    if path is None:
        return None
    try:
        head, total, pieces = marshal.loads(read_bytes(path, cap=64 << 20))
        if head != FREQ_FORMAT or not isinstance(total, int) or not isinstance(pieces, list):
            return None
        freq: dict = {}
        for piece in pieces:
            part = marshal.loads(piece)
            if not isinstance(part, dict):
                return None
            freq.update(part)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return (freq, total) if freq else None


def _keep_freq(freq: dict, total: int) -> None:
    import marshal
    import os

    from tui.persist import write_atomic

    path = _freq_file()
    if path is None:
        return
    items = list(freq.items())
    pieces = [marshal.dumps(dict(items[i : i + FREQ_PIECE])) for i in range(0, len(items), FREQ_PIECE)]
    try:
        write_atomic(path, marshal.dumps((FREQ_FORMAT, total, pieces)), durable=False)
    except OSError:
        return  # built from the dictionary again next time
    try:  # jieba's own cache, kept here before: nothing reads it now
        os.remove(os.path.join(os.path.dirname(path), "jieba.cache"))
    except OSError:
        pass


def common_words(min_freq: int) -> frozenset[str]:
    """The words of jieba's dictionary (two characters or more) with at least
    ``min_freq`` as their frequency: what ranking asks of it for a pinyin
    match (港澳 before 敢告).  The same answer as jieba's ``FREQ``, without
    loading jieba (0.7-1.8 s; a search typed right after start-up waited for
    it): read once from its dictionary file, then kept (0.4 MB, 30 ms)."""
    return _load(_lock, ("common", min_freq), lambda: _build_common_words(min_freq))


def _build_common_words(min_freq: int) -> frozenset[str]:
    words = _kept_words(min_freq)
    if words is None:
        words = _dictionary_words(min_freq)
        if words is None:  # no dictionary file where jieba keeps it
            freq = tokenizer().FREQ
            words = frozenset(w for w, n in freq.items() if n >= min_freq and len(w) >= 2)
        else:
            _keep_words(min_freq, words)
    return words


def _dictionary_file() -> str | None:
    import importlib.util
    import os

    spec = importlib.util.find_spec("jieba")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, "dict.txt")
        if os.path.isfile(path):
            return path
    return None


def _dictionary_words(min_freq: int) -> frozenset[str] | None:
    """As jieba reads its dictionary: ``word freq [tag]`` a line, a later
    line for the same word replacing an earlier one."""
    path = _dictionary_file()
    if path is None:
        return None
    freq: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.strip().split(" ")
                if len(parts) >= 2 and parts[1].isdigit():
                    freq[parts[0]] = int(parts[1])
    except (OSError, UnicodeDecodeError):
        return None
    return frozenset(w for w, n in freq.items() if n >= min_freq and len(w) >= 2)


def _words_file(min_freq: int) -> str | None:
    return _kept_file("words", min_freq, ".txt")


def _kept_words(min_freq: int) -> frozenset[str] | None:
    from tui.persist import read_bytes

    path = _words_file(min_freq)
    if path is None:
        return None
    try:
        words = frozenset(bytes(read_bytes(path, cap=16 << 20)).decode("utf-8").split("\n"))
    except (OSError, ValueError):
        return None
    return words if len(words) > 1 else None


def _keep_words(min_freq: int, words: frozenset[str]) -> None:
    from tui.persist import write_atomic

    path = _words_file(min_freq)
    if path is None:
        return
    try:
        write_atomic(path, "\n".join(sorted(words)).encode("utf-8"), durable=False)
    except OSError:
        pass  # read from the dictionary again next time


def cut(text: str) -> list[str]:
    """Words of ``text`` (already folded to Simplified), punctuation dropped."""
    words = tokenizer().lcut(text, HMM=True)
    return [w for w in words if any(c.isalnum() for c in w)]


def _tone_table(values) -> dict[int, str]:
    """Map each accented letter found in the readings to its bare letter.

    ``ü`` becomes ``v`` (what pinyin keyboards type); ``u`` is added as an
    alternative spelling by ``_readings``.
    """
    chars = set()
    for v in values:
        chars.update(v)
    table: dict[int, str] = {}
    for ch in chars:
        if ch.isascii():
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if ch in "üǖǘǚǜ" or unicodedata.normalize("NFKD", ch).startswith("u\u0308"):
            base = "v"
        table[ord(ch)] = base.lower()
    return table


def _readings(value: str, table: dict[int, str]) -> tuple[str, ...]:
    out: list[str] = []
    for r in value.translate(table).lower().split(","):
        r = r.strip()
        if not r or not r.isascii() or not r.isalpha():
            continue
        for t in (r, r.replace("v", "u")) if "v" in r else (r,):
            if t not in out:
                out.append(t)
    return tuple(out)


@dataclass(frozen=True)
class PinyinTables:
    """Each character's pinyin readings and the syllables typed pinyin is split into."""

    readings: dict[str, tuple[str, ...]]  # character -> toneless readings
    syllables: frozenset[str]  # toneless readings with a vowel (for splitting typed pinyin)
    prefixes: frozenset[str]  # every non-empty prefix of a syllable
    shadow_table: dict[int, int]  # character -> code of its reading set
    code_sets: tuple[frozenset[str], ...]  # code index -> reading set
    max_syllable: int
    by_prefix: dict[str, tuple[int, ...]]  # a prefix of some reading -> the codes with such a reading
    by_reading: dict[str, tuple[int, ...]]  # a whole reading -> the codes with it

    def shadow(self, text: str) -> str:
        """``text`` with each character replaced by the code of its readings.

        Same length as ``text``; characters without readings are kept (private
        use characters in the text become NUL so they cannot pose as codes).
        Only candidate passages are shadowed, so ``str.translate`` is enough.
        """
        return text.translate(self.shadow_table)

    def class_for(self, piece: str, prefix: bool) -> str:
        """A regex character class of the codes whose readings match ``piece``."""
        key = (piece, prefix)
        cached = _class_cache.get(key)
        if cached is not None:
            return cached
        t0 = time.perf_counter()
        codes = (self.by_prefix if prefix else self.by_reading).get(piece, ())
        if not codes:
            out = "(?!)"
        else:
            out = "[" + "".join(_ranges(codes)) + "]"
        _class_cache[key] = out
        _charge(time.perf_counter() - t0)  # one-time preparation, like loading
        return out


CODE_BASE = 0xE000
_class_cache: dict[tuple[str, bool], str] = {}
def _ranges(codes: list[int]) -> list[str]:
    out = []
    start = prev = codes[0]
    for c in codes[1:]:
        if c == prev + 1:
            prev = c
            continue
        out.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
        start = prev = c
    out.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
    return out


def _pinyin_dict() -> dict[int, str]:
    """pypinyin's readings per code point (``pinyin_dict.json``, the file its
    ``pinyin_dict`` module loads), without importing the package."""
    import importlib.util
    import json
    import os

    spec = importlib.util.find_spec("pypinyin")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, "pinyin_dict.json")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                return {int(k): v for k, v in json.load(f).items()}
    from pypinyin.pinyin_dict import pinyin_dict  # another layout: the module itself

    return pinyin_dict


def pinyin() -> PinyinTables:
    """Per-character pinyin tables, built once (~0.3 s the first time)."""
    return _load(_lock, "pinyin", _build_pinyin)


def _build_pinyin() -> PinyinTables:
    from tui.text import t2s_table

    pinyin_dict = _pinyin_dict()

    tone = _tone_table(pinyin_dict.values())
    readings: dict[str, tuple[str, ...]] = {}
    for cp, value in pinyin_dict.items():
        rs = _readings(value, tone)
        if rs:
            readings[chr(cp)] = rs
    # The index holds folded (Simplified) text; a Traditional character
    # folds to a Simplified one with its readings, so nothing is lost.
    # Make sure every fold target has readings if its source had.
    for src, dst in t2s_table().items():
        if chr(src) in readings and chr(dst) not in readings:
            readings[chr(dst)] = readings[chr(src)]
    # Reading sets in the order of their readings, so that the sets a
    # piece matches mostly stand together: the class of ``x`` is a
    # few ranges instead of hundreds, and a query's regex compiles
    # in a fraction of the time (kczl: 7.6 ms).
    code_sets = tuple(sorted({frozenset(rs) for rs in readings.values()}, key=sorted))
    if len(code_sets) > 0xF900 - 0xE000:
        raise RuntimeError("too many pinyin reading sets for the private use area")
    sets = {rs: i for i, rs in enumerate(code_sets)}
    table: dict[int, int] = {cp: 0 for cp in range(0xE000, 0xF900)}
    for ch, rs in readings.items():
        table[ord(ch)] = CODE_BASE + sets[frozenset(rs)]
    # Which codes a typed piece matches, for every piece at once (one
    # pass here, instead of a pass over every set per new piece: 13 ms).
    by_prefix: dict[str, list[int]] = {}
    by_reading: dict[str, list[int]] = {}
    for i, rs in enumerate(code_sets):
        for r in rs:
            by_reading.setdefault(r, []).append(CODE_BASE + i)
        for pre in {r[:k] for r in rs for k in range(1, len(r) + 1)}:
            by_prefix.setdefault(pre, []).append(CODE_BASE + i)
    # Syllables for splitting typed pinyin: those with a vowel (the
    # interjections n, ng, m, hm would split "xinling" as "xi n ling").
    syllables = frozenset(
        r for rs in readings.values() for r in rs if any(v in r for v in "aeiouv")
    )
    prefixes = frozenset(s[:i] for s in syllables for i in range(1, len(s) + 1))
    return PinyinTables(
        readings=readings,
        syllables=syllables,
        prefixes=prefixes,
        shadow_table=table,
        code_sets=code_sets,
        max_syllable=max(len(s) for s in syllables),
        by_prefix={k: tuple(v) for k, v in by_prefix.items()},
        by_reading={k: tuple(v) for k, v in by_reading.items()},
    )


INITIALS = frozenset("bcdfghjklmnpqrstwxyzaeo")


def segmentations(word: str, tables: PinyinTables, limit: int = 4) -> list[tuple[tuple[str, ...], tuple[bool, ...]]]:
    """Ways to read typed pinyin as a run of characters, best first.

    Each piece is a full syllable, or (flag True) a prefix of one: a single
    initial letter (``xlgw``, ``xinlg``) or the syllable being typed at the
    end (``xinlingg``).  Found by backtracking; those with the fewest prefix
    pieces, then the fewest pieces, come first (``xian`` -> ``xian``, then
    ``xi an``).  Only the segmentations with the fewest prefix pieces are kept.
    """
    n = len(word)
    if n == 0 or n > 64:
        return []
    found: list[tuple[tuple[str, ...], tuple[bool, ...]]] = []
    dead: set[tuple[int, int]] = set()
    budget = [4000]

    def rec(i: int, pieces: list[str], flags: list[bool], nprefix: int) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if i == n:
            found.append((tuple(pieces), tuple(flags)))
            return True
        if (i, nprefix) in dead:
            return False
        ok = False
        for j in range(min(n, i + tables.max_syllable), i, -1):
            piece = word[i:j]
            # A single letter is always a prefix (o: o, ou; a: a, ai, an...).
            full = piece in tables.syllables and len(piece) > 1
            partial_end = j == n and not full and piece in tables.prefixes
            initial = j == i + 1 and not full and piece in INITIALS
            if not (full or partial_end or initial):
                continue
            if partial_end and pieces and pieces[-1] + piece in tables.syllables and not flags[-1]:
                continue  # "xia n": the last syllable was typed whole ("xian")
            pieces.append(piece)
            flags.append(not full)
            # a, e, o are syllables too: they do not count as typed prefixes.
            ok |= rec(j, pieces, flags, nprefix + (not full and piece not in tables.syllables))
            pieces.pop()
            flags.pop()
        if not ok:
            dead.add((i, nprefix))
        return ok

    rec(0, [], [], 0)
    if not found:
        return []
    found = list(dict.fromkeys(found))

    def typed_prefixes(pf) -> int:
        return sum(1 for p, f in zip(*pf) if f and p not in tables.syllables)

    found.sort(key=lambda pf: (typed_prefixes(pf), len(pf[0])))
    fewest = typed_prefixes(found[0])
    out = [pf for pf in found if typed_prefixes(pf) == fewest][:limit]
    # Initials only (jko = 经开区) is always a reading when every letter can be one.
    # Unless the word reads as whole syllables, letters typed one per
    # character are a reading too, and win over a last piece read as a
    # syllable being typed (swhsh: five characters, not s w h + sh...).
    if fewest > 0 and n <= 16 and all(c in INITIALS for c in word):
        initials = (tuple(word), (True,) * n)
        out = [
            (pieces, flags)
            for pieces, flags in out
            if not (len(pieces) >= 2 and flags[-1] and len(pieces[-1]) > 1 and all(len(p) == 1 for p in pieces[:-1]))
        ]
        if initials not in out:
            out.append(initials)
    return out


# ------------------------------------------------------------ index tokens
# The tantivy field ``py`` (engine.py) spells each passage's pinyin as one
# token per character: its readings, then every combination of its
# initials and the next character's in capitals, joined by ``_`` and cut
# apart again by tantivy's compound splitter, so that all of them stand at
# the character's position (行走 -> xing, hang, heng, XZ, HZ; then zou).
# A character without a reading is ``~``.
NO_READING = "~"


LUT_SIZE = 0x32000  # the BMP and the CJK extension planes (B-H); beyond: no reading


@dataclass(frozen=True)
class TokenTables:
    """Lookup tables that turn code points into the pinyin fields' tokens."""

    full_lut: object  # numpy uint16: code point -> index into full_tokens (0: no reading)
    full_tokens: object  # numpy object array: "reading_reading" ("~" at 0)
    initials_lut: object  # numpy uint16: code point -> index into initials (0: no reading)
    initials: tuple[str, ...]  # each character's set of initials ("" at 0)
    words: tuple[str, ...]  # the compound splitter's dictionary: syllables, pairs of initials, ``_``
    pair_table: object  # numpy object array: pair id (a * len(initials) + b) -> token, None until used

    def pair_token(self, a: int, b: int) -> str:
        """Every combination of the initials of two characters, to follow
        the first one's readings: ``_XL_XH `` (`` `` when either has none)."""
        sa, sb = self.initials[a], self.initials[b]
        if not sa or not sb:
            return " "
        return "".join("_" + pair(x, y) for x in sa for y in sb) + " "


def pair(a: str, b: str) -> str:
    """The token of two adjacent initials: capitals, so that no pair is
    also a syllable (``AN``, ``an``)."""
    return (a + b).upper()


def _pair_table(k: int):
    import numpy as np

    table = np.full(k * k + 1, None, dtype=object)
    table[k * k] = " "  # a passage's last character starts no pair
    return table


def token_tables() -> TokenTables:
    """Translation tables that turn folded text into the pinyin fields' text
    at C speed (one ``str.translate`` per passage, a dict lookup per pair)."""
    pinyin()  # built first, under its own load
    return _load(_lock, "tokens", _build_token_tables)


def _build_token_tables() -> TokenTables:
    import numpy as np

    tables = pinyin()
    full_lut = np.zeros(LUT_SIZE, dtype=np.uint16)
    init_lut = np.zeros(LUT_SIZE, dtype=np.uint16)
    full_index: dict[str, int] = {}
    full_tokens = [NO_READING]
    init_index: dict[str, int] = {"": 0}
    for ch, rs in tables.readings.items():
        cp = ord(ch)
        rs = tuple(r for r in rs if r.isascii() and r.isalpha())
        if not rs or cp >= LUT_SIZE:
            continue
        tok = "_".join(rs)
        k = full_index.get(tok)
        if k is None:
            k = full_index[tok] = len(full_tokens)
            full_tokens.append(tok)
        full_lut[cp] = k
        init = "".join(sorted({r[0] for r in rs}))
        j = init_index.setdefault(init, len(init_index))
        init_lut[cp] = j
    letters = "abcdefghijklmnopqrstuvwxyz"
    return TokenTables(
        full_lut=full_lut,
        full_tokens=np.array(full_tokens, dtype=object),
        initials_lut=init_lut,
        initials=tuple(sorted(init_index, key=init_index.__getitem__)),
        words=tuple(sorted(tables.syllables | {r for rs in tables.readings.values() for r in rs}))
        + tuple(pair(a, b) for a in letters for b in letters)
        + ("_",),
        pair_table=_pair_table(len(init_index)),
    )
