"""Reader layout: a document wrapped into display lines at a given width.

Pure Python (no textual import), so it can run in a worker thread and be
tested on its own.  Every display line keeps the offsets of the characters it
shows in ``Document.text``; highlights, section sync and scrolling to a hit
all work on those offsets, never on the displayed string.

* Paragraphs come from ``Document.paragraphs``; a paragraph that ends where
  the next one starts on the same line (an inline heading and its body) is
  laid out as one block, so the heading keeps flowing into its text.
* Each block is separated from the next by one blank line.
* Leading and trailing whitespace of each hard line is not shown (many
  documents indent paragraphs with ideographic spaces).
* Wrapping works in terminal cells: CJK characters take two.  A line may
  break between any two CJK characters, or after a space; never inside a
  Latin word (unless the word is wider than the pane), never before closing
  punctuation and never after opening punctuation.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from rich.cells import get_character_cell_size

# No line may start with these (kinsoku).
CLOSE = set("，。、；：？！）」』》〉】〕］｝〗…—～·,.;:?!)]}%’”")
# No line may end with these.
OPEN = set("（「『《〈【〔［｛〖([{“‘")
SPACES = " \t\u3000\u00a0\r\f\v\u200b\ufeff"

GAP = "gap"


def char_width(ch: str) -> int:
    """Terminal cells of ``ch``, exactly as Rich (and so Textual) counts them."""
    return get_character_cell_size(ch)


def _is_wide(ch: str) -> bool:
    return ch >= "\u1100" and get_character_cell_size(ch) == 2


def _can_break(a: str, b: str) -> bool:
    """May a line break fall between characters ``a`` and ``b``?"""
    if b == " " or b in CLOSE or a in OPEN:
        return False
    if a == " ":
        return True
    return _is_wide(a) or _is_wide(b)


WRAP_WINDOW = 1 << 16  # characters whose cell widths are summed at a time


def wrap(text: str, width: int, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Break ``text[lo:hi]`` (no newlines) into ``(start, end)`` spans of at
    most ``width`` cells (offsets into ``text``).

    Cell widths are summed in C (``accumulate``) over a window of the text
    at a time; each line end is found by bisection, then moved back to the
    nearest break opportunity, so the Python work is per line, not per
    character, and memory stays bounded on a 200 MB line without breaks.
    """
    width = max(2, width)
    n = len(text) if hi is None else hi
    if n <= lo:
        return []
    out: list[tuple[int, int]] = []
    cell = get_character_cell_size
    base = pend = lo
    prefix = [0]  # prefix[k]: cells of text[base : base + k]
    i = lo
    while i < n:
        if pend < n and prefix[pend - base] - prefix[i - base] <= width:
            # Not a whole line left in the window: start a new one at i.
            # (Zero-width characters can make a line longer than a window.)
            base = i
            pend = min(n, i + max(WRAP_WINDOW, 4 * width))
            prefix = [0, *accumulate(map(cell, text[base:pend]))]
            while pend < n and prefix[-1] <= width:
                more = min(n, pend + WRAP_WINDOW)
                prefix.extend(accumulate(map(cell, text[pend:more]), initial=prefix[-1]))
                del prefix[pend - base + 1]  # the repeated initial value
                pend = more
        j = base + bisect_right(prefix, prefix[i - base] + width) - 1
        if j >= n:
            out.append((i, n))
            break
        if j <= i:
            j = i + 1  # one character wider than the pane
        k = j
        while k > i and not _can_break(text[k - 1], text[k]):
            k -= 1
        if k == i:
            k = j  # no break opportunity (a very long word): cut it
        out.append((i, k))
        i = k
        while i < n and text[i] == " ":
            i += 1
    return out


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in SPACES:
        s += 1
    while e > s and text[e - 1] in SPACES:
        e -= 1
    return s, e


@dataclass
class Layout:
    """Display lines of one document at one width.

    ``starts[i]``/``ends[i]`` are offsets into the document text of line ``i``;
    a blank separator line has ``start == end`` and ``blank[i]`` true.
    """

    width: int
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    blank: list[bool] = field(default_factory=list)
    # A window of the document (see ``layout(lo=, hi=)``), shown while the
    # whole of a long document is laid out in a thread.
    partial: bool = False

    def __len__(self) -> int:
        return len(self.starts)

    def line_at(self, offset: int) -> int:
        """The display line showing ``offset`` (or the nearest line before it)."""
        if not self.starts:
            return 0
        i = bisect_right(self.starts, offset) - 1
        i = max(0, i)
        # Prefer a text line over the blank separator that shares its start.
        while i > 0 and self.blank[i] and self.starts[i - 1] == self.starts[i]:
            i -= 1
        if self.blank[i] and i + 1 < len(self.starts):
            i += 1
        return i

    def offset_at(self, line: int) -> int:
        """Document offset shown at display line ``line`` (blank lines: the next text)."""
        if not self.starts:
            return 0
        line = max(0, min(line, len(self.starts) - 1))
        while line + 1 < len(self.starts) and self.blank[line]:
            line += 1
        return self.starts[line]


def blocks(doc, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """The document's paragraphs, merged where one flows into the next on a line.

    With ``lo``/``hi``: only those that reach into that window (found by
    bisection, so a window of a 50 MB document costs what the window costs)."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    paras = getattr(doc, "paragraphs", None) or []
    if paras and (lo > 0 or hi is not None):
        k = max(0, bisect_right(paras, lo, key=lambda p: p.end) - 1)
        window = []
        for i in range(k, len(paras)):
            p = paras[i]
            if hi is not None and p.start >= hi:
                break
            window.append(p)
        paras = window
    if paras:
        for p in paras:
            if p.end <= p.start:
                continue
            if spans and "\n" not in text[spans[-1][1] : p.start] and p.start >= spans[-1][1]:
                spans[-1] = (spans[-1][0], p.end)
            else:
                spans.append((p.start, p.end))
    else:
        # No paragraph model: split on blank lines.
        pos = 0
        for chunk in text.split("\n\n"):
            if chunk.strip():
                spans.append((pos, pos + len(chunk)))
            pos += len(chunk) + 2
    return spans


def layout(doc, width: int, lo: int = 0, hi: int | None = None) -> Layout:
    """Lay ``doc`` out in lines of at most ``width`` cells.

    With ``lo``/``hi``, only the text between those offsets (whole paragraphs
    where they are short, else the part of the paragraph inside the window):
    a first screen of a 50 MB document in milliseconds, while the whole is
    laid out in a thread.  Line breaks inside a clipped paragraph may differ
    from the whole layout's; offsets are the document's all the same."""
    text = doc.text
    partial = lo > 0 or (hi is not None and hi < len(text))
    out = Layout(width, partial=partial)
    starts, ends, blank = out.starts, out.ends, out.blank
    first = True
    if partial:
        hi = len(text) if hi is None else hi
        spans = [(bs, be) for bs, be in blocks(doc, lo, hi) if be > lo and bs < hi]
    else:
        spans = blocks(doc)
    for bs, be in spans:
        if partial and (bs < lo or be > hi):
            # A paragraph larger than the window: start on a line boundary
            # at or after lo when there is one close by, else at lo.
            nl = text.rfind("\n", bs, lo)
            bs = max(bs, nl + 1 if nl >= 0 and lo - nl < 2000 else lo)
            be = min(be, hi)
        block_lines: list[tuple[int, int]] = []
        pos = bs
        while pos < be:
            nl = text.find("\n", pos, be)
            line_end = be if nl < 0 else nl
            s, e = _strip_span(text, pos, line_end)
            if e > s:
                # Offsets into the text itself: no copy of a 200 MB line.
                for a, b in wrap(text, width, s, e):
                    a2, b2 = _strip_span(text, a, b)
                    if b2 > a2:
                        block_lines.append((a2, b2))
            pos = line_end + 1
        if not block_lines:
            continue
        if not first:
            starts.append(block_lines[0][0])
            ends.append(block_lines[0][0])
            blank.append(True)
        first = False
        for s, e in block_lines:
            starts.append(s)
            ends.append(e)
            blank.append(False)
    # The separator before a block shares its start with the block's first
    # line; give it the previous block's end instead so bisect finds text.
    for i in range(1, len(starts)):
        if blank[i]:
            starts[i] = ends[i] = ends[i - 1]
    return out
