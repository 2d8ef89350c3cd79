"""A mixed folder (txt, md, html, docx, epub, pdf) through the public CLI and
a reload: one corpus, each format's own title and outline, search offsets
that point into the extracted text, ``show`` of a section, and new files of
every format seen on reload."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from formats_make import make_docx, make_epub, make_pdf, nav_point, p, style
from tui.corpus import load_corpus

pytest.importorskip("reportlab")

WORD = "图书室"
BODY = f"社区{WORD}建设是公共文化服务的重要部分，各区应当加快推进，确保年底前全面完成任务。"


def _folder(root):
    (root / "a.txt").write_text(f"纯文本通报\n\n一、第一部分\n\n{BODY}\n", encoding="utf-8")
    (root / "b.md").write_text(f"# 笔记标题\n\n## 第一节\n\n{BODY}\n\n## 第二节\n\n{BODY}\n", encoding="utf-8")
    (root / "c.html").write_text(
        f"<html><head><title>网页标题 - 某网站</title></head><body><nav>导航</nav><h1>网页标题</h1>"
        f"<div><p>{BODY}</p><h2>网页小节</h2><p>{BODY}{BODY}</p></div></body></html>",
        encoding="utf-8",
    )
    make_docx(root / "d.docx", p("文档标题", "Title") + p("文档第一章", "1") + p(BODY),
              styles_xml=style("Title", "Title") + style("1", "heading 1"))
    make_epub(root / "e.epub", "书的标题", [("c1.xhtml", f"<h1>书第一章</h1><p>{BODY}</p>")], nav_point("书第一章", "c1.xhtml"))
    make_pdf(root / "f.pdf", [["PDF第一章", BODY * 3]], title="PDF标题", outline=[("PDF第一章", 0, 0)])


def test_mixed_folder_list_search_show(tmp_path):
    _folder(tmp_path)
    r = run_cli("list", str(tmp_path), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    got = {d["id"]: (d["title"], [s["title"] for s in d["sections"]]) for d in data["documents"]}
    assert got == {
        "a": ("纯文本通报", ["一、第一部分"]),
        "b": ("笔记标题", ["第一节", "第二节"]),
        "c": ("网页标题", ["网页小节"]),
        "d": ("文档标题", ["文档第一章"]),
        "e": ("书的标题", ["书第一章"]),
        "f": ("PDF标题", ["PDF第一章"]),
    }
    assert data["skipped"] == []

    r = run_cli("search", WORD, str(tmp_path), "--json", "--limit", "50")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)["results"]
    assert {h["doc"] for h in hits} == set(got)
    texts = {d.id: d.text for d in load_corpus([str(tmp_path)]).documents}
    for h in hits:
        passage = texts[h["doc"]][h["start"] : h["end"]]
        assert passage == h["passage"]
        for a, b in h["highlights"]:
            assert passage[a:b] == WORD

    r = run_cli("show", "f", str(tmp_path), "--section", "1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("PDF第一章") and BODY * 3 in r.stdout


def test_reload_sees_new_files_of_every_format(tmp_path):
    (tmp_path / "a.txt").write_text(f"纯文本通报\n\n{BODY}\n", encoding="utf-8")
    first = load_corpus([str(tmp_path)])
    _folder(tmp_path)
    again = load_corpus([str(tmp_path)], previous=first)
    assert sorted(again.changes["new"]) == sorted(str(tmp_path / n) for n in ("b.md", "c.html", "d.docx", "e.epub", "f.pdf"))
    assert len(again.documents) == 6 and not again.skipped


def test_document_cache_is_keyed_by_the_extractors_versions(tmp_path, monkeypatch):
    from tui.corpus import formats

    docs = tmp_path / "docs"
    docs.mkdir()
    _folder(docs)
    first = load_corpus([str(docs)], cache=True)
    assert len(first.changes["new"]) == 6
    again = load_corpus([str(docs)], cache=True)
    assert len(again.changes["unchanged"]) == 6 and not again.notices
    monkeypatch.setitem(formats.VERSIONS, "html", formats.VERSIONS["html"] + 1)  # a changed HTML rule
    third = load_corpus([str(docs)], cache=True)
    assert len(third.changes["new"]) == 6  # everything parsed again, nothing stale kept
    assert any("rebuilding" in n for n in third.notices)
