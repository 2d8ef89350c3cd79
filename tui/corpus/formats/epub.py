"""EPUB (2 and 3): the spine's documents in order, the book's own table of
contents as sections, ``dc:title`` as the title.

Read as a zip of XML/XHTML (``safezip``: bounded, entities refused) with
lxml; ebooklib would add a dependency and read every resource, images
included, into memory.

* The table of contents is the EPUB 3 nav document (``epub:type="toc"``) or
  the NCX, nested entries giving levels; a single root entry that only
  repeats the book's title is dropped.  An entry points at a file or at an
  anchor in it; its section starts at that paragraph.
* Within a file the table of contents names only once (a chapter), the
  file's own h1-h6 below the one at the entry are its subsections: some
  books' tables of contents say only "Chapter 3" while the chapter carries
  the real headings.  A heading that repeats the entry is not repeated.
* Without a table of contents, the documents' headings are the outline.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from tui.corpus.formats import Extracted, Heading, TextBuilder, Unreadable, clean
from tui.corpus.formats.safezip import Archive, refuse_entities

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_DOCS = {"application/xhtml+xml", "text/html", "application/xml"}


def _key(s: str) -> str:
    return re.sub(r"[\s\u3000]+", "", s).lower()


def _join(base: str, href: str) -> tuple[str, str]:
    href = unquote(href or "")
    path, _, frag = href.partition("#")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), path)) if path else base, frag


def _ncx_entries(root, base: str) -> list[tuple[str, str, str, int]]:
    out = []
    nav_map = root.find(NCX + "navMap")
    if nav_map is None:
        return out
    stack = [(el, 1) for el in reversed(nav_map.findall(NCX + "navPoint"))]
    while stack:
        el, depth = stack.pop()
        label = clean("".join(el.find(NCX + "navLabel").itertext())) if el.find(NCX + "navLabel") is not None else ""
        content = el.find(NCX + "content")
        if content is not None and label:
            path, frag = _join(base, content.get("src") or "")
            out.append((label, path, frag, depth))
        stack.extend((c, depth + 1) for c in reversed(el.findall(NCX + "navPoint")))
    return out


def _nav_entries(root, base: str) -> list[tuple[str, str, str, int]]:
    out = []
    navs = [n for n in root.iter(XHTML + "nav") if (n.get(EPUB_TYPE) or "") == "toc"] or list(root.iter(XHTML + "nav"))
    if not navs:
        return out
    ol = navs[0].find(XHTML + "ol")
    if ol is None:
        return out
    stack = [(li, 1) for li in reversed(ol.findall(XHTML + "li"))]
    while stack:
        li, depth = stack.pop()
        a = li.find(XHTML + "a")
        if a is not None:
            label = clean("".join(a.itertext()))
            if label:
                path, frag = _join(base, a.get("href") or "")
                out.append((label, path, frag, depth))
        sub = li.find(XHTML + "ol")
        if sub is not None:
            stack.extend((c, depth + 1) for c in reversed(sub.findall(XHTML + "li")))
    return out


def _document(data: bytes, name: str):
    """The paragraphs of one XHTML document (html.paragraphs)."""
    import lxml.html

    from tui.corpus.formats.html import paragraphs

    refuse_entities(data, name)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except Exception:
        return None  # nothing readable in this document
    body = root.find("body")
    return paragraphs(body if body is not None else root)


def extract(data: bytes, path: str, encoding: str | None = None) -> Extracted:
    z = Archive(data, "EPUB")
    container = z.xml("META-INF/container.xml")
    rootfile = next((r.get("full-path") for r in container.iter(CONTAINER + "rootfile") if r.get("full-path")), None)
    if not rootfile:
        raise Unreadable("not a valid EPUB file (no package document)")
    opf = z.xml(rootfile)
    title = None
    for el in opf.iter(DC + "title"):
        title = clean(el.text or "") or None
        if title:
            break
    manifest = {}
    for item in opf.iter(OPF + "item"):
        href, _ = _join(rootfile, item.get("href") or "")
        manifest[item.get("id")] = (href, item.get("media-type") or "", item.get("properties") or "")
    spine_el = opf.find(f"{OPF}spine")
    spine = []
    for ref in opf.iter(OPF + "itemref"):
        entry = manifest.get(ref.get("idref"))
        if entry and entry[1] in _DOCS and z.has(entry[0]) and entry[0] not in spine:
            spine.append(entry[0])
    if not spine:
        raise Unreadable("not a valid EPUB file (empty spine)")
    entries: list[tuple[str, str, str, int]] = []
    nav = next((m for m in manifest.values() if "nav" in m[2].split()), None)
    if nav and z.has(nav[0]):
        entries = _nav_entries(z.xml(nav[0]), nav[0])
    if not entries and spine_el is not None and spine_el.get("toc") in manifest:
        ncx = manifest[spine_el.get("toc")][0]
        if z.has(ncx):
            entries = _ncx_entries(z.xml(ncx), ncx)
    roots = [e for e in entries if e[3] == 1]
    if len(roots) == 1 and title and _key(roots[0][0]) == _key(title) and len(entries) > 1:
        entries = [(lb, p, f, d - 1) for lb, p, f, d in entries if (lb, p, f, d) != roots[0]]

    b = TextBuilder()
    warnings: list[str] = []
    spans: dict[str, list[tuple[int, int, object]]] = {}  # file -> [(start, end, para)]
    anchors: dict[tuple[str, str], int] = {}  # (file, id) -> index in spans[file]
    for name in spine:
        rows = []
        paras = _document(z.read(name), name)
        if paras is None:
            warnings.append(f"{name} could not be read; the book is shown without it")
            paras = []
        for para in paras:
            span = b.add(para.text)
            if span is None:
                continue
            for ident in para.ids:
                anchors.setdefault((name, ident), len(rows))
            rows.append((span[0], span[1], para))
        spans[name] = rows

    heads: list[tuple[int, int, int, str]] = []
    taken: set[int] = set()
    per_file: dict[str, list] = {}
    for label, name, frag, depth in entries:
        rows = spans.get(name)
        if not rows:
            continue
        k = anchors.get((name, frag), 0) if frag else 0
        start, end, _ = rows[k]
        if start in taken:
            continue
        taken.add(start)
        heads.append((start, end, depth, label))
        per_file.setdefault(name, []).append((k, depth, label))
    for name, listed in per_file.items():
        if len(listed) != 1:
            continue
        k, depth, label = listed[0]
        rows = spans[name]
        inner = [(i, r) for i, r in enumerate(rows) if r[2].level and i > k]
        if k < len(rows) and rows[k][2].level is None:
            # The entry points at the file's top; its heading may come a little later.
            first = next(((i, r) for i, r in inner[:1] if _key(r[2].text) == _key(label)), None)
            if first:
                inner = inner[1:]
        levels = sorted({r[2].level for _, r in inner})
        for _, (start, end, para) in inner:
            if start not in taken:
                taken.add(start)
                heads.append((start, end, depth + 1 + levels.index(para.level), para.text))
    if not entries:
        for rows in spans.values():
            for start, end, para in rows:
                if para.level:
                    heads.append((start, end, para.level, para.text))
    b.headings = [Heading(s, e, lv, clean(t)) for s, e, lv, t in sorted(heads)]
    return b.result("epub", title, warnings)
