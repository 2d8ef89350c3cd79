"""DOCX and EPUB made at test time (tests/formats_make.py), read through the
real load path: Word's outline (styles, outline levels, list numbering), a
cached table of contents that must not double the outline, tables, text
boxes stored twice; an EPUB's nested table of contents and spine order."""

from __future__ import annotations

from formats_make import make_docx, make_epub, nav_point, p, style, table
from tui.corpus import BOILERPLATE, load_document

BODY = "本段是正文内容，介绍有关工作的进展情况，并提出下一步的具体安排。"

STYLES = style("1", "标题 1") + style("2", "标题 2") + style("TOC1", "toc 1") + style("Title", "Title")
NUMBERING = (
    '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num>'
)
TEXTBOX = (
    '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
    + p("提醒：文本框里的说明")
    + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
    + p("提醒：文本框里的说明")
    + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
)


def _docx(tmp_path, body, **kw):
    path = tmp_path / "report.docx"
    make_docx(path, body, styles_xml=STYLES, numbering_xml=NUMBERING, **kw)
    return load_document(str(path), id="report")


def test_docx_heading_styles_toc_tables_textbox(tmp_path):
    body = (
        p("年度工作报告", "Title")
        + p("目录")
        + p("第一章 总体情况\t1", "TOC1")
        + p("第二章 存在问题\t3", "TOC1")
        + TEXTBOX
        + p("第一章 总体情况", "1")
        + p(BODY)
        + p("", "2")  # an empty placeholder heading
        + p("一、建设进度", "2")
        + table([["项目", "数量"], ["图书室", "312"]])
        + p("第二章 存在问题", "1")
        + p("直接设置大纲级别的段落", outline=1)
        + p(BODY)
    )
    doc = _docx(tmp_path, body)
    assert doc.title == "年度工作报告"
    assert [(s.level, s.title) for s in doc.sections] == [
        (1, "第一章 总体情况"), (2, "一、建设进度"), (1, "第二章 存在问题"), (2, "直接设置大纲级别的段落"),
    ]
    for s in doc.sections:
        assert doc.text[s.start : s.heading_end] == s.title
    assert "项目 | 数量\n\n图书室 | 312" in doc.text
    assert doc.text.count("提醒：文本框里的说明") == 1
    toc = [doc.text[x.start : x.end] for x in doc.paragraphs if x.kind == BOILERPLATE]
    assert "第一章 总体情况\t1" in toc


def test_docx_list_numbered_headings_and_core_title(tmp_path):
    body = (
        p("作业说明", num=(5, 0)) + p(BODY)
        + p("实作方法", num=(5, 0)) + p("访客", "2") + p(BODY) + p("管理员", "2") + p(BODY)
        + p("实作心得", num=(5, 0)) + p(BODY)
    )
    doc = _docx(tmp_path, body, title="期末报告")
    assert doc.title == "期末报告"
    # Word shows the numbers; they are written into the text.
    assert [(s.level, s.title) for s in doc.sections] == [
        (1, "一、作业说明"), (1, "二、实作方法"), (2, "访客"), (2, "管理员"), (1, "三、实作心得"),
    ]


def test_docx_without_outline_uses_text_rules(tmp_path):
    body = p("某某项目报告正文", outline=0) + p("一、立论依据") + p(BODY) + p("二、研究内容") + p(BODY)
    doc = _docx(tmp_path, body)
    assert doc.title == "某某项目报告正文"
    assert [s.title for s in doc.sections] == ["一、立论依据", "二、研究内容"]


def _cover(second: str, second_size: int = 30) -> str:
    return (
        p("博士学位论文", size=52) + p(second, size=second_size)
        + p("作者姓名：张三", size=28) + p("指导教师：李四 研究员", size=28) + p("2022年6月", size=28)
        + "".join(p(BODY, size=24) for _ in range(6))
    )


def test_docx_cover_label_over_the_title(tmp_path):
    """A thesis cover: the largest line names the kind of document, the title
    is the longer line under it in the cover's second size (larger than the
    author and date fields below)."""
    doc = _docx(tmp_path, _cover("某某地区湖泊演化历史与高湖面变化研究"))
    assert doc.title == "某某地区湖泊演化历史与高湖面变化研究"
    assert "博士学位论文" in doc.text  # the label stays in the text
    # A deck under a short title, or a line no larger than the fields, is not the title.
    assert _docx(tmp_path, _cover("——在某某大学研究生院的报告会上")).title == "博士学位论文"
    assert _docx(tmp_path, _cover("某某地区湖泊演化历史与高湖面变化研究", 28)).title == "博士学位论文"


def _epub(tmp_path, toc, chapters, **kw):
    path = tmp_path / "book.epub"
    make_epub(path, "测试之书", chapters, toc, **kw)
    return load_document(str(path), id="book")


CHAPTERS = [
    ("c1.xhtml", f"<h1>第一章 开端</h1><p>{BODY}</p><h2 id='s1'>第一节 缘起</h2><p>{BODY}</p><h2 id='s2'>第二节 经过</h2><p>{BODY}</p>"),
    ("c2.xhtml", f"<h1>第二章 结局</h1><p>{BODY}</p>"),
]


def test_epub_nested_ncx(tmp_path):
    toc = nav_point("测试之书", "c1.xhtml", nav_point(
        "第一章 开端", "c1.xhtml", nav_point("第一节 缘起", "c1.xhtml#s1") + nav_point("第二节 经过", "c1.xhtml#s2")
    ) + nav_point("第二章 结局", "c2.xhtml"))
    doc = _epub(tmp_path, toc, CHAPTERS)
    assert doc.title == "测试之书"
    assert [(s.level, s.title) for s in doc.sections] == [
        (1, "第一章 开端"), (2, "第一节 缘起"), (2, "第二节 经过"), (1, "第二章 结局"),
    ]
    for s in doc.sections:
        assert doc.text[s.start : s.heading_end] == s.title
    assert doc.text.index("第一章 开端") < doc.text.index("第二章 结局")  # spine order


def test_epub_generic_toc_labels_get_the_chapter_headings(tmp_path):
    toc = nav_point("Chapter 1", "c1.xhtml") + nav_point("Chapter 2", "c2.xhtml")
    doc = _epub(tmp_path, toc, CHAPTERS)
    # The entry's own heading is the one it points at; the others are below it.
    assert [(s.level, s.title) for s in doc.sections] == [
        (1, "Chapter 1"), (2, "第一节 缘起"), (2, "第二节 经过"), (1, "Chapter 2"),
    ]
    assert doc.text[doc.sections[0].start :].startswith("第一章 开端")


def test_epub3_nav(tmp_path):
    nav = (
        '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol>'
        '<li><a href="c1.xhtml">第一章 开端</a><ol><li><a href="c1.xhtml#s2">第二节 经过</a></li></ol></li>'
        '<li><a href="c2.xhtml">第二章 结局</a></li></ol></nav></body></html>'
    )
    doc = _epub(tmp_path, "", CHAPTERS, nav=nav)
    assert [(s.level, s.title) for s in doc.sections] == [(1, "第一章 开端"), (2, "第二节 经过"), (1, "第二章 结局")]


def test_epub_with_an_unreadable_chapter_says_so(tmp_path):
    import zipfile

    path = tmp_path / "book.epub"
    make_epub(path, "测试之书", CHAPTERS + [("c3.xhtml", "")], nav_point("第一章 开端", "c1.xhtml") + nav_point("空", "c3.xhtml"))
    with zipfile.ZipFile(path) as z:
        data = {n: z.read(n) for n in z.namelist()}
    data["OEBPS/c3.xhtml"] = b""  # an empty document: nothing lxml can parse
    with zipfile.ZipFile(path, "w") as z:
        for n, d in data.items():
            z.writestr(n, d)
    doc = load_document(str(path), id="book")
    assert "第一章 开端" in doc.text
    assert any("c3.xhtml" in w for w in doc.warnings)


def test_docx_main_part_named_by_the_package_relationships(tmp_path):
    import zipfile

    path = tmp_path / "renamed.docx"
    make_docx(path, p("第一章 总则", outline=0) + p(BODY))
    with zipfile.ZipFile(path) as z:
        data = {n: z.read(n) for n in z.namelist()}
    data["word/document2.xml"] = data.pop("word/document.xml")
    data["_rels/.rels"] = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        b'Target="word/document2.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w") as z:
        for n, d in data.items():
            z.writestr(n, d)
    doc = load_document(str(path), id="renamed")
    assert BODY in doc.text
