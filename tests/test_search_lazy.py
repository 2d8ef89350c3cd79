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


def test_literal_queries_load_neither_jieba_nor_pinyin():
    out = _fresh(
        """
        from tui.corpus import load_corpus
        from tui.search import SearchIndex
        index = SearchIndex(load_corpus([sys.argv[2]]).documents)
        totals = [index.search(q).total for q in ("工会", "律师", "工會", "总工会", "工会 律师", "工会 -律师")]
        print(json.dumps({"totals": totals, "mods": sorted(m for m in sys.modules if m.split(".")[0] in ("jieba", "pypinyin"))}))
        """
    )
    assert all(out["totals"]) and out["totals"][2] == out["totals"][0]
    assert out["mods"] == []


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
    assert index._shadow is not None and lang._tokenizer is not None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0xE000, max_codepoint=0xF8FF),
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.characters(max_codepoint=0x7F),
    st.sampled_from("行长重乐了還後裏"),
), max_size=60))
def test_fast_shadow_equals_translate(text):
    tables = lang.pinyin()
    assert tables.shadow(text) == text.translate(tables.shadow_table)


def test_chunked_shadow_equals_whole(seed_corpus, monkeypatch):
    import tui.search.index as index_mod

    index = SearchIndex(seed_corpus.documents)
    whole = lang.pinyin().shadow(index.text)
    monkeypatch.setattr(index_mod, "CHUNK", 997)
    assert index.shadow() == whole


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_signature_candidates_never_miss_a_passage(seed_corpus, data):
    """The character signatures only filter: every passage that holds a
    needle is among its candidates (when they are used at all)."""
    index = _seed_index(seed_corpus)
    text = index.text
    if data.draw(st.booleans()):
        start = data.draw(st.integers(0, len(text) - 1))
        needle = text[start : start + data.draw(st.integers(1, 8))].split("\n")[0]
    else:
        needle = data.draw(st.text(alphabet=st.sampled_from(sorted(set(text) - {"\n"})), min_size=1, max_size=6))
    if not needle:
        return
    holding = [pid for pid in range(index.passages) if needle in text[index._pstart[pid] : index._pend[pid]]]
    cands = index._literal_candidates(needle)
    if cands is not None:
        assert set(holding) <= set(cands), needle
    from tui.search.matchers import Literal

    assert index._scan(Literal(needle), None) == holding


_INDEX = {}


def _seed_index(corpus):
    if "i" not in _INDEX:
        _INDEX["i"] = SearchIndex(corpus.documents)
    return _INDEX["i"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.characters(min_codepoint=0x20, max_codepoint=0x7F),
), min_size=1, max_size=30), min_size=1, max_size=8), st.sampled_from([1 << 20, 1, 3, 7, 40]))
def test_fast_signatures_equal_the_definition(parts, slice_chars):
    """The numpy signatures are exactly the OR of char_bit over each passage,
    whatever slices of the text they are made in (a passage may span
    several; a slice may hold several passages)."""
    from tui.search import index as index_mod
    from tui.search.store import SIG_WORDS

    parts = [p.replace("\n", "") or "x" for p in parts]
    saved = index_mod.SIG_SLICE
    index_mod.SIG_SLICE = slice_chars
    try:
        sig = index_mod._signatures("\n".join(parts), parts)
    finally:
        index_mod.SIG_SLICE = saved
    assert len(sig) == SIG_WORDS * len(parts)
    for k, text in enumerate(parts):
        v = 0
        for c in text:
            v |= index_mod.char_bit(c)
        words = [(v >> (64 * w)) & ((1 << 64) - 1) for w in range(SIG_WORDS)]
        assert list(sig[SIG_WORDS * k : SIG_WORDS * (k + 1)]) == words, text


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_typo_candidates_never_miss_a_passage(seed_corpus, data):
    """A one-edit occurrence of a term holds all its characters but one: the
    passages picked by the signatures for typos include every passage where
    the typo matcher matches, and the scan finds exactly those."""
    from tui.search.matchers import Fuzzy

    index = _seed_index(seed_corpus)
    text = index.text
    start = data.draw(st.integers(0, len(text) - 10))
    term = text[start : start + data.draw(st.integers(3, 8))].split("\n")[0]
    if len(term) < 3:
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
    expected = [pid for pid in range(index.passages) if m.pattern.search(text, index._pstart[pid], index._pend[pid])]
    near = index._near_candidates(term)
    if near is not None:
        assert set(expected) <= set(near), term
    assert index._scan(m, None) == expected
