"""Plain text as lines and blocks, and the shapes the structure rules look at.

``split_lines`` cuts a text into its non-blank lines, each with its span,
its folded key (``tui.text.fold``: one fold of the whole text, sliced) and its
indent; ``full_lines`` tells whether the text is hard-wrapped (lines cut at a
fixed width) and ``make_blocks`` joins such lines back into paragraphs.  The
tests on one line or key live here too: its heading marker (``marker_of``:
``第一章``, ``一、``, ``(一)``, ``1.``, ``①`` …), whether it could be a title
(``title_like``), ends a sentence, is speech, and where an inline heading ends
(``heading_cut``).  ``ParseState`` is what one parse of a text
carries from rule to rule.  No rule decides anything here: that is
``tui.corpus.headings`` (sections) and ``tui.corpus.structure`` (title,
boilerplate, the document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.corpus import boilerplate as bp
from tui.corpus.model import BODY
from tui.text import Folded, fold

MAX_TITLE = 100  # characters of a section title shown in a table of contents

WS = " \t\u3000\xa0\u2002\u2003\u2009\u200b\ufeff"
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
# Conventional names of a document's parts (spaces inside ignored: "总 则").
NAMED_PARTS = frozenset(
    "总则 附则 序 自序 序言 前言 引言 导言 绪论 总论 结语 结束语 后记 跋 附录 尾声 楔子 序章 终章 摘要".split()
)
CIRCLED = re.compile("^[\u2460-\u2473\u2776-\u277f]")  # ① .. ⑳, ❶ .. ❿ (checked on the original)
CIRCLED_RANK = 60
BARE_ARABIC = re.compile(r"^\d{1,3}$")
BARE_CN = re.compile(rf"^{_CN}{{1,3}}$")
DATE_ONLY = re.compile(r"^\d{2,4}\s*[年./-]\s*\d{1,2}\s*[月./-]?\s*(\d{1,2}\s*日?)?$")

_SENTENCE_PUNCT = re.compile(r"[,;。!]")
_TWO_HAN = re.compile(r"[\u3400-\u9fff].*[\u3400-\u9fff]")
CLAUSE_END = re.compile(r"[。!?;]")
CLAUSE_SOFT = re.compile(r"[,:]")
CLOSERS = "\"'”’」』)]》〉】"


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


def split_lines(text: str) -> tuple[list[Line], Folded]:
    # The fold is per character, so folding the whole text once and slicing it
    # gives every line's key; only a few lines ever need their own offset map.
    folded = fold(text)
    ftext = folded.text
    identity = folded.identity
    lines: list[Line] = []
    pos = 0
    blank = True
    strip_chars = WS + "\r\v\f"
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
    k = key.rstrip(CLOSERS + " ")
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


def full_lines(lines: list[Line]) -> list[bool] | None:
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


MARKER_FIRST = frozenset("#第卷(ivx" + CN_NUM + "0123456789")  # and circled numbers (checked apart)


def marker_of(line: Line) -> tuple[str, float, int] | None:
    """(style, rank, end of marker in folded text) for a heading marker."""
    key = line.key
    if not key or (key[0] not in MARKER_FIRST and not CIRCLED.match(line.text)):
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
    return marker_of(line) is None


def make_blocks(lines: list[Line], full: list[bool] | None) -> list[Block]:
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


def heading_cut(line: Line, marker_end: int) -> tuple[int, int, bool] | None:
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
class ParseState:
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


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def md_text(line: Line) -> str:
    """A Markdown heading without its #s, emphasis marks and link targets."""
    t = line.text.lstrip("#").strip()
    t = t.rstrip("#").rstrip() or t  # "## 标题 ##": closing hashes
    if "](" in t:
        t = _MD_LINK.sub(r"\1", t)
    if "`" in t:
        t = t.replace("`", "")
    return t.strip("*_ ").strip() or t


_FORMAL = str.maketrans("壹贰叁参肆伍陆柒捌玖拾", "一二三三四五六七八九十")


def cn_value(s: str) -> int | None:
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


def dialogue(key: str) -> bool:
    """A line of speech or an exclamation ("“出去！”", "我要投……”"): its last
    word, inside the quotes, is punctuation.  Fiction, not a title."""
    k = key.rstrip(CLOSERS + " ")
    return k[-1:] in ("!", "?", "…", ",", "。", ":", ";", "—") or k.endswith("...")
