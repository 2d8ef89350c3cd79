"""Plain Chinese text -> title, sections and paragraphs.

The rules are about the *shape* of lines, never about particular documents:

* heading markers: ``第一章`` ``第3节`` ``第二部分``; ``一、``; ``(一)``;
  ``1、`` ``1.`` ``(1)``; ``①``; Markdown ``#``;
* a bare number on its own line followed by a short title line (the title line
  is the heading);
* short stand-alone lines without sentence punctuation between paragraphs, in
  documents built of such titles (newspaper pages);
* inline headings: a paragraph that begins with a marker; the heading is the
  marker plus its first clause, the rest is body.

Levels are relative: the outermost marker style found in a document is level
1.  Boilerplate (tui.corpus.boilerplate), photo captions (sentences ending in
。) and fragments of broken paragraphs are never headings.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from tui.corpus import boilerplate as bp
from tui.corpus.model import BODY, BOILERPLATE, HEADING, TITLE, Document, Paragraph, Section
from tui.text import Folded, fold

# Bump when a rule changes what a document parses into: cached documents
# made by another version are parsed again.
PARSER_VERSION = 5

MAX_TITLE = 100  # characters of a section title shown in a table of contents
MAX_SECTIONS = 5000  # a pathological document does not get an endless table of contents

_WS = " \t\u3000\xa0\u2002\u2003\u2009\u200b\ufeff"
# Ordinary and formal (大写) numerals, in folded form (貳 -> 贰, 參 -> 参).
CN_NUM = "一二三四五六七八九十百零〇两壹贰叁参肆伍陆柒捌玖拾佰"
_CN = f"[{CN_NUM}]"

# (style, rank, pattern on folded text).  Lower rank = outer level.
MARKERS: list[tuple[str, float, re.Pattern[str]]] = [
    ("md", 0, re.compile(r"^(#{1,6})\s+\S")),
    ("chapter", 10, re.compile(rf"^第\s*(?:{_CN}+|\d{{1,4}})\s*(?:[章编篇卷]|部分)")),
    ("section", 11, re.compile(rf"^第\s*(?:{_CN}+|\d{{1,4}})\s*节")),
    ("roman", 15, re.compile(r"^(?:x{0,2})(?:ix|iv|v?i{1,3}|v)\s*[、.](?![\d.])")),  # Ⅰ、 folds to "i、"
    # 壹、贰、 (formal numerals) head documents that number their parts 一、 below them
    ("cnformal", 18, re.compile(r"^[壹贰叁参肆伍陆柒捌玖拾佰]{1,3}\s*(?:、|\.(?!\d))")),
    ("cn", 20, re.compile(rf"^{_CN}{{1,3}}\s*(?:、|\.(?!\d))")),
    ("cnparen", 30, re.compile(rf"^\(\s*{_CN}{{1,3}}\s*\)")),
    ("num", 40, re.compile(r"^\d{1,3}\s*(?:、|\.(?![\d.]))")),
    ("numparen", 50, re.compile(r"^\(\s*\d{1,3}\s*\)|^\d{1,3}\)(?![\d.])")),  # (1) and 1)
]
CIRCLED = re.compile("^[\u2460-\u2473\u2776-\u277f]")  # ① .. ⑳, ❶ .. ❿ (checked on the original)
CIRCLED_RANK = 60
BARE_ARABIC = re.compile(r"^\d{1,3}$")
BARE_CN = re.compile(rf"^{_CN}{{1,3}}$")
DATE_ONLY = re.compile(r"^\d{2,4}\s*[年./-]\s*\d{1,2}\s*[月./-]?\s*(\d{1,2}\s*日?)?$")

_SENTENCE_PUNCT = re.compile(r"[,;。!]")
# Photo captions: "图为...", "(本报记者 某某 摄)", "某某 摄影".
CAPTION = re.compile(r"^(?:图为|图片为|上图|下图|左图|右图|图\s*[:|])|摄\s*[)\]]?$|摄影\s*[:|]|记者\s*\S{1,4}\s*摄")
_HAS_WORD = re.compile(r"\w")
FENCE = re.compile(r"^(```|~~~)")
_TWO_HAN = re.compile(r"[\u3400-\u9fff].*[\u3400-\u9fff]")
CLAUSE_END = re.compile(r"[。!?;]")
CLAUSE_SOFT = re.compile(r"[,:]")
_CLOSERS = "\"'”’」』)]》〉】"


class Line:
    """A non-blank line: its stripped span, text, and folded key."""

    __slots__ = ("start", "end", "text", "key", "indent", "blank_before", "_folded", "_title_like")

    def __init__(self, start: int, end: int, text: str, key: str, indent: bool, blank_before: bool):
        self.start = start  # offset of the first non-blank character
        self.end = end  # offset after the last non-blank character
        self.text = text  # the original characters, stripped
        self.key = key  # the same, folded (tui.text.fold) for matching rules
        self.indent = indent
        self.blank_before = blank_before
        self._folded: Folded | None = None
        self._title_like: bool | None = None

    @property
    def folded(self) -> Folded:
        """The fold of this line with its offset map (made only when needed)."""
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    @property
    def title_like(self) -> bool:
        if self._title_like is None:
            self._title_like = title_like(self.key)
        return self._title_like


@dataclass(slots=True)
class Block:
    lines: list[Line]
    single: bool = True  # one line (hard-wrapped paragraphs have several)
    kind: str = BODY
    heading_end: int | None = None  # for headings: where the heading text ends
    title: str | None = None
    rank: float | None = None
    style: str | None = None
    consumed: bool = False  # a title line that belongs to the bare number before it
    in_fence: bool = False  # inside a Markdown code fence
    # An inline heading cut at a length limit, not at punctuation ("3、提升...
    # 水平深入开展以...为引领|的..."): the cut may fall inside a word, so the
    # line stays one paragraph (the section still starts here).
    soft_cut: bool = False

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def key(self) -> str:
        return self.lines[0].key


def _width(s: str) -> int:
    """Approximate display width: CJK (3 bytes in UTF-8) counts 2, ASCII 1.

    Computed in C; exact widths per character would cost a Python loop per
    character of the document."""
    n = len(s)
    return n + (len(s.encode("utf-8", "surrogatepass")) - n) // 2


def clean_title(s: str) -> str:
    s = re.sub(r"[\s\u3000\xa0]+", " ", s).strip()
    if len(s) > MAX_TITLE:
        s = s[: MAX_TITLE - 1] + "…"
    return s


def _split_lines(text: str) -> tuple[list[Line], Folded]:
    # The fold is per character, so folding the whole text once and slicing it
    # gives every line's key; only a few lines ever need their own offset map.
    folded = fold(text)
    ftext = folded.text
    identity = folded.identity
    lines: list[Line] = []
    pos = 0
    blank = True
    strip_chars = _WS + "\r\v\f"
    for raw in text.split("\n"):
        stripped = raw.strip(strip_chars)
        if stripped:
            lead = len(raw) - len(raw.lstrip(strip_chars))
            start = pos + lead
            end = start + len(stripped)
            key = ftext[start:end] if identity else ftext[folded.from_orig(start) : folded.from_orig(end)]
            lines.append(Line(start, end, stripped, key, lead > 0, blank))
            blank = False
        else:
            blank = True
        pos += len(raw) + 1
    return lines, folded


def ends_sentence(key: str) -> bool:
    k = key.rstrip(_CLOSERS + " ")
    return bool(k) and (k[-1] in bp.SENTENCE_END or k.endswith("..."))


def title_like(key: str) -> bool:
    """A short line that could be a title: no sentence punctuation inside."""
    if not 2 <= len(key) <= 40:
        return False
    inner = _SENTENCE_PUNCT.findall(key)
    if inner or "?" in key[:-1]:
        # A short headline may have one comma or exclamation inside
        # ("暖心!环卫工人收到爱心早餐"); a sentence has more, or ends in one.
        if len(key) > 24 or len(inner) + key[:-1].count("?") > 1 or ";" in inner or "。" in inner:
            return False
        if key[-1] in ",;。!?":
            return False
    if key.endswith(("...", ":", "、")):
        return False
    if DATE_ONLY.match(key):
        return False
    return _TWO_HAN.search(key) is not None


def _wrap_width(lines: list[Line]) -> int | None:
    """The column a hard-wrapped document was wrapped at, if it looks wrapped."""
    widths = [_width(l.text) for l in lines]
    long = [w for w in widths if w >= 40]
    if len(long) < 5:
        return None
    counts: dict[int, int] = {}
    for w in long:
        counts[w] = counts.get(w, 0) + 1
    best = max(counts, key=lambda w: sum(counts.get(x, 0) for x in (w - 2, w - 1, w)))
    near = sum(1 for w in widths if best - 2 <= w <= best)
    return best if near >= max(5, 0.3 * len(widths)) else None


_MARKER_FIRST = frozenset("#第(ivx" + CN_NUM + "0123456789")


def _marker(line: Line) -> tuple[str, float, int] | None:
    """(style, rank, end of marker in folded text) for a heading marker."""
    key = line.key
    if not key or (key[0] not in _MARKER_FIRST and not CIRCLED.match(line.text)):
        return None
    for style, rank, pattern in MARKERS:
        m = pattern.match(key)
        if m:
            if style == "md":
                return style, rank + len(m.group(1)), len(m.group(1))
            return style, rank, m.end()
    if CIRCLED.match(line.text):
        return "circled", CIRCLED_RANK, 1
    return None


def _blocks(lines: list[Line]) -> list[Block]:
    width = _wrap_width(lines)
    blocks: list[Block] = []
    for line in lines:
        if (
            width
            and blocks
            and not line.blank_before
            and not line.indent
            and _width(blocks[-1].lines[-1].text) >= width - 4
            and _marker(line) is None
        ):
            blocks[-1].lines.append(line)
            blocks[-1].single = False
        else:
            blocks.append(Block([line]))
    return blocks


def _heading_cut(line: Line, marker_end: int) -> tuple[int, int] | None:
    """For an inline heading: (title end, heading end) in folded text, or None
    when the whole line is the heading."""
    key = line.key
    body_len = len(key) - marker_end
    m = CLAUSE_END.search(key, marker_end)
    if len(key) <= 40 and (m is None or m.end() == len(key)) and body_len > 0:
        return None
    # The first sentence when it is heading-sized, else its first clause.
    if m is not None and m.start() - marker_end <= 30:
        return m.start(), m.end()
    soft = CLAUSE_SOFT.search(key, marker_end)
    if soft is not None and 4 <= soft.start() - marker_end <= 30:
        return soft.start(), soft.end()
    if m is not None and m.start() - marker_end <= 50:
        return m.start(), m.end()
    cut = min(len(key), marker_end + 30)
    return cut, cut


@dataclass
class _Parse:
    text: str
    blocks: list[Block]
    metadata: dict[str, str] = field(default_factory=dict)
    title: str | None = None


def _mark_boilerplate(p: _Parse) -> None:
    blocks = p.blocks
    total = len(p.text) or 1
    before_title = True
    footer_from = None
    half = 0.5 * total
    for i, b in enumerate(blocks):
        key = b.key
        if not before_title:
            # Only strong footers (second half) may be long; other rules are
            # bounded at 200 characters.  This keeps ordinary prose cheap.
            if not b.single:
                continue
            if len(key) > 200:
                if b.start >= half and bp.is_strong_footer(key):
                    footer_from = i
                    break
                continue
            if not bp.may_be_boilerplate(key):
                continue
        if b.single and bp.is_breadcrumb(key, before_title):
            b.kind = BOILERPLATE
        elif b.single and bp.is_metadata(key):
            b.kind = BOILERPLATE
            for fld, value in bp.metadata_pairs(b.first.folded, b.first.text):
                p.metadata.setdefault(fld, value)
        elif b.single and bp.is_strong_footer(key) and b.start >= 0.5 * total:
            footer_from = i
            break
        elif b.single and bp.is_weak_footer(key):
            b.kind = BOILERPLATE
        elif not BARE_ARABIC.match(key):
            before_title = False
    if footer_from is not None:
        for b in blocks[footer_from:]:
            b.kind = BOILERPLATE


def _front_matter(blocks: list[Block]) -> str | None:
    """YAML front matter (--- ... --- at the very top) is metadata; its
    ``title:`` is returned."""
    if not blocks or blocks[0].key != "---":
        return None
    for n, b in enumerate(blocks[1:60], 1):
        if b.key == "---":
            title = None
            for x in blocks[: n + 1]:
                x.kind = BOILERPLATE
                m = re.match(r"^title\s*:\s*(.+)$", x.first.text)
                if m and title is None:
                    title = m.group(1).strip().strip("\"'")
            return title
    return None


def _content(blocks: list[Block]) -> list[int]:
    return [i for i, b in enumerate(blocks) if b.kind != BOILERPLATE]


def _md_text(line: Line) -> str:
    """A Markdown heading without its #s."""
    return line.text.lstrip("#").strip()


def _meaningless(key: str) -> bool:
    """Lines that are never a title: separators, invisible text, bare dates."""
    return not _HAS_WORD.search(key) or DATE_ONLY.match(key) is not None or bp.LEADING_DATE.fullmatch(key) is not None


def _find_title(p: _Parse, content: list[int]) -> int | None:
    """Mark the title line(s); return the index (into content) of the block after them."""
    for ci, i in enumerate(content):
        b = p.blocks[i]
        if BARE_ARABIC.match(b.key) or BARE_CN.match(b.key) or _meaningless(b.key):
            continue
        key = b.key.rstrip(_CLOSERS)
        marker = _marker(b.first)
        if marker is not None and marker[0] == "md" and b.key.startswith("# "):
            b.kind = TITLE  # a Markdown H1 is the document's title
            p.title = clean_title(_md_text(b.first))
            return ci + 1
        if not b.single or len(b.key) > 80 or "。" in key or key.endswith("...") or marker is not None:
            return None
        b.kind = TITLE
        title = b.first.text
        # A headline broken over two lines (no blank line between).
        if ci + 1 < len(content):
            nb = p.blocks[content[ci + 1]]
            if (
                nb.single
                and not nb.first.blank_before
                and nb.first.title_like
                and _marker(nb.first) is None
                and not ends_sentence(key)
                and len(b.key) + len(nb.key) <= 80
            ):
                nb.kind = TITLE
                p.title = clean_title(title + nb.first.text)
                return ci + 2
        p.title = clean_title(title)
        return ci + 1
    return None


def _subtitle(p: _Parse, content: list[int], first_body: int) -> None:
    """A short line right under the title that did not become a section is its deck."""
    if first_body <= 0 or first_body + 1 >= len(content):
        return
    b = p.blocks[content[first_body]]
    if b.kind == BODY and b.single and b.first.title_like and _marker(b.first) is None:
        b.kind = TITLE


def _list_item(key: str, marker_end: int) -> bool:
    """An enumerated item ending in a semicolon ("(一)新建项目;") is a list item."""
    m = CLAUSE_END.search(key, marker_end)
    first = key[: m.end()] if m else key
    return first.rstrip(_CLOSERS + " ").endswith(";")


def _contents_blocks(p: _Parse, content: list[int]) -> None:
    """A table of contents ("目录" and the headings listed under it before any
    prose) repeats the real headings: it must not become sections."""
    blocks = p.blocks
    for n, i in enumerate(content):
        if blocks[i].key.replace(" ", "") not in ("目录", "目次"):
            continue
        blocks[i].kind = BOILERPLATE
        listed: set[str] = set()
        for j in content[n + 1 :]:
            b = blocks[j]
            entry = re.sub(r"[\s.…·-]*\d*$", "", b.key).replace(" ", "")
            if entry in listed:
                break  # the first heading listed twice: the real text begins
            if b.kind == BODY and len(b.key) >= 20 and not b.key.rstrip("0123456789 ").endswith(("...", "…")):
                break
            listed.add(entry)
            b.kind = BOILERPLATE
        return


def _mark_fences(blocks: list[Block]) -> None:
    """Lines inside Markdown code fences are code: never headings."""
    inside = False
    for b in blocks:
        if FENCE.match(b.key):
            b.in_fence = True
            inside = not inside
            continue
        b.in_fence = inside


def _set_heading(b: Block, style: str, rank: float, marker_end: int) -> None:
    b.kind = HEADING
    b.style = style
    b.rank = rank
    line = b.first
    cut = _heading_cut(line, marker_end)
    if cut is None:
        b.title = clean_title(line.text)
        b.heading_end = line.end
    else:
        title_end, heading_end = cut
        _, t_end = line.folded.span_to_orig(0, title_end)
        _, h_end = line.folded.span_to_orig(0, heading_end)
        title = line.text[:t_end]
        if heading_end == title_end and title_end < len(line.key):
            title = title + "…"
            b.soft_cut = True
        b.title = clean_title(title)
        b.heading_end = line.start + h_end


def _detect_headings(p: _Parse, content: list[int], first_body: int) -> None:
    blocks = p.blocks
    idx = content[first_body:]
    # After prose that ends in ":" ("禁止下列活动:") or an item that ends in
    # ";", enumerated lines are list items, not headings.
    in_list = False
    for n, i in enumerate(idx):
        b = blocks[i]
        prev_in_list = in_list
        in_list = b.kind == BODY and b.lines[-1].key.rstrip(_CLOSERS + " ").endswith((":", ";"))
        if b.kind != BODY or b.consumed:
            continue
        key = b.key
        nxt = blocks[idx[n + 1]] if n + 1 < len(idx) else None
        if b.single and (BARE_ARABIC.match(key) or BARE_CN.match(key)):
            if nxt is not None and nxt.single and nxt.kind == BODY and nxt.first.title_like and _marker(nxt.first) is None:
                b.kind = HEADING
                b.style = "bare"
                b.rank = 40 if BARE_ARABIC.match(key) else 20
                b.title = clean_title(nxt.first.text)
                b.heading_end = nxt.end
                nxt.kind = HEADING
                nxt.consumed = True
            continue
        if b.in_fence:
            continue
        m = _marker(b.first)
        if m is None:
            continue
        style, rank, end = m
        if style == "num" and re.match(r"^\d{1,3}\.\s", key) is None and len(key) <= end:
            continue
        if _list_item(key, end) or (prev_in_list and style not in ("md", "chapter", "section")):
            continue
        if style in ("chapter", "section") and (_heading_cut(b.first, end) is not None or "," in key):
            continue  # "第一节课上,老师讲了..." is a sentence, not a chapter
        _set_heading(b, style, rank, end)
        if style == "md":
            b.title = clean_title(_md_text(b.first))


def _standalone(p: _Parse, content: list[int], first_body: int) -> None:
    """Short stand-alone title lines, in documents built of such titles."""
    blocks = p.blocks
    idx = content[first_body:]
    # introduces[n]: a real body paragraph follows position n before the next
    # heading (computed backwards once, so this stays linear).
    introduces = [False] * (len(idx) + 1)
    for n in range(len(idx) - 1, -1, -1):
        b = blocks[idx[n]]
        if b.kind == HEADING:
            introduces[n] = False
        elif b.kind == BODY and not (b.single and b.first.title_like):
            introduces[n] = len(b.key) >= 12
        else:
            introduces[n] = introduces[n + 1]
    cands: list[int] = []  # positions in idx
    for n, i in enumerate(idx):
        b = blocks[i]
        if b.kind != BODY or not b.single or not b.first.title_like or b.in_fence or CAPTION.search(b.key):
            continue
        prev = blocks[idx[n - 1]] if n > 0 else None
        if prev is not None and prev.kind == BODY and len(prev.key) > 40 and not ends_sentence(prev.lines[-1].key):
            continue  # the tail of a paragraph broken across lines
        if introduces[n + 1]:
            cands.append(n)
    has_markers = any(blocks[i].kind == HEADING for i in idx)
    if not has_markers and len(cands) < 2:
        return
    cand_set = set(cands)
    paired = any(n + 1 in cand_set for n in cands)
    current_rank: float | None = None
    for n, i in enumerate(idx):
        b = blocks[i]
        if b.kind == HEADING and b.rank is not None and not b.consumed:
            current_rank = b.rank
            continue
        if n not in cand_set:
            continue
        if has_markers:
            if current_rank is None:
                continue  # loose lines before the first real heading stay body
            rank = current_rank + 5  # a deck or subhead under the current marker heading
        else:
            head = n + 1 in cand_set and (n - 1 not in cand_set)
            rank = 100 if (head or not paired) else 105
        b.kind = HEADING
        b.style = "standalone"
        b.rank = rank
        b.title = clean_title(b.first.text)
        b.heading_end = b.end


def parse_document(
    text: str,
    *,
    id: str,
    path: str,
    encoding: str = "utf-8",
    warnings: list[str] | None = None,
) -> Document:
    """Build a Document from decoded text (line endings already normalised)."""
    lines, folded = _split_lines(text)
    p = _Parse(text, _blocks(lines))
    _mark_fences(p.blocks)
    front_title = _front_matter(p.blocks)
    _mark_boilerplate(p)
    _contents_blocks(p, _content(p.blocks))
    content = _content(p.blocks)
    first_body = _find_title(p, content)
    if first_body is None:
        first_body = 0
    _detect_headings(p, content, first_body)
    _standalone(p, content, first_body)
    _subtitle(p, content, first_body)

    title = p.title or (clean_title(front_title) if front_title else None) or os.path.splitext(os.path.basename(path))[0] or id
    heads = [b for b in p.blocks if b.kind == HEADING and not b.consumed and b.rank is not None]
    warnings = list(warnings or [])
    if len(heads) > MAX_SECTIONS:
        warnings.append(f"{len(heads)} headings found; only the first {MAX_SECTIONS} are listed as sections")
        heads = heads[:MAX_SECTIONS]
    ranks = sorted({b.rank for b in heads})
    level_of = {r: k + 1 for k, r in enumerate(ranks)}
    body_blocks = [b for b in p.blocks if b.kind != BOILERPLATE]
    body_end = body_blocks[-1].end if body_blocks else len(text)

    sections: list[Section] = []
    # The end of a section is the start of the next one at the same or an
    # outer level: one backward pass with the next start seen per level.
    next_start = [body_end] * (len(ranks) + 2)
    ends = [body_end] * len(heads)
    for k in range(len(heads) - 1, -1, -1):
        level = level_of[heads[k].rank]
        ends[k] = min(next_start[1 : level + 1])
        next_start[level] = heads[k].start
    for k, b in enumerate(heads):
        level = level_of[b.rank]
        end = max(ends[k], b.heading_end or b.end)
        sections.append(Section(b.title or "", level, b.start, end, b.heading_end or b.end))

    doc = Document(
        _folded=folded,
        id=id,
        path=path,
        title=title,
        encoding=encoding,
        text=text,
        metadata=dict(p.metadata),
        sections=sections,
        warnings=warnings,
    )
    paragraphs: list[Paragraph] = []
    for b in p.blocks:
        if b.kind == HEADING and b.heading_end is not None and b.heading_end < b.end and not b.soft_cut:
            sec = doc.section_at(b.start)
            paragraphs.append(Paragraph(b.start, b.heading_end, HEADING, sec))
            rest = b.heading_end
            while rest < b.end and text[rest] in _WS:
                rest += 1
            if rest < b.end:
                paragraphs.append(Paragraph(rest, b.end, BODY, sec))
        elif b.soft_cut:
            paragraphs.append(Paragraph(b.start, b.end, BODY, doc.section_at(b.start)))
        else:
            paragraphs.append(Paragraph(b.start, b.end, b.kind, doc.section_at(b.start)))
    doc.paragraphs = paragraphs
    return doc
