"""Table-driven relevance tests: every query kind, over the seeds and over
synthetic documents written for the test.  Negatives must return nothing."""

from __future__ import annotations

import pytest

from tui.corpus.model import Document, Paragraph, Section
from tui.search import SearchIndex
from tui.search.normalize import normalize_text


@pytest.fixture(scope="module")
def seeds(seed_corpus):
    index = SearchIndex(seed_corpus.documents)
    index.warm()
    return index


def hl_texts(hit):
    return [hit.passage[s:e] for s, e in hit.highlights]


def folded(s: str) -> str:
    return normalize_text(s)


# (query, the top hit's passage must contain this (folded), a highlight of the
#  top hit must fold to this, the top hit's match kind)
SEED_CASES = [
    ("工会改革", "工会改革", "工会改革", "exact"),
    ("工會改革", "工会改革", "工会改革", "folded"),  # Traditional query, Simplified text
    ("長三角一體化", "长三角一体化", "长三角一体化", "exact"),  # the Traditional seed has it as typed
    ("长三角一体化", "长三角一体化", "长三角一体化", "exact"),
    ("金山區總工會", "金山区总工会", "金山区总工会", "exact"),  # Traditional text, Traditional query
    ("金山区总工会", "金山区总工会", "金山区总工会", "folded"),  # Simplified query, Traditional text
    ("志愿团 律师", "律师志愿团", "志愿团", "exact"),  # terms in any order
    ("外卖行业工会", "外卖行业", "外卖", "exact"),  # jieba split: words apart
    ("xinlinggangwan", "心灵港湾", "心灵港湾", "pinyin"),
    ("xin ling gang wan", "心灵港湾", "心灵港湾", "pinyin"),
    ("xlgw", "心灵港湾", "心灵港湾", "pinyin"),
    ("XLGW", "心灵港湾", "心灵港湾", "pinyin"),
    ("jiadinggongjiang", "嘉定工匠", "嘉定工匠", "pinyin"),
    ("G60", "g60", "G60", "exact"),
    ("g60", "g60", "G60", "folded"),
    ("Ｇ６０", "g60", "G60", "folded"),  # full-width query
    ("G60 kczl", "科创走廊", "科创走廊", "pinyin"),  # mixed Latin literal + initials
    ("心灵港弯", "心灵港湾", "心灵港湾", "fuzzy"),  # one wrong character
    ("心灵港湾湾", "心灵港湾", "心灵港湾", "fuzzy"),  # one extra character
    ("心灵湾", "心灵港湾", "心灵港湾", "fuzzy"),  # one missing character
    ("10073", "10073", "10073", "exact"),
    ("4523万元", "4523万元", "4523万元", "exact"),
    ('"工会改革"', "工会改革", "工会改革", "exact"),
    ("名誉村主任", "名誉村主任", "名誉村主任", "exact"),
    ("习***", "习***", "习***", "exact"),  # censored text matches literally
    ("2018年11月", "2018年11月", "2018年11月", "exact"),
    ("产业工人队伍建设改革", "产业工人队伍建设改革", "产业工人队伍建设改革", "exact"),
]


@pytest.mark.parametrize("query,contains,highlight,match", SEED_CASES, ids=[c[0] for c in SEED_CASES])
def test_seed_query_top_hit(seeds, query, contains, highlight, match):
    resp = seeds.search(query, limit=5)
    assert resp.error is None
    assert resp.results, f"no results for {query!r}"
    top = resp.results[0]
    assert contains in folded(top.passage), (query, top.passage[:80])
    assert folded(highlight) in [folded(t) for t in hl_texts(top)], (query, hl_texts(top))
    assert top.match == match
    assert resp.total >= len(resp.results)


def test_spaced_date_in_traditional_seed_matches(seeds):
    # "2018 年11 月5 日" in the Traditional seed: stray spaces inside a date.
    resp = seeds.search("2018年11月5日")
    assert any("2018 年11 月5 日" in h.passage for h in resp.results)
    hit = next(h for h in resp.results if "2018 年11 月5 日" in h.passage)
    assert hl_texts(hit) == ["2018 年11 月5 日"]
    assert hit.match == "folded"


NEGATIVES = [
    "工会心理学",  # 工会 occurs everywhere, 心理学 nowhere
    "量子计算机",
    "苹果手机壳",
    "鑫淼犇骉曌",  # characters that occur nowhere
    "工鑫淼犇会",  # five characters of which two occur
    "zzqqxx",
    '"改革工会"',  # the words occur, the phrase does not
    "心灵港湾 -心灵",
    "心灵港湾 G61",
    "10074",  # numbers are never fuzzy
    "xinlinggangwang",
]


@pytest.mark.parametrize("query", NEGATIVES)
def test_negative_queries_return_nothing(seeds, query):
    resp = seeds.search(query)
    assert resp.error is None
    assert resp.total == 0 and resp.results == [], [h.passage[:40] for h in resp.results]


def test_exact_phrase_only_matches_the_phrase(seeds):
    loose = seeds.search("工会改革", limit=100)
    phrase = seeds.search('"工会改革"', limit=100)
    assert 0 < phrase.total < loose.total  # the loose query also finds the words apart
    for hit in phrase.results:
        assert "工会改革" in folded(hit.passage)
        assert all(folded(t) == "工会改革" for t in hl_texts(hit))


def test_exclusion_removes_passages(seeds):
    base = seeds.search("工会改革", limit=100)
    assert any("国有" in h.passage for h in base.results)
    resp = seeds.search("工会改革 -国有", limit=100)
    assert 0 < resp.total < base.total
    for hit in resp.results:
        assert "国有" not in hit.passage


def test_exact_phrase_ranks_above_words_apart(seeds):
    resp = seeds.search("工会改革", limit=100)
    kinds = ["工会改革" in folded(h.passage[s:e]) for h in resp.results for s, e in h.highlights[:1]]
    # Every passage with the whole phrase comes before any passage with the words apart.
    first_apart = kinds.index(False)
    assert all(kinds[:first_apart]) and not any(kinds[first_apart:])


def test_typo_ranks_below_exact(seeds):
    exact = seeds.search("心灵港湾").results[0]
    typo = seeds.search("心灵港弯").results[0]
    assert (typo.doc_id, typo.start) == (exact.doc_id, exact.start)
    assert typo.score < exact.score


def test_pinyin_ranks_below_exact(seeds):
    exact = seeds.search("心灵港湾").results[0]
    py = seeds.search("xinlinggangwan").results[0]
    initials = seeds.search("xlgw").results[0]
    assert exact.score > py.score > initials.score


def test_unbalanced_quote_is_lenient(seeds):
    resp = seeds.search('"心灵港湾')
    assert resp.error is None
    assert resp.results and "心灵港湾" in resp.results[0].passage


def test_only_exclusions_is_a_clear_error(seeds):
    resp = seeds.search("-工会")
    assert resp.results == [] and resp.error and "exclude" in resp.error


@pytest.mark.parametrize("query", ["", "   ", "-", '"', '""', "- -", "\x00", "\n"])
def test_empty_or_odd_queries_do_not_fail(seeds, query):
    resp = seeds.search(query)
    assert isinstance(resp.total, int)
    assert resp.error is None or isinstance(resp.error, str)


def test_find_in_document_matches_search_hits(seeds, seed_corpus):
    resp = seeds.search("心灵港湾", limit=50)
    doc = resp.results[0].doc
    spans = seeds.find_in_document(doc, "心灵港湾")
    assert spans == sorted(spans)
    assert [doc.text[s:e] for s, e in spans] == ["心灵港湾"] * len(spans)
    expected = {(h.start + s, h.start + e) for h in resp.results if h.doc is doc for s, e in h.highlights}
    assert expected <= set(spans)
    assert len(spans) == doc.text.count("心灵港湾")
    # Pinyin highlights land on the characters too.
    assert seeds.find_in_document(doc, "xlgw") == spans
    # A document that is not in the index still works.
    other = make_doc("x", ["没有。", "心灵港湾在这里。"])
    assert [other.text[s:e] for s, e in seeds.find_in_document(other, "心灵港湾")] == ["心灵港湾"]


# --------------------------------------------------------------- synthetic


def make_doc(doc_id, paragraphs, kinds=None, title=None, sections=None):
    text = "\n\n".join(paragraphs)
    paras = []
    pos = 0
    for i, p in enumerate(paragraphs):
        kind = kinds[i] if kinds else "body"
        paras.append(Paragraph(pos, pos + len(p), kind, None))
        pos += len(p) + 2
    return Document(
        id=doc_id,
        path=f"/synthetic/{doc_id}.txt",
        title=title or paragraphs[0],
        encoding="utf-8",
        text=text,
        paragraphs=paras,
        sections=sections or [],
    )


def test_polyphonic_characters_match_every_reading():
    docs = [make_doc("a", ["他去银行办事。", "我们一起行走。", "音乐会很好听。"])]
    index = SearchIndex(docs)
    assert hl_texts(index.search("yinhang").results[0]) == ["银行"]  # 行 = hang
    assert hl_texts(index.search("xingzou").results[0]) == ["行走"]  # 行 = xing
    assert hl_texts(index.search("yinyue").results[0]) == ["音乐"]  # 乐 = yue
    assert hl_texts(index.search("yy").results[0]) == ["音乐"]
    assert index.search("yinle").results  # 乐 = le as well


def test_pinyin_handles_ambiguous_syllable_splits():
    docs = [make_doc("a", ["西安是古都。", "这是一个新方案。"])]
    index = SearchIndex(docs)
    assert hl_texts(index.search("xian").results[0]) == ["西安"]  # xi'an
    assert hl_texts(index.search("fangan").results[0]) == ["方案"]  # fang'an, not fan'gan
    assert index.search("xinfangan").results[0].passage == "这是一个新方案。"


def test_pinyin_partial_last_syllable_while_typing():
    index = SearchIndex([make_doc("a", ["心灵港湾项目。"])])
    for q in ("xinlingg", "xinlinggangw", "xinlg"):
        assert hl_texts(index.search(q).results[0]) in (["心灵港"], ["心灵港湾"]), q


def test_latin_words_match_literally_and_case_insensitively():
    docs = [make_doc("a", ["Hello World from Shanghai.", "HELLO again."])]
    index = SearchIndex(docs)
    resp = index.search("hello world")
    assert resp.total == 1
    assert hl_texts(resp.results[0]) == ["Hello", "World"]
    assert index.search('"hello world"').total == 1
    assert index.search('"helloworld"').total == 0  # the word boundary is kept


def test_heading_ranks_above_body_and_boilerplate_below():
    paragraphs = ["首页 > 新闻 > 心灵港湾", "正文提到心灵港湾一次。", "心灵港湾"]
    doc = make_doc("a", paragraphs, kinds=["boilerplate", "body", "heading"])
    resp = SearchIndex([doc]).search("心灵港湾")
    assert [h.passage for h in resp.results] == ["心灵港湾", "正文提到心灵港湾一次。", "首页 > 新闻 > 心灵港湾"]


def test_ties_keep_document_order():
    docs = [make_doc(f"d{i}", [f"第{i}篇,心灵港湾。"]) for i in range(5)]
    resp = SearchIndex(docs).search("心灵港湾")
    assert [h.doc_id for h in resp.results] == [f"d{i}" for i in range(5)]
    assert len({h.score for h in resp.results}) == 1


def test_proximity_ranks_close_terms_first():
    far = "律师" + "这是一段很长的无关的文字。" * 6 + "志愿团"
    near = "律师志愿团"
    resp = SearchIndex([make_doc("a", [far, near + "成立了。"])]).search("志愿团 律师")
    assert resp.results[0].passage.startswith(near)
    assert resp.total == 2


def test_split_words_must_stand_close():
    far = "外卖" + "这是一段很长的无关的文字。" * 20 + "行业工会"
    index = SearchIndex([make_doc("a", [far, "外卖行业的工会成立了。"])])
    resp = index.search("外卖行业工会")
    assert resp.total == 1
    assert resp.results[0].passage == "外卖行业的工会成立了。"


def test_long_paragraph_gives_a_window_around_the_hit():
    filler = "这是一句很普通的话。" * 60
    para = filler + "心灵港湾在中间。" + filler
    doc = make_doc("a", [para])
    hit = SearchIndex([doc]).search("心灵港湾").results[0]
    assert len(hit.passage) <= 420
    assert hit.passage == doc.text[hit.start : hit.end]
    assert hl_texts(hit) == ["心灵港湾"]
    assert hit.start > 0 and hit.end < len(doc.text)


def test_a_long_paragraphs_window_holds_every_hit_that_fits_in_two_windows():
    """A hit left outside the window is neither listed nor highlighted in
    the reader: the window holds every hit of its passage while they lie
    within two windows' worth, and the busiest cluster beyond that."""
    from tui.search.verify import MAX_WINDOW

    sentence = "这是一句很普通的话。"  # 10 characters
    # One hit near the start, two close together 450 characters later: the
    # busiest cluster alone would leave the first one out.
    para = "心灵港湾在开头。" + sentence * 45 + "心灵港湾和心灵港湾。" + sentence * 30
    doc = make_doc("a", [para])
    hit = SearchIndex([doc]).search("心灵港湾").results[0]
    assert hl_texts(hit) == ["心灵港湾"] * 3
    assert hit.passage == doc.text[hit.start : hit.end] and hit.end < len(doc.text)
    # Too far apart to show together: the two close hits, not the lone one.
    para = "心灵港湾在开头。" + sentence * (MAX_WINDOW // 10 + 5) + "心灵港湾和心灵港湾。" + sentence * 30
    doc = make_doc("b", [para])
    hit = SearchIndex([doc]).search("心灵港湾").results[0]
    assert hl_texts(hit) == ["心灵港湾"] * 2 and hit.start > 0
    assert len(hit.passage) <= 420


def test_a_hit_wider_than_a_window_in_a_long_paragraph_does_not_fail_the_search():
    """A word broken by a long run of spaces (a messy PDF extraction) is one
    hit wider than a window; with hits too far apart to show together, the
    busiest-cluster rule walked past its last hit and the whole search
    failed with an IndexError."""
    filler = "这是一句很普通的话。" * 40
    doc = make_doc("a", ["标题", "心灵港湾" + filler + "心" + " " * 300 + "灵港湾" + filler])
    resp = SearchIndex([doc]).search("心灵港湾")
    assert resp.error is None and resp.total == 1
    hit = resp.results[0]
    assert hit.passage == doc.text[hit.start : hit.end] and hit.highlights


def test_terms_too_far_apart_to_show_together_give_a_window_of_the_busiest_hits():
    """Two terms 5 000 characters apart in one paragraph: the window is not
    the 5 000 characters between them but the busiest stretch of hits."""
    filler = "这是一句很普通的话。" * 500
    para = "心灵港湾在开头。" + filler + "志愿团队和志愿团队。" + filler
    doc = make_doc("a", [para])
    hit = SearchIndex([doc]).search("心灵港湾 志愿团队").results[0]
    assert len(hit.passage) <= 420
    assert hl_texts(hit) == ["志愿团队"] * 2


def test_words_broken_across_lines_match():
    doc = make_doc("a", ["松江区总工会心灵\n港湾项目正式启动。"])
    hit = SearchIndex([doc]).search("心灵港湾").results[0]
    assert hl_texts(hit) == ["心灵\n港湾"]


def test_section_is_reported():
    paragraphs = ["标题", "一、概况", "心灵港湾项目。"]
    text = "\n\n".join(paragraphs)
    sec_start = text.index("一、")
    doc = make_doc("a", paragraphs, sections=[Section("一、概况", 1, sec_start, len(text), sec_start + 5)])
    hit = SearchIndex([doc]).search("心灵港湾").results[0]
    assert hit.section == "一、概况" and hit.section_index == 0
    assert hit.to_json()["section"] == "一、概况"


def test_documents_without_paragraphs_are_split_by_lines():
    doc = Document(id="a", path="/a", title="t", encoding="utf-8", text="第一行\n心灵港湾第二行\n")
    hit = SearchIndex([doc]).search("心灵港湾").results[0]
    assert hit.passage == "心灵港湾第二行"


def test_compatibility_and_expanding_characters_keep_exact_offsets():
    # "…" folds to "..." (three characters): offsets after it must still map.
    doc = make_doc("a", ["前言……心灵港湾(四)㈣工会"])
    index = SearchIndex([doc])
    hit = index.search("心灵港湾").results[0]
    assert hl_texts(hit) == ["心灵港湾"]
    hit = index.search("(四)工会").results[0]
    assert hl_texts(hit) == ["㈣工会"]


def test_common_phrase_is_not_also_split_into_words():
    from tui.search.index import SPLIT_GATE

    phrase = ["第{}段讲外卖行业工会。".format(i) for i in range(SPLIT_GATE)]
    apart = ["外卖平台的行业工会成立了。"]
    index = SearchIndex([make_doc("a", apart + phrase)])
    resp = index.search("外卖行业工会", limit=5)
    assert resp.total == SPLIT_GATE  # only the phrase: plenty of exact results
    small = SearchIndex([make_doc("b", apart + phrase[:3])]).search("外卖行业工会", limit=10)
    assert small.total == 4 and small.results[-1].passage == apart[0]


def test_find_in_document_on_a_very_long_document_returns_every_hit():
    from tui.search.index import RANK_ALL

    n = 10 * RANK_ALL + 50  # many more matching passages than are fully scored
    doc = make_doc("long", [f"第{i}段:心灵港湾。" for i in range(n)])
    index = SearchIndex([doc])
    resp = index.search("心灵港湾", limit=3)
    assert resp.total == n and len(resp.results) == 3
    assert all(h.highlights for h in resp.results)
    spans = index.find_in_document(doc, "心灵港湾")
    assert len(spans) == n
    assert {doc.text[s:e] for s, e in spans} == {"心灵港湾"}


def test_find_in_document_fetches_beyond_its_first_batch(monkeypatch):
    import tui.search.index as index_mod

    monkeypatch.setattr(index_mod, "FIND_BATCH", 7)
    n = 40
    doc = make_doc("many", [f"第{i}段:心灵港湾。" for i in range(n)])
    spans = SearchIndex([doc]).find_in_document(doc, "心灵港湾")
    assert len(spans) == n and {doc.text[s:e] for s, e in spans} == {"心灵港湾"}


def test_find_in_document_stops_when_cancelled():
    """The app counts each result document's hits in a worker that the next
    keystroke cancels: a cancelled find stops verifying and returns what it
    found so far."""
    n = 300
    doc = make_doc("many", [f"第{i}段:心灵港湾。" for i in range(n)])
    index = SearchIndex([doc])
    every = index.find_in_document(doc, "心灵港湾")
    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) > 1

    some = index.find_in_document(doc, "心灵港湾", cancelled=cancelled)
    assert len(every) == n and 0 < len(some) < n and set(some) <= set(every)


# ------------------------------------------------- pinyin as a user types it
REAL = __import__("pathlib").Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "real"


@pytest.fixture(scope="module")
def real():
    """The real documents of ../shared/corpora/real (text files only)."""
    from tui.corpus import load_corpus

    if not REAL.is_dir():
        pytest.skip("../shared/corpora/real is not beside the checkout")
    index = SearchIndex(load_corpus(sorted(str(p) for p in REAL.glob("*.txt"))).documents)
    index.warm()
    return index


def test_a_hit_in_a_long_real_paragraph_is_shown_with_context(real):
    """A hit inside a long paragraph of a real document is shown in a window
    of about WINDOW characters, its edges moved to sentence boundaries
    close by: not cut down to the hit's own sentence or line (one line of a
    hard-wrapped novel, 24 characters cut mid-sentence, before)."""
    from tui.search.passages import passages
    from tui.search.verify import LONG_PASSAGE, SNAP, WINDOW

    checked = 0
    for doc in real.documents:
        for p in passages(doc):
            if p.end - p.start <= LONG_PASSAGE:
                continue
            mid = (p.start + p.end) // 2
            run = next((doc.text[i : i + 4] for i in range(mid, p.end - 4) if all(is_han(c) for c in doc.text[i : i + 4])), None)
            resp = real.search(f'"{run}"', limit=0) if run else None
            if resp is None or resp.total != 1:
                continue
            hit = resp.results[0]
            at = doc.text.find(run, mid)
            assert hit.start <= at and at + 4 <= hit.end, (doc.id, run)
            assert WINDOW - 2 * SNAP <= hit.end - hit.start <= WINDOW + 2 * SNAP, (doc.id, run, hit.passage)
            checked += 1
    assert checked >= 10


def is_han(s):
    return any("\u4e00" <= c <= "\u9fff" for c in s)


@pytest.mark.parametrize(
    "query,expect",
    [
        ("xiangcunzhenxi", "乡村振兴"),  # the last syllable still being typed (xi -> xing)
        ("xiangcunzhenx", "乡村振兴"),
        ("xiangcunzhenxing", "乡村振兴"),
        ("gangao", "港澳"),  # gang·ao and gan·gao both tried; the word first
        ("gonhui", "工会"),  # one letter missing in a long pinyin term
        ("gonghuii", "工会"),  # one letter too many
    ],
)
def test_pinyin_while_typing_on_real_documents(real, query, expect):
    resp = real.search(query, limit=5)
    assert resp.results, query
    top = resp.results[0]
    assert [folded(t) for t in hl_texts(top)][0] == expect, (query, hl_texts(top))


def test_every_prefix_of_a_pinyin_query_gives_chinese_results(real):
    word = "quanmiancongyanzhidang"
    for i in range(2, len(word) + 1):
        resp = real.search(word[:i], limit=3)
        assert resp.error is None
        assert resp.results, word[:i]
        # A query that reads as pinyin: Chinese matches before letters in English words.
        assert is_han("".join(hl_texts(resp.results[0]))), (word[:i], hl_texts(resp.results[0]))


@pytest.mark.parametrize("query,reading", [("hui", "会"), ("xiang", "乡")])
def test_one_syllable_matches_the_characters_read_that_way(real, query, reading):
    resp = real.search(query, limit=50)
    assert resp.total > 10
    assert all(is_han(t) for h in resp.results for t in hl_texts(h))
    assert any(reading in folded(t) for h in resp.results for t in hl_texts(h))


def test_quoted_pinyin_is_whole_syllables_only(real):
    quoted = real.search('"quanmiancongyanzhidang"', limit=50)
    loose = real.search("quanmiancongyanzhidang", limit=50)
    assert quoted.total == loose.total > 0
    assert all(folded(t) == "全面从严治党" for h in quoted.results for t in hl_texts(h))
    assert real.search('"quanmiancongyanzhidan"').total == 0  # quoted: no syllable still being typed


def test_excluded_pinyin_removes_passages(real):
    base = real.search("gonghui", limit=0)
    resp = real.search("gonghui -zhangcheng", limit=0)
    assert 0 < resp.total < base.total
    assert all("章程" not in folded(h.passage) for h in resp.results)
    assert any("章程" in folded(h.passage) for h in base.results)


def test_find_in_document_uses_the_same_pinyin_matching(real):
    doc = next(d for d in real.documents if d.text.count("他") > 20)
    spans = real.find_in_document(doc, "ta")
    found = {doc.text[s:e] for s, e in spans}
    assert "他" in found
    assert not any(doc.text[s:e] in ("是", "愛", "是愛") for s, e in spans)
    assert len(spans) >= doc.text.count("他")


def test_find_in_document_highlights_every_way_a_term_matches(seeds):
    """``yo`` is 有 (a syllable being typed) and also 园区 read y·o (园 yuan,
    区 ou): find in document highlights each occurrence of either, though a
    passage ranks by its best way (a hypothesis example found this)."""
    docs = [d for d in seeds.documents if "园区" in d.text]
    assert docs
    for doc in docs:
        spans = seeds.find_in_document(doc, "yo")
        j = doc.text.find("园区")
        while j >= 0:
            assert any(s < j + 2 and e > j for s, e in spans), (doc.id, j)
            j = doc.text.find("园区", j + 1)
        assert any(doc.text[s:e] == "有" for s, e in spans)


# ------------------------------------------------ partial, duplicates, pages
def test_partial_matches_when_no_passage_holds_every_term(seeds):
    assert seeds.search("创业贷款 银行").total > 0
    resp = seeds.search("创业贷款 银行", limit=50)
    assert resp.results and all(h.partial for h in resp.results)
    for h in resp.results:
        assert h.missing and set(h.missing) <= {"创业贷款", "银行"}
        present = {"创业贷款", "银行"} - set(h.missing)
        assert any(any(p in folded(t) or folded(t) in p for t in hl_texts(h)) for p in present)
        assert h.to_json()["partial"] is True and h.to_json()["missing"] == list(h.missing)


def test_no_partial_fallback_for_one_term_or_a_term_found_nowhere(seeds):
    assert seeds.search("工会心理学").total == 0
    assert seeds.search("心灵港湾 G61").total == 0
    full = seeds.search("工会 律师", limit=50)
    assert full.results and not any(h.partial for h in full.results)


def test_partial_matches_come_after_full_matches_only_when_none_is_full():
    docs = [make_doc("a", ["甲乙丙。", "甲乙。", "丙丁。"])]
    index = SearchIndex(docs)
    resp = index.search("甲乙 丙", limit=10)
    assert [h.passage for h in resp.results] == ["甲乙丙。"] and not resp.results[0].partial
    resp = index.search("甲乙 丁 戊", limit=10)  # no passage holds all three
    assert resp.total == 0 or all(h.partial for h in resp.results)


def test_identical_passages_of_one_document_are_one_result_with_a_count():
    template = "本栏目由心灵港湾工作室提供。"
    doc = make_doc("a", [template] * 500 + ["心灵港湾是一个服务项目。"])
    other = make_doc("b", [template])
    resp = SearchIndex([doc, other]).search("心灵港湾", limit=20)
    rows = [(h.doc_id, h.passage, h.count) for h in resp.results]
    assert ("a", template, 500) in rows and ("b", template, 1) in rows
    assert len(rows) == 3
    assert resp.results[[r[:2] for r in rows].index(("a", template))].to_json()["count"] == 500


def test_pages_follow_each_other_and_limit_zero_is_all():
    docs = [make_doc(f"d{i}", [f"第{i}篇第{j}段:心灵港湾。" for j in range(30)]) for i in range(40)]
    index = SearchIndex(docs)
    every = index.search("心灵港湾", limit=0)
    assert every.total == 1200 and len(every.results) == 1200 and not every.has_more
    pages = []
    for off in range(0, 1200, 100):
        r = index.search("心灵港湾", limit=100, offset=off)
        assert r.total == 1200 and r.offset == off
        assert r.has_more == (off + 100 < 1200)
        pages.extend((h.doc_id, h.start) for h in r.results)
    assert len(pages) == len(set(pages)) == 1200
    assert set(pages) == {(h.doc_id, h.start) for h in every.results}
    assert index.search("心灵港湾", limit=10, offset=5000).results == []


def test_elapsed_time_is_this_search_alone_while_others_run(seeds):
    import threading

    slow = []
    t = threading.Thread(target=lambda: slow.extend(seeds.search("gonhui") for _ in range(3)))
    t.start()
    fast = [seeds.search("心灵港湾").elapsed_ms for _ in range(5)]
    t.join()
    assert all(r.elapsed_ms >= 0 for r in slow)
    assert min(fast) < 1000
