"""Property tests: no query makes search fail, every highlight is in bounds,
and exact/folded highlights fold to the query term."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tui.search import SearchIndex, parse_query
from tui.search import lang
from tui.search.normalize import normalize, normalize_text
from tui.text import fold_text

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much]
)


@pytest.fixture(scope="module")
def index(seed_corpus):
    idx = SearchIndex(seed_corpus.documents)
    idx.warm()
    return idx


def _only_inside_words(corpus, term: str) -> bool:
    """Whether every occurrence of ``term`` (normalised) in the corpus has
    a Latin letter beside it: letters inside an English word."""
    for doc in corpus.documents:
        text = normalize_text(doc.text)
        i = text.find(term)
        while i >= 0:
            before = text[i - 1] if i else ""
            after = text[i + len(term) : i + len(term) + 1]
            if not any(c.isascii() and c.isalpha() for c in before + after):
                return False
            i = text.find(term, i + 1)
    return True


def check_hits(resp):
    assert isinstance(resp.total, int) and resp.total >= len(resp.results)
    assert resp.elapsed_ms >= 0
    for hit in resp.results:
        doc = hit.doc
        assert 0 <= hit.start < hit.end <= len(doc.text)
        assert hit.passage == doc.text[hit.start : hit.end]
        assert hit.match in ("exact", "folded", "pinyin", "fuzzy")
        prev = 0
        for s, e in hit.highlights:
            assert prev <= s < e <= len(hit.passage), (s, e, len(hit.passage))
            prev = e
        j = hit.to_json()
        base = {"doc", "path", "title", "section", "start", "end", "passage", "highlights", "score", "match"}
        # Partial matches and folded duplicates add their keys (a compatible addition).
        assert base <= set(j) <= base | {"partial", "missing", "count"}
        assert ("partial" in j) == hit.partial and j.get("missing", []) == list(hit.missing)
        assert j.get("count", 1) == hit.count >= 1


def passage_substrings(corpus, min_len=2, max_len=8):
    texts = [doc.text[p.start : p.end] for doc in corpus.documents for p in doc.paragraphs if p.end - p.start >= min_len]
    return st.sampled_from(texts).flatmap(
        lambda t: st.integers(0, max(0, len(t) - min_len)).flatmap(
            lambda i: st.integers(min_len, max_len).map(lambda n: t[i : i + n])
        )
    )


@SETTINGS
@given(q=st.text(max_size=40))
def test_any_text_query_is_safe(index, q):
    resp = index.search(q, limit=10)
    check_hits(resp)
    assert resp.error is None or isinstance(resp.error, str)
    spans = index.find_in_document(index.documents[0], q)
    assert all(0 <= s < e <= len(index.documents[0].text) for s, e in spans)


@SETTINGS
@given(
    q=st.lists(
        st.sampled_from(["工会", "改革", "-", '"', "xlgw", "G60", "心灵", "港湾", " ", "***", "嘉定", "zz", "“", "會"]),
        max_size=8,
    ).map("".join)
)
def test_query_syntax_soup_is_safe(index, q):
    check_hits(index.search(q, limit=10))


@pytest.fixture(scope="module")
def substrings(seed_corpus):
    return passage_substrings(seed_corpus)


@SETTINGS
@given(data=st.data())
def test_exact_and_folded_highlights_fold_to_the_query(index, seed_corpus, data):
    q = data.draw(passage_substrings(seed_corpus))
    term = normalize_text(q)
    quotes = '"\uff02\u201c\u201d\u300c\u300e'  # query syntax: these open a phrase
    assume(term and not any(c.isspace() or c in quotes for c in q) and not q.startswith("-"))
    resp = index.search(f'"{q}"', limit=50)
    check_hits(resp)
    # The query is text of a passage, so the phrase is found.
    assert resp.total >= 1
    for hit in resp.results:
        assert hit.match in ("exact", "folded")
        assert hit.highlights
        for s, e in hit.highlights:
            assert normalize_text(hit.passage[s:e]) == term
            if hit.match == "exact" and len(hit.highlights) == 1:
                assert hit.passage[s:e] == q
    # Unquoted, the phrase is found too, and the best hit is a literal one;
    # but Latin letters that read as pinyin rank Chinese read that way
    # above the same letters inside English words (issue 11: "jf" finds
    # 经费 before "jfdaily").
    loose = index.search(q, limit=1000)
    if loose.results[0].match == "pinyin":
        assert q.isascii() and q.isalpha(), q
        assert _only_inside_words(seed_corpus, term), q
    else:
        assert loose.results[0].match in ("exact", "folded")
    assert any(term == normalize_text(h.passage[s:e]) for h in loose.results for s, e in h.highlights)


@SETTINGS
@given(data=st.data())
def test_pinyin_of_any_run_of_characters_finds_it(index, seed_corpus, data):
    tables = lang.pinyin()
    run = data.draw(passage_substrings(seed_corpus, 2, 5))
    run = fold_text(run)
    assume(all(c in tables.readings for c in run))
    syllables = [data.draw(st.sampled_from(tables.readings[c])) for c in run]
    initials = data.draw(st.booleans())
    q = "".join(s[0] for s in syllables) if initials else "".join(syllables)
    # Where the letters themselves occur (an e-mail address), the literal hit
    # is the better one and the pinyin is not highlighted there.
    assume(all(q not in normalize_text(d.text) for d in index.documents))
    resp = index.search(q, limit=1000)
    check_hits(resp)
    # In every document, find_in_document highlights (part of) each occurrence
    # of the run: hits do not overlap, so a neighbouring reading may take part.
    from tui.search.normalize import span_to_orig

    for doc in index.documents:
        text, tmap = normalize(doc.text)
        occurrences = []
        j = text.find(run)
        while j >= 0:
            occurrences.append(span_to_orig(tmap, j, j + len(run)))
            j = text.find(run, j + 1)
        if not occurrences:
            continue
        spans = index.find_in_document(doc, q)
        for oa, ob in occurrences:
            assert any(s < ob and e > oa for s, e in spans), (q, run, doc.id, oa)
    assert any(h.match == "pinyin" for h in resp.results)


@SETTINGS
@given(data=st.data())
def test_one_wrong_or_extra_character_beside_an_end_is_found(index, seed_corpus, data):
    """A typo next to the term's first or last character leaves that
    character with no known neighbour: the engine must still pin it where it
    stands (a candidate query that dropped it, or put it elsewhere, would
    miss the run or flood the candidates)."""
    run = fold_text(data.draw(passage_substrings(seed_corpus, 4, 6)))
    assume(len(run) >= 4 and all("\u4e00" <= c <= "\u9fff" for c in run))
    odd = "龘"  # occurs in no seed: no reading of the query as words apart can match
    assume(all(odd not in d.text for d in index.documents))
    at = data.draw(st.sampled_from([1, len(run) - 2]))
    q = run[:at] + odd + (run[at + 1 :] if data.draw(st.booleans()) else run[at:])
    resp = index.search(q, limit=0)
    check_hits(resp)
    from tui.search.normalize import span_to_orig

    found = False
    for doc in index.documents:
        text, tmap = normalize(doc.text)
        j = text.find(run)
        if j < 0:
            continue
        oa, ob = span_to_orig(tmap, j, j + len(run))
        hits = [h for h in resp.results if h.doc_id == doc.id and h.start < ob and h.end > oa]
        assert hits and all(h.match == "fuzzy" for h in hits), (q, run, doc.id)
        found = True
    assert found


@SETTINGS
@given(s=st.text(alphabet=st.sampled_from("心灵港湾工會\u3000 \n\xa0ＡＢab1\t,。"), max_size=30))
def test_normalize_maps_every_span_back(s):
    from tui.search.normalize import span_to_orig

    text, tmap = normalize(s)
    assert text == normalize_text(s)
    for a in range(len(text)):
        for b in range(a + 1, min(len(text), a + 4) + 1):
            oa, ob = span_to_orig(tmap, a, b)
            assert 0 <= oa < ob <= len(s)
            # The original span holds exactly the matched characters: the
            # whitespace inside it is what normalisation removed.
            assert normalize_text(s[oa:ob]) == text[a:b].strip()


@SETTINGS
@given(s=st.text(alphabet=st.sampled_from("港湾…㈣ＡＢ \n⑴ﬁ"), max_size=20))
def test_expanding_characters_map_inside_bounds(s):
    from tui.search.normalize import span_to_orig

    text, tmap = normalize(s)
    for a in range(len(text)):
        for b in range(a + 1, len(text) + 1):
            oa, ob = span_to_orig(tmap, a, b)
            assert 0 <= oa < ob <= len(s)
            assert text[a:b].strip() in normalize_text(s[oa:ob])


@SETTINGS
@given(
    k=st.integers(1, 3),
    occ=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 5), st.integers(0, 2)), max_size=14),
)
def test_min_window_is_the_tightest_window_holding_every_group(k, occ):
    """The sliding window (one pass) against every window, tried one by one."""
    from tui.search.rank import min_window

    occ = [(a, a + n, g % k) for a, n, g in occ]
    s = sorted(occ)
    widths = [
        max(b for _, b, _ in s[i : j + 1]) - s[i][0]
        for i in range(len(s))
        for j in range(i, len(s))
        if len({g for _, _, g in s[i : j + 1]}) == k
    ]
    got = min_window(occ, k)
    if not widths:
        assert got is None
        return
    lo, hi, chosen = got
    assert hi - lo == min(widths)
    assert len(chosen) == k and all(lo <= a and b <= hi for a, b in chosen)


def test_query_parsing_is_lenient():
    q = parse_query('工会 "心灵 港湾" -国有 "unbalanced')
    assert [(t.raw, t.phrase, t.exclude) for t in q.terms] == [
        ("工会", False, False),
        ("心灵 港湾", True, False),
        ("国有", False, True),
        ("unbalanced", True, False),
    ]
    assert parse_query("“心灵港湾”").terms[0].phrase
    assert parse_query("").terms == ()


def test_concurrent_searches_agree_with_sequential(seed_corpus):
    idx = SearchIndex(seed_corpus.documents)  # cold: pinyin shadow built on demand
    queries = ["xlgw", "工会改革", "心灵港弯", "G60 kczl", "外卖行业工会", "jiadinggongjiang"]
    results: dict[str, list] = {}
    errors = []

    def worker(q):
        try:
            r = idx.search(q)
            results.setdefault(q, []).append([(h.doc_id, h.start, h.end, tuple(h.highlights)) for h in r.results])
        except Exception as e:  # pragma: no cover - the assertion below reports it
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(q,)) for q in queries * 3]
    warm = threading.Thread(target=idx.warm)
    warm.start()
    for t in threads:
        t.start()
    for t in threads + [warm]:
        t.join()
    assert not errors
    for q in queries:
        expected = [(h.doc_id, h.start, h.end, tuple(h.highlights)) for h in idx.search(q).results]
        assert expected
        assert all(r == expected for r in results[q]), q


def test_import_does_not_pull_textual_jieba_or_pypinyin(tmp_path):
    # Indexing spells every passage in pinyin (pypinyin's readings); a
    # process that opens the kept index and searches literally loads
    # neither pypinyin nor jieba, and nothing of the UI.
    code = (
        "import sys\n"
        "import tui.search\n"
        "from tui.corpus.model import Document, Paragraph\n"
        "d = Document(id='a', path=sys.argv[1], title='t', encoding='utf-8', text='G60科创走廊', paragraphs=[Paragraph(0, 8)])\n"
        "r = tui.search.SearchIndex.build([d]).search('G60')\n"
        "assert r.total == 1, r\n"
        "bad = [m for m in ('textual', 'rich', 'jieba', 'pypinyin') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    doc = str(tmp_path / "a.txt")
    first = subprocess.run([sys.executable, "-c", code, doc], capture_output=True, text=True, timeout=60, env=env)
    assert first.returncode == 0, first.stderr
    assert "textual" not in first.stdout and "rich" not in first.stdout
    out = subprocess.run([sys.executable, "-c", code, doc], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_jieba_is_quiet_and_caches_privately(tmp_path):
    """jieba says nothing on stderr, and what is kept of its dictionary is
    in the user's private cache directory, nowhere in the shared temp dir."""
    code = (
        "import os, stat\n"
        "from tui.search import lang\n"
        "tok = lang.tokenizer()\n"
        "assert tok.lcut('心灵港湾')\n"
        "f = lang._freq_file()\n"
        "print(f)\n"
        "print(oct(stat.S_IMODE(os.stat(os.path.dirname(f)).st_mode)), oct(stat.S_IMODE(os.stat(f).st_mode)))\n"
    )
    (tmp_path / "tmp").mkdir()
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
           "TMPDIR": str(tmp_path / "tmp")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # jieba's "Building prefix dict..." is silenced
    kept, dir_mode, file_mode = out.stdout.split()
    assert kept.startswith(str(tmp_path / "cache"))
    assert (dir_mode, file_mode) == ("0o700", "0o600")
    assert list((tmp_path / "tmp").iterdir()) == []  # no jieba.cache in the shared temp dir


def test_typing_pinyin_incrementally_gives_the_same_results_as_a_fresh_index(seed_corpus):
    typed = SearchIndex(seed_corpus.documents)
    for word in ("xinlinggangwan", "jiadinggongjiang", "xlgw", "zgr"):
        for i in range(1, len(word) + 1):
            q = word[:i]
            fresh = SearchIndex(seed_corpus.documents).search(q, limit=50)
            got = typed.search(q, limit=50)
            assert got.total == fresh.total, q
            assert [(h.doc_id, h.start, h.highlights) for h in got.results] == [
                (h.doc_id, h.start, h.highlights) for h in fresh.results
            ], q


def test_search_can_be_cancelled(seed_corpus):
    idx = SearchIndex(seed_corpus.documents)
    resp = idx.search("xlgw", cancelled=lambda: True)
    assert resp.error == "cancelled" and resp.results == [] and resp.total == 0
    # Not cancelled: the same index still answers, and the flag does not leak.
    assert idx.search("xlgw", cancelled=lambda: False).total == 2
    assert idx.search("xlgw").total == 2


@SETTINGS
@given(
    s=st.text(alphabet=st.sampled_from("心灵港湾工會\u3000 \n\xa0ＡＢab1…㈣\u200b,。"), max_size=40),
    cuts=st.lists(st.integers(0, 40), max_size=4),
)
def test_passages_cut_from_the_document_fold_match_folding_them_alone(s, cuts):
    from tui.search.normalize import fold_slice, normalize_folded, span_to_orig
    from tui.text import fold

    doc_fold = fold(s)
    bounds = sorted({0, len(s), *[min(c, len(s)) for c in cuts]})
    for start, end in zip(bounds, bounds[1:]):
        alone, alone_map = normalize(s[start:end])
        text, tmap = normalize_folded(*fold_slice(doc_fold, start, end))
        assert text == alone
        for a in range(len(text)):
            for b in range(a + 1, min(len(text), a + 3) + 1):
                assert span_to_orig(tmap, a, b) == span_to_orig(alone_map, a, b)


def test_a_words_apart_cluster_is_never_taken_from_another_query():
    """Views keep the clusters found in them between queries.  A later
    query's matcher often gets a freed matcher's id (CPython reuses the
    memory at once): keyed on the id, 律师 志愿团 got 工会 改革's cluster."""
    from tui.search.matchers import Split
    from tui.search.verify import View

    view = View("工会改革的意见。律师", None)
    for _ in range(50):
        first = Split(["工会", "改革"], 10)
        assert first.cluster(view, 0, len(view.text)) == [(0, 2), (2, 4)]
        del first
        second = Split(["律师", "志愿团"], 10)
        assert second.cluster(view, 0, len(view.text)) is None
        del second



def test_the_passage_cache_stays_within_its_character_bound(seed_corpus, monkeypatch):
    import tui.search.index as index_mod

    monkeypatch.setattr(index_mod, "VIEW_CACHE_CHARS", 3000)
    idx = SearchIndex(seed_corpus.documents)
    first = [(h.doc_id, h.start, h.highlights) for h in idx.search("工会", limit=50).results]
    for q in ("律师", "心灵港湾", "xlgw", "外卖行业工会", "工会 改革"):
        idx.search(q, limit=50)
        kept = list(idx._views.values())
        assert idx._view_chars == sum(len(v.text) for v in kept)
        assert idx._view_chars <= 3000 or len(kept) == 1
    # Evicted passages are made again, the same.
    assert [(h.doc_id, h.start, h.highlights) for h in idx.search("工会", limit=50).results] == first
