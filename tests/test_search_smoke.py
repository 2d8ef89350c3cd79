"""Smoke tests of the search API on hand-built documents (fast, no corpus layer)."""

from __future__ import annotations

from tui.corpus.model import Document, Paragraph
from tui.search import SearchIndex


def make_doc(doc_id: str, paragraphs: list[str], title: str | None = None) -> Document:
    text = "\n\n".join(paragraphs)
    paras = []
    pos = 0
    for p in paragraphs:
        paras.append(Paragraph(pos, pos + len(p), "body", None))
        pos += len(p) + 2
    return Document(
        id=doc_id,
        path=f"/tmp/{doc_id}.txt",
        title=title or paragraphs[0][:20],
        encoding="utf-8",
        text=text,
        paragraphs=paras,
    )


def test_search_returns_passage_with_exact_highlight():
    doc = make_doc("a", ["第一段没有。", "松江区总工会“心灵港湾”项目正式启动。"])
    resp = SearchIndex([doc]).search("心灵港湾")
    assert resp.error is None
    assert resp.total == 1
    hit = resp.results[0]
    assert hit.passage == doc.text[hit.start : hit.end]
    assert [hit.passage[s:e] for s, e in hit.highlights] == ["心灵港湾"]
    assert hit.match == "exact"
    assert hit.to_json()["highlights"] == [list(h) for h in hit.highlights]


def test_traditional_query_finds_simplified_text():
    doc = make_doc("a", ["深化工会改革。"])
    hit = SearchIndex([doc]).search("工會改革").results[0]
    assert hit.passage[slice(*hit.highlights[0])] == "工会改革"
    assert hit.match == "folded"
