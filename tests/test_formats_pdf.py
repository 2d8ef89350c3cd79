"""PDF through the real load path, on files reportlab writes at test time
with its built-in CJK font: paragraphs rebuilt from lines (a CJK line break
is not a space), bookmarks as sections, a two-column page in reading order,
the title from metadata or the largest line, and the refusals (no text
layer, a password, garbage, a worker over its time limit)."""

from __future__ import annotations

import pytest

from formats_make import skip_reason, make_pdf
from tui.corpus import load_corpus, load_document

pytest.importorskip("reportlab")

SENTENCE = "社区图书室建设是公共文化服务体系的重要组成部分，各区应当加快推进建设进度，确保年底前全面完成任务。"
LEFT = ["左栏第一段" + SENTENCE, "左栏第二段" + SENTENCE]
RIGHT = ["右栏第一段" + SENTENCE, "右栏第二段" + SENTENCE]


def _pages():
    return [
        ["市图书馆年度工作报告", "第一章 总体情况", SENTENCE * 3, SENTENCE * 2],
        ["第二章 存在问题", SENTENCE * 4],
    ]


def test_pdf_outline_paragraphs_and_columns(tmp_path):
    path = tmp_path / "report.pdf"
    make_pdf(
        path, _pages(), title="市图书馆年度工作报告",
        outline=[("第一章 总体情况", 0, 0), ("第二章 存在问题", 0, 1), ("两栏附录", 1, 2)],
        two_column_page=(LEFT, RIGHT),
        heading_size={"市图书馆年度工作报告": 18, "第一章 总体情况": 14, "第二章 存在问题": 14},
    )
    doc = load_document(str(path), id="report")
    assert doc.title == "市图书馆年度工作报告"
    assert [(s.level, s.title) for s in doc.sections] == [(1, "第一章 总体情况"), (1, "第二章 存在问题"), (2, "两栏附录")]
    for s in doc.sections[:2]:
        assert doc.text[s.start : s.heading_end] == s.title
    # Lines wrapped inside sentences are joined back without spaces.
    assert SENTENCE * 3 in doc.text
    assert (SENTENCE * 3 + SENTENCE * 2) not in doc.text  # two paragraphs stay two
    # The two-column page reads down the left column, then the right one.
    order = [doc.text.index(p) for p in LEFT + RIGHT]
    assert order == sorted(order)


def test_pdf_title_from_largest_line_and_text_rules(tmp_path):
    path = tmp_path / "plain.pdf"
    pages = [["关于图书室建设的通报", "一、总体进展", SENTENCE * 2, "二、存在不足", SENTENCE * 2]]
    make_pdf(path, pages, heading_size={"关于图书室建设的通报": 20})
    doc = load_document(str(path), id="plain")
    assert doc.title == "关于图书室建设的通报"
    assert [s.title for s in doc.sections] == ["一、总体进展", "二、存在不足"]


def test_pdf_cover_label_over_the_title(tmp_path):
    """As for DOCX: the cover's largest line "博士学位论文" names the kind of
    document; the longer line under it, in the cover's second size (above the
    author and date fields), is the title.  A deck under a short title is not."""
    title = "某某地区湖泊演化历史与高湖面变化研究"
    fields = ["作者姓名：张三", "指导教师：李四 研究员", "二〇二二年六月"]
    sizes = {"博士学位论文": 26, title: 16, "——在某某大学研究生院的报告会上": 16, **{f: 12 for f in fields}}
    path = tmp_path / "thesis.pdf"
    make_pdf(path, [["博士学位论文", title, *fields], [SENTENCE * 4, SENTENCE * 3]], heading_size=sizes)
    assert load_document(str(path), id="thesis").title == title
    path = tmp_path / "talk.pdf"
    make_pdf(path, [["博士学位论文", "——在某某大学研究生院的报告会上", *fields], [SENTENCE * 4]], heading_size=sizes)
    assert load_document(str(path), id="talk").title == "博士学位论文"


def test_pdf_without_text_layer_is_skipped(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(3):
        c.rect(50, 50, 400, 600, fill=1)  # an "image" of a page: no text at all
        c.showPage()
    c.save()
    assert skip_reason(path) == "no text layer (scanned?)"


def test_pdf_encrypted_is_skipped(tmp_path):
    path = tmp_path / "locked.pdf"
    make_pdf(path, _pages(), encrypt="secret")
    assert skip_reason(path) == "encrypted"


def test_pdf_garbage_and_truncated_are_skipped_not_fatal(tmp_path):
    good = tmp_path / "good.pdf"
    make_pdf(good, _pages())
    (tmp_path / "garbage.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 50)
    (tmp_path / "truncated.pdf").write_bytes(good.read_bytes()[: 600])
    corpus = load_corpus([str(tmp_path)])
    assert [d.id for d in corpus.documents] == ["good"]
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in corpus.skipped}
    assert set(reasons) == {"garbage.pdf", "truncated.pdf"}
    assert all("PDF" in r or "text layer" in r for r in reasons.values()), reasons


def test_pdf_worker_time_limit(tmp_path, monkeypatch):
    from tui.corpus.formats import pdf

    path = tmp_path / "slow.pdf"
    make_pdf(path, _pages() * 20)
    monkeypatch.setattr(pdf, "TIMEOUT", 0.001)
    first = load_corpus([str(tmp_path)], cache=True)
    assert not first.documents and "took too long" in first.skipped[0].reason
    # Out of time is not about the content: the next load tries again.
    monkeypatch.setattr(pdf, "TIMEOUT", 120)
    again = load_corpus([str(tmp_path)], cache=True)
    assert [d.id for d in again.documents] == ["slow"]


def test_pdf_worker_memory_limit(tmp_path, monkeypatch):
    from tui.corpus.formats import pdf

    path = tmp_path / "big.pdf"
    make_pdf(path, _pages() * 50)  # 100 pages: more than the arenas already mapped can hold
    # One byte beyond the loaded interpreter and PDFium: any new mapping the
    # work needs fails (64 KiB could fit in arenas already mapped, and did
    # on a busy machine).
    monkeypatch.setattr(pdf, "MEMORY", 1)
    assert "memory" in skip_reason(path)


def test_pdf_two_workers_read_the_same_as_one(tmp_path, monkeypatch):
    from tui.corpus.formats import pdf

    path = tmp_path / "split.pdf"
    make_pdf(path, _pages() * 3, title="分页", outline=[("第二章 存在问题", 0, 3), ("第一章 总体情况", 0, 4)],
             two_column_page=(LEFT, RIGHT))
    data = path.read_bytes()
    got = {}
    for n in (1, 2):
        monkeypatch.setattr(pdf, "_workers", lambda size, n=n: n)
        got[n] = pdf.extract(data, str(path))
    assert got[1] == got[2]
    assert [h.title for h in got[2].headings] == ["第二章 存在问题", "第一章 总体情况"]


def _raw_pdf(objects: dict[int, str]) -> bytes:
    """A PDF written by hand, with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += f"{n} 0 obj\n{objects[n]}\nendobj\n".encode("latin-1")
    xref = len(out)
    count = max(objects) + 1
    out += f"xref\n0 {count}\n0000000000 65535 f \n".encode()
    for n in range(1, count):
        out += f"{offsets.get(n, 0):010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {count} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _looping(kind: str) -> bytes:
    text = " ".join(f"({'Line %d of a page whose structure loops back on itself.' % k}) Tj 0 -14 Td" for k in range(40))
    stream = f"BT /F1 11 Tf 72 760 Td {text} ET"
    objects = {
        1: "<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R >>",
        2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
        4: "<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
        5: "<< /Title (Loop) /Parent 4 0 R /Next 5 0 R /First 5 0 R /Last 5 0 R /Count 1 /Dest [3 0 R /XYZ 0 792 0] >>",
        6: f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        7: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    if kind == "pages":
        objects[2] = "<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"  # the page tree contains itself
    return _raw_pdf(objects)


@pytest.mark.parametrize("kind", ["outline", "pages"])
def test_pdf_with_a_loop_is_read_or_skipped_quickly(tmp_path, kind):
    import time

    (tmp_path / "loop.pdf").write_bytes(_looping(kind))
    (tmp_path / "good.txt").write_text("一份好的文档\n\n一、内容\n\n正文。\n", encoding="utf-8")
    start = time.monotonic()
    corpus = load_corpus([str(tmp_path)])
    assert time.monotonic() - start < 60
    ids = [d.id for d in corpus.documents]
    assert "good" in ids
    if "loop" in ids:
        doc = corpus.find("loop")
        assert "Line 0 of a page" in doc.text and len(doc.sections) <= 1
    else:
        assert [s.reason for s in corpus.skipped]


def test_pdf_worker_runs_alone_without_the_package(tmp_path):
    """The worker is started by file name in isolated mode: it reads the PDF
    from stdin and answers with its lines without importing ``tui`` (the
    corpus layer would cost a start-up for nothing) nor anything from its own
    directory (whose ``html.py`` would hide the standard library's)."""
    import json
    import subprocess
    import sys

    from tui.corpus.formats import pdf

    path = tmp_path / "alone.pdf"
    make_pdf(path, _pages(), title="独立进程")
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-I", pdf.WORKER, "0", "1"], input=path.read_bytes(), capture_output=True
    )
    got = json.loads(out.stdout)
    assert got["count"] == 2 and got["title"] == "独立进程"
    assert any("第二章 存在问题" in line[0] for _, lines in got["pages"] for line in lines)
    imported = {ln.rsplit("|", 1)[-1].strip() for ln in out.stderr.decode().splitlines() if ln.startswith("import time:")}
    assert "pypdfium2" in imported
    siblings = {"tui", "pdf", "docx", "epub", "outline", "safezip", "markdown"}
    assert not {m.split(".")[0] for m in imported} & siblings


def test_column_edges_match_their_definition():
    """Each line's column edge is the largest x1 of the lines within 0.5 pt of
    its size that overlap it horizontally (-inf when none does), checked
    against the pairwise definition on random pages: touching, zero-width,
    nested and far-apart lines of near and distinct sizes."""
    import random

    from tui.corpus.formats.pdf import Line, _column_edges

    def pairwise(lines):
        return [
            max((o.x1 for o in lines if o.x0 < ln.x1 and ln.x0 < o.x1 and abs(o.size - ln.size) < 0.5), default=float("-inf"))
            for ln in lines
        ]

    rnd = random.Random(12)
    for _ in range(2000):
        lines = []
        for _ in range(rnd.randint(1, 30)):
            x0 = rnd.choice([0, 10, 20, 30, 50, 300]) + rnd.choice([0, rnd.random() * 5])
            lines.append(Line("字", x0, x0 + rnd.choice([0, 1, 5, 50, 200, 250]), 0, 0, rnd.choice([9, 9.3, 9.6, 10, 12, 18]), 0))
        assert _column_edges(lines) == pairwise(lines)
