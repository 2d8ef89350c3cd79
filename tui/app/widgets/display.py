"""Display helpers shared by the widgets and the screens: strings from
documents made safe to draw, widths in terminal cells, clipping.

Every string that comes from a document or a file name is passed through
``safe()`` and handed to widgets as ``Text``/``Content`` objects, never as a
markup string.
"""

from __future__ import annotations

from tui.app.layout import char_width
from tui.text.safe import escape_controls

# Chrome stays free of East-Asian-ambiguous glyphs (box drawing, block
# elements, "…"): they misalign on terminals that draw them wide.
ELLIPSIS = "..."
SEP = " \u203a "  # U+203A is East-Asian neutral (one cell everywhere)
MAX_SECTIONS_PER_DOC = 2000
MAX_LABEL = 40  # cells of a tree label, so the section count stays visible


def safe(s: str) -> str:
    """Text from a document or file name, made safe to draw on one line."""
    return escape_controls(s).replace("\t", " ").replace("\n", " ")


def cell_len(s: str) -> int:
    return sum(char_width(c) for c in s)


def clip(s: str, cells: int) -> str:
    """Cut ``s`` to at most ``cells`` terminal cells, marking the cut with '...'."""
    if cells <= 0:
        return ""
    total = 0
    for i, ch in enumerate(s):
        total += char_width(ch)
        if total > cells:
            keep = max(0, cells - len(ELLIPSIS))
            out, w = [], 0
            for c in s:
                cw = char_width(c)
                if w + cw > keep:
                    break
                out.append(c)
                w += cw
            return "".join(out) + ELLIPSIS[: cells - w]
    return s


def clip_middle(s: str, cells: int) -> str:
    """``s`` in at most ``cells`` cells, cut in the middle ('head...tail'):
    both ends of a long section title say more than its start alone."""
    if cell_len(s) <= cells:
        return s
    if cells < 2 + len(ELLIPSIS) + 2:
        return clip(s, cells)
    room = cells - len(ELLIPSIS)

    def take(chars, budget: int) -> list[str]:
        out, w = [], 0
        for ch in chars:
            if w + char_width(ch) > budget:
                break
            out.append(ch)
            w += char_width(ch)
        return out

    head = "".join(take(s, (room + 1) // 2))
    tail = "".join(reversed(take(reversed(s), room - cell_len(head))))
    return head + ELLIPSIS + tail


MIN_PART = 6  # cells: below this, a part of 'title > section' would read as a bare '...'


def title_section(title: str, section: str | None, room: int) -> str:
    """'title › section' in at most ``room`` cells, both parts kept readable:
    cut in the middle, and the section left out rather than shown as '...'."""
    if not section:
        return clip_middle(title, room)
    tw, sw = cell_len(title), cell_len(section)
    if tw + len(SEP) + sw <= room:
        return title + SEP + section
    avail = room - len(SEP)
    if avail < 2 * MIN_PART:
        return clip_middle(title, room)
    s_alloc = min(sw, avail // 2)
    t_alloc = avail - s_alloc
    if t_alloc > tw:
        t_alloc, s_alloc = tw, avail - tw
    return clip_middle(title, t_alloc) + SEP + clip_middle(section, s_alloc)
