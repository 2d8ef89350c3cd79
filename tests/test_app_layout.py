"""The reader's layout: CJK wrapping by cells, offsets, separators."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from rich.cells import cell_len

from app_support import build_doc, sample_corpus
from tui.app.layout import CLOSE, OPEN, layout, wrap
from tui.app.widgets.reader import display_text


def test_cjk_wraps_at_cell_width():
    text = "职工服务中心设立心灵港湾工作室" * 4
    spans = wrap(text, 20)
    assert all(cell_len(text[s:e]) <= 20 for s, e in spans)
    assert [e - s for s, e in spans][:3] == [10, 10, 10]
    assert "".join(text[s:e] for s, e in spans) == text


def test_latin_words_are_not_split_and_numbers_stay_whole():
    text = "沿G60高速公路构建科创走廊 hello world 2018年9月"
    for width in range(8, 40):
        spans = wrap(text, width)
        pieces = [text[s:e] for s, e in spans]
        assert all(cell_len(p) <= width for p in pieces)
        for word in ("G60", "hello", "world", "2018"):
            assert any(word in p for p in pieces), (width, pieces)


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation():
    text = "第一句话很长很长很长，第二句话“引号内容”结束。（括号）再来一句。" * 3
    for width in range(6, 30):
        for s, e in wrap(text, width):
            assert text[s] not in CLOSE or s == 0
            assert text[e - 1] not in OPEN


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("中文字，。“”（）abc 12G\u3000😀é\u0301")), max_size=120),
    st.integers(min_value=2, max_value=50),
)
def test_wrap_property(text, width):
    spans = wrap(text, width)
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        assert text[prev:s].strip(" ") == ""  # only spaces are dropped at breaks
        piece = text[s:e]
        assert cell_len(piece) <= width or len(piece) == 1
        prev = e
    assert text[prev:].strip(" ") == ""


def test_layout_offsets_and_blank_separators():
    doc = sample_corpus().documents[0]
    lay = layout(doc, 30)
    shown = []
    for i in range(len(lay)):
        if lay.blank[i]:
            continue
        s, e = lay.starts[i], lay.ends[i]
        assert cell_len(display_text(doc.text[s:e])) <= 30
        shown.append(doc.text[s:e])
    # Every paragraph's text is shown, in order, nothing invented.
    assert "".join(shown).replace(" ", "") == "".join(doc.text[p.start:p.end] for p in doc.paragraphs).replace(" ", "")
    # Paragraphs are separated by one blank line.
    assert sum(lay.blank) == len(doc.paragraphs) - 1
    # line_at / offset_at agree.
    for sec in doc.sections:
        line = lay.line_at(sec.start)
        assert lay.offset_at(line) == sec.start


def test_inline_heading_flows_into_its_body():
    doc = build_doc("d", "标题", [("body", "正文")])
    text = "标题\n\n(三)组织动员职工。聚焦重点任务推进工作。"
    from tui.corpus.model import Paragraph

    doc.text = text
    doc.paragraphs = [Paragraph(0, 2, "title"), Paragraph(4, 13, "heading"), Paragraph(13, len(text), "body")]
    lay = layout(doc, 200)
    lines = [text[s:e] for s, e, b in zip(lay.starts, lay.ends, lay.blank) if not b]
    assert lines == ["标题", "(三)组织动员职工。聚焦重点任务推进工作。"]


def test_indentation_and_ideographic_spaces_are_not_shown():
    doc = build_doc("d", "标题", [("body", "\u3000\u3000  正文开始")])
    lay = layout(doc, 40)
    last = len(lay) - 1
    assert doc.text[lay.starts[last]:lay.ends[last]] == "正文开始"


def test_tabs_and_controls_are_drawn_as_visible_single_cells():
    assert display_text("a\tb\x1b[2Jc\x07") == "a b\u241b[2Jc\u2407"
