"""DOCX (Word): paragraphs and tables in body order, with Word's outline.

Read as what it is, a zip of XML (``safezip``: bounded, no entities), with
lxml: python-docx would add a dependency for less (it hides outline levels,
list numbering and text boxes behind its object model) and is slower.

* Headings: any paragraph with an outline level, set directly or by its
  style (following ``basedOn``), or a style named Heading N / 标题 N /
  標題 N.  Table-of-contents and table-of-figures paragraphs (``toc N``)
  repeat the headings: they are boilerplate, never sections.  Empty
  placeholder headings are dropped.
* List numbering is not in the paragraph text; Chinese counting numbers
  (一、二、…, what Word shows) are written into the text, and a short
  paragraph numbered so at the list's first level is a heading too (Word
  reports use it for the top sections).  Such list headings sit above the
  styled headings they enclose, else beside the heading before them.
* Text boxes are stored twice (DrawingML and a VML fallback): only the
  first is read.  Tables are read row by row, cells separated by " | ".
* The title: the core properties' title, else a Title-style paragraph, else
  the outline-level paragraphs before any text, else the first run of
  paragraphs in the largest font near the top (but when that is one short
  label over a longer line in the cover's second size, as "博士学位论文" over a
  thesis title, the line under it).  Else the text rules.
"""

from __future__ import annotations

import re

from tui.corpus.formats import Extracted, TextBuilder, Unreadable, clean, label_over_title
from tui.corpus.formats.safezip import Archive

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TXBX = W + "txbxContent"
_HEADING_NAME = re.compile(r"^(?:heading|标题|標題)\s*([1-9])$")
_CN_FORMATS = {
    "chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting",
    "taiwaneseCounting", "taiwaneseCountingThousand", "chineseLegalSimplified", "ideographLegalTraditional",
    "japaneseLegal", "koreanCounting",
}
_CN_DIGITS = "〇一二三四五六七八九"
_SENTENCE_END = re.compile(r"[。；;！!？?]$")


def _cn_number(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def _fmt(n: int, fmt: str) -> str:
    if fmt in _CN_FORMATS:
        return _cn_number(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


def _val(el, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(W + tag)
    return None if child is None else child.get(W + "val")


class _Styles:
    def __init__(self, root) -> None:
        self.names: dict[str, str] = {}
        self.outline: dict[str, int] = {}
        self.based: dict[str, str] = {}
        self.num: dict[str, tuple[str, int]] = {}
        if root is None:
            return
        for st in root.iter(W + "style"):
            sid = st.get(W + "styleId") or ""
            self.names[sid] = (_val(st, "name") or sid).strip().lower()
            base = _val(st, "basedOn")
            if base:
                self.based[sid] = base
            ppr = st.find(W + "pPr")
            lvl = _val(ppr, "outlineLvl")
            if lvl is not None and lvl.isdigit():
                self.outline[sid] = int(lvl)
            numpr = ppr.find(W + "numPr") if ppr is not None else None
            if numpr is not None:
                nid = _val(numpr, "numId")
                if nid:
                    self.num[sid] = (nid, int(_val(numpr, "ilvl") or 0))

    def _chain(self, sid: str):
        seen = 0
        while sid and seen < 20:
            yield sid
            sid = self.based.get(sid, "")
            seen += 1

    def level(self, sid: str) -> int | None:
        for s in self._chain(sid):
            if s in self.outline:
                return self.outline[s]
            m = _HEADING_NAME.match(self.names.get(s, ""))
            if m:
                return int(m.group(1)) - 1
        return None

    def numbering(self, sid: str) -> tuple[str, int] | None:
        for s in self._chain(sid):
            if s in self.num:
                return self.num[s]
        return None


class _Numbering:
    def __init__(self, root) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.abstract_of: dict[str, str] = {}
        self.starts: dict[tuple[str, int], int] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for an in root.iter(W + "abstractNum"):
            aid = an.get(W + "abstractNumId") or ""
            lv = {}
            for lvl in an.iter(W + "lvl"):
                ilvl = int(lvl.get(W + "ilvl") or 0)
                start = _val(lvl, "start")
                lv[ilvl] = (int(start) if start and start.lstrip("-").isdigit() else 1, _val(lvl, "numFmt") or "decimal",
                            _val(lvl, "lvlText") or "")
            self.levels[aid] = lv
        for num in root.iter(W + "num"):
            nid = num.get(W + "numId") or ""
            self.abstract_of[nid] = _val(num, "abstractNumId") or ""
            for ov in num.iter(W + "lvlOverride"):
                so = _val(ov, "startOverride")
                if so and so.isdigit():
                    self.starts[(nid, int(ov.get(W + "ilvl") or 0))] = int(so)

    def label(self, nid: str, ilvl: int) -> tuple[str, str] | None:
        """(rendered number text, the level's format) and advance the counter."""
        aid = self.abstract_of.get(nid)
        if aid is None or nid == "0":
            return None
        levels = self.levels.get(aid, {})
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(aid, {})
        start, fmt, text = levels[ilvl]
        start = self.starts.get((nid, ilvl), start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def sub(m):
            k = int(m.group(1)) - 1
            s, f, _ = levels.get(k, (1, "decimal", ""))
            return _fmt(counters.get(k, s), f)

        return re.sub(r"%([1-9])", sub, text), fmt


class _Para:
    __slots__ = ("text", "outline", "style", "list_cn", "size", "toc", "title_style")

    def __init__(self, text, outline, style, list_cn, size, toc, title_style):
        self.text, self.outline, self.style, self.list_cn = text, outline, style, list_cn
        self.size, self.toc, self.title_style = size, toc, title_style


def _own(el, p) -> bool:
    """Not inside a text box nested in paragraph ``p`` (read separately)."""
    el = el.getparent()
    while el is not None and el is not p:
        if el.tag == TXBX:
            return False
        el = el.getparent()
    return True


def _run_text(p) -> str:
    out = []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen"):
        if not _own(el, p):
            continue
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag == W + "tab":
            if el.getparent() is not None and el.getparent().tag == W + "r":
                out.append("\t")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        else:
            out.append(" ")
    return "".join(out)


def _size(p) -> int:
    """The largest font size of the paragraph's own text runs (half-points)."""
    best = 0
    for r in p.iter(W + "r"):
        sz = r.find(f"{W}rPr/{W}sz")
        if sz is None or not _own(r, p) or r.find(W + "t") is None:
            continue
        v = sz.get(W + "val") or ""
        if v.isdigit():
            best = max(best, int(v))
    return best


def _paragraph(p, styles: _Styles, numbering: _Numbering) -> _Para:
    ppr = p.find(W + "pPr")
    sid = _val(ppr, "pStyle") or ""
    name = styles.names.get(sid, sid.lower())
    direct = _val(ppr, "outlineLvl")
    outline = int(direct) if direct is not None and direct.isdigit() else styles.level(sid)
    if outline is not None and outline >= 9:
        outline = None
    numpr = ppr.find(W + "numPr") if ppr is not None else None
    num = None
    if numpr is not None and _val(numpr, "numId"):
        num = (_val(numpr, "numId"), int(_val(numpr, "ilvl") or 0))
    elif sid:
        num = styles.numbering(sid)
    text = _run_text(p)
    list_cn = False
    if num is not None:
        lab = numbering.label(num[0], num[1])
        if lab and lab[1] in _CN_FORMATS and lab[0].strip():
            # What Word shows: 一、立论依据; a bare number is followed by a tab.
            text = lab[0] + ("\t" if lab[0][-1] in _CN_DIGITS + "十" else "") + text
            list_cn = num[1] == 0
    toc = name.startswith("toc ") or name in ("toc", "table of figures", "table of authorities")
    title_style = name in ("title", "标题", "標題")
    return _Para(text, outline, sid, list_cn, _size(p), toc, title_style)


def _walk(body, styles: _Styles, numbering: _Numbering):
    """(paragraph or table row text) in body order; tables row by row."""
    out: list[_Para | str] = []
    stack = list(reversed(list(body)))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag == W + "p":
            out.append(_paragraph(el, styles, numbering))
            for box in el.iter(TXBX):
                if _own(box, el):
                    out.extend(clean(_run_text(q)) for q in box.iter(W + "p") if _own(q, box))
        elif tag == W + "tbl":
            for tr in el.iter(W + "tr"):
                if tr.getparent() is not None and tr.getparent().getparent() is not el and tr.getparent() is not el:
                    continue  # rows of nested tables are read inside their cell
                cells = []
                for tc in tr.findall(W + "tc"):
                    cells.append(clean(" ".join(_run_text(q) for q in tc.iter(W + "p"))))
                row = " | ".join(c for c in cells if c)
                if row:
                    out.append(row)
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "smartTag"):
            stack.extend(reversed(list(el)))
    return out


def _main_part(z: Archive) -> str:
    """The document part the package's relationships name (word/document.xml
    nearly always)."""
    if not z.has("word/document.xml") and z.has("_rels/.rels"):
        for rel in z.xml("_rels/.rels").iter("{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"):
            if (rel.get("Type") or "").endswith("/officeDocument") and z.has((rel.get("Target") or "").lstrip("/")):
                return (rel.get("Target") or "").lstrip("/")
    return "word/document.xml"


def extract(data: bytes, path: str, encoding: str | None = None) -> Extracted:
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # Word keeps a password-protected .docx in an OLE container.
        raise Unreadable("encrypted (or a legacy .doc renamed)")
    z = Archive(data, "DOCX")
    root = z.xml(_main_part(z))
    for fb in list(root.iter(MC_FALLBACK)):
        fb.getparent().remove(fb)
    styles = _Styles(z.xml("word/styles.xml") if z.has("word/styles.xml") else None)
    numbering = _Numbering(z.xml("word/numbering.xml") if z.has("word/numbering.xml") else None)
    body = root.find(W + "body")
    if body is None:
        body = root
    items = _walk(body, styles, numbering)
    core_title = None
    if z.has("docProps/core.xml"):
        for el in z.xml("docProps/core.xml").iter("{http://purl.org/dc/elements/1.1/}title"):
            core_title = clean(el.text or "") or None
    paras = [x for x in items if isinstance(x, _Para) and clean(x.text)]
    title_paras = _title_paras(paras, core_title)
    title = core_title or (clean("".join(clean(p.text) for p in title_paras)) if title_paras else None)

    # List-numbered headings: above the styled headings they enclose.
    order = [p for p in paras if p not in title_paras]
    styled = [i for i, p in enumerate(order) if p.outline is not None and not p.toc]
    listed = [i for i, p in enumerate(order) if p.list_cn and p.outline is None and _short(p.text)]
    list_level = 0
    if not styled:
        listed = []  # no outline at all: the text rules read the numbers written into the text
    if listed and styled:
        inside = any(listed[0] < i < listed[-1] for i in styled)
        lowest = min(order[i].outline for i in styled)
        list_level = lowest - 1 if inside else lowest
    b = TextBuilder()
    for x in items:
        if isinstance(x, str):
            b.add(x)
            continue
        text = x.text.strip()
        if not clean(text):
            continue
        if x in title_paras:
            span = b.add(text)
            b.title_span = (b.title_span[0], span[1]) if b.title_span and span else (b.title_span or span)
        elif x.toc:
            b.chrome(text)
        elif x.outline is not None and len(clean(text)) <= 80:
            b.heading(text, x.outline + 1)
        elif listed and x.list_cn and _short(x.text):
            b.heading(text, list_level + 1)
        else:
            b.add(text)
    return b.result("docx", title)


def _short(text: str) -> bool:
    t = clean(text)
    return 2 <= len(t) <= 40 and not _SENTENCE_END.search(t)


def _title_paras(paras: list[_Para], core_title: str | None) -> list[_Para]:
    if core_title:
        return []
    for p in paras[:50]:
        if p.title_style:
            return [p]
    lead = []
    for p in paras:
        if p.outline == 0 and _short(p.text) and not p.toc:
            lead.append(p)
        else:
            break
    if lead and len(lead) <= 3:
        return lead
    top = paras[:20]
    sizes = [p.size for p in top if p.size]
    if not sizes:
        return []
    biggest = max(sizes)
    body = sorted(p.size for p in paras if p.size)
    if biggest <= body[len(body) // 2]:
        return []
    usual = body[len(body) // 2]
    run: list[_Para] = []
    for p in top:
        if p.size >= 0.6 * biggest and p.size > usual and _short(p.text) and p.outline is None and not p.toc:
            run.append(p)
        elif run:
            break
    if len(run) == 1:
        below = _under_label(run[0], paras, usual)
        if below is not None:
            return [below]
    return run[:3]


def _under_label(label: _Para, paras: list[_Para], usual: int) -> _Para | None:
    """The title under a cover's label (``label_over_title``)."""
    k = paras.index(label)
    if k + 1 >= len(paras):
        return None
    nxt = paras[k + 1]
    if nxt.outline is not None or nxt.toc or not _short(nxt.text):
        return None
    after = [p.size for p in paras[k + 2 : k + 8] if p.size]
    return nxt if label_over_title(label.text, label.size, nxt.text, nxt.size, usual, after) else None
