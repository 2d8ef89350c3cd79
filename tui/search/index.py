"""The search index and the query engine.

Design (see ``tui/search/__init__.py`` for the overview):

* Build: every passage (a paragraph of the corpus model) is folded and
  normalised (``normalize.py``) and all are joined by ``\\n`` into one string
  ``F``, with arrays of passage boundaries.  Building needs neither jieba nor
  pypinyin.  Passages whose normalised text differs in length from the
  original keep a small offset map; the others need none.
* Candidates: each term is turned into matchers (literal, jieba split, pinyin,
  fuzzy); each matcher is a C-speed scan (``str.find`` or one compiled regex)
  over ``F`` or over its pinyin *shadow* (same length, each character replaced
  by a code for its set of readings).  A scan jumps to the end of a passage as
  soon as that passage matched, so a query costs one pass per matcher, and
  later terms scan only the passages that earlier terms left.
* Persistence (``store.py``): each document's part of the index (its
  passages' text and columns) is stored and reused while the document is
  unchanged; building from stored pieces is concatenation, and an unchanged
  corpus takes the stored columns as they are.  Offset maps are not stored:
  a passage's map is made again from its document when a hit needs it.
* Signatures: each passage has 512 bits, one per character class
  (``char_bit``); a literal is looked for only in the passages whose bits
  include all of its characters', a typo where all but one are there.
* Verify and score only the candidates: exact spans, the tightest window of
  the terms, exactness, heading/boilerplate; then the top ``limit`` are mapped
  back to original offsets, windowed (long paragraphs) and returned.

The index is immutable once built; the only lazily built parts (the pinyin
shadow, jieba, pypinyin tables) are created under a lock and then only read,
so searches may run in worker threads while other threads read results.
"""

from __future__ import annotations

import heapq
import operator
import os
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate
from typing import Callable, Iterable, Sequence

from tui.corpus import gc_paused
from tui.corpus.model import BOILERPLATE, HEADING, TITLE, Document
from tui.search import lang
from tui.search.matchers import (
    Q_PINYIN_FULL,
    Q_SPLIT,
    Q_PINYIN_INITIALS,
    Q_PINYIN_PARTIAL,
    Fuzzy,
    Literal,
    Matcher,
    Pinyin,
    Split,
    min_window,
)
from tui.search.normalize import TextMap, fold_slice, normalize, normalize_folded, span_to_orig
from tui.search.query import Query, Term, parse_query
from tui.search.results import MATCH_KINDS, Hit, SearchResponse
from tui.search.store import SIG_WORDS, Piece

SIG_SLICE = 1 << 20  # characters of text per numpy pass when making signatures

SEP = "\n"
LONG_PASSAGE = 400  # paragraphs longer than this are shown as a window
WINDOW = 300  # target window size around the hits
SCOPE_SCAN_LIMIT = 3000  # above this many candidate passages, rescan globally
CHUNK = 1 << 20  # characters per C-level scan call
PINYIN_CACHE_ENTRIES = 32  # pinyin queries whose match positions are kept
PINYIN_CACHE_POSITIONS = 400_000  # not cached (nor used) beyond this many
MAX_SPANS_PER_TERM = 200  # per passage, for scoring and highlights
SPLIT_GATE = 200  # a phrase found in this many passages is not also split into words
SIG_MAX_SHARE = 0.5  # above this share of passages, signature candidates are not used
FULL_SCORE_LIMIT = 1000  # candidates scored in full (the rest by a cheap score)
HEADING_BONUS = 0.8
BOILERPLATE_PENALTY = 1.5

_KIND_CODE = {"body": 0, HEADING: 1, TITLE: 2, BOILERPLATE: 3}
_BONUS = (0.0, HEADING_BONUS, HEADING_BONUS, -BOILERPLATE_PENALTY)  # by kind code (see _kind_bonus)


@dataclass
class _TermPlan:
    term: Term
    matchers: list[Matcher]  # best quality first


class _Cancelled(Exception):
    """Raised inside a search when its ``cancelled`` callback says so."""


class _LazySplit(Matcher):
    """Stands for the term's ``Split`` until it is needed: cutting a phrase
    into words needs jieba, which a common phrase never does."""

    kind = "split"
    quality = Q_SPLIT - 0.15  # the lowest a Split can be: it sorts last, as a Split does

    def __init__(self, term: Term) -> None:
        self.term = term

    def search(self, idx, pos, endpos):
        return None

    def __repr__(self) -> str:
        return f"_LazySplit({self.term.text!r})"


class _Cand:
    __slots__ = ("pid", "choice")

    def __init__(self, pid: int, choice: list[int]) -> None:
        self.pid = pid
        self.choice = choice  # index of the matcher chosen for each term


class BuildCancelled(Exception):
    """Building the index was abandoned: its ``cancelled`` callback said so."""


# Per-passage kind byte: the kind code, plus whether the passage needs an
# offset map (made again from the document when a hit needs it).
_MAP_WS = 4  # normalisation removed whitespace; the fold was the identity
_MAP_FOLD = 8  # the fold changed lengths (its map is needed too)
_KIND_MASK = 3
PROGRESS_INTERVAL = 0.05  # seconds between progress calls (at most ~20 per second)


class SearchIndex:
    """A passage index over a list of documents.  See the module docstring.

    ``SearchIndex(documents)`` builds in memory.  ``SearchIndex.build(documents)``
    (or ``store=True``) reuses and refreshes the persistent pieces in the user
    cache (``store.py``): only new or changed documents are normalised again.

    After building, ``notices`` holds messages for the user (a damaged store
    rebuilt, no cache directory...) and ``changes`` says what was done:
    ``{"reused": [paths], "rebuilt": [paths], "removed": [paths]}``.
    """

    def __init__(
        self,
        documents: Iterable[Document],
        *,
        store: bool = False,
        progress: Callable[[int, int, int, int], object] | None = None,
        cancelled: Callable[[], bool] | None = None,
        previous: "SearchIndex | None" = None,
    ) -> None:
        self.documents: list[Document] = list(documents)
        self._doc_pos = {id(d): i for i, d in enumerate(self.documents)}
        self.notices: list[str] = []
        self.changes: dict[str, list[str]] = {"reused": [], "rebuilt": [], "removed": []}
        self.store_path: str | None = None
        self._maps: dict[int, TextMap | None] = {}  # made on first use, see _map
        self._titles: dict[int, tuple[str, list[str]]] = {}  # normalised titles, on first use
        self._pending_maps: dict[int, dict[int, TextMap]] = {}  # maps made while building
        with gc_paused():
            self._pieces(store, progress, cancelled, previous)
        self._shadow: str | None = None
        self._lock = threading.Lock()
        self._local = threading.local()  # per-thread search state (cancellation)
        self._gate_cache: OrderedDict[str, bool] = OrderedDict()
        self._pinyin_cache: OrderedDict[tuple, array] = OrderedDict()
        self._norm_cache: dict[str, str] = {}  # original span -> normalised (see _whole_chars)
        self._sample_counts: dict[str, int] = {}  # word -> count in a sample (see Split._anchor)
        self._sigs = None  # numpy view of _sig, made on first use (see _literal_candidates)

    @classmethod
    def build(
        cls,
        documents: Iterable[Document],
        *,
        store: bool = True,
        progress: Callable[[int, int, int, int], object] | None = None,
        cancelled: Callable[[], bool] | None = None,
        previous: "SearchIndex | None" = None,
    ) -> "SearchIndex":
        """The index of ``documents``, from the persistent store where it can.

        ``progress(done_docs, total_docs, done_bytes, total_bytes)`` is called
        at most about 20 times a second and once at the end; ``cancelled()``
        is polled between documents and, when it returns True, building stops
        with ``BuildCancelled`` (nothing is written).  Problems with the store
        never raise: they become ``notices``.

        ``previous``: the index being replaced (a reload): a document with the
        same path and text as one of its documents takes its piece from it
        (no store to read); ``changes`` are then relative to it.  The store is
        still written when anything changed.
        """
        return cls(documents, store=store, progress=progress, cancelled=cancelled, previous=previous)

    @classmethod
    def open(
        cls,
        paths: list[str] | None = None,
        encoding: str | None = None,
        *,
        progress: Callable[[int, int, int, int], object] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> "SearchIndex":
        """Load the corpus at ``paths`` (through the document cache) and build
        its index from the store: the whole reopen path in one call.  The
        corpus is ``index.corpus``; its notices come first in ``notices``."""
        from tui.corpus import load_corpus

        corpus = load_corpus(paths, encoding=encoding, cache=True)
        index = cls.build(corpus.documents, progress=progress, cancelled=cancelled)
        index.corpus = corpus
        return index

    # ----------------------------------------------------------------- pieces
    def _pieces(self, use_store: bool, progress, cancelled, previous=None):
        """Each document's piece: reused from the store or made now.  Returns
        the stored columns as they are when every piece was reused in order."""
        from tui.search import store as st

        docs = self.documents
        stored: dict[str, st.Stored] = {}
        cols: st.Columns | None = None
        path = None
        if use_store and docs:
            path = st.store_path([d.path for d in docs])
            if path is None:
                if not os.environ.get("YUELAN_NO_CACHE"):
                    self.notices.append("no writable cache directory: the search index is built every time")
            elif previous is None:
                try:
                    stored, cols = st.load(path)
                    from tui.corpus.cache import touch

                    touch(path)  # used: keep it when old stores are pruned
                except st.StoreError as e:
                    if os.path.lexists(path):
                        self.notices.append(f"the search index was unusable ({e}); rebuilding it")
        self.store_path = path
        keys: list = [st.file_key(d.path) if use_store else None for d in docs]
        sizes = [k[0] if k is not None else len(d.text) for k, d in zip(keys, docs)]
        total_bytes = sum(sizes)
        done_bytes = 0
        last = time.monotonic()
        pieces: list = []
        fps: list[str | None] = [None] * len(docs)
        reused, rebuilt = self.changes["reused"], self.changes["rebuilt"]
        in_order = True
        expect = 0
        before: dict[str, int] = {}
        if previous is not None:
            before = {d.path: j for j, d in enumerate(previous.documents)}
        for i, d in enumerate(docs):
            if cancelled is not None and cancelled():
                raise BuildCancelled
            piece = None
            prior = stored.get(d.path)
            if prior is not None and keys[i] is not None and prior.key == keys[i]:
                fp = st.fingerprint(d)
                fps[i] = fp
                if fp == prior.fp:
                    piece = prior
                    reused.append(d.path)
                    if prior.first != expect:
                        in_order = False
                    expect = prior.first + prior.count
            if piece is None and previous is not None:
                j = before.get(d.path)
                if j is not None and _same_document(previous.documents[j], d):
                    piece = previous._piece_of(j)
                    reused.append(d.path)
            if piece is None:
                piece, maps = _make_piece(d)
                if maps:
                    self._pending_maps[i] = maps
                rebuilt.append(d.path)
            if not isinstance(piece, st.Stored):
                in_order = False
            pieces.append(piece)
            done_bytes += sizes[i]
            if progress is not None:
                now = time.monotonic()
                if now - last >= PROGRESS_INTERVAL or i + 1 == len(docs):
                    last = now
                    progress(i + 1, len(docs), done_bytes, total_bytes)
        if progress is not None and not docs:
            progress(0, 0, 0, 0)
        present = {d.path for d in docs}
        self.changes["removed"] = sorted(p for p in (before if previous is not None else stored) if p not in present)
        if cols is not None and in_order and expect == len(cols.lens) and cols.ndocs == len(docs) == len(reused):
            self._assemble_columns(cols, [p.count for p in pieces])
        else:
            self._assemble([p.piece(cols) if isinstance(p, st.Stored) else p for p in pieces])
        del cols, stored
        if path is not None and (
            rebuilt or self.changes["removed"] or (not os.path.lexists(path) if previous is not None else not reused)
        ):
            self._write(path, keys, fps)

    def _assemble_columns(self, cols, counts: list[int]) -> None:
        """Every piece reused, in the stored order: the columns as they are."""
        self.text = cols.text
        self._plen, self._porig, self._porig_end = cols.lens, cols.porig, cols.porig_end
        self._pkind, self._psection, self._sig = cols.kind, cols.section, cols.sig
        self._pstart, self._pend, self._pdoc = cols.pstart, cols.pend, cols.pdoc
        self._dfirst = array("l", accumulate(counts, initial=0))

    def _assemble(self, pieces: list[Piece]) -> None:
        """The global arrays and text: concatenation of the pieces."""
        self._plen = array("i")
        self._porig = array("q")  # passage start in doc.text
        self._porig_end = array("q")
        self._pkind = array("b")  # kind code | map flags
        self._psection = array("i")  # section index or -1
        self._pdoc = array("i")  # document index
        self._dfirst = array("l")  # first passage of each document
        self._sig = array("Q")  # SIG_WORDS words per passage: its characters' bits (char_bit)
        texts = []
        pending = self._pending_maps
        for di, p in enumerate(pieces):
            base = len(self._plen)
            self._dfirst.append(base)
            n = len(p.lens)
            if not n:
                continue
            texts.append(p.text)
            self._plen.extend(p.lens)
            self._porig.extend(p.porig)
            self._porig_end.extend(p.porig_end)
            self._pkind.extend(p.kind)
            self._psection.extend(p.section)
            self._sig.extend(p.sig)
            self._pdoc.extend(array("i", [di]) * n)
            for local, tmap in pending.get(di, {}).items():
                self._maps[base + local] = tmap
        self._dfirst.append(len(self._plen))
        self._pending_maps = {}
        self.text = SEP.join(texts)
        step = len(SEP)
        self._pstart = array("q", accumulate(self._plen, lambda a, b: a + b + step, initial=0))
        self._pstart.pop()
        self._pend = array("q", map(operator.add, self._pstart, self._plen))

    def _write(self, path: str, keys: list, fps: list) -> bool:
        from tui.search import store as st

        entries = []
        for di, d in enumerate(self.documents):
            if keys[di] is None:
                continue  # not a file we can key: built again next time
            fp = fps[di] if fps[di] is not None else st.fingerprint(d)
            a, b = self._dfirst[di], self._dfirst[di + 1]
            entries.append((d.path, keys[di], fp, a, b - a))
        cols = st.Columns(
            self.text, self._plen, self._porig, self._porig_end, self._psection, self._pkind, self._sig,
            self._pstart, self._pend, self._pdoc, ndocs=len(self.documents),
        )
        try:
            st.save(path, entries, cols)
        except OSError as e:
            self.notices.append(f"could not write the search index: {e.strerror or e}")
            return False
        return True

    def save(self) -> str | None:
        """Write this index to the store (``build`` does so whenever anything
        changed); returns the file written, or None (see ``notices``)."""
        from tui.search import store as st

        path = st.store_path([d.path for d in self.documents]) if self.documents else None
        if path is None:
            return None
        keys = [st.file_key(d.path) for d in self.documents]
        if not self._write(path, keys, [None] * len(keys)):
            return None
        self.store_path = path
        return path

    def _piece_of(self, di: int) -> Piece:
        """Document ``di``'s piece, cut out of this index."""
        a, b = self._dfirst[di], self._dfirst[di + 1]
        text = self.text[self._pstart[a] : self._pend[b - 1]] if b > a else ""
        return Piece(
            text,
            array("i", self._plen[a:b]),
            array("q", self._porig[a:b]),
            array("q", self._porig_end[a:b]),
            array("i", self._psection[a:b]),
            array("b", self._pkind[a:b]),
            array("Q", self._sig[SIG_WORDS * a : SIG_WORDS * b]),
        )

    def _map(self, pid: int) -> TextMap | None:
        """The passage's offset map (None: the identity), made on first use."""
        if not self._pkind[pid] & (_MAP_WS | _MAP_FOLD):
            return None
        try:
            return self._maps[pid]
        except KeyError:
            pass
        doc = self.documents[self._pdoc[pid]]
        s, e = self._porig[pid], self._porig_end[pid]
        want = self.text[self._pstart[pid] : self._pend[pid]]
        text, tmap = normalize(doc.text[s:e])
        if text != want:
            doc_fold = _doc_fold(doc)
            if doc_fold is not None:
                text, tmap = normalize_folded(*fold_slice(doc_fold, s, e))
        self._maps[pid] = tmap
        return tmap

    def _heads(self, di: int) -> tuple[str, list[str]]:
        """Normalised title and section titles of a document (on first use)."""
        h = self._titles.get(di)
        if h is None:
            doc = self.documents[di]
            h = (normalize(doc.title or "")[0], [normalize(s.title)[0] for s in doc.sections])
            self._titles[di] = h
        return h

    # ------------------------------------------------------------------ sizes
    @property
    def passages(self) -> int:
        return len(self._pstart)

    def __len__(self) -> int:
        return len(self.documents)

    # --------------------------------------------------------------- laziness
    def shadow(self) -> str:
        """The pinyin shadow of the index text (built once, on first use).

        Built in slices of about CHUNK characters, so that a background
        ``warm`` never holds the GIL for long."""
        s = self._shadow
        if s is None:
            with self._lock:
                if self._shadow is None:
                    tables = lang.pinyin()
                    t0 = time.perf_counter()
                    text = self.text
                    parts = [tables.shadow(text[i : i + CHUNK]) for i in range(0, len(text), CHUNK)]
                    self._shadow = "".join(parts)
                    lang.load_seconds += time.perf_counter() - t0
                s = self._shadow
        return s

    def warm(self, wait: bool = True) -> threading.Thread | None:
        """Load jieba and the pinyin tables and build the pinyin shadow now,
        instead of on the first query that needs them.

        ``wait=False`` does it in a background daemon thread and returns that
        thread at once: the index is searchable meanwhile, and a query that
        needs one of these waits only for that one (a literal query for
        none).  Errors while warming are ignored (the query that needs the
        resource reports them)."""
        if not wait:
            t = threading.Thread(target=self._warm_quietly, name="yuelan-search-warm", daemon=True)
            t.start()
            return t
        self._warm()
        return None

    def _warm_quietly(self) -> None:
        try:
            self._warm()
        except Exception:  # noqa: BLE001 - warming is an optimisation only
            pass

    def _warm(self) -> None:
        # Pinyin first: any Latin query needs it, only some Chinese ones need jieba.
        tables = lang.pinyin()
        for letter in lang.INITIALS:  # the classes typed initials need
            tables.class_for(letter, True)
        self.shadow()
        lang.tokenizer()
        import rapidfuzz.distance.Levenshtein  # noqa: F401

    # ----------------------------------------------------------------- search
    def search(self, query: str, limit: int = 20, *, cancelled: Callable[[], bool] | None = None) -> SearchResponse:
        """Ranked passages for ``query``; never raises.

        ``cancelled``, if given, is polled between slices of work (e.g. a
        Textual worker's ``lambda: worker.is_cancelled``): when it returns
        True the search stops early and the response carries
        ``error == "cancelled"`` and no results.
        """
        t0 = time.perf_counter()
        loaded = lang.load_seconds
        resp = SearchResponse(query=query if isinstance(query, str) else str(query))
        self._local.cancelled = cancelled
        try:
            self._search(resp, limit)
        except _Cancelled:
            resp.results = []
            resp.total = 0
            resp.error = "cancelled"
        except Exception as exc:  # noqa: BLE001 - never raise on user input
            resp.results = []
            resp.total = 0
            resp.error = f"search failed: {type(exc).__name__}: {exc}"
        finally:
            self._local.cancelled = None
        # One-time loading (jieba, pinyin tables) is start-up, not search.
        load = max(0.0, lang.load_seconds - loaded)
        resp.load_ms = load * 1000.0
        resp.elapsed_ms = max(0.0, time.perf_counter() - t0 - load) * 1000.0
        return resp

    def _search(self, resp: SearchResponse, limit: int) -> None:
        try:
            limit = max(0, int(limit))
        except (TypeError, ValueError):
            limit = 20
        q = parse_query(resp.query)
        if not q.terms:
            return
        if not q.positive:
            resp.error = "the query only excludes terms; add a term to search for"
            return
        interps = self._interpretations(q)
        full: dict[int, tuple] = {}  # pid -> (score, spans, plans, kinds): scored in full
        cheap: dict[int, float] = {}  # pid -> cheap score (see _score_all)
        cheap_src: dict[int, int] = {}  # pid -> its interpretation, when not the first
        with gc_paused():
            for k, plans in enumerate(interps):
                cands = self._candidates(plans, q.negative, None)
                f, c = self._score_all(cands, plans, limit=limit)
                if k == 0:
                    full, cheap = f, c
                    continue
                # A passage found by several interpretations keeps its best score.
                for pid, r in f.items():
                    prev = full[pid][0] if pid in full else cheap.get(pid)
                    if prev is None or r[0] > prev:
                        full[pid] = r
                        cheap.pop(pid, None)
                for pid, v in c.items():
                    prev = full[pid][0] if pid in full else cheap.get(pid)
                    if prev is None or v > prev:
                        cheap[pid] = v
                        cheap_src[pid] = k
                        full.pop(pid, None)
            resp.total = len(full) + len(cheap)
            keys = [(-round(r[0], 6), pid) for pid, r in full.items()]
            rounded: dict[float, float] = {}  # cheap scores take few distinct values
            for pid, v in cheap.items():
                x = rounded.get(v)
                if x is None:
                    x = rounded[v] = -round(v, 6)
                keys.append((x, pid))
            order = [pid for _, pid in heapq.nsmallest(limit, keys)] if limit else []
            picked = [(pid, full.get(pid), cheap.get(pid)) for pid in order]
            # Freed while collection is off, they never count towards one.
            del keys, full, cheap, cands
        resp.results = [
            self._hit(pid, *f) if f is not None else self._hit(pid, c, None, interps[cheap_src.get(pid, 0)], None)
            for pid, f, c in picked
        ]

    def find_in_document(self, doc: Document, query: str) -> list[tuple[int, int]]:
        """Every hit of ``query`` in ``doc.text`` (document offsets, sorted).

        Only passages that match the whole query (as ``search`` would) count.
        """
        try:
            di = self._doc_pos.get(id(doc))
            if di is None:
                return SearchIndex([doc]).find_in_document(doc, query)
            q = parse_query(query)
            if not q.positive:
                return []
            scope = list(range(self._dfirst[di], self._dfirst[di + 1]))
            spans: set[tuple[int, int]] = set()
            for plans in self._interpretations(q):
                cands = self._candidates(plans, q.negative, scope)
                for pid, (_, term_spans, _, _) in self._score_all(cands, plans, full=True)[0].items():
                    for tspans in term_spans:
                        for a, b in tspans:
                            spans.add(self._to_doc(pid, a, b))
            return _merge(sorted(spans))
        except Exception:  # noqa: BLE001 - never raise on user input
            return []

    # ------------------------------------------------------------- planning
    def _interpretations(self, q: Query) -> list[list[_TermPlan]]:
        terms = list(q.positive)
        out = []
        joined = self._joined_pinyin(terms)
        if joined is not None:
            # "xin ling gang wan": one pinyin phrase, or the words literally.
            out.append([joined])
            out.append([_TermPlan(t, [Literal(t.text)]) for t in terms])
            return out
        out.append([self._plan(t) for t in terms])
        return out

    def _joined_pinyin(self, terms: Sequence[Term]) -> _TermPlan | None:
        """``xin ling gang wan``: syllables typed apart, read as one run."""
        if len(terms) < 2 or not all(t.latin and not t.phrase for t in terms):
            return None
        tables = lang.pinyin()
        if not all(t.text in tables.syllables for t in terms[:-1]):
            return None
        joined = "".join(t.text for t in terms)
        if len(joined) > 64:
            return None
        raw = " ".join(t.raw for t in terms)
        term = Term(raw=raw, text=joined)
        pieces = tuple(t.text for t in terms[:-1])
        last = lang.segmentations(terms[-1].text, tables, 1)
        if not last:
            return None
        pieces += last[0][0]
        flags = (False,) * len(terms[:-1]) + last[0][1]
        q = Q_PINYIN_FULL if not any(flags) else Q_PINYIN_PARTIAL
        return _TermPlan(term, [Pinyin(pieces, flags, q)])

    def _plan(self, t: Term) -> _TermPlan:
        matchers: list[Matcher] = [Literal(t.text, t.raw)]
        if t.phrase:
            return _TermPlan(t, matchers)
        if t.latin and len(t.text) >= 2:
            matchers.extend(self._pinyin_matchers(t.text))
        if t.has_cjk and len(t.text) >= 4:
            # Used only while the phrase is rare (checked in _candidates);
            # cut into words (jieba) only then.
            matchers.append(_LazySplit(t))
        if 3 <= len(t.text) <= 32 and not any(c.isdigit() for c in t.text):
            if not t.latin or len(t.text) >= 4:
                # Run only when the term matches nowhere as typed (see _candidates).
                matchers.append(Fuzzy(t.text))
        matchers.sort(key=lambda m: -m.quality)
        return _TermPlan(t, matchers)

    def _pinyin_matchers(self, word: str) -> list[Matcher]:
        tables = lang.pinyin()
        out: list[Matcher] = []
        segs = lang.segmentations(word, tables)
        if segs and all(len(p) < 2 for p, _ in segs) and 2 <= len(word) <= 16 and all(c in lang.INITIALS for c in word):
            # A word that is one whole syllable ("wo") is skipped below as too
            # broad, but it is also initials typed one per character (我区):
            # keep that reading, as for any other run of initials.
            segs.append((tuple(word), (True,) * len(word)))
        for pieces, flags in segs:
            if len(pieces) < 2:
                continue  # one syllable alone would match half the corpus
            if not any(flags):
                q = Q_PINYIN_FULL
            elif all(flags):
                q = Q_PINYIN_INITIALS
            else:
                q = Q_PINYIN_PARTIAL
            out.append(Pinyin(pieces, flags, q))
        return out

    def _split_matcher(self, t: Term) -> Split | None:
        text = t.text
        words = lang.cut(text)
        if len(words) < 2:
            return None
        required = [w for w in words if not (len(w) == 1 and w in lang.STOPWORDS)]
        multi = [w for w in required if len(w) >= 2]
        if not multi or sum(len(w) for w in multi) * 2 < len(text):
            return None
        if len(required) == 1 and required[0] == text:
            return None
        # Keep order, drop duplicates; find what the user typed for each word.
        tmap = normalize(t.raw)[1]
        seen: list[str] = []
        raws: list[str] = []
        pos = 0
        for w in required:
            i = text.find(w, pos)
            if i < 0:
                i = text.find(w)
            raw = w
            if i >= 0:
                pos = i + len(w)
                a, b = span_to_orig(tmap, i, i + len(w))
                raw = t.raw[a:b]
            if w not in seen:
                seen.append(w)
                raws.append(raw)
        coverage = sum(len(w) for w in seen) / len(text)
        return Split(seen, limit=max(40, 4 * len(text)), raw_words=raws, coverage=min(1.0, coverage))

    def _phrase_passages(self, text: str) -> int:
        """Passages holding ``text`` literally, counted up to SPLIT_GATE."""
        key = "phrase:" + text
        cached = self._gate_cache.get(key)
        if cached is not None:
            return cached
        m = Literal(text)
        n = len(self.text)
        count = 0
        pos = 0
        cands = self._literal_candidates(text)
        if cands is not None:
            find, pstart, pend = self.text.find, self._pstart, self._pend
            for pid in cands:
                if find(text, pstart[pid], pend[pid]) >= 0:
                    count += 1
                    if count >= SPLIT_GATE:
                        break
            pos = n
        while pos < n and count < SPLIT_GATE:
            r = self._search_chunked(m, pos, n)
            if r is None:
                break
            count += 1
            pos = self._pend[bisect_right(self._pstart, r[0]) - 1] + 1
        self._remember(key, count)
        return count

    def _matches_anywhere(self, m: Matcher, n: int) -> bool:
        if type(m) is Literal:
            cands = self._literal_candidates(m.needle)
            if cands is not None:
                find, pstart, pend, needle = self.text.find, self._pstart, self._pend, m.needle
                return any(find(needle, pstart[pid], pend[pid]) >= 0 for pid in cands)
        return self._search_chunked(m, 0, n) is not None

    def _remember(self, key: str, value) -> None:
        self._gate_cache[key] = value
        while len(self._gate_cache) > 512:
            try:
                self._gate_cache.popitem(last=False)
            except KeyError:
                break

    def _needs_fuzzy(self, text: str, matchers: list[Matcher]) -> bool:
        """Fuzzy matching only for a term that matches nowhere as typed."""
        cached = self._gate_cache.get(text)
        if cached is not None:
            return cached
        n = len(self.text)
        found = any(self._matches_anywhere(m, n) for m in matchers if m.kind in ("literal", "pinyin"))
        self._remember(text, not found)
        return not found

    # ------------------------------------------------------------ candidates
    def _scan(self, m: Matcher, scope: list[int] | None) -> list[int]:
        """Passages where ``m`` matches, in order (one hit per passage is enough)."""
        pstart, pend = self._pstart, self._pend
        if isinstance(m, Pinyin) and (scope is None or len(scope) > SCOPE_SCAN_LIMIT):
            positions = self._pinyin_positions(m)
            if positions is not None:
                pids = self._pids_of(positions)
                if scope is None:
                    return pids
                allowed = set(scope)
                return [pid for pid in pids if pid in allowed]
        if isinstance(m, Split) and (scope is None or len(scope) > SCOPE_SCAN_LIMIT):
            # Split.search finds its anchor word: the passages holding it
            # (scanned as a literal, through the signatures), then accept.
            return [pid for pid in self._scan(m._anchor(self), scope) if m.accept(self, pstart[pid], pend[pid])]
        prefilter = getattr(m, "prefilter", None)
        if prefilter and isinstance(m, Fuzzy) and (scope is None or len(scope) > SCOPE_SCAN_LIMIT):
            near = self._near_candidates(m.term)
            if near is not None:
                # A one-edit occurrence holds all the term's characters but
                # at most one: only passages whose signature says so.
                # It also holds one half of the term as typed (prefilter):
                # two short finds before the regex of all the variants.
                allowed = None if scope is None else set(scope)
                find = self.text.find
                halves = [lit.needle for lit in prefilter]
                out = []
                for k, pid in enumerate(near):
                    if k & 1023 == 1023:
                        self._check_cancelled()
                    if allowed is not None and pid not in allowed:
                        continue
                    s, e = pstart[pid], pend[pid]
                    if not any(find(h, s, e) >= 0 for h in halves):
                        continue
                    if m.search(self, s, e) is not None and m.accept(self, s, e):
                        out.append(pid)
                return out
        if prefilter and (scope is None or len(scope) > SCOPE_SCAN_LIMIT):
            # Candidates from cheap literal scans, then the matcher on those only.
            cands: set[int] = set()
            for lit in prefilter:
                cands.update(self._scan(lit, scope))
            scope = sorted(cands)
            return [
                pid
                for pid in scope
                if m.search(self, pstart[pid], pend[pid]) is not None and m.accept(self, pstart[pid], pend[pid])
            ]
        out: list[int] = []
        limit = SCOPE_SCAN_LIMIT
        if type(m) is Literal:
            # A literal checked in each passage of the scope costs one short
            # find; over the whole text, one find per passage holding it.
            limit = max(limit, len(self._pstart) // 8)
        if scope is not None and len(scope) <= limit:
            for pid in scope:
                s, e = pstart[pid], pend[pid]
                if m.search(self, s, e) is not None and m.accept(self, s, e):
                    out.append(pid)
            return out
        allowed = None if scope is None else set(scope)
        n = len(self.text)
        if type(m) is Literal and m.needle:
            cands = self._literal_candidates(m.needle)
            if cands is not None:
                # Only the passages whose signature has the needle's characters.
                find, needle = self.text.find, m.needle
                for k, pid in enumerate(cands):
                    if k & 4095 == 4095:
                        self._check_cancelled()
                    if (allowed is None or pid in allowed) and find(needle, pstart[pid], pend[pid]) >= 0:
                        out.append(pid)
                return out
            # The loop below, inlined for the commonest matcher (its accept is
            # always true): one find per passage that holds the needle.
            find, needle = self.text.find, m.needle
            for start, end in self._chunks(0, n):
                i = find(needle, start, end)
                while i >= 0:
                    pid = bisect_right(pstart, i) - 1
                    if allowed is None or pid in allowed:
                        out.append(pid)
                    i = find(needle, pend[pid] + 1, end)
            return out
        pos = 0
        while pos < n:
            r = self._search_chunked(m, pos, n)
            if r is None:
                break
            pid = bisect_right(pstart, r[0]) - 1
            if (allowed is None or pid in allowed) and m.accept(self, pstart[pid], pend[pid]):
                out.append(pid)
                if len(out) % 4096 == 0:
                    self._check_cancelled()
            pos = pend[pid] + 1
        return out

    def _sig_view(self):
        """The signatures as a (passages, SIG_WORDS) numpy array (a view, made
        once), or None (no passages, no numpy)."""
        sigs = self._sigs
        if sigs is None:
            try:
                import numpy as np
            except ImportError:
                sigs = False
            else:
                sigs = np.frombuffer(self._sig, dtype=np.uint64).reshape(-1, SIG_WORDS) if len(self._sig) else False
            self._sigs = sigs
        return None if sigs is False else sigs

    def _literal_candidates(self, needle: str) -> list[int] | None:
        """Passages that may hold ``needle`` (those whose signature has the
        bits of all its characters: every passage that holds it, and some
        more), in order; None when that is most passages (a scan is as fast)
        or numpy is missing."""
        sigs = self._sig_view()
        if sigs is None or not needle:
            return None
        import numpy as np

        cond = None
        for k, w in enumerate(_sig_words(needle)):
            if w:
                w = np.uint64(w)
                c = (sigs[:, k] & w) == w
                cond = c if cond is None else cond & c
        if cond is None:
            return None
        pids = np.flatnonzero(cond)
        if len(pids) > SIG_MAX_SHARE * len(sigs):
            return None
        return pids.tolist()

    def _near_candidates(self, term: str) -> list[int] | None:
        """Passages whose signature has the bits of all the characters of
        ``term`` but at most one (where a one-edit variant of it can be), in
        order; None when that is most passages or numpy is missing."""
        sigs = self._sig_view()
        if sigs is None:
            return None
        import numpy as np

        bits = sorted({char_bit(c).bit_length() - 1 for c in term})
        if len(bits) < 3:
            return None
        present = np.zeros(len(sigs), dtype=np.int8)
        for b in bits:
            present += ((sigs[:, b // 64] >> np.uint64(b % 64)) & np.uint64(1)).astype(np.int8)
        pids = np.flatnonzero(present >= len(bits) - 1)
        if len(pids) > SIG_MAX_SHARE * len(sigs):
            return None
        return pids.tolist()

    def _pids_of(self, positions: Sequence[int]) -> list[int]:
        """Passages holding these (sorted) positions, in order."""
        out: list[int] = []
        pstart, pend = self._pstart, self._pend
        i = 0
        n = len(positions)
        while i < n:
            pid = bisect_right(pstart, positions[i]) - 1
            out.append(pid)
            i = bisect_left(positions, pend[pid], i + 1)
        return out

    def _pinyin_positions(self, m: Pinyin):
        """Every start of ``m`` in the shadow, or None when there are too many.

        As the user types, each query refines the last one, so the positions
        are cached and a new query checks only the positions of a cached query
        it refines, instead of scanning the whole shadow again.
        """
        key = m.key
        with self._lock:
            cached = self._pinyin_cache.get(key)
            if cached is not None:
                self._pinyin_cache.move_to_end(key)
                return cached
            base = None
            for k, pos in self._pinyin_cache.items():
                if m.refines(k) and (base is None or len(k[0]) > len(base[0][0])):
                    base = (k, pos)
        shadow = self.shadow()
        positions = array("q")
        if base is not None:
            match = m.pattern.match
            positions.extend(p for p in base[1] if match(shadow, p))
        else:
            if all(m.prefix) and len(m.pieces) <= 2:
                return None  # two initials: too many starts to be worth keeping
            search = m.pattern.search
            for pos, end in self._chunks(0, len(shadow)):
                hit = search(shadow, pos, end)
                while hit is not None:
                    positions.append(hit.start())
                    hit = search(shadow, hit.start() + 1, end)
                if len(positions) > PINYIN_CACHE_POSITIONS:
                    return None
        with self._lock:
            self._pinyin_cache[key] = positions
            while len(self._pinyin_cache) > PINYIN_CACHE_ENTRIES:
                self._pinyin_cache.popitem(last=False)
        return positions

    def _check_cancelled(self) -> None:
        cancelled = getattr(self._local, "cancelled", None)
        if cancelled is not None and cancelled():
            raise _Cancelled

    def _search_chunked(self, m: Matcher, pos: int, n: int) -> tuple[int, int] | None:
        """``m.search`` over ``[pos, n)`` in slices of about CHUNK characters
        cut at passage boundaries, so that no single C call holds the GIL for
        long (the UI thread keeps running while a worker searches)."""
        for start, end in self._chunks(pos, n):
            r = m.search(self, start, end)
            if r is not None:
                return r
        return None

    def _chunks(self, pos: int, n: int):
        """``(start, end)`` slices of ``[pos, n)`` of about CHUNK characters,
        cut at passage boundaries; checks for cancellation between slices."""
        text = self.text
        while pos < n:
            end = pos + CHUNK
            if end >= n:
                end = n
            else:
                cut = text.find(SEP, end)
                end = n if cut < 0 else cut
            yield pos, end
            pos = end + 1
            self._check_cancelled()

    def _candidates(
        self, plans: list[_TermPlan], negative: Sequence[Term], scope: list[int] | None
    ) -> dict[int, tuple[int, ...]]:
        """pid -> the matcher chosen for each term (a tuple shared by all the
        candidates with the same choice: a common term has 100 000 of them)."""
        order = sorted(range(len(plans)), key=lambda i: _selectivity(plans[i]))
        choice: dict[int, tuple[int, ...]] = {}
        current = scope
        shared: dict[tuple, dict[int, tuple]] = {}

        def chosen(old: tuple, ti: int, mi: int) -> tuple:
            d = shared.get(old)
            if d is None:
                d = shared[old] = {}
            t = d.get(mi)
            if t is None:
                t = d[mi] = old[:ti] + (mi,) + old[ti + 1 :]
            return t

        for rank, ti in enumerate(order):
            self._check_cancelled()
            plan = plans[ti]
            best: dict[int, int] = {}
            as_typed = False  # a literal or pinyin hit anywhere in the corpus
            for mi, m in enumerate(plan.matchers):
                if m.kind == "fuzzy":
                    # Typos only for a term that matches nowhere as typed.
                    if as_typed:
                        continue
                    if current is not None and not self._needs_fuzzy(plan.term.text, plan.matchers):
                        continue
                if m.kind == "split":
                    # Words apart only while the phrase itself is rare.
                    if current is None:
                        phrase_count = sum(1 for mi2 in best.values() if plan.matchers[mi2].kind == "literal")
                        self._remember("phrase:" + plan.term.text, min(phrase_count, SPLIT_GATE))
                    if self._phrase_passages(plan.term.text) >= SPLIT_GATE:
                        continue
                    if isinstance(m, _LazySplit):
                        m = self._split_matcher(plan.term)
                        if m is None:
                            continue
                        plan.matchers[mi] = m
                found = self._scan(m, current)
                if found and m.kind in ("literal", "pinyin"):
                    as_typed = True
                for pid in found:
                    if pid not in best:
                        best[pid] = mi
            if rank == 0:
                base = (-1,) * len(plans)
                choice = {pid: chosen(base, ti, mi) for pid, mi in best.items()}
            else:
                choice = {pid: chosen(c, ti, best[pid]) for pid, c in choice.items() if pid in best}
            current = sorted(choice)
            if not current:
                return {}
        for t in negative:
            m = Literal(t.text)
            for pid in self._scan(m, current):
                choice.pop(pid, None)
            current = sorted(choice)
        return choice

    # --------------------------------------------------------------- scoring
    def _score_all(
        self, cands: dict[int, tuple[int, ...]], plans: list[_TermPlan], full: bool = False, limit: int | None = None
    ) -> tuple[dict[int, tuple], dict[int, float]]:
        """Scores (and spans) of the candidates; beyond FULL_SCORE_LIMIT only
        the best by a cheap score get spans, unless ``full``.

        With ``limit`` (the results wanted), those best candidates are scored
        in order of their cheap score, and one whose cheap score plus the most
        the full score can add (``_max_gain``) cannot reach the ``limit``-th
        best full score so far is not scored in full: it keeps its cheap score
        minus one, like those beyond FULL_SCORE_LIMIT, and cannot be among
        the ``limit`` returned.  (It still counts in ``total`` as those do.)

        Returns the candidates scored in full, pid -> (score, spans, plans,
        match kinds), and the others, pid -> score (no spans yet)."""
        pids = sorted(cands)
        if len(pids) > FULL_SCORE_LIMIT and not full:
            # _cheap_score, with the quality part computed once per choice.
            bases: dict[tuple, float] = {}
            kinds = self._pkind
            cheap = {}
            for pid in pids:
                choice = cands[pid]
                base = bases.get(choice)
                if base is None:
                    qs = [plans[i].matchers[mi].quality for i, mi in enumerate(choice)]
                    base = bases[choice] = 10.0 * sum(qs) / len(qs)
                cheap[pid] = base + _BONUS[kinds[pid] & _KIND_MASK]
            # sorted() is stable, also in reverse: ties keep document order.
            ranked = sorted(pids, key=cheap.__getitem__, reverse=True)
            rest = {pid: cheap[pid] - 1.0 for pid in ranked[FULL_SCORE_LIMIT:]}
            out = {}
            gain = _max_gain(plans) + 1e-6
            best: list[tuple[float, int]] = []  # heap of (score, -pid): the worst of the best on top
            for i, pid in enumerate(ranked[:FULL_SCORE_LIMIT]):
                if i % 256 == 255:
                    self._check_cancelled()
                if limit is not None and len(best) >= limit and (limit == 0 or cheap[pid] + gain < best[0][0]):
                    rest[pid] = cheap[pid] - 1.0
                    continue
                r = self._score(_Cand(pid, cands[pid]), plans)
                if r is None:
                    continue
                out[pid] = r
                if limit:
                    item = (round(r[0], 6), -pid)
                    if len(best) < limit:
                        heapq.heappush(best, item)
                    elif item > best[0]:
                        heapq.heapreplace(best, item)
            return out, rest
        out = {}
        for i, pid in enumerate(pids):
            if i % 1024 == 1023:
                self._check_cancelled()
            r = self._score(_Cand(pid, cands[pid]), plans)
            if r is not None:
                out[pid] = r
        return out, {}

    def _kind_bonus(self, pid: int) -> float:
        """Headings and titles up, boilerplate down; smaller than the gap
        between a literal hit and a pinyin one, so exactness leads."""
        return _BONUS[self._pkind[pid] & _KIND_MASK]

    def _cheap_score(self, cand: _Cand, plans: list[_TermPlan]) -> float:
        qs = [plans[i].matchers[mi].quality for i, mi in enumerate(cand.choice)]
        return 10.0 * sum(qs) / len(qs) + self._kind_bonus(cand.pid)

    def _score(self, cand: _Cand, plans: list[_TermPlan]):
        pid = cand.pid
        s, e = self._pstart[pid], self._pend[pid]
        term_spans: list[list[tuple[int, int]]] = []
        kinds: list[str] = []
        qualities = []
        for ti, mi in enumerate(cand.choice):
            plan = plans[ti]
            m = plan.matchers[mi]
            spans = m.spans(self, s, e)[:MAX_SPANS_PER_TERM]
            if spans and self._pkind[pid] & _MAP_FOLD:
                spans = [sp for sp in spans if self._whole_chars(pid, *sp)]
            if not spans:
                return None
            q = m.quality
            if m.kind == "split":
                lo = min(a for a, _ in spans)
                hi = max(b for _, b in spans)
                need = sum(b - a for a, b in spans)
                q = m.quality_for(need / max(need, hi - lo))
            elif m.kind == "literal":
                if any(self._is_exact(pid, a, b, m.raw) for a, b in spans[:3]):
                    q += 0.03
            qualities.append(q)
            term_spans.append(spans)
            kinds.append(m.kind)
        score = 10.0 * sum(qualities) / len(qualities)
        if len(term_spans) > 1:
            occ = [(a, b, k) for k, sp in enumerate(term_spans) for a, b in sp]
            win = min_window(occ, len(term_spans))
            if win is not None:
                lo, hi, chosen = win
                gap = max(0, (hi - lo) - sum(b - a for a, b in chosen))
                score += 1.0 / (1.0 + gap / 10.0)
        score += self._kind_bonus(pid)
        # A term that also appears in the section heading or document title.
        di = self._pdoc[pid]
        sec = self._psection[pid]
        title, sections = self._heads(di)
        heads = [title]
        if 0 <= sec < len(sections):
            heads.append(sections[sec])
        for plan in plans:
            if any(plan.term.text in h for h in heads if h):
                score += 0.3 / len(plans)
        extra = sum(len(sp) for sp in term_spans) - len(term_spans)
        score += 0.05 * min(4, extra)
        return score, term_spans, plans, kinds

    def _whole_chars(self, pid: int, a: int, b: int) -> bool:
        """The hit covers whole original characters: ".." inside "…" (which
        folds to "...") is not a hit, its original span would show "…"."""
        oa, ob = self._to_doc(pid, a, b)
        orig = self.documents[self._pdoc[pid]].text[oa:ob]
        cache = self._norm_cache
        folded = cache.get(orig)
        if folded is None:
            if len(cache) > 4096:
                cache.clear()
            folded = cache[orig] = normalize(orig)[0]
        return folded == self.text[a:b]

    def _is_exact(self, pid: int, a: int, b: int, raw: str) -> bool:
        """The original characters are exactly what the user typed."""
        oa, ob = self._to_doc(pid, a, b)
        return self.documents[self._pdoc[pid]].text[oa:ob] == raw

    # --------------------------------------------------------------- results
    def _to_doc(self, pid: int, a: int, b: int) -> tuple[int, int]:
        """Map an index span (in ``F``) to document offsets."""
        base = self._pstart[pid]
        oa, ob = span_to_orig(self._map(pid), a - base, b - base)
        off = self._porig[pid]
        return off + oa, off + ob

    def _hit(self, pid: int, score: float, term_spans, plans, mkinds) -> Hit:
        if term_spans is None:  # scored cheaply: compute spans now
            r = self._score(_Cand(pid, _best_choice(self, pid, plans)), plans)
            term_spans, mkinds = (r[1], r[3]) if r is not None else ([], [])
        di = self._pdoc[pid]
        doc = self.documents[di]
        pstart, pend = self._porig[pid], self._porig_end[pid]
        kinds = []
        dspans: list[tuple[int, int]] = []
        per_term_doc: list[list[tuple[int, int]]] = []
        for ti, spans in enumerate(term_spans):
            mapped = [self._to_doc(pid, a, b) for a, b in spans]
            per_term_doc.append(mapped)
            dspans.extend(mapped)
            kinds.append(self._match_kind(plans[ti], mkinds[ti], spans, doc, mapped))
        match = max(kinds, key=MATCH_KINDS.index) if kinds else "folded"
        start, end = pstart, pend
        if pend - pstart > LONG_PASSAGE and dspans:
            start, end = _window(doc.text, pstart, pend, per_term_doc)
        hl = _merge(sorted((a - start, b - start) for a, b in dspans if a >= start and b <= end and a < b))
        sec = self._psection[pid]
        return Hit(
            doc=doc,
            start=start,
            end=end,
            highlights=hl,
            score=score,
            match=match,
            section_index=None if sec < 0 else sec,
        )

    def _match_kind(self, plan: _TermPlan, mkind: str, spans, doc: Document, mapped) -> str:
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


def _max_gain(plans: list[_TermPlan]) -> float:
    """The most ``_score`` can add to ``_cheap_score`` for these plans: the
    quality bonus of a literal (exact) or split (compact) hit, the proximity
    of several terms, the terms in a heading, and repeated hits."""
    adj = 0.0
    for plan in plans:
        for m in plan.matchers:
            if m.kind == "literal":
                adj = max(adj, 0.03)
            elif m.kind == "split":
                adj = max(adj, 0.1)
    return 10.0 * adj + (1.0 if len(plans) > 1 else 0.0) + 0.3 + 0.05 * 4


def _best_choice(idx: SearchIndex, pid: int, plans: list[_TermPlan]) -> list[int]:
    s, e = idx._pstart[pid], idx._pend[pid]
    out = []
    for plan in plans:
        mi = 0
        for i, m in enumerate(plan.matchers):
            if m.search(idx, s, e) is not None and m.accept(idx, s, e):
                mi = i
                break
        out.append(mi)
    return out


def _selectivity(plan: _TermPlan):
    t = plan.term
    # Literal-only and longer terms first: they leave fewer passages.
    return (0 if t.phrase else 1, 0 if t.has_cjk or any(c.isdigit() for c in t.text) else 1, -len(t.text))


def _make_piece(doc: Document) -> tuple[Piece, dict[int, TextMap]]:
    """Fold and normalise one document's passages (the costly part of building)."""
    parts: list[str] = []
    lens, porig, porig_end = array("i"), array("q"), array("q")
    section_a, kind_a = array("i"), array("b")
    maps: dict[int, TextMap] = {}
    doc_fold = _doc_fold(doc)
    for s, e, kind, section in _doc_passages(doc):
        if doc_fold is not None:
            text, tmap = normalize_folded(*fold_slice(doc_fold, s, e))
        else:
            text, tmap = normalize(doc.text[s:e])
        if not text:
            continue
        code = _KIND_CODE.get(kind, 0)
        if tmap is not None:
            maps[len(lens)] = tmap
            code |= _MAP_FOLD if tmap.folded is not None else _MAP_WS
        parts.append(text)
        lens.append(len(text))
        porig.append(s)
        porig_end.append(e)
        kind_a.append(code)
        section_a.append(-1 if section is None else section)
    joined = SEP.join(parts)
    return Piece(joined, lens, porig, porig_end, section_a, kind_a, _signatures(joined, parts)), maps


def _signatures(joined: str, parts: list[str]) -> array:
    """SIG_WORDS words per passage: the bits (char_bit) of its characters."""
    sig = array("Q")
    if not parts:
        return sig
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None and (not joined or max(joined) <= "\uffff"):
        # In slices of the text: one pass over a 75 M-character line (or a
        # million short passages) at once took ~50 bytes per character in
        # temporaries (3.9 GB) and a passages x 512 boolean matrix.
        n = len(parts)
        lens = np.fromiter((len(p) for p in parts), dtype=np.int64, count=n)
        starts = np.zeros(n, dtype=np.int64)
        if n > 1:
            np.cumsum(lens[:-1] + 1, out=starts[1:])
        acc = np.zeros((n, SIG_WORDS), dtype=np.uint64)
        for c0 in range(0, len(joined), SIG_SLICE):
            c1 = min(len(joined), c0 + SIG_SLICE)
            units = np.frombuffer(joined[c0:c1].encode("utf-16-le", "surrogatepass"), dtype="<u2")
            pid = np.searchsorted(starts, np.arange(c0, c1, dtype=np.int64), side="right") - 1
            keep = units != 0x0A  # the separators belong to no passage
            bit = ((units.astype(np.uint64) * np.uint64(2654435761)) >> np.uint64(11)) % np.uint64(64 * SIG_WORDS)
            p0, p1 = int(pid[0]), int(pid[-1]) + 1
            matrix = np.zeros((p1 - p0, 64 * SIG_WORDS), dtype=bool)
            matrix[pid[keep] - p0, bit[keep].astype(np.int64)] = True
            acc[p0:p1] |= np.packbits(matrix, axis=1, bitorder="little").view("<u8")
        sig.frombytes(acc.tobytes())  # native uint64 words, as array("Q") holds them
        return sig
    bits = _CHAR_BITS
    for text in parts:
        v = 0
        for c in set(text):
            b = bits.get(c)
            if b is None:
                b = bits[c] = char_bit(c)
            v |= b
        sig.extend([(v >> shift) & _W for shift in _SHIFTS])
    return sig


_W = (1 << 64) - 1
_SHIFTS = tuple(range(0, 64 * SIG_WORDS, 64))
_CHAR_BITS: dict[str, int] = {}


def char_bit(c: str) -> int:
    """The signature bit of a character (one of 64 * SIG_WORDS): a passage's signature
    has the bits of every character in it, so a term whose bits are not all
    in a passage's signature does not occur in that passage."""
    return 1 << ((ord(c) * 2654435761 >> 11) % (64 * SIG_WORDS))


def _sig_words(needle: str) -> list[int]:
    v = 0
    for c in set(needle):
        v |= char_bit(c)
    return [(v >> shift) & _W for shift in _SHIFTS]


def _same_document(a: Document, b: Document) -> bool:
    """The same parsed document (parsing is deterministic: the same text gives
    the same paragraphs and sections)."""
    return a is b or (a.text == b.text and len(a.paragraphs) == len(b.paragraphs) and len(a.sections) == len(b.sections))


def _doc_fold(doc: Document):
    """The document's whole fold (``Document.folded``, made by parsing), if it
    is usable; passages are then cut from it instead of being folded again."""
    try:
        f = getattr(doc, "folded", None)
    except Exception:  # noqa: BLE001 - fall back to folding passages
        return None
    if f is None or not hasattr(f, "span_to_orig") or getattr(f, "orig_len", -1) != len(doc.text):
        return None
    return f


def _doc_passages(doc: Document):
    """(start, end, kind, section) for each passage of ``doc``, whitespace trimmed."""
    text = doc.text
    if doc.paragraphs:
        items = [(p.start, p.end, p.kind, p.section) for p in doc.paragraphs]
        items.sort(key=lambda x: x[0])
    else:
        items = []
        pos = 0
        for line in text.split("\n"):
            items.append((pos, pos + len(line), "body", None))
            pos += len(line) + 1
    for s, e, kind, section in items:
        s = max(0, min(s, len(text)))
        e = max(s, min(e, len(text)))
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        if section is None and doc.sections:
            section = doc.section_at(s)
        yield s, e, kind, section


_SENTENCE_END = "。!?;!?;\n"


def _window(text: str, pstart: int, pend: int, per_term: list[list[tuple[int, int]]]) -> tuple[int, int]:
    """A window of about WINDOW characters around the best cluster of hits."""
    occ = [(a, b, k) for k, sp in enumerate(per_term) for a, b in sp if sp]
    k = sum(1 for sp in per_term if sp)
    win = min_window(occ, k) if k > 1 else None
    if win is not None:
        lo, hi = win[0], win[1]
    else:
        # Single term: the window holding the most hits.
        spans = sorted((a, b) for a, b, _ in occ)
        best = (0, spans[0][0], spans[0][1])
        j = 0
        for i in range(len(spans)):
            while spans[i][1] - spans[j][0] > WINDOW - 40:
                j += 1
            count = i - j + 1
            if count > best[0]:
                best = (count, spans[j][0], spans[i][1])
        lo, hi = best[1], best[2]
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
    # Snap to sentence boundaries close by.
    if start > pstart:
        cut = max(text.rfind(c, max(pstart, start - 60), lo) for c in _SENTENCE_END)
        if cut >= 0 and cut + 1 <= lo:
            start = cut + 1
    if end < pend:
        cands = [text.find(c, hi, min(pend, end + 60)) for c in _SENTENCE_END]
        cands = [c for c in cands if c >= 0]
        if cands:
            end = min(cands) + 1
    while start < lo and text[start].isspace():
        start += 1
    while end > hi and text[end - 1].isspace():
        end -= 1
    return start, end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
