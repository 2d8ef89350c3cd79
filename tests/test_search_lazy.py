"""Language resources stay off the critical path: a query loads only what it
needs, ``warm(wait=False)`` warms in the background, and the fast pinyin
shadow is the same as the plain one."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SEEDS
from tui.search import SearchIndex, lang


def _fresh(code: str) -> dict:
    script = "import sys, json\nsys.path.insert(0, sys.argv[1])\n" + textwrap.dedent(code)
    r = subprocess.run([sys.executable, "-c", script, str(ROOT), str(SEEDS)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_literal_queries_load_neither_jieba_nor_pinyin(tmp_path, monkeypatch):
    # Indexing needs pypinyin's readings; a process that opens the kept
    # index (as every start after the first does) and searches literally
    # loads neither.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build = """
        from tui.corpus import load_corpus
        from tui.search import SearchIndex
        index = SearchIndex.build(load_corpus([sys.argv[2]]).documents)
        print(json.dumps({"rebuilt": len(index.changes["rebuilt"])}))
        """
    assert _fresh(build)["rebuilt"] == 5
    out = _fresh(
        """
        from tui.corpus import load_corpus
        from tui.search import SearchIndex
        index = SearchIndex.build(load_corpus([sys.argv[2]]).documents)
        assert not index.changes["rebuilt"], index.changes
        totals = [index.search(q).total for q in ("工会", "律师", "工會", "总工会", "工会 律师", "工会 -律师")]
        print(json.dumps({"totals": totals, "mods": sorted(m for m in sys.modules if m.split(".")[0] in ("jieba", "pypinyin")),
                          "metadata": "importlib.metadata" in sys.modules}))
        """
    )
    assert all(out["totals"]) and out["totals"][2] == out["totals"][0]
    assert out["mods"] == []
    assert out["metadata"] is False  # 40 ms of a fresh search's imports (engine._package_version)


def test_package_versions_read_without_package_metadata():
    from importlib.metadata import version

    from tui.search.engine import _package_version

    for name in ("pypinyin", "tantivy", "jieba", "rapidfuzz"):
        assert _package_version(name) == version(name)
    assert _package_version("no_such_package_here") == ""


def test_rare_phrase_still_split_into_words():
    """Laziness must not change results: a rare phrase is still cut into
    words (jieba loaded on demand) and finds the words apart."""
    out = _fresh(
        """
        from tui.corpus import load_corpus
        from tui.search import SearchIndex
        index = SearchIndex(load_corpus([sys.argv[2]]).documents)
        before = "jieba" in sys.modules
        r = index.search("外卖行业工会")
        print(json.dumps({"before": before, "after": "jieba" in sys.modules, "total": r.total,
                          "kinds": sorted({h.match for h in r.results})}))
        """
    )
    assert out["before"] is False and out["after"] is True
    assert out["total"] > 0


def test_background_warm_returns_at_once_and_searches_meanwhile(seed_corpus):
    docs = seed_corpus.documents
    ref = SearchIndex(docs)
    ref.warm()
    expected = {q: [(h.doc.id, h.start, h.highlights) for h in ref.search(q).results] for q in ("工会", "xlgw", "心灵港弯", "外卖行业工会")}
    index = SearchIndex(docs)
    t = time.perf_counter()
    thread = index.warm(wait=False)
    assert time.perf_counter() - t < 0.5
    assert thread is not None
    for q, hits in expected.items():  # while warming: the same answers
        assert [(h.doc.id, h.start, h.highlights) for h in index.search(q).results] == hits, q
    thread.join(120)
    assert not thread.is_alive()
    assert "pinyin" in lang._loaded and "jieba" in lang._loaded  # both built by the warm-up


def _seed_index(corpus):
    if "i" not in _INDEX:
        _INDEX["i"] = SearchIndex(corpus.documents)
    return _INDEX["i"]


_INDEX = {}


def _holding(index, pred):
    """(doc index, ordinal) of every passage whose searchable text satisfies ``pred``."""
    from tui.search.passages import passages, searchable

    out = set()
    for di, doc in enumerate(index.documents):
        for p in passages(doc):
            if pred(searchable(doc, p)[0]):
                out.add((di, p.ordinal))
    return out


def _candidates(index, query):
    from tui.search.engine import MAX_ORD, ORD_BITS

    count = index.engine.count(query)
    _, top = index.engine.top(query, count)
    assert len(top) == count
    return {(index._slot[k >> ORD_BITS], k & MAX_ORD) for _, k in top}


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_engine_literal_candidates_are_exactly_the_passages_holding_it(seed_corpus, data):
    """The bigram phrase is exact substring matching: the engine's
    candidates for a literal are exactly the passages that hold it."""
    from tui.search.passages import passages, searchable

    index = _seed_index(seed_corpus)
    doc = data.draw(st.sampled_from(index.documents))
    ps = passages(doc)
    p = data.draw(st.sampled_from(ps))
    text = searchable(doc, p)[0]
    start = data.draw(st.integers(0, max(0, len(text) - 1)))
    needle = text[start : start + data.draw(st.integers(1, 8))]
    if data.draw(st.booleans()):
        needle = needle[::-1]  # often found nowhere
    if not needle:
        return
    assert _candidates(index, index.engine.literal(needle)) == _holding(index, lambda t: needle in t), needle


def _draw_term(index, data, shortest: int) -> str | None:
    """A stretch of 3 to 8 characters of a passage's searchable text (None
    when the passage drawn is shorter than ``shortest``)."""
    from tui.search.passages import passages, searchable

    doc = data.draw(st.sampled_from(index.documents))
    p = data.draw(st.sampled_from(passages(doc)))
    text = searchable(doc, p)[0]
    if len(text) < shortest:
        return None
    start = data.draw(st.integers(0, len(text) - 3))
    return text[start : start + data.draw(st.integers(3, 8))]


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_typo_candidates_never_miss_a_passage(seed_corpus, data):
    """A one-edit occurrence of a term holds one half of it unchanged: the
    engine's typo candidates include every passage where the typo matcher
    matches."""
    from tui.search.matchers import Fuzzy

    index = _seed_index(seed_corpus)
    term = _draw_term(index, data, shortest=4)
    if term is None or len(term) < 3:
        return
    edit = data.draw(st.integers(0, 2))
    k = data.draw(st.integers(0, len(term) - 1))
    if edit == 0:
        term = term[:k] + term[k + 1 :]  # a deletion typed
    elif edit == 1:
        term = term[:k] + "龘" + term[k + 1 :]  # a substitution
    if len(term) < 3:
        return
    m = Fuzzy(term)
    expected = _holding(index, lambda t: m.pattern.search(t) is not None)
    assert expected <= _candidates(index, index.planner.query(m)), term


def _typo_variants(term: str):
    """The variants ``Engine.typos`` looks for, as a regex: one character
    missing anywhere, or one wrong or extra between the two ends."""
    import re

    e = re.escape
    n = len(term)
    alts = [e(term[:i] + term[i + 1 :]) for i in range(n)]
    alts += [e(term[:i]) + "." + e(term[i + 1 :]) for i in range(1, n)]
    alts += [e(term[:i]) + "." + e(term[i:]) for i in range(1, n)]
    return re.compile("|".join(alts), re.S)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_typo_candidates_are_exactly_the_variants_occurrences(seed_corpus, data):
    """Every known character of a typo variant is pinned at its place (by a
    bigram, or beside the unknown one by itself): the candidates are the
    passages holding a variant, no more."""
    index = _seed_index(seed_corpus)
    term = _draw_term(index, data, shortest=3)
    if term is None:
        return
    k = data.draw(st.integers(0, len(term) - 1))
    edit = data.draw(st.integers(0, 3))
    if edit == 1:
        term = term[:k] + "龘" + term[k + 1 :]
    elif edit == 2:
        term = term[:k] + "龘" + term[k:]
    elif edit == 3:
        term = term[::-1]
    if len(term) < 3:
        return
    pattern = _typo_variants(term)
    expected = _holding(index, lambda t: pattern.search(t) is not None)
    assert _candidates(index, index.engine.typos(term)) == expected, term


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_pinyin_candidates_are_exactly_the_runs_read_that_way(seed_corpus, data):
    """Pinyin typed in any mix of forms (a character as a whole syllable, as
    its initial letter, or as the first letters of a syllable) is one
    phrase over syllables and pairs of initials: the engine's candidates
    are exactly the passages holding a run of characters read that way."""
    tables = lang.pinyin()
    index = _seed_index(seed_corpus)
    run = _draw_term(index, data, shortest=3)
    if run is None:
        return

    def readings(c: str) -> list[str]:  # as the index spells them
        return [r for r in tables.readings.get(c, ()) if r.isascii() and r.isalpha()]

    run = run[: data.draw(st.integers(2, len(run)))]
    if not all(readings(c) for c in run):
        return
    pieces, prefix = [], []
    for c in run:
        r = data.draw(st.sampled_from(readings(c)))
        form = data.draw(st.sampled_from(("whole", "initial", "start")))
        if form == "whole":
            pieces.append(r)
            prefix.append(False)
        else:
            cut = 1 if form == "initial" or len(r) == 1 else data.draw(st.integers(2, len(r)))
            pieces.append(r[:cut])
            prefix.append(True)

    def fits(c: str, piece: str, pre: bool) -> bool:
        return any(r.startswith(piece) if pre else r == piece for r in readings(c))

    def holds(text: str) -> bool:
        n = len(pieces)
        return any(all(fits(text[i + j], pieces[j], prefix[j]) for j in range(n)) for i in range(len(text) - n + 1))

    query = index.engine.pinyin(tuple(pieces), tuple(prefix))
    assert _candidates(index, query) == _holding(index, holds), (run, pieces, prefix)


def test_pinyin_tables_come_from_the_readings_alone():
    """The readings are read from pypinyin's data file: importing the
    package would load its phrase dictionary too (37 MB kept for nothing)."""
    out = _fresh(
        """
        from tui.search import lang
        t = lang.pinyin()
        print(json.dumps({"hang": list(t.readings["行"]), "zhong": list(t.readings["中"]),
                          "mods": sorted(m for m in sys.modules if m.split(".")[0] == "pypinyin")}))
        """
    )
    assert {"xing", "hang"} <= set(out["hang"]) and "zhong" in out["zhong"]
    assert out["mods"] == []


def test_pinyin_search_ranks_dictionary_words_without_loading_jieba(tmp_path, monkeypatch):
    """The common words (ranking: 港澳 before 敢告) are read from jieba's
    dictionary file, the same set as jieba's own FREQ, without loading
    jieba: a pinyin search typed right after start-up waited 1-2 s for it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    code = """
        from tui.corpus import load_corpus
        from tui.search import SearchIndex, lang
        from tui.search.rank import WORD_MIN_FREQ
        index = SearchIndex(load_corpus([sys.argv[2]]).documents)
        top = index.search("xinlinggangwan").results[0].passage
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "jieba")
        words = lang.common_words(WORD_MIN_FREQ)
        freq = lang.tokenizer().FREQ
        same = words == frozenset(w for w, n in freq.items() if n >= WORD_MIN_FREQ and len(w) >= 2)
        print(json.dumps({"top": top, "jieba": loaded, "same": same, "n": len(words), "港澳": "港澳" in words}))
        """
    first = _fresh(code)
    again = _fresh(code)  # from the kept list this time
    for out in (first, again):
        assert "心灵港湾" in out["top"] and out["jieba"] == []
        assert out["same"] and out["n"] > 10_000 and out["港澳"]


def test_pinyin_search_does_not_wait_for_jieba_loading_elsewhere(tmp_path, monkeypatch):
    """The app warms jieba in the background right after start-up; a pinyin
    search typed meanwhile must not wait for it (it waited 1-2 s on a
    shared lock).  jieba's loading is held until the search has answered."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = _fresh(
        """
        import threading
        import jieba
        from tui.corpus import load_corpus
        from tui.search import SearchIndex, lang
        held, release = threading.Event(), threading.Event()
        real = lang._build_tokenizer  # jieba's loading, under its lock
        def build():
            held.set()
            release.wait(60)
            return real()
        lang._build_tokenizer = build
        index = SearchIndex(load_corpus([sys.argv[2]]).documents)
        warm = index.warm(wait=False)
        assert held.wait(60)
        resp = index.search("xlgw")
        answered_while_held = not release.is_set() and warm.is_alive()
        release.set()
        warm.join(60)
        print(json.dumps({"total": resp.total, "error": resp.error, "answered": answered_while_held}))
        """
    )
    assert out["answered"] and out["total"] > 0 and out["error"] is None


def test_a_term_found_as_typed_costs_no_count_of_its_own(seed_corpus):
    """Whether a term's typos are searched hangs on the term being found
    nowhere as typed.  That used to be a count of its own before the
    query's search, the same passages searched twice for every new term;
    now the query's own count tells, and a term typed as its own characters
    shares the count its words-apart gate makes anyway."""
    index = SearchIndex(seed_corpus.documents)
    calls: list[str] = []
    for name in ("count", "top"):
        original = getattr(index.engine, name)

        def recorded(*a, _original=original, _name=name, **k):
            calls.append(_name)
            return _original(*a, **k)

        setattr(index.engine, name, recorded)

    def engine_calls(query: str):
        calls.clear()
        resp = index.search(query, limit=20)
        assert resp.error is None, resp.error
        return resp, list(calls)

    # Full pinyin of six letters or more (its typos wait), and three
    # characters (typos, no words apart): one search each.
    for query in ("gonghui", "总工会"):
        resp, made = engine_calls(query)
        assert resp.total > 0 and made == ["top"], (query, made)
    # Four characters: the phrase is counted once, for both gates.
    resp, made = engine_calls("工会改革")
    assert resp.total > 0 and made == ["count", "top"], made
    # Found nowhere as typed: counted, then searched with its typos.
    resp, made = engine_calls("gonhui")
    assert made == ["top", "count", "top"], made
    assert resp.total > 0 and {h.match for h in resp.results} == {"fuzzy"}
    resp, made = engine_calls("工会改格")
    assert resp.total > 0 and "fuzzy" in {h.match for h in resp.results}
    # Asked again, nothing is counted.
    for query in ("gonghui", "总工会", "工会改革"):
        assert engine_calls(query)[1] == ["top"], query


def test_a_last_syllable_that_cannot_grow_is_not_also_searched_as_growing():
    """``zhigong`` read with its last syllable still being typed matches
    exactly what ``zhi gong`` does (no reading starts with "gong" but gong),
    and was a second phrase over every match in the engine.  A syllable that
    can grow (``ji``: jia, jian, jing...) keeps its growing reading."""
    from tui.search.matchers import Pinyin
    from tui.search.plan import pinyin_matchers

    def readings(word):
        return {(m.pieces, m.prefix) for m in pinyin_matchers(word) if isinstance(m, Pinyin)}

    assert readings("zhigong") == {(("zhi", "gong"), (False, False))}
    assert readings("gonghui") == {(("gong", "hui"), (False, False))}
    assert {(("jing", "ji"), (False, False)), (("jing", "ji"), (False, True))} <= readings("jingji")
    assert (("xiang", "cun", "zhen", "xi"), (False, False, False, True)) in readings("xiangcunzhenxi")


def test_jieba_dictionary_kept_in_pieces_loads_as_jieba_builds_it(tmp_path, monkeypatch):
    """jieba's prefix dictionary is kept in pieces (one marshalled dict of
    500 000 entries held the GIL for 0.4-1 s while the app warmed it in the
    background).  Loaded from the pieces it is jieba's own, entry for entry,
    and it segments the same; a damaged file is rebuilt, never trusted."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("YUELAN_NO_CACHE", raising=False)
    code = """
        import glob, marshal, os
        import jieba
        from tui.search import lang
        tok = lang.tokenizer()
        ref = jieba.Tokenizer()
        freq, total = ref.gen_pfdict(ref.get_dict_file())
        files = glob.glob(os.path.join(os.environ["XDG_CACHE_HOME"], "yuelan", "jieba", "*"))
        pieces = []
        for f in files:
            if os.path.basename(f).startswith("freq-"):
                head, kept_total, pieces = marshal.loads(open(f, "rb").read())
        text = "松江区总工会心灵港湾项目正式启动，为职工开展定制化讲座"
        print(json.dumps({"same": tok.FREQ == freq and tok.total == total, "n": len(freq),
                          "cut": tok.lcut(text, HMM=True) == ref.lcut(text, HMM=True),
                          "files": sorted(os.path.basename(f).split("-")[0] for f in files),
                          "pieces": len(pieces), "largest": max((len(marshal.loads(p)) for p in pieces), default=0)}))
        """
    first = _fresh(code)  # builds it from jieba's dictionary file and keeps it
    again = _fresh(code)  # loads the pieces
    for out in (first, again):
        assert out["same"] and out["cut"], out
    assert again["files"] == ["freq"], again  # jieba's own one-piece cache is not written
    assert again["pieces"] >= out["n"] // lang.FREQ_PIECE and again["largest"] <= lang.FREQ_PIECE
    # Damaged: cut short, then garbage.
    import glob
    import os

    kept = glob.glob(str(tmp_path / "cache" / "yuelan" / "jieba" / "freq-*"))[0]
    data = open(kept, "rb").read()
    for damaged in (data[: len(data) // 2], b"\x00garbage" * 100):
        with open(kept, "wb") as f:
            f.write(damaged)
        assert _fresh(code)["same"]
        assert open(kept, "rb").read() == data  # rebuilt as it was
