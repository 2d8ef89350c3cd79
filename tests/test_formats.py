"""Rich formats: HTML and Markdown extractors, through the real load path.

Every file is written here (tests/formats_make.py for the binary formats);
the checks are on what a reader gets: the title, the outline, offsets that
point at the heading text, chrome that is never a title or a section.
"""

from __future__ import annotations

from tui.corpus import BOILERPLATE, HEADING, load_corpus, load_document

ARTICLE = "市政府召开会议研究部署社区图书室建设工作，要求各区加快进度，确保年底前全面完成建设任务。"

HTML_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="{{charset}}"><title>社区图书室建设情况通报 - 某某市政府网</title>
<style>h2 {{{{ color: red }}}}</style><script>document.write("<h2>脚本标题</h2>")</script></head>
<body>
<div id="top"><h2>网站导航</h2><ul><li><a href="/">首页</a></li><li><a href="/news">新闻中心</a></li></ul></div>
<nav><h3>栏目列表</h3><a href="/a">政务公开</a></nav>
<header><h1>某某市人民政府</h1></header>
<!-- <h2>注释里的标题</h2> -->
<div class="main">
  <h1>社区图书室建设情况通报</h1>
  <p>发布时间：2024-05-01</p>
  <div class="content">
    <ul><li><a href="#a">一、总体进展</a></li><li><a href="#b">（一）建设情况</a></li><li><a href="#c">二、存在不足</a></li></ul>
    <p>{ARTICLE}</p>
    <h2>一、总体进展</h2>
    <p>{ARTICLE}全市已建成社区图书室三百一十二个，藏书总量超过八十万册。</p>
    <h3>（一）建设情况</h3>
    <p>{ARTICLE}年接待读者六十余万人次，群众满意度持续提升。</p>
    <h2>二、存在不足</h2>
    <p>{ARTICLE}部分图书室开放时间偏短，新书补充不及时。</p>
    <form><input name="q"><button>搜索</button></form>
  </div>
</div>
<aside><h2>热门文章</h2><p>另一篇文章的标题在这里出现</p></aside>
<div class="related"><h2>相关链接</h2><ul><li><a href="/x">链接一</a></li><li><a href="/y">链接二</a></li></ul></div>
<footer><p>主办单位：某某市人民政府办公室</p></footer>
</body></html>
"""


def _html(charset: str = "utf-8") -> str:
    return HTML_PAGE.replace("{charset}", charset)


def _titles(doc):
    return [(s.level, s.title) for s in doc.sections]


def test_html_outline_title_and_chrome(write):
    path = write("page.html", _html())
    doc = load_document(path, id="page")
    assert doc.title == "社区图书室建设情况通报"
    assert _titles(doc) == [(1, "一、总体进展"), (2, "（一）建设情况"), (1, "二、存在不足")]
    for s in doc.sections:
        assert doc.text[s.start : s.heading_end] == s.title
    # Scripts, styles, comments, nav, aside, forms are gone; other chrome is boilerplate.
    for gone in ("脚本标题", "color: red", "注释里的标题", "栏目列表", "热门文章", "搜索"):
        assert gone not in doc.text
    chrome = [doc.text[p.start : p.end] for p in doc.paragraphs if p.kind == BOILERPLATE]
    assert any("网站导航" in c for c in chrome) and any("相关链接" in c for c in chrome)
    assert "（一）建设情况" in chrome  # the page's own link list of its headings
    heads = [doc.text[p.start : p.end] for p in doc.paragraphs if p.kind == HEADING]
    assert heads == ["一、总体进展", "（一）建设情况", "二、存在不足"]


def test_html_legacy_charsets(write):
    for charset, codec in (("gbk", "gbk"), ("big5", "big5")):
        page = _html(charset)
        if codec == "big5":
            page = page.replace("图书室", "圖書室").replace("总体进展", "總體進展")
        path = write(f"page-{charset}.html", page.encode(codec, errors="ignore"))
        doc = load_document(path, id=charset)
        assert "書室" in doc.title or "书室" in doc.title
        assert doc.sections and ("进展" in doc.sections[0].title or "進展" in doc.sections[0].title)


def test_html_without_headings_falls_back_to_text_rules(write):
    body = "".join(f"<p><strong>第{n}章　总则</strong></p><p>{ARTICLE}</p>" for n in "一二三")
    page = f"<html><head><title>某某条例-法规库</title></head><body><p><strong>某某条例</strong></p>{body}</body></html>"
    doc = load_document(write("law.html", page), id="law")
    assert doc.title == "某某条例"
    assert [s.title for s in doc.sections] == ["第一章 总则", "第二章 总则", "第三章 总则"]


def test_html_hostile_nesting_and_scripts(write):
    deep = "<div>" * 1_000_000 + "深处" + "</div>" * 1_000_000
    page = f"<html><body><p>{ARTICLE}</p>{deep}<script>{'x' * 100000}</script></body></html>"
    doc = load_document(write("deep.html", page), id="deep")
    assert ARTICLE in doc.text and "xxxx" not in doc.text
    assert any("256 levels" in w for w in doc.warnings)  # what was not read is said


def test_markdown_headings(write):
    md = (
        "---\ntitle: 前置标题\nauthor: 某人\n---\n\n"
        "概述\n====\n\n正文一段。\n\n"
        "细节 [链接](http://x)\n-------------\n\n"
        "```\n# 代码里的标题\n```\n\n"
        "\t缩进代码\n\t=======\n\n"
        "> ## 引用里的标题\n\n"
        "- 列表项\n-----\n\n"
        "表头 | 列\n--- | ---\n值 | 值\n\n"
        "## 收尾 ##\n\n最后一段。\n"
    )
    doc = load_document(write("note.md", md), id="note")
    assert doc.title == "前置标题"
    assert _titles(doc) == [(1, "概述"), (2, "细节 链接"), (2, "收尾")]
    assert doc.text.startswith("---\ntitle")  # the source is the text: offsets are the file's


def test_markdown_single_h1_is_the_title(write):
    doc = load_document(write("a.md", "# 总标题\n\n## 第一部分\n\n内容\n\n## 第二部分\n\n内容\n"), id="a")
    assert doc.title == "总标题"
    assert _titles(doc) == [(1, "第一部分"), (1, "第二部分")]


def test_mixed_folder_lists_and_searches(write, tmp_path):
    write("a.txt", "纯文本文件\n\n一、第一部分\n\n内容。\n")
    write("b.html", _html())
    write("c.md", "# 笔记\n\n## 小节\n\n图书室笔记。\n")
    corpus = load_corpus([str(tmp_path)])
    assert sorted(d.id for d in corpus.documents) == ["a", "b", "c"]
    assert not corpus.skipped
