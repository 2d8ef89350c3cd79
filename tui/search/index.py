"""The search index: documents in, ranked passages out (the ``Index`` protocol).

``SearchIndex(documents)`` indexes in memory; ``SearchIndex.build(documents)``
keeps the index in the user cache dir and writes only new, changed and
removed files again (``engine.py``).  A search:

1. plans the query (``plan.py``): each term's ways to match, and gates;
2. asks tantivy for the candidates and their exact number;
3. verifies and scores the ``POOL`` best candidates in Python (``verify.py``,
   ``rank.py``); later pages follow tantivy's order, verified as they come;
4. folds identical passages of one document into one result with a count;
5. when no passage holds every term of a multi-term query (and each term is
   found somewhere), returns the passages holding the most terms, marked
   partial.

Searches may run in several threads at once, also while a build commits.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from typing import Callable, Iterable

from tui.gcpause import gc_paused
from tui.memory import give_back
from tui.corpus.cache import KINDS
from tui.corpus.model import Document
from tui.search import engine as eng
from tui.search import lang
from tui.search.passages import Passage, doc_fold, passages, searchable
from tui.search.plan import SPLIT_GATE, Planner  # noqa: F401 - SPLIT_GATE is part of the interface
from tui.search.normalize import normalize_text
from tui.search.query import parse_query
from tui.search.rank import WORD_MIN_FREQ
from tui.search.rank import score as rank_score
from tui.search.results import SearchResponse
from tui.search.rows import Rows
from tui.search.verify import TermPlan, View, evaluate
from tui.text import escape_name as safe_name

RANK_ALL = 100  # up to this many candidates, all are verified and ranked by our score
POOL = 32  # beyond: the best candidates by tantivy ranked by our score; later ones keep tantivy's order
PARTIAL_POOL = 500
FIND_BATCH = 2000  # find in document: matching passages fetched in its first engine call
PROGRESS_INTERVAL = 0.05
COMMIT_SECONDS = 1.5  # a first build commits this often, so search sees the documents indexed so far,
COMMIT_GROWTH = 0.5  # ... or, later in a long build, after this share of the time it has taken so far
FIRST_COMMIT_SECONDS = 0.3  # ...the first time this soon: search answers early on what there is
# A build nobody searches while it runs (``yuelan index``, a ``yuelan search``
# that has to index) commits this often only, so that an interrupted one
# keeps most of its work: every commit leaves a segment per indexing thread,
# searched apart ever after (10 MB: 6 segments, 6.2 ms a query; 2, 3.7 ms).
COMMIT_UNWATCHED_SECONDS = 60.0
# Passages' searchable texts (with their pinyin shadows and clusters) kept
# for the next queries: the next keystroke's, a query typed again.  At 256
# a mix of 19 queries evicted most of them before their query came back
# (each query verifies 32-100 candidates); bounded by characters (~2 bytes
# each, and as much again for offset maps and shadows) as well as count.
VIEW_CACHE = 4096
VIEW_CACHE_CHARS = 2_000_000


class BuildCancelled(Exception):
    """``cancelled()`` said so while building."""


class _Cancelled(Exception):
    pass


class SearchIndex:
    """Passage search over a list of documents (see the module docstring).

    After building, ``notices`` holds messages for the user and ``changes``
    says what was done: ``{"reused": [paths], "rebuilt": [paths], "removed": [paths]}``.
    """

    def __init__(
        self,
        documents: Iterable[Document],
        *,
        store: bool = False,
        progress: Callable[[int, int, int, int], object] | None = None,
        cancelled: Callable[[], bool] | None = None,
        previous: "SearchIndex | None" = None,
        searchable: Callable[["SearchIndex"], object] | None = None,
        roots: list[str] | None = None,
        expected: tuple[int, int] | None = None,
    ) -> None:
        """``documents`` may be a list or a stream (an iterator yielding
        documents as they are parsed): each is searchable from the first
        commit after it (``searchable(index)`` says when the first happened).
        ``roots``: the corpus's named paths, which name its kept index (else
        the documents' own paths); ``expected``: (documents, characters) of a
        stream, for progress."""
        self.documents: list[Document] = []
        self.notices: list[str] = []
        self.changes: dict[str, list[str]] = {"reused": [], "rebuilt": [], "removed": []}
        self.readonly = False
        self.store_path: str | None = None
        self._slot: dict[int, int] = {}
        self._doc_index: dict[int, int] = {}
        self._stale: set[int] = set()  # documents whose indexed passages are not theirs (read-only)
        self._stale_q: list = []  # engine queries for their paths, left out of every search (_mark_stale)
        self._views: OrderedDict[tuple[int, int], View] = OrderedDict()
        self._view_chars = 0  # characters of the views kept
        self._heads: dict[int, tuple[str, dict[int, str]]] = {}
        self._lock = threading.Lock()
        self._generation = 0
        if isinstance(documents, (list, tuple)):
            docs: Iterable[Document] = documents
            expected = (len(documents), sum(d.chars for d in documents))
            names = roots or [d.path for d in documents]
        else:
            docs = documents
            names = roots or []
        self.engine = self._open_engine(store and bool(names), previous, names, roots is not None)
        self.planner = Planner(self.engine, self._stale_q)
        with gc_paused():
            self._update(docs, progress, cancelled, searchable, expected)

    @classmethod
    def build(cls, documents, *, store: bool = True, progress=None, cancelled=None, previous=None, searchable=None,
              roots: list[str] | None = None, expected: tuple[int, int] | None = None):
        """The index of ``documents`` (a list or a stream), kept in the user
        cache dir where it can be.

        ``progress(done_docs, total_docs, done_chars, total_chars)`` is called
        at most about 20 times a second and once at the end; ``cancelled()``
        is polled between documents (``BuildCancelled``: what was committed
        stays consistent).  ``previous``: the index being replaced (a reload):
        its engine is taken over and only what changed is written.
        ``searchable(index)`` is called after the first commit of a long
        build: the index answers on what is indexed so far."""
        return cls(documents, store=store, progress=progress, cancelled=cancelled, previous=previous,
                   searchable=searchable, roots=roots, expected=expected)

    @classmethod
    def open(cls, paths: list[str] | None = None, encoding: str | None = None, *, progress=None, cancelled=None):
        """Load the corpus at ``paths`` (through the document cache) and its
        index: the whole reopen path in one call (``index.corpus``)."""
        from tui.corpus import load_corpus

        corpus = load_corpus(paths, encoding=encoding, cache=True)
        index = cls.build(corpus.documents, progress=progress, cancelled=cancelled, roots=paths or None)
        index.corpus = corpus
        return index

    # ------------------------------------------------------------ building
    def _open_engine(self, store: bool, previous, names: list[str], are_roots: bool) -> eng.Engine:
        path = eng.index_dir(names, are_roots) if store else None
        if store and path is None and not os.environ.get("YUELAN_NO_CACHE"):
            self.notices.append("no writable cache directory: the search index is built every time")
        self.store_path = path
        if previous is not None and getattr(previous, "engine", None) is not None and previous.engine.path == path:
            self._indexed = dict(previous._indexed)
            self.readonly = previous.readonly
            return previous.engine
        self._indexed: dict[str, str] = {}
        if path is None:
            return eng.Engine(None)
        existed = os.path.lexists(path)
        if existed:
            if os.path.isdir(path) and not os.path.islink(path):
                manifest, why = eng.load_manifest(path)
            else:
                manifest, why = None, eng.NO_MANIFEST
            engine = None
            if manifest is not None:
                try:
                    engine = eng.Engine(path)
                    engine.num_docs()
                except eng.EngineError as exc:
                    engine = None
                    manifest = None
                    why = str(exc)
            if engine is not None:
                self._indexed = dict(manifest["docs"])
                return engine
            self.notices.append(f"the search index was unusable ({why}); rebuilding it")
            eng.set_aside(path)
        try:
            return self._create(path)
        except (OSError, eng.EngineError) as exc:
            self.notices.append(f"the search index cannot be kept ({exc}); it is built in memory")
            self.store_path = None
            return eng.Engine(None)

    def _create(self, path: str) -> eng.Engine:
        """A new, empty index at ``path``, made aside and moved into place
        whole, so that another process never sees it half made."""
        import tempfile

        tmp = tempfile.mkdtemp(prefix=".new-", dir=os.path.dirname(path))
        try:
            eng.Engine(tmp)
            eng.write_manifest(tmp, {})
            os.rename(tmp, path)
        except OSError:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            if not os.path.isdir(path) or eng.read_manifest(path) is None:
                raise
            # Another process made it first: use theirs.
            self._indexed = dict(eng.read_manifest(path)["docs"])
        return eng.Engine(path)

    def _writable(self) -> bool:
        """Take the writer (its lock) for the first change; False when
        another process holds it (this index is then read-only)."""
        if self.readonly:
            return False
        if self.engine.writing:
            return True
        try:
            self.engine.writer()
        except eng.EngineError:
            self.readonly = True
            self.notices.append("another yuelan is updating this corpus's search index: it is searched read-only")
            return False
        if self.store_path:
            # Another process may have written between our look and the lock.
            self.engine.reload()
            m = eng.read_manifest(self.store_path)
            self._indexed = dict(m["docs"]) if m else {}
        return True

    def _mark_stale(self, di: int) -> None:
        """Document ``di``'s indexed passages are not its own (a read-only
        index: changed since the other process indexed it; or the engine
        refused it).  Every search leaves its path out: its passages would
        all fail verification, yet count in the total."""
        self._stale.add(di)
        try:
            self._stale_q.append(self.engine.in_path(self.documents[di].path))
        except eng.EngineError:
            pass  # its passages are still left out by verification

    def _add(self, doc: Document) -> int:
        with self._lock:
            di = len(self.documents)
            self.documents.append(doc)
            self._doc_index[id(doc)] = di
            self._slot.setdefault(eng.slot_of(doc.path), di)
        return di

    def _update(self, docs, progress, cancelled, searchable, expected) -> None:
        engine = self.engine
        total, total_bytes = expected or (0, 0)
        done_bytes = 0
        started = last = last_commit = time.monotonic()
        dirty = False
        announced = False
        seen: set[str] = set()
        n = 0
        try:
            for doc in docs:
                if cancelled is not None and cancelled():
                    raise BuildCancelled
                di = self._add(doc)
                n += 1
                seen.add(doc.path)
                fp = eng.fingerprint(doc)
                if self._indexed.get(doc.path) == fp:
                    self.changes["reused"].append(doc.path)
                elif self._writable() and self._indexed.get(doc.path) != fp:
                    engine.delete(doc.path)  # its old passages, or what an interrupted writer left
                    self._indexed.pop(doc.path, None)
                    dirty = True
                    try:
                        engine.add(doc.path, eng.slot_of(doc.path), self._index_rows(di))
                    except eng.EngineError as exc:
                        # One file the engine refuses is not searchable; the others are.
                        self._mark_stale(di)
                        self.notices.append(f"{safe_name(doc.path)} could not be indexed ({exc})")
                        continue
                    self._indexed[doc.path] = fp
                    self.changes["rebuilt"].append(doc.path)
                    # The corpus is not held twice over: verification folds
                    # the few passages it reads on its own, and a document
                    # the cache holds reads its text again when next used.
                    doc.drop_fold()
                    doc.release_text()
                elif self.readonly:
                    self._mark_stale(di)
                else:
                    self.changes["reused"].append(doc.path)  # another process indexed it meanwhile
                done_bytes += doc.chars
                now = time.monotonic()
                if progress is not None and now - last >= PROGRESS_INTERVAL:
                    last = now
                    progress(n, max(n, total), done_bytes, max(done_bytes, total_bytes))
                # Each commit waits for tantivy to write a segment, and every
                # segment is merged again later: a 100 MB build that
                # committed every 1.5 s made 61 of them.  The interval grows
                # with the build, so a long one commits a few times only.
                if searchable is None:
                    every = COMMIT_UNWATCHED_SECONDS
                elif self._generation:
                    every = max(COMMIT_SECONDS, COMMIT_GROWTH * (now - started))
                else:
                    every = min(COMMIT_SECONDS, FIRST_COMMIT_SECONDS)
                if dirty and now - last_commit >= every:
                    self._commit()
                    dirty = False
                    last_commit = time.monotonic()
                    if searchable is not None and not announced:
                        announced = True
                        searchable(self)
            removed = sorted(p for p in self._indexed if p not in seen)
            if removed and self._writable():
                for p in removed:
                    engine.delete(p)
                    self._indexed.pop(p, None)
                dirty = True
                self.changes["removed"] = removed
            if progress is not None:
                progress(n, n, done_bytes, done_bytes)
            if dirty:
                self._commit()
        except BuildCancelled:
            self._rollback()
            raise
        except eng.EngineError as exc:
            self._rollback()
            self.notices.append(f"the search index could not be updated ({exc})")
        if self._stale and self.readonly:
            self.notices.append(f"{len(self._stale)} changed file(s) are not searchable until the other yuelan has indexed them")

    def _commit(self) -> None:
        self.engine.commit()
        self._generation += 1
        # What the documents just written needed (passages, field texts, the
        # engine's copies) is freed now: hand it back to the system rather
        # than hold it for the rest of the session (tui/memory.py).
        give_back()
        if self.store_path:
            try:
                eng.write_manifest(self.store_path, self._indexed)
            except OSError as exc:
                self.notices.append(f"the search index's manifest could not be written ({exc})")

    def _rollback(self) -> None:
        # What was committed is in the manifest; what was not is dropped.
        try:
            w = self.engine._writer
            if w is not None:
                eng.guard(w.rollback)
        except eng.EngineError:
            pass
        if self.store_path:
            m = eng.read_manifest(self.store_path)
            self._indexed = dict(m["docs"]) if m else {}

    def _index_rows(self, di: int):
        doc = self.documents[di]
        ps = passages(doc)  # not kept: verification makes them again for the few documents it reads
        f = doc_fold(doc)
        code = eng.KIND_CODE
        for p in ps:
            if p.ordinal > eng.MAX_ORD:
                break
            text, _ = searchable(doc, p, f)
            if text:
                yield p.ordinal, code.get(p.kind, 0), text, p.start, p.end, p.section

    def settle(self) -> None:
        """Wait for tantivy to merge the segments a build wrote, and release
        the writer.  A process that exits right after building (the CLI)
        would otherwise leave the index in many small segments (17 at
        100 MB): bigger on disk, and every search pays per segment.  The app
        need not call it: its writer merges in the background while it runs."""
        try:
            self.engine.settle()
        except eng.EngineError as exc:
            self.notices.append(f"the search index could not be merged ({exc}); it works, a little slower")

    def close(self) -> None:
        """Release the writer lock (another process may then update the index)."""
        self.engine.close_writer()

    # ------------------------------------------------------------ sizes
    @property
    def passages(self) -> int:
        return eng.guard(lambda: self.engine.num_docs())

    def __len__(self) -> int:
        return len(self.documents)

    # ------------------------------------------------------------ warm
    def warm(self, wait: bool = True) -> threading.Thread | None:
        """Load jieba and the pinyin tables now instead of on the first query
        that needs them; ``wait=False`` does it in a daemon thread."""
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
        lang.pinyin()
        lang.common_words(WORD_MIN_FREQ)
        lang.tokenizer()
        import rapidfuzz.distance.Levenshtein  # noqa: F401

    # ------------------------------------------------------------ search
    def search(self, query: str, limit: int = 20, *, offset: int = 0,
               cancelled: Callable[[], bool] | None = None) -> SearchResponse:
        """Results ``offset .. offset+limit`` (``limit=0``: all of them) and
        the exact number of matching passages; never raises."""
        t0 = time.perf_counter()
        lang.reset_thread_load()
        try:
            offset = max(0, int(offset))
        except (TypeError, ValueError):
            offset = 0
        resp = SearchResponse(query=query if isinstance(query, str) else str(query), offset=offset)
        try:
            limit = max(0, int(limit))
        except (TypeError, ValueError):
            limit = 20
        try:
            self._search(resp, limit, offset, cancelled)
        except _Cancelled:
            resp.results, resp.total, resp.error = [], 0, "cancelled"
        except eng.EngineError as exc:
            resp.results, resp.total, resp.error = [], 0, f"search engine failed: {exc}"
        except Exception as exc:  # noqa: BLE001 - never raise on user input
            resp.results, resp.total, resp.error = [], 0, f"search failed: {type(exc).__name__}: {exc}"
        load = lang.thread_load()
        resp.load_ms = load * 1000.0
        resp.elapsed_ms = max(0.0, time.perf_counter() - t0 - load) * 1000.0
        return resp

    def _search(self, resp: SearchResponse, limit: int, offset: int, cancelled) -> None:
        q = parse_query(resp.query)
        if not q.terms:
            return
        if not q.positive:
            resp.error = "the query only excludes terms; add a term to search for"
            return
        e = self.engine
        searcher = e.searcher()
        gen = self._generation
        if cancelled is not None and cancelled():
            raise _Cancelled
        interps = self.planner.interpretations(q)
        # With one reading of the query, a term's typos wait on the query's
        # own count (Planner.settle) instead of a count of their own.
        assumed: list | None = [] if len(interps) == 1 else None
        for plans in interps:
            self.planner.gate(plans, searcher, gen, assumed)
        neg = [self.planner.exclusion(t) for t in q.negative] + self._stale_q
        negm = self.planner.exclusion_matchers(q.negative)

        def whole_query():
            return e.any_of([e.all_of([self.planner.term_query(p) for p in plans], neg) for plans in interps])

        full = whole_query()
        want = None if limit == 0 else offset + limit
        # Up to RANK_ALL candidates, every one is verified and ranked by our
        # score; decided by the query alone (never by the page), so pages
        # follow each other.  One engine call gives the count and those hits.
        # Every way of matching has exact candidates (words apart: nearly,
        # through a sloppy phrase), so beyond that the count is tantivy's.
        count, top = e.top(full, RANK_ALL, 0, searcher, located=True)
        if assumed and self.planner.settle(assumed, count, searcher, gen):
            before = [list(p.active) for plans in interps for p in plans]
            for plans in interps:
                self.planner.gate(plans, searcher, gen)
            if [p.active for plans in interps for p in plans] != before:  # a term found nowhere: its typos
                full = whole_query()
                count, top = e.top(full, RANK_ALL, 0, searcher, located=True)
        if count == 0 and len(q.positive) >= 2 and len(interps) == 1:
            self._partial(resp, interps[0], neg, negm, searcher, offset, want, cancelled)
            return
        verify_all = count <= RANK_ALL
        rows = self._rank(full, count, top, interps, negm, searcher, want, verify_all, cancelled)
        # A search that verified every candidate (all of them ranked, or a
        # page that needed them all: ``exhausted`` either way) knows the
        # exact total; else the count.
        resp.total = len(rows.verified) if rows.exhausted else count
        resp.results = rows.page(offset, want)
        resp.more = rows.more(offset, want)

    # ------------------------------------------------------------ ranking
    def _rank(self, query, count, top, interps, negm, searcher, want, verify_all, cancelled):
        rows = Rows(self.documents)
        pool = count if verify_all else min(count, POOL)
        scored = self._verify_many(top[:pool], interps, negm, cancelled)
        scored.sort(key=lambda r: (-round(r[0], 6), r[1], r[2].ordinal))
        rows.extend(scored)
        fetched = len(top)  # located hits in hand (RANK_ALL at most)
        pending = top[pool:]  # ... not verified yet
        # Later pages: tantivy's order, verified as they come, as many at a
        # time as the page still needs (POOL at least).  What is asked of
        # the engine grows: each call at least as much as all fetched
        # before it.  When most candidates fail verification ("..", which
        # "…" folds to, in every passage with an ellipsis), calls of POOL
        # each ranked every candidate before them again: quadratic (a
        # read-only index searched while another process built it, before
        # _mark_stale, spun for 22 minutes at 100 MB).
        while not verify_all and (want is None or len(rows.rows) < want + 1):
            if not pending:
                if fetched >= count:
                    break
                batch = max(POOL, (want or count) - len(rows.rows) + 1, fetched)
                _, pending = self.engine.top(query, batch, fetched, searcher, located=True)
                if not pending:
                    break
                fetched += len(pending)
            step = len(pending) if want is None else max(POOL, want - len(rows.rows) + 1)
            chunk, pending = pending[:step], pending[step:]
            rows.extend(self._verify_many(chunk, interps, negm, cancelled))
        rows.exhausted = fetched >= count and not pending
        return rows

    def _verify_many(self, hits, interps, negm, cancelled, partial: bool = False) -> list:
        """``_verify`` for each located hit of ``hits`` (``Engine.top``), in
        order; the ones that do not match are left out."""
        out = []
        for k, hit in enumerate(hits):
            if k & 63 == 63 and cancelled is not None and cancelled():
                raise _Cancelled
            r = self._verify(hit, interps, negm, partial)
            if r is not None:
                out.append(r)
        return out

    def _verify(self, hit, interps: list[list[TermPlan]], negm, partial: bool = False, every: bool = False):
        """(score, doc index, passage, view, plans, match) or None, for a
        located hit (score, pkey, start, end, kind code, section); ``every``:
        the spans of every close way of matching (``verify.term_match``)."""
        _, pkey, start, end, kind, section = hit
        di = self._slot.get(pkey >> eng.ORD_BITS)
        if di is None or di in self._stale:
            return None
        doc = self.documents[di]
        if not 0 <= start < end <= doc.chars:
            return None
        p = Passage(pkey & eng.MAX_ORD, start, end, KINDS[kind], section)
        view = self._view(di, p)
        best = None
        for plans in interps:
            m = evaluate(view, plans, doc.text, p.start, partial=partial, every=every)
            if m is None:
                continue
            if partial and sum(1 for s in m.spans if s) < math.ceil(len(plans) / 2):
                continue
            heads = self._heads_of(di, p)
            present = [i for i, s in enumerate(m.spans) if s]
            in_heads = sum(1 for i in present if any(plans[i].term.text in h for h in heads if h))
            s = rank_score([m.qualities[i] for i in present], [m.spans[i] for i in present], p.kind, in_heads)
            if best is None or s > best[0]:
                best = (s, di, p, view, plans, m)
        if best is None:
            return None
        if negm:
            n = len(view.text)
            if any(m.spans(view, 0, n) and m.accept(view, 0, n) for m in negm):
                return None
        return best

    def _view(self, di: int, p: Passage) -> View:
        key = (di, p.ordinal)
        with self._lock:
            v = self._views.get(key)
            if v is not None:
                self._views.move_to_end(key)
                return v
        text, tmap = searchable(self.documents[di], p)
        v = View(text, tmap)
        with self._lock:
            old = self._views.get(key)  # another thread made it meanwhile
            if old is not None:
                return old
            self._views[key] = v
            self._view_chars += len(text)
            while len(self._views) > VIEW_CACHE or (self._view_chars > VIEW_CACHE_CHARS and len(self._views) > 1):
                _, gone = self._views.popitem(last=False)
                self._view_chars -= len(gone.text)
        return v

    def _heads_of(self, di: int, p: Passage) -> list[str]:
        """The normalised title of the passage's document and heading of its
        section, each normalised when first needed (a document can have
        thousands of sections; normalising them all cost 6 ms for one hit)."""
        h = self._heads.get(di)
        doc = self.documents[di]
        if h is None:
            h = self._heads[di] = (normalize_text(doc.title or ""), {})
        title, sections = h
        out = [title]
        si = p.section
        if si is not None and 0 <= si < len(doc.sections):
            head = sections.get(si)
            if head is None:
                head = sections[si] = normalize_text(doc.sections[si].title)
            out.append(head)
        return out

    # ------------------------------------------------------------ partial
    def _partial(self, resp, plans, neg, negm, searcher, offset, want, cancelled) -> None:
        e = self.engine
        term_qs = [self.planner.term_query(p) for p in plans]
        if any(self.planner.count(tq, searcher) == 0 for tq in term_qs):
            return  # a term found nowhere: a typo or nonsense, not a partial match
        need = math.ceil(len(plans) / 2)
        query = e.all_of([], neg, [(eng.Occur.Should, tq) for tq in term_qs], at_least=need)
        count, top = e.top(query, PARTIAL_POOL, 0, searcher, located=True)
        scored = self._verify_many(top, [plans], negm, cancelled, partial=True)
        scored.sort(key=lambda r: (-sum(1 for s in r[5].spans if s), -round(r[0], 6), r[1], r[2].ordinal))
        rows = Rows(self.documents)
        rows.extend(scored)
        rows.exhausted = True
        resp.total = len(rows.verified) if count <= PARTIAL_POOL else count
        resp.results = rows.page(offset, want)
        resp.more = rows.more(offset, want)

    # ------------------------------------------------------------ find
    def find_in_document(self, doc: Document, query: str, *,
                         cancelled: Callable[[], bool] | None = None) -> list[tuple[int, int]]:
        """Every hit of ``query`` in ``doc.text`` (document offsets, sorted):
        the passages that match the whole query, as ``search`` finds them.
        ``cancelled()`` is polled as passages are verified (the app's count
        of hits per result document must not hold up the next keystroke's
        search); once true, what was found so far is returned."""
        try:
            di = self._doc_index.get(id(doc))
            if di is None or di in self._stale:
                return SearchIndex([doc]).find_in_document(doc, query, cancelled=cancelled)
            q = parse_query(query)
            if not q.positive:
                return []
            e = self.engine
            searcher = e.searcher()
            interps = self.planner.interpretations(q)
            for plans in interps:
                self.planner.gate(plans, searcher, self._generation)
            neg = [self.planner.exclusion(t) for t in q.negative]
            negm = self.planner.exclusion_matchers(q.negative)
            inside = e.in_path(doc.path)
            full = e.any_of([e.all_of([inside] + [self.planner.term_query(p) for p in plans], neg) for plans in interps])
            # One engine call for the usual document; a second one only for
            # a document with more matching passages than that.
            count, top = e.top(full, FIND_BATCH, 0, searcher, located=True)
            if count > len(top):
                _, more = e.top(full, count - len(top), len(top), searcher, located=True)
                top += more
            spans: set[tuple[int, int]] = set()
            from tui.search.verify import doc_spans

            for k, hit in enumerate(top):
                if k & 31 == 31 and cancelled is not None and cancelled():
                    break
                if self._slot.get(hit[1] >> eng.ORD_BITS) != di:
                    continue
                r = self._verify(hit, interps, negm, every=True)
                if r is None:
                    continue
                _, _, p, view, _, m = r
                for sp in m.spans:
                    spans.update(doc_spans(view, p, sp))
            from tui.search.verify import merge

            return merge(sorted(spans))
        except Exception:  # noqa: BLE001 - never raise on user input
            return []

