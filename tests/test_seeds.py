"""The bundled seeds, read as a new user would: real headlines as titles,
table-of-contents headings at sensible levels, no boilerplate as a section."""

import filecmp
import json

import pytest

from conftest import SEEDS, SHARED_SEEDS

from tui.corpus import BOILERPLATE, default_seed_dir


def by_id(corpus, prefix):
    (doc,) = [d for d in corpus.documents if d.id.startswith(prefix)]
    return doc


def toc(doc):
    return [(s.title, s.level) for s in doc.sections]


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared is not beside this checkout")
def test_seeds_are_byte_identical_copies():
    names = sorted(p.name for p in SHARED_SEEDS.glob("*.txt"))
    assert names == sorted(p.name for p in SEEDS.glob("*.txt"))
    match, mismatch, errors = filecmp.cmpfiles(SHARED_SEEDS, SEEDS, names, shallow=False)
    assert mismatch == [] and errors == []


def test_default_corpus_is_the_bundled_seeds():
    assert default_seed_dir().resolve() == SEEDS.resolve()


def test_all_five_load_without_skips(seed_corpus):
    assert len(seed_corpus.documents) == 5
    assert seed_corpus.skipped == []
    assert {d.encoding for d in seed_corpus.documents} == {"utf-8"}


def test_titles_are_the_real_headlines(seed_corpus):
    titles = {d.id[:3]: d.title for d in seed_corpus.documents}
    assert titles == {
        "000": "松江出口加工区党委(松江出口加工区属于哪个街道)",
        "001": "上海市金山區總工會",
        "002": "需要工会解决什么难题,特别是需要区总工会和工会区别解决什么问题",
        "003": "姜堰:“产”出新动能 “改”出幸福路",
        "004": "当好乡村旅居产业“店小二”",
    }


def test_bare_number_sections_with_their_decks(seed_corpus):
    doc = by_id(seed_corpus, "000")
    assert toc(doc) == [
        ("长三角G60科创走廊", 1),
        ("深化工会改革", 1),
        ("推改革 广覆盖 做职工最贴心的“娘家人”", 2),
        ("服务经济发展大局", 1),
        ("促就业 稳发展 做产业工人最强的“后盾”", 2),
        ("建设智慧工会", 1),
        ("促融合 创特色 “松江工会”打造服务新格局", 2),
    ]


def test_traditional_inline_numbered_headings(seed_corpus):
    assert toc(by_id(seed_corpus, "001")) == [("1.健全工會聯動運行體系", 1), ("2.深化合作內涵", 1)]


def test_report_with_three_marker_levels(seed_corpus):
    doc = by_id(seed_corpus, "002")
    sections = toc(doc)
    assert ("二、2019年主要任务", 1) in sections
    top = [t for t, lv in sections if lv == 1]
    assert top == ["二、2019年主要任务"]
    seconds = [t for t, lv in sections if lv == 2]
    assert seconds[0].startswith("(一)切實加强政治思想引领") and len(seconds) == 10
    assert any(t.startswith("1、深入学习") and lv == 3 for t, lv in sections)
    # inline headings stop at the first sentence or clause
    assert all(len(t) <= 50 for t, _ in sections)


def test_article_without_headings_has_metadata(seed_corpus):
    doc = by_id(seed_corpus, "003")
    assert doc.sections == []
    assert doc.metadata["date"].startswith("2022-12-06")
    assert doc.metadata["source"] == "自采"
    assert doc.metadata["editor"] == "陈玲"


def test_newspaper_page_sections(seed_corpus):
    doc = by_id(seed_corpus, "004")
    top = [t for t, lv in toc(doc) if lv == 1]
    assert top == ["朱泾镇党委引领非公企业助力乡村振兴", "金山区探索产业集群党建新实践", "以一流党建带动一流产业集群发展"]
    titles = [t for t, _ in toc(doc)]
    assert "实现产业集群“再组织化”" in titles and "精准服务抢抓发展先机" in titles
    # photo captions and paragraph fragments are not headings
    assert not any(t.endswith("。") for t in titles)


def test_no_boilerplate_in_any_table_of_contents(seed_corpus):
    words = ("首页", "版权", "联系我们", "参考资料", "随机推荐", "热线", "编辑", "时间:", "来源", "您现在的位置")
    for doc in seed_corpus.documents:
        boiler = {p.start for p in doc.paragraphs if p.kind == BOILERPLATE}
        for s in doc.sections:
            assert not any(w in s.title for w in words), (doc.id, s.title)
            assert s.start not in boiler
        assert not any(w in doc.title for w in words)


def test_sections_are_ordered_and_nested(seed_corpus):
    for doc in seed_corpus.documents:
        prev = -1
        for i, s in enumerate(doc.sections):
            assert s.start > prev
            prev = s.start
            assert s.start < s.heading_end <= s.end <= doc.chars
            # nested: a deeper section lies inside the nearest shallower one before it
            for outer in reversed(doc.sections[:i]):
                if outer.level < s.level:
                    assert outer.start < s.start and s.end <= outer.end
                    break


def test_json_shape(seed_corpus):
    data = json.loads(json.dumps(seed_corpus.to_json(), ensure_ascii=False))
    assert set(data) == {"documents", "skipped"}
    for d in data["documents"]:
        # the contract's keys, plus "warnings" and each section's "rule" (added compatibly)
        assert set(d) == {"id", "path", "title", "encoding", "chars", "metadata", "sections", "warnings"}
        for s in d["sections"]:
            assert set(s) == {"title", "level", "start", "end", "rule"}
