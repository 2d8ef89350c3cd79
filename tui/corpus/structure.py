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

This module finds the title, the boilerplate and a table of contents, runs
the passes in order (``_parse``) and builds the ``Document``; the lines and
their shapes are ``tui.corpus.lines``, the heading rules ``tui.corpus.headings``.
"""

from __future__ import annotations

import os
import re

from tui.corpus import boilerplate as bp
from tui.corpus.headings import detect_headings, mark_fences, mark_markdown, mark_sequences, mark_standalone, named_rank
from tui.corpus.lines import (
    BARE_ARABIC, BARE_CN, CLOSERS, DATE_ONLY, MAX_TITLE, NAMED_PARTS, WS, Block, ParseState, clean_title, ends_sentence,
    full_lines, make_blocks, marker_of, md_text, split_lines,
)  # fmt: skip
from tui.corpus.model import BODY, BOILERPLATE, HEADING, TITLE, Document, Paragraph, Section
from tui.corpus.rules import PARSER_VERSION, RULE_NAMES, RULES, TITLE_RULES  # noqa: F401 - re-exported
from tui.text import Folded

__all__ = ["MAX_SECTIONS", "MAX_TITLE", "PARSER_VERSION", "RULES", "RULE_NAMES", "TITLE_RULES", "clean_title", "parse_document"]

MAX_SECTIONS = 5000  # a pathological document does not get an endless table of contents
_HAS_WORD = re.compile(r"\w")


def _toolbar(blocks: list[Block]) -> None:
    """Four or more very short lines at the very top are a page's toolbar or
    menu ("下载 / 打印 / 全屏 / 收藏"), not its title."""
    run = 0
    for b in blocks:
        if b.kind != BODY or not b.single or len(b.key) > 5 or marker_of(b.first) or BARE_ARABIC.match(b.key):
            break
        run += 1
    if run >= 4:
        for b in blocks[:run]:
            b.kind = BOILERPLATE


def _mark_boilerplate(p: ParseState) -> None:
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
            if key.endswith(":") and nb is not None and nb.single and len(nb.key) <= 12 and not marker_of(nb.first):
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


def _front_matter(p: ParseState) -> str | None:
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


def _find_title(p: ParseState, content: list[int]) -> int | None:
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
                p.title = clean_title(b.title if b.style == "setext" else md_text(b.first))
                p.title_rule = "setext" if b.style == "setext" else "md"
                return ci + 1
    for ci, i in enumerate(content):
        b = p.blocks[i]
        if BARE_ARABIC.match(b.key) or BARE_CN.match(b.key) or _meaningless(b.key):
            continue
        key = b.key.rstrip(CLOSERS)
        if b.style == "setext" and b.rank == 1:
            b.kind = TITLE  # a Markdown H1 is the document's title
            p.title = clean_title(b.first.text)
            p.title_rule = "setext"
            return ci + 1
        marker = marker_of(b.first)
        if marker is not None and marker[0] == "md" and b.key.startswith("# "):
            b.kind = TITLE
            p.title = clean_title(md_text(b.first))
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
                and marker_of(nb.first) is None
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


def _subtitle(p: ParseState, content: list[int], first_body: int) -> None:
    """A short line right under the title that did not become a section is its deck."""
    if first_body <= 0 or first_body + 1 >= len(content):
        return
    b = p.blocks[content[first_body]]
    if b.kind == BODY and b.single and (b.first.title_like or _deck(b.key)) and marker_of(b.first) is None:
        b.kind = TITLE


def _contents_blocks(p: ParseState, content: list[int]) -> None:
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


def _parse(text: str, path: str, notes: list | None = None) -> tuple[ParseState, Folded]:
    lines, folded = split_lines(text)
    full = full_lines(lines)
    p = ParseState(text, make_blocks(lines, full), wrapped=full is not None, notes=notes)
    mark_fences(p.blocks)
    front_title = _front_matter(p)
    mark_markdown(p)
    _mark_boilerplate(p)
    _contents_blocks(p, _content(p.blocks))
    content = _content(p.blocks)
    first_body = _find_title(p, content)
    if first_body is None:
        first_body = 0
    detect_headings(p, content, first_body)
    mark_sequences(p, content, first_body)
    mark_standalone(p, content, first_body)
    named_rank(p)
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
            while rest < b.end and text[rest] in WS:
                rest += 1
            if rest < b.end:
                paragraphs.append(Paragraph(rest, b.end, BODY, sec))
        elif b.soft_cut:
            paragraphs.append(Paragraph(b.start, b.end, BODY, doc.section_at(b.start)))
        else:
            paragraphs.append(Paragraph(b.start, b.end, b.kind, doc.section_at(b.start)))
    doc.paragraphs = paragraphs
    return doc
