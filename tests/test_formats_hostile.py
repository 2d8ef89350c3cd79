"""Hostile rich-format files: each is one skipped file with a reason, never
a hang, a crash or a lost document elsewhere in the folder."""

from __future__ import annotations

import time
import zipfile

import pytest

from formats_make import skip_reason, make_docx, make_epub, nav_point, p
from tui.corpus import load_corpus, load_document

GOOD = "关于推进社区图书室建设的情况通报\n\n一、总体进展\n\n全市已建成社区图书室三百一十二个。\n"

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    + "]>"
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _bomb(path, member: str, mb: int = 200, extra: dict | None = None) -> None:
    """A zip whose ``member`` inflates to ``mb`` MB of spaces (about 1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (extra or {}).items():
            z.writestr(name, data)
        with z.open(member, "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode())
            chunk = b" " * (1 << 20)
            for _ in range(mb):
                f.write(chunk)


def test_docx_zip_bomb_ratio(tmp_path):
    path = tmp_path / "bomb.docx"
    _bomb(path, "word/document.xml")
    assert path.stat().st_size < 1_000_000
    start = time.monotonic()
    assert "zip bomb" in skip_reason(path)
    assert time.monotonic() - start < 10


def test_docx_zip_bomb_size(tmp_path, monkeypatch):
    from tui.corpus.formats import safezip

    monkeypatch.setattr(safezip, "MAX_RATIO", 10**9)  # only the size limit can stop it now
    monkeypatch.setattr(safezip, "MAX_MEMBER", 8 * 1024 * 1024)
    path = tmp_path / "bomb.docx"
    _bomb(path, "word/document.xml", mb=64)
    assert "inflates past 8 MB" in skip_reason(path)


def test_epub_zip_bomb_in_a_chapter(tmp_path):
    path = tmp_path / "bomb.epub"
    make_epub(path, "书", [("c1.xhtml", "<p>正文</p>")], nav_point("一", "c1.xhtml"))
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist() if n != "OEBPS/c1.xhtml"}
    _bomb(path, "OEBPS/c1.xhtml", extra=members)
    assert "zip bomb" in skip_reason(path)


@pytest.mark.parametrize("prolog", [LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_xml_entities_are_never_resolved(tmp_path, prolog):
    path = tmp_path / "ent.docx"
    with zipfile.ZipFile(path, "w") as z:
        ref = "&lol9;" if prolog is LAUGHS else "&secret;"
        z.writestr("word/document.xml", f'{prolog}<w:document xmlns:w="{W}"><w:body>{p("正文" + ref)}</w:body></w:document>')
    assert "entities" in skip_reason(path)
    epub = tmp_path / "ent.epub"
    make_epub(epub, "书", [("c1.xhtml", "<p>正文</p>")], nav_point("一", "c1.xhtml"))
    with zipfile.ZipFile(epub, "a") as z:
        z.writestr("OEBPS/c2.xhtml", f"{prolog}<html><body><p>{ref}</p></body></html>")
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
    assert "OEBPS/c2.xhtml" in names
    # The package points at the hostile chapter too.
    data = {n: zipfile.ZipFile(epub).read(n) for n in names}
    data["OEBPS/content.opf"] = data["OEBPS/content.opf"].replace(
        b"</manifest>", b'<item id="x" href="c2.xhtml" media-type="application/xhtml+xml"/></manifest>'
    ).replace(b"</spine>", b'<itemref idref="x"/></spine>')
    with zipfile.ZipFile(epub, "w") as z:
        for n, d in data.items():
            z.writestr(n, d)
    assert "entities" in skip_reason(epub)


def test_html_entity_declarations_do_not_expand(tmp_path):
    path = tmp_path / "laughs.html"
    path.write_text(LAUGHS + "<html><body><p>正文&lol9;正文</p></body></html>", encoding="utf-8")
    start = time.monotonic()
    doc = load_document(str(path), id="laughs")
    assert time.monotonic() - start < 5
    assert "lollollol" not in doc.text


def test_password_protected_docx_says_encrypted(tmp_path):
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)  # an OLE container, as Word writes it
    assert skip_reason(path).startswith("encrypted")


def test_broken_containers_are_skipped_and_the_rest_loads(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "notzip.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (tmp_path / "empty.epub").write_bytes(b"")
    make_docx(tmp_path / "nodoc.docx", p("x"))
    with zipfile.ZipFile(tmp_path / "nodoc.docx", "w") as z:
        z.writestr("word/other.xml", "<x/>")
    with zipfile.ZipFile(tmp_path / "badxml.epub", "w") as z:
        z.writestr("META-INF/container.xml", "<<<not xml")
    _bomb(tmp_path / "bomb.docx", "word/document.xml", mb=50)
    corpus = load_corpus([str(tmp_path)])
    assert [d.id for d in corpus.documents] == ["good"]
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in corpus.skipped}
    assert set(reasons) == {"notzip.docx", "empty.epub", "nodoc.docx", "badxml.epub", "bomb.docx"}, reasons
    assert all(reasons.values())
