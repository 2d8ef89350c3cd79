"""Plain Chinese text -> title, sections and paragraphs.

The rules are about the *shape* of lines, never about particular documents:

* heading markers: ``第一章`` ``第一回`` ``第3节`` ``第二部分``; ``一、``;
  ``(一)``; ``1、`` ``1.`` ``(1)``; ``①``; short ``1.1 标题`` lines;
  Markdown ``#`` and setext (``===``/``---`` underlines);
* a chapter number alone on its line with its title on the next line;
* a bare number on its own line followed by a short title line (the title line
  is the heading), or bare numbers alone counting up (``二`` ``三`` ``四``:
  the parts of a story);
* conventional part names (``总则``, ``附则``, ``前言`` …);
* short stand-alone lines without sentence punctuation between paragraphs, in
  documents built of such titles (newspaper pages);
* inline headings: a paragraph that begins with a marker; the heading is the
  marker plus its first clause, the rest is body.

And what is never a heading: boilerplate and page chrome
(tui.corpus.boilerplate), photo captions, dialogue lines, fragments of
broken paragraphs, items of a list (after ``:``/``;``, inside a law's
``第X条``, Markdown link items), lines inside code fences; in a Markdown
document with an outline of its own, anything but its ``#`` headings.

Hard-wrapped text (lines cut at a fixed width) is detected per document and
its lines are joined into paragraphs; offsets stay exact.

Levels are relative: the outermost marker style found in a document is level
1.  Every section records the rule that made it (``RULES``), and
``tui.corpus.explain`` can say why a line did not become one.
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
PARSER_VERSION = 8

MAX_TITLE = 100  # characters of a section title shown in a table of contents
MAX_SECTIONS = 5000  # a pathological document does not get an endless table of contents

_WS = " \t\u3000\xa0\u2002\u2003\u2009\u200b\ufeff"
# Ordinary and formal (大写) numerals, in folded form (貳 -> 贰, 參 -> 参).
CN_NUM = "一二三四五六七八九十百零〇两壹贰叁参肆伍陆柒捌玖拾佰"
_CN = f"[{CN_NUM}]"

# (style, rank, pattern on folded text).  Lower rank = outer level.
MARKERS: list[tuple[str, float, re.Pattern[str]]] = [
    ("md", 0, re.compile(r"^(#{1,6})\s+\S")),
    ("chapter", 10, re.compile(rf"^第\s*(?:{_CN}+|\d{{1,4}})\s*(?:[章回编篇卷]|部分)|^卷\s*之?\s*(?:{_CN}+|\d{{1,4}})(?=\s|$)")),
    ("section", 11, re.compile(rf"^第\s*(?:{_CN}+|\d{{1,4}})\s*节")),
    ("roman", 15, re.compile(r"^(?:x{0,2})(?:ix|iv|v?i{1,3}|v)\s*[、.](?![\d.])")),  # Ⅰ、 folds to "i、"
    # 壹、贰、 (formal numerals) head documents that number their parts 一、 below them
    # (两 counts things, it does not number them: "兩、金首飾二副")
    ("cnformal", 18, re.compile(r"^[壹贰叁参肆伍陆柒捌玖拾佰]{1,3}\s*(?:、|\.(?!\d))")),
    ("cn", 20, re.compile(rf"^(?!两){_CN}{{1,3}}\s*(?:、|\.(?!\d))")),
    ("cnparen", 30, re.compile(rf"^\(\s*{_CN}{{1,3}}\s*\)")),
    ("num", 40, re.compile(r"^\d{1,3}\s*(?:、|\.(?![\d.]))")),
    ("numparen", 50, re.compile(r"^\(\s*\d{1,3}\s*\)|^\d{1,3}\)(?![\d.])")),  # (1) and 1)
]
# A law's articles (第一条): not headings, but the items under them are theirs.
ARTICLE = re.compile(rf"^第\s*(?:{_CN}+|\d{{1,4}})\s*条")
# "1.1 主要财务数据": a heading when short and not a sentence.
DECIMAL = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\s*(?=\D)")
# A Markdown link right after a list marker: "1、[标题](url)".
LINK_ITEM = re.compile(r"\s*\[[^\]]*\]\(")
# "日期：2017年10月28日", "**地點︰…**": a field of an event or a form.
FIELD = re.compile(r"^[*_\[【(]*[^:︰.*\s]{1,6}\s*(?:[:︰]|\.\.)\s*\S")
# An encyclopedia's "[编辑]" after a heading is page chrome, not its title.
_EDIT_LINK = re.compile(r"\s*[\[【]\s*(?:编辑|編輯|edit|编辑源代码|编辑原始码)\s*[\]】]\s*$", re.I)
SETEXT = re.compile(r"^(?:=+|-+)$")
# Conventional names of a document's parts (spaces inside ignored: "总 则").
NAMED_PARTS = frozenset(
    "总则 附则 序 自序 序言 前言 引言 导言 绪论 总论 结语 结束语 后记 跋 附录 尾声 楔子 序章 终章 摘要".split()
)
# The rule behind every section; the index is its code in the document cache
# (append only).  ``RULE_NAMES`` says what each means (``list --explain``).
RULES = (
    "md", "setext", "chapter", "section", "roman", "cnformal", "cn", "cnparen", "num", "numparen",
    "circled", "decimal", "named", "bare", "sequence", "standalone", "format",
)  # fmt: skip
RULE_NAMES = {
    "md": "Markdown # heading",
    "setext": "Markdown heading underlined with === or ---",
    "chapter": "chapter marker 第…章/回/编/篇/卷/部分 (a title on the next line joins it)",
    "section": "section marker 第…节",
    "roman": "Roman numeral marker Ⅰ、",
    "cnformal": "formal numeral marker 壹、",
    "cn": "Chinese numeral marker 一、",
    "cnparen": "parenthesised numeral marker （一）",
    "num": "number marker 1、 or 1.",
    "numparen": "number marker (1) or 1)",
    "circled": "circled number marker ①",
    "decimal": "short decimal-numbered line 1.1 …",
    "named": "conventional part name (总则, 附则, 前言 …)",
    "bare": "a bare number line, the title on the next line",
    "sequence": "bare numbers alone on their lines, counting up (二, 三, 四 …)",
    "standalone": "short stand-alone line between paragraphs",
    "format": "a heading the file's format declares (HTML h1-h6, a Word heading style or outline level, "
    "the EPUB table of contents, a PDF bookmark, Markdown # or an underline)",
}
TITLE_RULES = {
    "md": "the first Markdown # heading",
    "setext": "the first Markdown heading underlined with ===",
    "line": "the first line of text",
    "two-lines": "the first two lines (a headline broken over two lines)",
    "metadata": "a 书名: header line",
    "front-matter": "the title: of the YAML front matter",
    "file-name": "the file name (no title line in the text)",
}
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

    __slots__ = ("start", "end", "text", "key", "indent", "blank_before", "lead_w", "_folded", "_title_like")

    def __init__(
        self, start: int, end: int, text: str, key: str, indent: bool, blank_before: bool, lead_w: int = 0
    ):
        self.start = start  # offset of the first non-blank character
        self.end = end  # offset after the last non-blank character
        self.text = text  # the original characters, stripped
        self.key = key  # the same, folded (tui.text.fold) for matching rules
        self.indent = indent
        self.blank_before = blank_before
        self.lead_w = lead_w  # display width of the indent
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
    took: Block | None = None  # for such a heading: the title line it consumed
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
            # (a TAB indents to the next stop of four, as in Markdown)
            lead_w = _width(raw[:lead]) + 3 * raw.count("\t", 0, lead) if lead else 0
            lines.append(Line(start, end, stripped, key, lead > 0, blank, lead_w))
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


WRAP_MIN = 40  # display columns: a hard-wrapped line is at least this wide


def _full_lines(lines: list[Line]) -> list[bool] | None:
    """For a hard-wrapped document, which lines are full (cut at the wrap
    column, so the line after them continues their paragraph); None when the
    document is not hard-wrapped.

    A line is full when it is as wide as the widest of its neighbours (the
    wrap column may change from chapter to chapter).  The document is wrapped
    when many lines are full yet end mid-sentence with the next line going on
    unindented: line-per-paragraph text ends its lines with sentences, and
    its short headings are never as wide as the paragraphs around them.
    Widths count the indent ("\u3000\u3000话说…" is as full as the lines after it)."""
    n = len(lines)
    if n < 6:
        return None
    widths = [l.lead_w + _width(l.text) for l in lines]
    long = cut = full_cut = 0
    for i in range(n - 1):
        w = widths[i]
        if w < WRAP_MIN:
            continue
        long += 1
        nxt = lines[i + 1]
        if nxt.blank_before or nxt.indent or ends_sentence(lines[i].key) or not _joins(nxt):
            continue
        cut += 1
        if w >= _column(widths, i) - 4:
            full_cut += 1
    if full_cut < 5 or full_cut < 0.2 * long or full_cut < 0.6 * cut:
        return None
    return [w >= WRAP_MIN and w >= _column(widths, i) - 4 for i, w in enumerate(widths)]


def _column(widths: list[int], i: int) -> int:
    """The wrap column around line ``i``: the third widest of its ten
    neighbours (one over-long line does not move it)."""
    window = widths[max(0, i - 5) : i + 6]
    return sorted(window)[-3] if len(window) >= 3 else max(window)


_MARKER_FIRST = frozenset("#第卷(ivx" + CN_NUM + "0123456789")  # and circled numbers (checked apart)


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


def _joins(line: Line) -> bool:
    """May this line continue the paragraph above in a hard-wrapped text?
    Not when it starts something: a marker, a bare number, Markdown."""
    key = line.key
    if key[:1] in ("#", "*", "-", ">", "|", "=", "`", "~") or BARE_ARABIC.match(key) or BARE_CN.match(key) or ARTICLE.match(key):
        return False
    return _marker(line) is None


def _blocks(lines: list[Line], full: list[bool] | None) -> list[Block]:
    """Lines into blocks: one line each, or in a hard-wrapped text, the lines
    of a paragraph (a full line is continued by the unindented line after it)."""
    blocks: list[Block] = []
    for i, line in enumerate(lines):
        if full and i and full[i - 1] and not line.blank_before and not line.indent and _joins(line):
            blocks[-1].lines.append(line)
            blocks[-1].single = False
        else:
            blocks.append(Block([line]))
    return blocks


# A parenthesised note that ends a line: "…积累（请着重填写…）。"
_TRAILING_NOTE = re.compile(r"\([^()]*\)[。.]?$")


def _heading_cut(line: Line, marker_end: int) -> tuple[int, int, bool] | None:
    """For an inline heading: (title end, heading end, cut at a length limit
    rather than at punctuation: see ``Block.soft_cut``) in folded text, or
    None when the whole line is the heading."""
    key = line.key
    body_len = len(key) - marker_end
    m = CLAUSE_END.search(key, marker_end)
    if len(key) <= 40 and (m is None or m.end() == len(key)) and body_len > 0:
        return None
    # The first sentence when it is heading-sized, else its first clause (a
    # label before a colon may be as short as two characters: "摘要:").
    if m is not None and m.start() - marker_end <= 30:
        return m.start(), m.end(), False
    soft = CLAUSE_SOFT.search(key, marker_end)
    if soft is not None and (2 if key[soft.start()] == ":" else 4) <= soft.start() - marker_end <= 30:
        return soft.start(), soft.end(), False
    if m is not None and m.start() - marker_end <= 50:
        return m.start(), m.end(), False
    # A heading-sized lead followed by a note in brackets that ends the line:
    # the note is body, the lead the title.
    note = _TRAILING_NOTE.search(key, marker_end)
    if note is not None and 4 <= note.start() - marker_end <= 30 and "(" not in key[marker_end : note.start()]:
        return note.start(), note.start(), False
    cut = min(len(key), marker_end + 30)
    return cut, cut, cut < len(key)


@dataclass
class _Parse:
    text: str
    blocks: list[Block]
    metadata: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    title_rule: str = "file-name"
    wrapped: bool = False  # a hard-wrapped text (lines cut at a fixed width)
    md_outline: bool = False  # a Markdown document with # headings of its own
    # (offset, line, why it is not a heading): filled only for ``explain``.
    notes: list[tuple[int, str, str]] | None = None

    def note(self, b: Block, why: str) -> None:
        if self.notes is not None:
            self.notes.append((b.start, b.first.text, why))


def _toolbar(blocks: list[Block]) -> None:
    """Four or more very short lines at the very top are a page's toolbar or
    menu ("下载 / 打印 / 全屏 / 收藏"), not its title."""
    run = 0
    for b in blocks:
        if b.kind != BODY or not b.single or len(b.key) > 5 or _marker(b.first) or BARE_ARABIC.match(b.key):
            break
        run += 1
    if run >= 4:
        for b in blocks[:run]:
            b.kind = BOILERPLATE


def _mark_boilerplate(p: _Parse) -> None:
    blocks = p.blocks
    total = len(p.text) or 1
    before_title = True
    footer_from = None
    half = 0.5 * total
    _toolbar(blocks)
    for i, b in enumerate(blocks):
        if b.kind == BOILERPLATE:
            continue
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
            if len(key) <= 40 and bp.is_chrome_or_byline(key):
                b.kind = BOILERPLATE
                continue
            if not bp.may_be_boilerplate(key):
                continue
        if b.single and bp.is_breadcrumb(key, before_title):
            b.kind = BOILERPLATE
        elif b.single and bp.is_metadata(key):
            b.kind = BOILERPLATE
            for fld, value in bp.metadata_pairs(b.first.folded, b.first.text):
                p.metadata.setdefault(fld, value)
            nb = blocks[i + 1] if i + 1 < len(blocks) else None
            if key.endswith(":") and nb is not None and nb.single and len(nb.key) <= 12 and not _marker(nb.first):
                nb.kind = BOILERPLATE  # "责任编辑：" with the name on the next line
        elif b.single and bp.is_strong_footer(key) and b.start >= 0.5 * total:
            footer_from = i
            break
        elif b.single and bp.is_weak_footer(key):
            b.kind = BOILERPLATE
        elif b.single and bp.is_chrome_or_byline(key):
            b.kind = BOILERPLATE
        elif not BARE_ARABIC.match(key):
            before_title = False
    if footer_from is not None:
        for b in blocks[footer_from:]:
            b.kind = BOILERPLATE


_FRONT_FIELDS = {"date": "date", "author": "author", "source": "source"}


def _front_matter(p: _Parse) -> str | None:
    """YAML front matter (--- ... --- at the very top) is metadata: its date,
    author and source go to the document's metadata; its ``title:`` is
    returned (the title when the text has none)."""
    blocks = p.blocks
    if not blocks or blocks[0].key != "---":
        return None
    for n, b in enumerate(blocks[1:60], 1):
        if b.key == "---":
            title = None
            for x in blocks[: n + 1]:
                x.kind = BOILERPLATE
                m = re.match(r"^(\w+)\s*:\s*(.+)$", x.first.text)
                if m is None:
                    continue
                value = m.group(2).strip().strip("\"'")
                if m.group(1) == "title" and title is None:
                    title = value
                elif m.group(1) in _FRONT_FIELDS and value:
                    p.metadata.setdefault(_FRONT_FIELDS[m.group(1)], value)
            return title
    return None


def _content(blocks: list[Block]) -> list[int]:
    return [i for i, b in enumerate(blocks) if b.kind != BOILERPLATE]


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _md_text(line: Line) -> str:
    """A Markdown heading without its #s, emphasis marks and link targets."""
    t = line.text.lstrip("#").strip()
    t = t.rstrip("#").rstrip() or t  # "## 标题 ##": closing hashes
    if "](" in t:
        t = _MD_LINK.sub(r"\1", t)
    if "`" in t:
        t = t.replace("`", "")
    return t.strip("*_ ").strip() or t


def _meaningless(key: str) -> bool:
    """Lines that are never a title: separators, invisible text, bare dates."""
    return not _HAS_WORD.search(key) or DATE_ONLY.match(key) is not None or bp.LEADING_DATE.fullmatch(key) is not None


def _date_line(key: str) -> bool:
    """"2018年1月2日" or "(2018年1月2日)": a date alone, perhaps bracketed."""
    k = key.strip("()[]【】 ")
    return DATE_ONLY.match(k) is not None or DATE_TIME.match(k) is not None


DATE_TIME = re.compile(r"^\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?\s*(?:\d{1,2}\s*[时:]\s*\d{1,2}\s*分?)?$")


def _deck(key: str) -> bool:
    """A subtitle line: "——在…上的报告", "—— 2026年1月26日在…会议上"."""
    return key.startswith(("—", "--")) and len(key) <= 80 and "。" not in key


def _author_line(key: str) -> bool:
    """A short line under a title that names its author ("公孙龙", "清溪道人著"):
    a second title line is longer than a name."""
    return len(key) < 6 or key.endswith(("著", "撰", "编", "译", "辑", "述"))


def _find_title(p: _Parse, content: list[int]) -> int | None:
    """Mark the title line(s); return the index (into content) of the block after them."""
    if p.metadata.get("title"):
        p.title = clean_title(p.metadata["title"])
        p.title_rule = "metadata"
        return 0
    if p.md_outline:
        # A Markdown document's title is its first H1, even under a few lines
        # of links and notes ("<< 访问主页", "**声明：**…").
        for ci, i in enumerate(content[:12]):
            b = p.blocks[i]
            if b.kind == HEADING and b.style == "setext" and b.rank == 1 or (
                b.key.startswith("# ") and b.first.lead_w < 4 and not b.in_fence
            ):
                b.kind = TITLE
                p.title = clean_title(b.title if b.style == "setext" else _md_text(b.first))
                p.title_rule = "setext" if b.style == "setext" else "md"
                return ci + 1
    for ci, i in enumerate(content):
        b = p.blocks[i]
        if BARE_ARABIC.match(b.key) or BARE_CN.match(b.key) or _meaningless(b.key):
            continue
        key = b.key.rstrip(_CLOSERS)
        if b.style == "setext" and b.rank == 1:
            b.kind = TITLE  # a Markdown H1 is the document's title
            p.title = clean_title(b.first.text)
            p.title_rule = "setext"
            return ci + 1
        marker = _marker(b.first)
        if marker is not None and marker[0] == "md" and b.key.startswith("# "):
            b.kind = TITLE
            p.title = clean_title(_md_text(b.first))
            p.title_rule = "md"
            return ci + 1
        if b.style == "setext" or b.in_fence:
            return None
        if key.replace(" ", "") in NAMED_PARTS:
            p.note(b, "not a title: a part name (序, 前言 …) comes first")
            return None
        if not b.single or len(b.key) > 80 or "。" in key or key.endswith("...") or marker is not None:
            p.note(b, "not a title: a sentence, a long line or a heading marker comes first")
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
                and nb.style is None
                and not ends_sentence(key)
                and not _deck(nb.key)
                and not _date_line(nb.key)
                and not _author_line(nb.key)
                and len(b.key) + len(nb.key) <= 80
            ):
                nb.kind = TITLE
                p.title = clean_title(title + nb.first.text)
                p.title_rule = "two-lines"
                return ci + 2
        p.title = clean_title(title)
        p.title_rule = "line"
        return ci + 1
    return None


def _subtitle(p: _Parse, content: list[int], first_body: int) -> None:
    """A short line right under the title that did not become a section is its deck."""
    if first_body <= 0 or first_body + 1 >= len(content):
        return
    b = p.blocks[content[first_body]]
    if b.kind == BODY and b.single and (b.first.title_like or _deck(b.key)) and _marker(b.first) is None:
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


def _markdown(p: _Parse) -> None:
    """Setext headings (a line underlined with === or ---) and whether the
    document is Markdown with an outline of its own: two or more headings
    besides its title.  Then only those headings are sections; numbered
    lines are its lists."""
    blocks = p.blocks
    count = 0
    prev: Block | None = None
    for b in blocks:
        first = b.key[:1]
        if first in ("=", "-", "#") and b.kind == BODY and not b.in_fence:
            if (
                first != "#"
                and b.single
                and SETEXT.match(b.first.text)
                and prev is not None
                and prev.single
                and prev.kind == BODY
                and prev.style is None
                and not b.first.blank_before
                and not prev.in_fence
                and prev.key[:1] not in ("*", "-", ">", "|")
                and prev.first.lead_w < 4  # indented four spaces: a code block
            ):
                b.kind = BOILERPLATE  # the underline is markup
                _set_heading(prev, "setext", 1 if b.first.text[0] == "=" else 2, 0)
                prev.title = clean_title(_md_text(prev.first))
                count += 1
            elif first == "#" and MARKERS[0][2].match(b.key) and b.first.lead_w < 4:
                count += 1
        prev = b
    p.md_outline = count >= 3


def _set_heading(b: Block, style: str, rank: float, marker_end: int) -> None:
    b.kind = HEADING
    b.style = style
    b.rank = rank
    line = b.first
    cut = None if style == "setext" else _heading_cut(line, marker_end)
    if cut is None and style != "md":
        cut = _run_in(line.key, marker_end)
    if cut is None:
        # "五、中文摘要：": the colon introduces the body; it is not the title's
        b.title = clean_title(_TRAILING_COLON.sub("", line.text) or line.text)
        b.heading_end = line.end
    else:
        title_end, heading_end, soft = cut
        _, t_end = line.folded.span_to_orig(0, title_end)
        _, h_end = line.folded.span_to_orig(0, heading_end)
        title = line.text[:t_end]
        if soft:
            title = title + "…"
            b.soft_cut = True
        b.title = clean_title(title)
        b.heading_end = line.start + h_end


_TRAILING_COLON = re.compile(r"[\s\u3000]*[:：︰][\s\u3000]*$")


def _run_in(key: str, marker_end: int) -> tuple[int, int, bool] | None:
    """A short line that is one sentence led by a label ("八、图目录:包括…。"):
    the label is the heading (title end, heading end after the colon).  Not
    when what follows the colon is a value rather than a sentence ("散会:下午4时。",
    under twelve characters, as ``_standalone`` counts a paragraph)."""
    if not ends_sentence(key):
        return None
    colon = key.find(":", marker_end)
    if colon < 0 or not 2 <= colon - marker_end <= 30 or len(key[colon + 1 :].strip()) < 12:
        return None
    return colon, colon + 1, False


def _take_next_line(b: Block, nxt: Block, style: str, rank: float, title: str) -> None:
    """A heading whose title is the line after it (a bare number, 第一回)."""
    b.kind = HEADING
    b.style = style
    b.rank = rank
    b.title = clean_title(title)
    b.heading_end = nxt.end
    b.took = nxt
    nxt.kind = HEADING
    nxt.consumed = True


def _title_line(b: Block | None) -> bool:
    """A single short line that can be the title of the heading above it."""
    return (
        b is not None
        and b.single
        and b.kind == BODY
        and not b.in_fence
        and b.first.title_like
        and _marker(b.first) is None
        and not _dialogue(b.key)
        and not BARE_CN.match(b.key)  # a number is not a title
    )


def _detect_headings(p: _Parse, content: list[int], first_body: int) -> None:
    blocks = p.blocks
    idx = content[first_body:]
    # After prose that ends in ":" ("禁止下列活动:") or an item that ends in
    # ";", enumerated lines are list items, not headings.
    in_list = False
    # Inside a law's article (第一条 …) enumerated lines are its items.
    in_article = False
    outer_styles: set[str] = set()  # heading styles seen before an article: they end it
    item = None  # (style, number) of the list item just before, if the line before was one
    for n, i in enumerate(idx):
        b = blocks[i]
        prev_in_list = in_list
        prev_item, item = item, None
        in_list = b.kind == BODY and b.lines[-1].key.rstrip(_CLOSERS + " ").endswith((":", ";"))
        if b.kind != BODY or b.consumed or b.in_fence:
            if b.style in ("md", "setext", "chapter", "section"):
                in_article = False
            continue
        key = b.key
        if p.md_outline:
            if key[:1] == "#" and _marker(b.first) is not None and b.first.lead_w < 4:
                _set_heading(b, "md", _marker(b.first)[1], _marker(b.first)[2])
                b.title = clean_title(_md_text(b.first))
            elif _marker(b.first) is not None:
                p.note(b, "a Markdown document with # headings: numbered lines are list items")
            continue
        if len(key) > 6 and key[0] not in _MARKER_FIRST and not ("\u2460" <= b.first.text[0] <= "\u277f"):
            continue  # most paragraphs: no rule below can apply (① .. ❿ are checked apart)
        nxt = blocks[idx[n + 1]] if n + 1 < len(idx) else None
        if b.single and (BARE_ARABIC.match(key) or BARE_CN.match(key)):
            if _title_line(nxt):
                _take_next_line(b, nxt, "bare", 40 if BARE_ARABIC.match(key) else 20, nxt.first.text)
            continue
        if ARTICLE.match(key):
            in_article = True
            p.note(b, "an article of a law (第…条): its items are not headings")
            continue
        if b.single and key.replace(" ", "") in NAMED_PARTS:
            _set_heading(b, "named", -1, len(key))  # the rank is set when all markers are known
            in_article = False
            continue
        m = _marker(b.first)
        if m is None:
            d = DECIMAL.match(key)
            if d is not None and b.single and len(key) <= 30 and title_like(key[d.end() :] or "x") and not ends_sentence(key):
                _set_heading(b, "decimal", 40 + key[: d.end()].count("."), d.end())
            elif d is not None:
                p.note(b, "a decimal-numbered line that reads as a sentence")
            continue
        style, rank, end = m
        if style == "md" and b.first.lead_w >= 4:
            p.note(b, "a # line indented four spaces: Markdown code")
            continue
        if style == "md":
            _set_heading(b, style, rank, end)
            b.title = clean_title(_md_text(b.first))
            in_article = False
            continue
        if style == "num" and re.match(r"^\d{1,3}\.\s", key) is None and len(key) <= end:
            continue
        if style == "circled" and (_heading_cut(b.first, end) is not None or not title_like(key) or ends_sentence(key)):
            p.note(b, "a circled number before a sentence: a footnote or a list item")
            continue
        if LINK_ITEM.match(key, end):
            p.note(b, "a numbered link item, not a heading")
            continue
        if (
            style in ("cn", "cnformal")
            and style not in outer_styles
            and ("、" in key[end:] or key.endswith("。"))
            and (_cn_value(key[:end].rstrip("、. ")) or 0) > 2
        ):
            p.note(b, "an enumeration (参、知母、黄柏…): numbering would start at three")
            continue
        if style not in ("chapter", "section"):
            if in_article and style not in outer_styles:
                p.note(b, "an item inside a law's article (第…条)")
                continue
            if _list_item(key, end):
                p.note(b, "a list item: it ends with ;")
                item = (style, _cn_value(key[:end].strip("()、. ")))
                continue
            # After "...以下工作:" a numbered line is a heading when paragraphs
            # follow it, a list item when the next line is the next item.
            number = _cn_value(key[:end].strip("()、. "))
            if prev_in_list and (nxt is None or (_marker(nxt.first) or ("",))[0] == style):
                p.note(b, "a list item: the text before it ends with : or ;, the next item follows")
                item = (style, number)
                continue
            if prev_item is not None and number is not None and prev_item == (style, number - 1):
                p.note(b, "a list item: the item before it was one")
                item = (style, number)
                continue
            if number is not None and _enumeration(blocks, idx, n, style, number):
                p.note(b, "a list item: the next items follow it line by line, with nothing under them")
                item = (style, number)
                continue
            if style in ("num", "numparen") and key.endswith("。") and ":" in key and _heading_cut(b.first, end) is None:
                p.note(b, "a definition (term: explanation.), not a heading")
                continue
        else:
            in_article = False
            if not key[end:].strip():
                if _title_line(nxt):
                    _take_next_line(b, nxt, style, rank, b.first.text + " " + nxt.first.text)
                else:
                    _set_heading(b, style, rank, end)
                continue
            if _heading_cut(b.first, end) is not None or "," in key:
                p.note(b, "a chapter word inside a sentence")
                continue  # "第一节课上,老师讲了..." is a sentence, not a chapter
        _set_heading(b, style, rank, end)
        in_article = False
        outer_styles.add(style)


def _enumeration(blocks: list[Block], idx: list[int], n: int, style: str, number: int) -> bool:
    """Does a list begin at ``idx[n]``: it and the next two lines are items of
    one marker style counting up (1. 2. 3.), the first two with nothing under
    them?  Headings introduce text; items of a list follow each other."""
    for k in range(n, n + 3):
        if k >= len(idx):
            return False
        b = blocks[idx[k]]
        if b.kind != BODY or not b.single or b.in_fence or b.consumed:
            return False
        m = _marker(b.first)
        if m is None or m[0] != style or (k < n + 2 and _heading_cut(b.first, m[2]) is not None):
            return False
        if _cn_value(b.key[: m[2]].strip("()、. ")) != number + k - n:
            return False
    return True


_FORMAL = str.maketrans("壹贰叁参肆伍陆柒捌玖拾", "一二三三四五六七八九十")


def _cn_value(s: str) -> int | None:
    """一 .. 九十九 (and 1 .. 999) as a number."""
    if s.isdigit():
        return int(s)
    s = s.translate(_FORMAL)
    digits = "零一二三四五六七八九"
    if s == "十":
        return 10
    if len(s) == 1 and s in digits:
        return digits.index(s)
    if len(s) == 2 and s[0] == "十" and s[1] in digits:
        return 10 + digits.index(s[1])
    if len(s) in (2, 3) and s[0] in digits and s[1] == "十" and (len(s) == 2 or s[2] in digits):
        return 10 * digits.index(s[0]) + (digits.index(s[2]) if len(s) == 3 else 0)
    return None


def _sequences(p: _Parse, content: list[int], first_body: int) -> None:
    """Bare numbers alone on their lines (二, 三, 四 …) that count up one by one
    number the parts of a text: each is a heading titled by itself."""
    if p.md_outline:
        return
    cands = []
    blocks = p.blocks
    for i in content[first_body:]:
        b = blocks[i]
        if len(b.key) > 3:
            continue  # a bare number has at most three characters
        bare = b.kind == BODY or b.style == "bare"
        # ("01", "02": page or file counters of a scraped book, not its parts)
        if bare and b.single and not b.in_fence and (BARE_CN.match(b.key) or BARE_ARABIC.match(b.key)) and b.key[0] != "0":
            v = _cn_value(b.key)
            if v is not None:
                cands.append((v, b))
    # Chinese and Arabic numbers count apart (a footnote "1" between 四 and 五).
    cn = [(v, b) for v, b in cands if BARE_CN.match(b.key)]
    _sequence_runs(p, cn)
    _sequence_runs(p, [(v, b) for v, b in cands if not BARE_CN.match(b.key)])


def _sequence_runs(p: _Parse, cands: list[tuple[int, Block]]) -> None:
    run: list[Block] = []
    last = None
    for v, b in cands + [(None, None)]:
        if v is not None and last is not None and v == last + 1 and run:
            run.append(b)
        else:
            # A run where most numbers have their title on the next line
            # keeps those titles ("bare"); where most stand alone, the few
            # "titles" are just the first lines of their parts.
            if len(run) >= 3 and 2 * sum(r.style == "bare" for r in run) < len(run):
                for r in run:
                    if r.took is not None:
                        r.took.kind, r.took.consumed, r.took = BODY, False, None
                    _set_heading(r, "sequence", 20 if BARE_CN.match(r.key) else 40, len(r.key))
            elif run:
                for r in run:
                    p.note(r, "a bare number, not part of a sequence counting up")
            run = [b] if v is not None and v <= 2 else []
        last = v


def _named_rank(p: _Parse) -> None:
    """A part name (总则, 附则) stands beside the outermost numbered headings."""
    named = [b for b in p.blocks if b.style == "named" and b.kind == HEADING]
    if named:
        ranks = [b.rank for b in p.blocks if b.kind == HEADING and b.rank is not None and b.style != "named"]
        top = min(ranks) if ranks else 10
        for b in named:
            b.rank = top


def _dialogue(key: str) -> bool:
    """A line of speech or an exclamation ("“出去！”", "我要投……”"): its last
    word, inside the quotes, is punctuation.  Fiction, not a title."""
    k = key.rstrip(_CLOSERS + " ")
    return k[-1:] in ("!", "?", "…", ",", "。", ":", ";", "—") or k.endswith("...")


def _standalone(p: _Parse, content: list[int], first_body: int) -> None:
    """Short stand-alone title lines, in documents built of such titles.

    Not in a hard-wrapped text (its short lines are paragraph ends and
    verse), not in a Markdown document with an outline of its own, and not
    in a text whose only headings are chapters (a novel's short lines are
    speech, verse and signatures)."""
    blocks = p.blocks
    idx = content[first_body:]
    styles = {blocks[i].style for i in idx if blocks[i].kind == HEADING}
    if p.wrapped or p.md_outline or (styles and styles <= {"chapter", "sequence"}):
        if p.notes is not None:
            why = "hard-wrapped text" if p.wrapped else "Markdown outline" if p.md_outline else "only chapter headings"
            for i in idx:
                b = blocks[i]
                if b.kind == BODY and b.single and b.first.title_like and not b.in_fence:
                    p.note(b, f"a short line, but stand-alone lines are not headings here ({why})")
        return
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
        if b.kind != BODY or not b.single or not b.first.title_like or b.in_fence or _marker(b.first):
            continue
        if ARTICLE.match(b.key):
            p.note(b, "an article of a law (第…条), not a heading")
            continue
        if CAPTION.search(b.key) or _dialogue(b.key):
            p.note(b, "a caption or a line of speech")
            continue
        if FIELD.match(b.key) or bp.LEADING_DATE.match(b.key):
            p.note(b, "a label: value line (日期：…) or a dated note, not a heading")
            continue
        prev = blocks[idx[n - 1]] if n > 0 else None
        if prev is not None and prev.kind == BODY and len(prev.key) > 40 and not ends_sentence(prev.lines[-1].key):
            p.note(b, "the tail of a paragraph broken across lines")
            continue
        if introduces[n + 1]:
            cands.append(n)
        else:
            p.note(b, "a short line, but no paragraph follows it")
    has_markers = any(blocks[i].kind == HEADING and blocks[i].style != "named" for i in idx)
    if not has_markers and len(cands) < 2:
        return
    cand_set = set(cands)
    paired = any(n + 1 in cand_set for n in cands)
    current_rank: float | None = None
    for n, i in enumerate(idx):
        b = blocks[i]
        if b.kind == HEADING and b.rank is not None and not b.consumed and b.style != "named":
            current_rank = b.rank
            continue
        if n not in cand_set:
            continue
        if has_markers:
            if current_rank is None:
                p.note(b, "a short line before the first numbered heading")
                continue  # loose lines before the first real heading stay body
            rank = current_rank + 5  # a deck or subhead under the current marker heading
        else:
            head = n + 1 in cand_set and (n - 1 not in cand_set)
            rank = 100 if (head or not paired) else 105
        b.kind = HEADING
        b.style = "standalone"
        b.rank = rank
        b.title = clean_title(_EDIT_LINK.sub("", b.first.text) or b.first.text)
        b.heading_end = b.end


def _parse(text: str, path: str, notes: list | None = None) -> tuple[_Parse, Folded]:
    lines, folded = _split_lines(text)
    full = _full_lines(lines)
    p = _Parse(text, _blocks(lines, full), wrapped=full is not None, notes=notes)
    _mark_fences(p.blocks)
    front_title = _front_matter(p)
    _markdown(p)
    _mark_boilerplate(p)
    _contents_blocks(p, _content(p.blocks))
    content = _content(p.blocks)
    first_body = _find_title(p, content)
    if first_body is None:
        first_body = 0
    _detect_headings(p, content, first_body)
    _sequences(p, content, first_body)
    _standalone(p, content, first_body)
    _named_rank(p)
    _subtitle(p, content, first_body)
    if p.title is None:
        if front_title:
            p.title, p.title_rule = clean_title(front_title), "front-matter"
        else:
            p.title = os.path.splitext(os.path.basename(path))[0]
    return p, folded


def parse_document(
    text: str,
    *,
    id: str,
    path: str,
    encoding: str = "utf-8",
    warnings: list[str] | None = None,
) -> Document:
    """Build a Document from decoded text (line endings already normalised)."""
    p, folded = _parse(text, path)
    title = p.title or id
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
        sections.append(Section(b.title or "", level, b.start, end, b.heading_end or b.end, b.style or ""))

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
