"""Which blocks of a plain text are headings, and at what rank.

Called by ``tui.corpus.structure._parse`` in this order, each on the blocks
left as body by the ones before: ``mark_fences`` and ``mark_markdown`` (code
fences, setext underlines, whether a Markdown document has its own outline),
``detect_headings`` (marker lines, chapter numbers with their title on the next
line, part names, decimal numbers; not list items, a law's article items,
enumerations, definitions), ``mark_sequences`` (bare numbers counting up),
``mark_standalone`` (short stand-alone title lines in documents built of them)
and ``named_rank``.  A heading's rank orders the marker styles (lower is
outer); levels are made from the ranks a document uses.  Every refusal can be
noted for ``tui.corpus.explain``.
"""

from __future__ import annotations

import re

from tui.corpus import boilerplate as bp
from tui.corpus.lines import (
    ARTICLE, BARE_ARABIC, BARE_CN, CLAUSE_END, CLOSERS, DECIMAL, FIELD, LINK_ITEM, MARKER_FIRST, MARKERS,
    NAMED_PARTS, Block, ParseState, clean_title, cn_value, dialogue, ends_sentence, heading_cut, marker_of, md_text,
    title_like,
)  # fmt: skip
from tui.corpus.model import BODY, BOILERPLATE, HEADING

# An encyclopedia's "[编辑]" after a heading is page chrome, not its title.
_EDIT_LINK = re.compile(r"\s*[\[【]\s*(?:编辑|編輯|edit|编辑源代码|编辑原始码)\s*[\]】]\s*$", re.I)
SETEXT = re.compile(r"^(?:=+|-+)$")
# Photo captions: "图为...", "(本报记者 某某 摄)", "某某 摄影".
CAPTION = re.compile(r"^(?:图为|图片为|上图|下图|左图|右图|图\s*[:|])|摄\s*[)\]]?$|摄影\s*[:|]|记者\s*\S{1,4}\s*摄")
FENCE = re.compile(r"^(```|~~~)")


def _list_item(key: str, marker_end: int) -> bool:
    """An enumerated item ending in a semicolon ("(一)新建项目;") is a list item."""
    m = CLAUSE_END.search(key, marker_end)
    first = key[: m.end()] if m else key
    return first.rstrip(CLOSERS + " ").endswith(";")


def mark_fences(blocks: list[Block]) -> None:
    """Lines inside Markdown code fences are code: never headings."""
    inside = False
    for b in blocks:
        if FENCE.match(b.key):
            b.in_fence = True
            inside = not inside
            continue
        b.in_fence = inside


def mark_markdown(p: ParseState) -> None:
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
                prev.title = clean_title(md_text(prev.first))
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
    cut = None if style == "setext" else heading_cut(line, marker_end)
    if cut is None and style != "md":
        cut = run_in(line.key, marker_end)
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


def run_in(key: str, marker_end: int) -> tuple[int, int, bool] | None:
    """A short line that is one sentence led by a label ("八、图目录:包括…。"):
    the label is the heading (title end, heading end after the colon).  Not
    when what follows the colon is a value rather than a sentence ("散会:下午4时。",
    under twelve characters, as ``mark_standalone`` counts a paragraph)."""
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
        and marker_of(b.first) is None
        and not dialogue(b.key)
        and not BARE_CN.match(b.key)  # a number is not a title
    )


def detect_headings(p: ParseState, content: list[int], first_body: int) -> None:
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
        in_list = b.kind == BODY and b.lines[-1].key.rstrip(CLOSERS + " ").endswith((":", ";"))
        if b.kind != BODY or b.consumed or b.in_fence:
            if b.style in ("md", "setext", "chapter", "section"):
                in_article = False
            continue
        key = b.key
        if p.md_outline:
            if key[:1] == "#" and marker_of(b.first) is not None and b.first.lead_w < 4:
                _set_heading(b, "md", marker_of(b.first)[1], marker_of(b.first)[2])
                b.title = clean_title(md_text(b.first))
            elif marker_of(b.first) is not None:
                p.note(b, "a Markdown document with # headings: numbered lines are list items")
            continue
        if len(key) > 6 and key[0] not in MARKER_FIRST and not ("\u2460" <= b.first.text[0] <= "\u277f"):
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
        m = marker_of(b.first)
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
            b.title = clean_title(md_text(b.first))
            in_article = False
            continue
        if style == "num" and re.match(r"^\d{1,3}\.\s", key) is None and len(key) <= end:
            continue
        if style == "circled" and (heading_cut(b.first, end) is not None or not title_like(key) or ends_sentence(key)):
            p.note(b, "a circled number before a sentence: a footnote or a list item")
            continue
        if LINK_ITEM.match(key, end):
            p.note(b, "a numbered link item, not a heading")
            continue
        if (
            style in ("cn", "cnformal")
            and style not in outer_styles
            and ("、" in key[end:] or key.endswith("。"))
            and (cn_value(key[:end].rstrip("、. ")) or 0) > 2
        ):
            p.note(b, "an enumeration (参、知母、黄柏…): numbering would start at three")
            continue
        if style not in ("chapter", "section"):
            if in_article and style not in outer_styles:
                p.note(b, "an item inside a law's article (第…条)")
                continue
            if _list_item(key, end):
                p.note(b, "a list item: it ends with ;")
                item = (style, cn_value(key[:end].strip("()、. ")))
                continue
            # After "...以下工作:" a numbered line is a heading when paragraphs
            # follow it, a list item when the next line is the next item.
            number = cn_value(key[:end].strip("()、. "))
            if prev_in_list and (nxt is None or (marker_of(nxt.first) or ("",))[0] == style):
                p.note(b, "a list item: the text before it ends with : or ;, the next item follows")
                item = (style, number)
                continue
            if prev_item is not None and number is not None and prev_item == (style, number - 1):
                p.note(b, "a list item: the item before it was one")
                item = (style, number)
                continue
            if style in ("num", "numparen") and key.endswith("。") and ":" in key and heading_cut(b.first, end) is None:
                p.note(b, "a definition (term: explanation.), not a heading")
                continue
            # (after definitions: a glossary's "1.术语:解释。" lines are not a list that the entries after them continue)
            if number is not None and _enumeration(blocks, idx, n, style, number):
                p.note(b, "a list item: the next items follow it line by line, with nothing under them")
                item = (style, number)
                continue
        else:
            in_article = False
            if not key[end:].strip():
                if _title_line(nxt):
                    _take_next_line(b, nxt, style, rank, b.first.text + " " + nxt.first.text)
                else:
                    _set_heading(b, style, rank, end)
                continue
            if heading_cut(b.first, end) is not None or "," in key:
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
        m = marker_of(b.first)
        if m is None or m[0] != style or (k < n + 2 and heading_cut(b.first, m[2]) is not None):
            return False
        if cn_value(b.key[: m[2]].strip("()、. ")) != number + k - n:
            return False
    return True


def mark_sequences(p: ParseState, content: list[int], first_body: int) -> None:
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
            v = cn_value(b.key)
            if v is not None:
                cands.append((v, b))
    # Chinese and Arabic numbers count apart (a footnote "1" between 四 and 五).
    cn = [(v, b) for v, b in cands if BARE_CN.match(b.key)]
    _sequence_runs(p, cn)
    _sequence_runs(p, [(v, b) for v, b in cands if not BARE_CN.match(b.key)])


def _sequence_runs(p: ParseState, cands: list[tuple[int, Block]]) -> None:
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


def named_rank(p: ParseState) -> None:
    """A part name (总则, 附则) stands beside the outermost numbered headings."""
    named = [b for b in p.blocks if b.style == "named" and b.kind == HEADING]
    if named:
        ranks = [b.rank for b in p.blocks if b.kind == HEADING and b.rank is not None and b.style != "named"]
        top = min(ranks) if ranks else 10
        for b in named:
            b.rank = top


def mark_standalone(p: ParseState, content: list[int], first_body: int) -> None:
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
        if b.kind != BODY or not b.single or not b.first.title_like or b.in_fence or marker_of(b.first):
            continue
        if ARTICLE.match(b.key):
            p.note(b, "an article of a law (第…条), not a heading")
            continue
        if CAPTION.search(b.key) or dialogue(b.key):
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
