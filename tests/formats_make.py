"""Documents in rich formats, made at test time with the libraries themselves.

Nothing third-party is committed: every HTML, Markdown, DOCX, EPUB and PDF
the format tests and the PDF benchmark read is written here, from text
written for these tests (or, for the benchmark's bulk, the bundled seeds).
DOCX and EPUB are plain zip files of XML written by hand (that is what Word
and e-book tools write); PDFs come from reportlab with its built-in CJK
font (STSong-Light, no font file needed).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

def skip_reason(path) -> str:
    """The reason ``load_document`` refuses ``path`` with (it must refuse it)."""
    import pytest

    from tui.corpus import load_document
    from tui.corpus.decode import NotText

    with pytest.raises(NotText) as e:
        load_document(str(path), id="x")
    return str(e.value)


# ---------------------------------------------------------------- PDF


def make_pdf(
    path: str | Path,
    pages: list[list[str]],
    *,
    title: str | None = None,
    outline: list[tuple[str, int, int]] | None = None,
    two_column_page: tuple[list[str], list[str]] | None = None,
    heading_size: dict[str, float] | None = None,
    encrypt: str | None = None,
) -> None:
    """A PDF whose pages hold ``pages`` (lists of paragraphs, wrapped at a
    fixed width so lines break inside sentences), with optional document
    title, ``outline`` entries (title, level 0-based, page index), a final
    two-column page (left and right paragraphs) and larger font sizes for
    some paragraphs (``heading_size``)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    kwargs = {}
    if encrypt:
        from reportlab.lib import pdfencrypt

        kwargs["encrypt"] = pdfencrypt.StandardEncryption(encrypt, canPrint=0)
    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    if title:
        c.setTitle(title)
    width, height = A4
    sizes = heading_size or {}

    def column(paras: list[str], x: float, chars: int, y: float) -> float:
        for para in paras:
            size = sizes.get(para, 10.5)
            c.setFont("STSong-Light", size)
            per_line = max(1, int(chars * 10.5 / size))
            for k in range(0, len(para), per_line):
                c.drawString(x, y, para[k : k + per_line])
                y -= size * 1.6
            y -= 6
        return y

    bookmarks = {}
    for n, (label, level, page) in enumerate(outline or []):
        bookmarks.setdefault(page, []).append((f"b{n}", label, level))
    for n, paras in enumerate(pages):
        for key, label, level in bookmarks.get(n, []):
            c.bookmarkPage(key)
            c.addOutlineEntry(label, key, level=level)
        column(paras, 60, 40, height - 70)
        c.showPage()
    if two_column_page:
        for key, label, level in bookmarks.get(len(pages), []):
            c.bookmarkPage(key)
            c.addOutlineEntry(label, key, level=level)
        left, right = two_column_page
        column(left, 50, 18, height - 70)
        column(right, width / 2 + 10, 18, height - 70)
        c.showPage()
    c.save()


# ---------------------------------------------------------------- DOCX

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def make_docx(path: str | Path, body_xml: str, *, title: str | None = None, styles_xml: str | None = None,
              numbering_xml: str | None = None, extra: dict[str, bytes] | None = None) -> None:
    """A DOCX from the body's XML (paragraphs and tables), with optional
    styles, numbering and core title."""
    doc = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body_xml}</w:body></w:document>"
    )
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "word/document.xml": doc,
    }
    if styles_xml is not None:
        files["word/styles.xml"] = f'<?xml version="1.0"?><w:styles xmlns:w="{_W}">{styles_xml}</w:styles>'
    if numbering_xml is not None:
        files["word/numbering.xml"] = f'<?xml version="1.0"?><w:numbering xmlns:w="{_W}">{numbering_xml}</w:numbering>'
    if title is not None:
        files["docProps/core.xml"] = (
            '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{_esc(title)}</dc:title></cp:coreProperties>"
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)


def p(text: str, style: str | None = None, num: tuple[int, int] | None = None, outline: int | None = None,
      size: int | None = None) -> str:
    """One Word paragraph: style id, list numbering (numId, ilvl), outline level, font size (half-points)."""
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if outline is not None:
        ppr += f'<w:outlineLvl w:val="{outline}"/>'
    rpr = f'<w:rPr><w:sz w:val="{size}"/></w:rPr>' if size else ""
    return f"<w:p><w:pPr>{ppr}</w:pPr><w:r>{rpr}<w:t xml:space=\"preserve\">{_esc(text)}</w:t></w:r></w:p>"


def style(style_id: str, name: str, outline: int | None = None) -> str:
    lvl = f'<w:pPr><w:outlineLvl w:val="{outline}"/></w:pPr>' if outline is not None else ""
    return f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{_esc(name)}"/>{lvl}</w:style>'


def table(rows: list[list[str]]) -> str:
    cells = "".join("<w:tr>" + "".join(f"<w:tc>{p(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows)
    return f"<w:tbl>{cells}</w:tbl>"


# ---------------------------------------------------------------- EPUB


def make_epub(path: str | Path, title: str, chapters: list[tuple[str, str]], toc_xml: str,
              *, nav: str | None = None) -> None:
    """An EPUB 2 with ``chapters`` (file name, XHTML body) in the spine, an
    NCX whose navMap is ``toc_xml`` and optionally an EPUB 3 nav document."""
    manifest = "".join(f'<item id="c{n}" href="{name}" media-type="application/xhtml+xml"/>' for n, (name, _) in enumerate(chapters))
    spine = "".join(f'<itemref idref="c{n}"/>' for n in range(len(chapters)))
    if nav is not None:
        manifest += '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0" '
        'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{_esc(title)}</dc:title><dc:language>zh</dc:language></metadata>"
        f'<manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>{manifest}</manifest>'
        f'<spine toc="ncx">{spine}</spine></package>'
    )
    ncx = f'<?xml version="1.0" encoding="UTF-8"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>{toc_xml}</navMap></ncx>'
    container = (
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml", container)
        z.writestr("OEBPS/content.opf", opf)
        z.writestr("OEBPS/toc.ncx", ncx)
        if nav is not None:
            z.writestr("OEBPS/nav.xhtml", nav)
        for name, body in chapters:
            z.writestr(
                f"OEBPS/{name}",
                '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>'
                f"<body>{body}</body></html>",
            )


def nav_point(label: str, src: str, children: str = "") -> str:
    return f"<navPoint><navLabel><text>{_esc(label)}</text></navLabel><content src=\"{src}\"/>{children}</navPoint>"
