"""The tantivy engine: schema, fields, writer, reader and per-file updates.

One tantivy document per passage (``passages.py`` says what a passage is).
Its fields:

* ``text``: the folded, normalised passage written as overlapping bigrams,
  each followed by its first character alone: ``ab a bc b c\\x03 c`` (a
  space in the text is ``␣``; the end marker gives the last character a
  bigram too), whitespace tokenizer, with positions: character ``i``'s
  bigram stands at position ``2i``, the character itself at ``2i + 1``.
  A phrase query over a term's bigrams is exact substring matching; a
  one-character term is one term; a typo variant pins a character that no
  known neighbour pins with its bigram by the character alone, in the same
  phrase.  (tantivy's own ngram tokenizer puts every token at position 0,
  so phrases never match on it.  Pinning by a regex ``x.`` instead, over
  every bigram the character starts, cost 26 ms at 100 MB for a common
  character; the characters alone make the index about a fifth larger.)
* ``py``: the pinyin.  At character ``i``'s position its readings and
  every combination of its initials and the next character's, in capitals
  (``xing_hang_heng_XL_XH``), cut apart at that position by the compound
  splitter.  A phrase of syllables is full pinyin; ``xlgw`` is the phrase
  ``XL LG GW``; a letter typed after a syllable is the pair at the
  syllable's position (``xinl``: ``xin`` and ``XL`` at 0), so that no form
  of typed pinyin but a syllable being typed (``xinli``: ``xin XL``, then
  ``li*``) expands a prefix, and that one only where the phrase before it
  holds.  (With the readings and the pairs in two fields, ``xinl`` was a
  prefix query over every syllable starting with l after every ``xin``:
  130-200 ms at 100 MB.)
* ``path`` (raw: delete by file, restrict to a file), ``kw`` (fast: the
  factor of the passage's kind, ``rank.ENGINE_KIND_FACTOR``, by which
  tantivy's score is multiplied as the top hits are collected: headings up,
  boilerplate down), ``pkey`` (fast: which document and passage, read in
  one batch for a page of hits: ``slot << 24 | ordinal``), and
  ``ploc`` (fast: where the passage lies, ``start << 16 | length``) and
  ``psec`` (fast: ``(section + 1) << 2 | kind``), so that verifying a hit
  needs no passage list of its document.

Persistence: one directory per corpus under the user cache dir, with a
``manifest.json`` (index version, and per file the fingerprint of the parsed
document its passages came from).  Only new, changed and removed files are
written again.  A second process finds the writer lock taken and opens the
index read-only.  tantivy's Rust panics reach Python as ``PanicException``, a
``BaseException``: every call into tantivy goes through ``guard``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
import time
from typing import TYPE_CHECKING

import tantivy
from tantivy import Occur, Query

from tui.corpus.cache import KIND_CODE  # noqa: F401 - one code per paragraph kind, shared with the document cache
from tui.search import lang, rank

if TYPE_CHECKING:
    from tui.corpus.model import Document

# 3: passage location fast fields; 4: fingerprints by the text's CRC; 5: kind
# factor field; 6: characters alone; (7: a reverted experiment); 8: the
# readings and the pairs of initials in one field (9: at one position)
INDEX_VERSION = 9
SPACE = "\u2423"  # stands for a kept space in the bigram field
END = "\x03"
ORD_BITS = 24
MAX_ORD = (1 << ORD_BITS) - 1
LEN_BITS = 16  # a passage is at most passages.CHUNK characters long
MAX_LEN = (1 << LEN_BITS) - 1
WRITER_HEAP = 96_000_000
# ``kw`` per kind code: tantivy multiplies a score by log2(2 + kw).
KIND_WEIGHT = {code: 2.0 ** rank.ENGINE_KIND_FACTOR[name] - 2.0 for name, code in KIND_CODE.items()}


class EngineError(Exception):
    """tantivy failed (a panic or an error): the message says what."""


def guard(fn, *args, **kwargs):
    """Call into tantivy; a Rust panic or error becomes ``EngineError``."""
    try:
        return fn(*args, **kwargs)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - PanicException is a BaseException
        raise EngineError(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None


# --------------------------------------------------------------- fields
NL = 10


def field_texts(texts: list[str]) -> list[tuple[str, str]]:
    """(``text``, ``py``) field texts of a document's passages.

    Made for the whole document at once with numpy over its code points
    (passages joined by ``\\n``, which no searchable text holds), then cut
    apart again: a few C-speed passes instead of a Python step per character.
    """
    import numpy as np

    if not texts:
        return []
    tt = lang.token_tables()
    joined = "\n".join(texts)
    u = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4").copy()
    # A lone surrogate (an undecodable byte kept by the decoder) cannot cross
    # into Rust: it stands as U+FFFD, one character for one.
    u[(u >= 0xD800) & (u <= 0xDFFF)] = 0xFFFD
    n = len(u)
    nl = u == NL
    # Bigrams: each character, the next one (END at a passage's end), a
    # space; then the character alone and a space.
    shown = u.copy()
    shown[u == 32] = ord(SPACE)
    nxt = np.empty_like(shown)
    nxt[:-1] = shown[1:]
    nxt[-1] = NL
    nxt[nxt == NL] = ord(END)
    grid = np.empty((n, 5), dtype="<u4")
    grid[:, 0] = shown
    grid[:, 1] = nxt
    grid[:, 2] = 32
    grid[:, 3] = shown
    grid[:, 4] = 32
    grid[nl, 1:] = 32
    bigrams = grid.tobytes().decode("utf-32-le", "surrogatepass").split("\n")
    # Pinyin: each character's readings, then the pairs of its initials and
    # the next character's, one token.
    cp = np.minimum(u, lang.LUT_SIZE - 1)
    tokens = tt.full_tokens[tt.full_lut[cp].astype(np.intp)]
    tokens[nl] = "\n"
    iidx = tt.initials_lut[cp].astype(np.intp)
    k = len(tt.initials)
    table = tt.pair_table  # pair id -> "_XL_XH ", filled on first use; k*k: " "
    pair = np.full(n, k * k, dtype=np.intp)
    if n > 1:
        pair[:-1] = iidx[:-1] * k + iidx[1:]
        pair[:-1][nl[1:]] = k * k  # the last character of a passage starts no pair
    pair[nl] = k * k
    names = table[pair]
    missing = np.flatnonzero(np.equal(names, None))
    if missing.size:
        for v in np.unique(pair[missing]).tolist():
            table[v] = tt.pair_token(v // k, v % k)
        names = table[pair]
    both = np.empty(2 * n, dtype=object)
    both[0::2] = tokens
    both[1::2] = names
    py = "".join(both.tolist()).split("\n")
    return list(zip(bigrams, py))


_SURROGATES = re.compile("[\ud800-\udfff]")


def _as_field(text: str) -> str:
    """Normalised text as the ``text`` field holds it (spaces as ``SPACE``,
    lone surrogates as U+FFFD)."""
    return _SURROGATES.sub("\ufffd", text.replace(" ", SPACE))


def path_term(path: str) -> str:
    """The ``path`` field's term: the path itself, or for a file name that is
    not valid UTF-8 (its bytes kept as surrogates) a hex spelling of them."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return "\x00" + path.encode("utf-8", "surrogateescape").hex()


def slot_of(path: str) -> int:
    """A document's 40-bit slot in ``pkey``."""
    return int.from_bytes(hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=5).digest(), "big")


# --------------------------------------------------------------- schema
def _schema():
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("text", tokenizer_name="yl_big", index_option="position")
    sb.add_text_field("py", tokenizer_name="yl_py", index_option="position")
    sb.add_text_field("path", tokenizer_name="raw", index_option="basic")
    sb.add_float_field("kw", fast=True)
    sb.add_unsigned_field("pkey", fast=True)
    sb.add_unsigned_field("ploc", fast=True)
    sb.add_unsigned_field("psec", fast=True)
    return sb.build()


def _register(ix) -> None:
    tt = lang.token_tables()
    ws = tantivy.Tokenizer.whitespace
    ix.register_tokenizer("yl_big", tantivy.TextAnalyzerBuilder(ws()).build())
    # The placeholder of a character without readings and the separator of
    # stacked readings are dropped after splitting; the position they held
    # stays a gap, so no pinyin phrase runs across such a character, and the
    # index keeps no posting list for them (a fifth of all positions).
    drop = tantivy.Filter.custom_stopword([lang.NO_READING, "_"])
    ix.register_tokenizer(
        "yl_py", tantivy.TextAnalyzerBuilder(ws()).filter(tantivy.Filter.split_compound(list(tt.words))).filter(drop).build()
    )


def _escape(s: str) -> str:
    """``s`` literally in tantivy's (Rust) regex syntax."""
    return re.sub(r"([\\.+*?()|\[\]{}^$#&\-~])", r"\\\1", s)


# --------------------------------------------------------------- the engine
class Engine:
    """One tantivy index: in memory (``path=None``) or in a directory."""

    def __init__(self, path: str | None = None, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self.schema = _schema()
        self._lock = threading.Lock()
        self._writer = None
        if path is None:
            self.ix = guard(tantivy.Index, self.schema)
        else:
            self.ix = guard(tantivy.Index, self.schema, path=path, reuse=True)
        # The analyzers (pinyin syllables) are needed to write only: a
        # search builds its queries from terms, so reading loads no pypinyin.
        self._registered = False

    # ------------------------------------------------------------ writing
    def writer(self):
        """The index writer (made once); raises EngineError when another
        process holds the lock."""
        if self._writer is None:
            with self._lock:
                if not self._registered:
                    guard(_register, self.ix)
                    self._registered = True
                if self._writer is None:
                    # In memory (small, tests): one indexing thread, so documents
                    # get the same addresses every time and ties rank the same way.
                    threads = 1 if self.path is None else 0
                    self._writer = guard(self.ix.writer, heap_size=WRITER_HEAP, num_threads=threads)
        return self._writer

    @property
    def writing(self) -> bool:
        return self._writer is not None

    def add(self, path: str, slot: int, passages) -> int:
        """Add one file's passages: (ordinal, kind code, normalised text,
        start, end, section or None) with start/end offsets in the document."""
        w = self.writer()
        rows = list(passages)
        n = 0
        pterm = path_term(path)
        for (ordinal, kind, _, start, end, section), (big, py) in zip(rows, field_texts([r[2] for r in rows])):
            d = tantivy.Document()
            d.add_text("text", big)
            d.add_text("py", py)
            d.add_text("path", pterm)
            d.add_float("kw", KIND_WEIGHT[kind])
            d.add_unsigned("pkey", (slot << ORD_BITS) | ordinal)
            d.add_unsigned("ploc", (start << LEN_BITS) | min(end - start, MAX_LEN))
            d.add_unsigned("psec", ((0 if section is None else section + 1) << 2) | kind)
            guard(w.add_document, d)
            n += 1
        return n

    def delete(self, path: str) -> None:
        guard(self.writer().delete_documents_by_term, "path", path_term(path))

    def commit(self) -> None:
        if self._writer is None:
            return
        guard(self._writer.commit)
        guard(self.ix.reload)

    def reload(self) -> None:
        guard(self.ix.reload)

    def settle(self) -> None:
        """Wait for the background merges of what was committed, then
        release the writer (``wait_merging_threads`` consumes it)."""
        w, self._writer = self._writer, None
        if w is None:
            return
        guard(w.wait_merging_threads)
        guard(self.ix.reload)

    def close_writer(self) -> None:
        """Release the writer (and its lock)."""
        w, self._writer = self._writer, None
        del w

    # ------------------------------------------------------------ queries
    def literal(self, text: str):
        """Passages holding ``text`` (normalised) as a substring."""
        t = _as_field(text)
        if not t:
            return None
        if len(t) == 1:
            return guard(Query.term_query, self.schema, "text", t)
        return self._at([(2 * i, t[i : i + 2]) for i in range(len(t) - 1)])

    def typos(self, term: str):
        """Passages holding ``term`` (normalised, 3+ characters) with one
        character wrong, missing or extra, as ``matchers.Fuzzy`` reads it.
        Each variant is one phrase that pins every known character at its
        position.  The candidates are exactly the variants' occurrences."""
        t = _as_field(term)
        n = len(t)
        if n < 3:
            return None
        searcher = self.searcher()
        qs = [self.literal(t[:i] + t[i + 1 :]) for i in range(n)]  # one missing
        for i in range(1, n):
            qs.append(self._pinned(t[:i] + "\x00" + t[i + 1 :], i, searcher))  # one wrong
            qs.append(self._pinned(t[:i] + "\x00" + t[i:], i, searcher))  # one extra
        # Nothing possible: the term itself, found nowhere (never None, which
        # would drop the term from a query).
        return self.any_of(qs) or self.literal(t)

    def _pinned(self, v: str, w: int, searcher):
        """``v`` with any character at index ``w``, as a phrase: each known
        character by its bigram where the next one is known too, else (the
        first character before the unknown one, the last after it) by
        itself; None when one of them occurs nowhere."""
        tokens: list[tuple[int, str]] = []
        last = len(v) - 1
        for j, c in enumerate(v):
            if j == w:
                continue
            if j < last and j + 1 != w:
                tokens.append((2 * j, v[j : j + 2]))
            elif j == 0 or j - 1 == w:
                tokens.append((2 * j + 1, c))
            else:
                continue  # the bigram before it pins it
            if guard(searcher.doc_freq, "text", tokens[-1][1]) == 0:
                return None
        return self._at(tokens) if tokens else None

    def _at(self, tokens: list[tuple[int, str]]):
        """The ``text`` field holding ``tokens`` (position, term: character
        ``i``'s bigram at ``2i``, the character alone at ``2i + 1``) at their
        positions relative to each other: one term, or a phrase."""
        if len(tokens) == 1:
            return guard(Query.term_query, self.schema, "text", tokens[0][1])
        base = tokens[0][0]
        return guard(Query.phrase_query, self.schema, "text", [(k - base, x) for k, x in tokens])

    def near(self, words: list[str], limit: int):
        """Passages holding every word, in some order within about ``limit``
        characters (as ``matchers.Split`` reads it, a superset): the words'
        phrases, and a sloppy phrase of their first bigrams (of a
        one-character word: the character) in each order."""
        from itertools import permutations

        must = [self.literal(w) for w in words]
        fields = [_as_field(w) for w in words]
        if 2 <= len(fields) <= 4 and all(fields):
            heads = [f[:2] for f in fields]
            # Positions count two per character, and a character alone
            # stands one after its bigram.
            slop = 2 * limit + 1
            orders = [guard(Query.phrase_query, self.schema, "text", list(p), slop) for p in sorted(set(permutations(heads)))]
            must.append(self.any_of(orders))
        return self.all_of(must)

    def pinyin(self, pieces: tuple[str, ...], prefix: tuple[bool, ...]):
        """Runs of characters read as ``pieces`` (a prefix flag: any reading
        starting with the piece).  A whole syllable stands at its
        character's position; beside a prefix, the pair of initials pins
        the first letters (a one-letter piece is its pair alone), so only
        a prefix of two letters or more is expanded."""
        if not pieces:
            return None
        if len(pieces) == 1:
            if prefix[0]:
                return guard(Query.regex_query, self.schema, "py", _escape(pieces[0]) + "[a-z]*")
            return guard(Query.term_query, self.schema, "py", pieces[0])
        words: list[tuple[int, str, bool]] = []  # (position, term, a prefix of one)
        for i, (piece, pre) in enumerate(zip(pieces, prefix)):
            if i and (pre or prefix[i - 1]):
                words.append((i - 1, lang.pair(pieces[i - 1][0], piece[0]), False))
            if not pre or len(piece) > 1:
                words.append((i, piece, pre))
        base = words[0][0]
        growing = [j for j, (_, _, pre) in enumerate(words) if pre]
        if not growing:
            if len(words) == 1:
                return guard(Query.term_query, self.schema, "py", words[0][1])
            return guard(Query.phrase_query, self.schema, "py", [(k - base, w) for k, w, _ in words])
        if growing == [len(words) - 1]:
            return guard(Query.phrase_prefix_query, self.schema, "py", [(k - base, w) for k, w, _ in words])
        regexes = [(k - base, _escape(w) + "[a-z]*" if pre else _escape(w)) for k, w, pre in words]
        return guard(Query.regex_phrase_query, self.schema, "py", regexes)

    def in_path(self, path: str):
        return guard(Query.term_query, self.schema, "path", path_term(path))

    @staticmethod
    def any_of(queries, boosts=None):
        qs = [q for q in queries if q is not None]
        if not qs:
            return None
        if boosts is not None:
            qs = [guard(Query.boost_query, q, b) if b != 1.0 else q for q, b in zip(queries, boosts) if q is not None]
        if len(qs) == 1:
            return qs[0]
        return guard(Query.boolean_query, [(Occur.Should, q) for q in qs])

    @staticmethod
    def all_of(must, must_not=(), should=(), at_least: int | None = None):
        clauses = [(Occur.Must, q) for q in must if q is not None]
        clauses += [(Occur.MustNot, q) for q in must_not if q is not None]
        clauses += list(should)
        if not clauses:
            return None
        if at_least is not None:
            return guard(Query.boolean_query, clauses, at_least)
        return guard(Query.boolean_query, clauses)

    # ------------------------------------------------------------ reading
    def searcher(self):
        return guard(self.ix.searcher)

    def count(self, query, searcher=None) -> int:
        if query is None:
            return 0
        s = searcher or self.searcher()
        return guard(s.search, query, 1, count=True).count

    def top(self, query, limit: int, offset: int = 0, searcher=None, *, located: bool = False) -> tuple[int, list]:
        """(count, [(tantivy score, pkey)]) of the ``limit`` best from
        ``offset``; ``located``: each hit is (score, pkey, start, end, kind
        code, section or None), read from the fast fields in one batch."""
        if query is None:
            return 0, []
        s = searcher or self.searcher()
        r = guard(s.search, query, max(1, limit), count=True, offset=max(0, offset), weight_by_field="kw")
        hits = r.hits if limit > 0 else []
        if not hits:
            return r.count, []
        addrs = [a for _, a in hits]
        keys = guard(s.fast_field_values, "pkey", addrs)
        if not located:
            return r.count, [(score, int(k)) for (score, _), k in zip(hits, keys)]
        locs = guard(s.fast_field_values, "ploc", addrs)
        secs = guard(s.fast_field_values, "psec", addrs)
        out = []
        for (score, _), k, loc, sec in zip(hits, keys, locs, secs):
            start = loc >> LEN_BITS
            out.append((score, int(k), start, start + (loc & MAX_LEN), sec & 3, (sec >> 2) - 1 if sec >> 2 else None))
        return r.count, out

    def num_docs(self) -> int:
        return guard(lambda: self.searcher().num_docs)


# ------------------------------------------------------------ the store
MANIFEST = "manifest.json"
NO_MANIFEST = "missing or foreign manifest"  # why an index without a manifest of ours is not used


def versions() -> dict:
    from tui.corpus.rules import PARSER_VERSION

    return {"index": INDEX_VERSION, "tantivy": getattr(tantivy, "__version__", ""), "parser": PARSER_VERSION,
            "fold": fold_signature()}


_FOLD_PROBE = "ＡＢＣａｂｃ１２３ 工會改革 後臺 裏面 發展　 «…» ﹏ ①② Ⅷ ß İ ǅ ﬁ ㈱ 丶 \u200b 行乐"
_fold_sig: str | None = None


def fold_signature() -> str:
    """A short hash of the fold, normalisation and readings of a probe: a
    changed table makes every indexed passage stale."""
    global _fold_sig
    if _fold_sig is None:
        from tui.search.normalize import normalize

        text, _ = normalize(_FOLD_PROBE)
        blob = text + "|" + _package_version("pypinyin")
        _fold_sig = hashlib.blake2b(blob.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return _fold_sig


def _package_version(name: str) -> str:
    """A package's version without importing it (its readings shape the
    index): read off the name of its ``<name>-<version>.dist-info`` folder
    beside it.  ``importlib.metadata`` gives the same answer but costs a
    fresh ``yuelan search`` 40 ms (it imports email, zipfile and csv, then
    scans every folder on ``sys.path``)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            return ""
        folder = os.path.dirname(list(spec.submodule_search_locations)[0])

        def canonical(project: str) -> str:  # PEP 503: runs of - _ . are one, any case
            return re.sub(r"[-_.]+", "_", project).lower()

        for entry in sorted(os.listdir(folder)):
            if entry.endswith(".dist-info"):
                project, _, version = entry[: -len(".dist-info")].partition("-")
                if version and canonical(project) == canonical(name):
                    return version
    except (OSError, ValueError, ImportError):
        pass
    return ""  # unknown: the index is still usable


def read_manifest(directory: str) -> dict | None:
    """The manifest, or None when it is missing, unusable (not our regular
    file, too big, damaged) or of another version."""
    return load_manifest(directory)[0]


def load_manifest(directory: str) -> tuple[dict | None, str]:
    """(the manifest, "") or (None, why it cannot be used)."""
    from tui.persist import read_bytes

    try:
        data = json.loads(bytes(read_bytes(os.path.join(directory, MANIFEST), cap=64 << 20)).decode("utf-8", "surrogatepass"))
    except (OSError, ValueError):  # persist.Unusable and JSON/UTF-8 errors are ValueErrors
        return None, NO_MANIFEST
    if not isinstance(data, dict) or not isinstance(data.get("docs"), dict):
        return None, NO_MANIFEST
    if data.get("versions") != versions():
        # Every upgrade that changes the index says this once: not damage.
        return None, "made by another version of yuelan or of its libraries"
    return data, ""


def write_manifest(directory: str, docs: dict[str, str]) -> None:
    from tui.persist import write_atomic

    blob = json.dumps({"versions": versions(), "docs": docs}, ensure_ascii=False).encode("utf-8", "surrogatepass")
    write_atomic(os.path.join(directory, MANIFEST), blob)


def set_aside(directory: str) -> None:
    """Move an unusable index out of the way and remove it."""
    aside = f"{directory}.bad-{os.getpid()}-{int(time.time())}"
    try:
        os.replace(directory, aside)
    except OSError:
        aside = directory
    shutil.rmtree(aside, ignore_errors=True)


def fingerprint(doc: Document) -> str:
    """A digest of a parsed document: its length, encoding, numbers of
    paragraphs and sections, and a CRC of its text and title (the text's
    CRC is kept in the document cache: reopening decodes no text)."""
    import zlib

    crc = zlib.crc32((doc.title or "").encode("utf-8", "surrogatepass"), doc.digest())
    return f"{doc.chars}:{len(doc.paragraphs)}:{len(doc.sections)}:{crc:08x}:{doc.encoding}"


def index_dir(paths: list[str], are_roots: bool = False) -> str | None:
    """The corpus's index directory, named by its roots (the paths the user
    named) or else by the common directory of its files; None when there is
    no private cache dir."""
    if os.environ.get("YUELAN_NO_CACHE"):
        return None
    import hashlib

    from tui.persist import private_cache_dir

    base = private_cache_dir("index")
    if base is None:
        return None
    _drop_old_stores()
    _sweep(base)
    if are_roots:
        key = "roots:" + "\n".join(sorted({os.path.abspath(p) for p in paths}))
    else:
        dirs = sorted({os.path.dirname(os.path.abspath(p)) for p in paths})
        try:
            key = os.path.commonpath(dirs) if dirs else ""
        except ValueError:
            key = "\n".join(dirs)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return os.path.join(base, digest)


def _sweep(base: str, now: float | None = None) -> None:
    """Remove what killed processes left: half-made (``.new-*``) and
    set-aside (``*.bad-*``) indexes older than an hour."""
    import shutil

    now = time.time() if now is None else now
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        if not (name.startswith(".new-") or ".bad-" in name):
            continue
        p = os.path.join(base, name)
        try:
            if now - os.lstat(p).st_mtime > 3600:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


def _drop_old_stores() -> None:
    """The hand-written engine's store files (``search/*.yls``) are dead weight."""
    from tui.persist import private_cache_dir

    old = private_cache_dir("search")
    if old is None:
        return
    try:
        for name in os.listdir(old):
            if name.endswith(".yls") or name.startswith(".tmp-"):
                try:
                    os.unlink(os.path.join(old, name))
                except OSError:
                    pass
        os.rmdir(old)
    except OSError:
        pass
