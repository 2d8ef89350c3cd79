"""HTML: the page's main content, its headline and its h1-h6 outline.

* Charset: a BOM, else strict UTF-8 (pages re-saved as UTF-8 often keep a
  stale ``charset=gb2312``), else the declared charset if the bytes decode in
  it, else the detector of ``decode.py`` (GBK, Big5...).
* Parsed with lxml (libxml2's HTML parser: fast, recovers from any tag soup,
  never fetches anything, stops at 256 levels of nesting, so a page of a
  million nested tags costs nothing).
* Dropped: script, style, form controls (not <form>: ASP.NET pages wrap
  everything in one), nav, aside, iframes, comments, hidden
  elements; header and footer unless inside the article.
* The main content is the element holding the most prose (long, punctuated
  text that is not links), as readability-style extractors find it; every
  other paragraph, and any run of link-only lines (menus, hand-made tables
  of contents), is kept in the text but marked boilerplate, so chrome is
  searchable yet never a title or section.
* The title: the heading (or short bold line) that ``og:title``/``<title>``
  names, which is the headline even when it is an ``<h4>``; else the
  ``<title>`` without its site suffix; else the first ``<h1>``.  Headings
  in the main content after the title are the sections; a page without
  any (``<p><strong>第一章</strong>``) gets the plain-text rules.
"""

from __future__ import annotations

import re

from tui.corpus.formats import Extracted, TextBuilder, Unreadable, clean, decode_text

_DROP = {
    "script", "style", "noscript", "template", "nav", "aside", "iframe", "svg", "math", "button",
    "select", "textarea", "object", "embed", "canvas", "audio", "video", "map", "input", "label", "option",
    "head",
}
_OUTSIDE_ARTICLE = {"header", "footer"}
_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
_BLOCK = {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th",
    "thead", "tbody", "tfoot", "caption", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "body",
    "center", "figure", "figcaption", "address", "header", "footer", "hr", "br", "fieldset", "details", "summary",
}
_LEAF = {"p", "li", "dd", "dt", "td", "th", "pre", "blockquote", "figcaption", "caption"}
_HEAD = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SUFFIX = re.compile(r"\s*(?:\s[-–—|_·]\s|[-–—|_])\s*")
_PROSE = re.compile(r"[，。；、！？,.;]")


def _decode(data: bytes, encoding: str | None) -> tuple[str, str, list[str]]:
    if encoding is None and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            m = _META_CHARSET.search(data[:4096])
            if m:
                declared = m.group(1).decode("ascii").lower()
                if declared in ("gb2312", "gbk", "x-gbk", "cp936"):
                    declared = "gb18030"
                try:
                    return data.decode(declared), declared, []
                except (LookupError, UnicodeDecodeError):
                    pass
    return decode_text(data, encoding)


class Para:
    __slots__ = ("text", "level", "container", "links", "bold", "ids")

    def __init__(self, text, level, container, links, bold, ids):
        self.text, self.level, self.container, self.links, self.bold = text, level, container, links, bold
        self.ids = ids  # element ids (link targets) that start in or just before this block


def paragraphs(root) -> list[Para]:
    """Blocks of text in document order, iteratively (no recursion)."""
    from lxml import etree

    paras: list[Para] = []
    buf: list[str] = []
    state = {"links": 0, "bold": 0, "chars": 0}
    stack: list = []  # open block elements
    ids: list[str] = []
    level_stack: list[int] = []
    link_depth = [0]

    def flush():
        text = clean("".join(buf).replace("\n", " "))
        buf.clear()
        if text:
            container = stack[-1] if stack else None
            level = level_stack[-1] if level_stack else None
            bold = state["bold"] >= len(text) * 0.9
            paras.append(Para(text, level, container, state["links"], bold, list(ids)))
            ids.clear()
        state.update(links=0, bold=0, chars=0)

    def put(s: str | None, in_link: bool, in_bold: bool):
        if s:
            buf.append(s)
            n = len(s.strip())
            if in_link:
                state["links"] += n
            if in_bold:
                state["bold"] += n

    bold_depth = [0]
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if event == "start":
            if not tag or _skip(el, tag):
                walker.skip_subtree()
                put(el.tail, link_depth[0] > 0, bold_depth[0] > 0)
                continue
            if tag in _BLOCK:
                flush()
                stack.append(el)
            if el.get("id"):
                ids.append(el.get("id"))
            if tag in _HEAD:
                level_stack.append(_HEAD[tag])
            if tag == "a":
                link_depth[0] += 1
            if tag in ("b", "strong"):
                bold_depth[0] += 1
            put(el.text, link_depth[0] > 0, bold_depth[0] > 0)
        else:
            if tag == "a":
                link_depth[0] -= 1
            if tag in ("b", "strong"):
                bold_depth[0] -= 1
            if tag in _BLOCK:
                flush()
                if stack and stack[-1] is el:
                    stack.pop()
                if tag in _HEAD and level_stack:
                    level_stack.pop()
            put(el.tail, link_depth[0] > 0, bold_depth[0] > 0)
    flush()
    return paras


def _skip(el, tag: str) -> bool:
    if tag in _DROP:
        return True
    if tag in _OUTSIDE_ARTICLE:
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    attrs = el.attrib
    if "hidden" in attrs or (attrs.get("role") or "").lower() in _ROLES or attrs.get("aria-hidden") == "true":
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _main(paras: list[Para]):
    """The element with the most prose below it (readability's scoring)."""
    scores: dict = {}
    for p in paras:
        if p.level or p.container is None:
            continue
        n = len(p.text)
        if n < 10 or p.links > 0.5 * n:
            continue
        score = 1 + len(_PROSE.findall(p.text)) + min(n // 50, 3)
        el = p.container
        if el.tag in _LEAF:
            el = el.getparent()  # a paragraph scores for what holds it, not for itself
        for share in (1.0, 0.5, 0.25):
            if el is None:
                break
            scores[el] = scores.get(el, 0) + score * share
            el = el.getparent()
    if not scores:
        return None
    return max(scores, key=scores.get)


def _within(el, root) -> bool:
    while el is not None:
        if el is root:
            return True
        el = el.getparent()
    return False


def _norm(s: str) -> str:
    return re.sub(r"[\s\u3000]+", "", s).lower()


def _find_title(paras: list[Para], meta: str | None) -> tuple[int | None, str | None]:
    """(index of the headline paragraph, title)."""
    if meta:
        key = _norm(meta)
        best = None
        for i, p in enumerate(paras):
            if not (p.level or p.bold) or len(p.text) > 100:
                continue
            k = _norm(p.text)
            if len(k) >= 4 and (key.startswith(k) or k == key) and (best is None or len(k) > len(_norm(paras[best].text))):
                best = i
        if best is not None:
            return best, paras[best].text
        parts = [x for x in _SUFFIX.split(meta) if x.strip()]
        title = parts[0].strip() if parts else meta
        if len(_norm(title)) < 4:
            title = meta
        for i, p in enumerate(paras):
            if _norm(p.text) == _norm(title):
                return i, title
        return None, title
    for i, p in enumerate(paras):
        if p.level == 1:
            return i, p.text
    return None, None


def _link_lists(paras: list[Para]) -> set[int]:
    """Runs of three or more short blocks that are nothing but a link: menus
    and hand-made tables of contents, wherever they are on the page."""
    out: set[int] = set()
    run: list[int] = []
    for i, p in enumerate(paras + [None]):
        if p is not None and not p.level and len(p.text) <= 40 and p.links >= 0.9 * len(p.text.replace(" ", "")):
            run.append(i)
            continue
        if len(run) >= 3:
            out.update(run)
        run = []
    return out


def extract(data: bytes, path: str, encoding: str | None = None) -> Extracted:
    import lxml.html
    from lxml import etree

    text, enc, warnings = _decode(data, encoding)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise Unreadable(f"not readable as HTML ({e})") from None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        warnings = warnings + ["nested more than 256 levels deep: the page is read only up to there"]
    meta = None
    for xp in ('//meta[@property="og:title"]/@content', "//title/text()"):
        found = [clean(x) for x in root.xpath(xp) if clean(x)]
        if found:
            meta = found[0]
            break
    paras = paragraphs(root)
    if not paras:
        raise Unreadable("no text in this HTML page")
    main = _main(paras)
    ti, title = _find_title(paras, meta)
    links = _link_lists(paras)
    b = TextBuilder()
    for i, p in enumerate(paras):
        inside = main is None or _within(p.container, main)
        if i == ti:
            b.title_span = b.add(p.text)
        elif ti is not None and i < ti and p.level:
            b.chrome(p.text)  # headings before the headline: site chrome
        elif not inside or i in links:
            b.chrome(p.text)
        elif p.level:
            b.heading(p.text, p.level)
        else:
            b.add(p.text)
    return b.result(enc, title, warnings)
