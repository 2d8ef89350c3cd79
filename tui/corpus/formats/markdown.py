"""Markdown: the source is the text (offsets are the file's); the outline
comes from ATX (``## x``, closed ``## x ##``) and setext (underlined ``===``
/ ``---``) headings.  Code (fenced or indented) and block quotes never give
headings; a ``---`` under a list item, a table row or a blank line is a rule
or a table, not a setext underline.  The title is front matter's ``title:``,
else a single first-level heading that comes before any other heading (it is
then not a section); inline markup (links, code, emphasis) is removed from
titles.
"""

from __future__ import annotations

import re

from tui.corpus.formats import Extracted, Heading, clean, decode_text

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\s?\[[^\]]*\])")
_CODE = re.compile(r"`+([^`]+)`+")
_EMPH = re.compile(r"(\*{1,3}|_{1,3})(\S(?:.*?\S)?)\1")
_TAGS = re.compile(r"<[^>]{1,200}>")


def inline_text(s: str) -> str:
    """Markdown inline markup removed: ``[a](b)`` -> a, ``*a*`` -> a, `` `a` `` -> a."""
    s = _IMAGE.sub(r"\1", s)
    s = _LINK.sub(r"\1", s)
    s = _CODE.sub(r"\1", s)
    s = _EMPH.sub(r"\2", s)
    s = _TAGS.sub("", s)
    return clean(s)


def outline(text: str) -> tuple[list[Heading], str | None, tuple[int, int] | None]:
    """(headings, front-matter title, front-matter span) of Markdown source."""
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    heads: list[Heading] = []
    front_title = None
    front = None
    i = 0
    if lines and lines[0].strip() == "---":
        for j in range(1, min(len(lines), 200)):
            if lines[j].strip() in ("---", "..."):
                for line in lines[1:j]:
                    m = re.match(r"^title\s*:\s*(.+)$", line.strip())
                    if m:
                        front_title = m.group(1).strip().strip("\"'")
                        break
                front = (0, offsets[j] + len(lines[j]))
                i = j + 1
                break
    fence = None
    prev_kind = "blank"  # blank, para, list, code, quote, table, heading
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence) and set(stripped) <= set(fence[0] + " \t"):
                fence = None
                prev_kind = "blank"
            i += 1
            continue
        m = _FENCE.match(line)
        if m:
            fence = m.group(1)
            prev_kind = "code"
            i += 1
            continue
        if not stripped:
            prev_kind = "blank" if prev_kind != "code" else "code-blank"
            i += 1
            continue
        if (line.startswith("\t") or line.startswith("    ")) and prev_kind in ("blank", "code", "code-blank"):
            prev_kind = "code"
            i += 1
            continue
        if stripped.startswith(">"):
            prev_kind = "quote"
            i += 1
            continue
        m = _ATX.match(line)
        if m:
            title = inline_text(m.group(2) or "")
            if title:
                start = offsets[i] + len(line) - len(line.lstrip())
                heads.append(Heading(start, offsets[i] + len(line.rstrip()), len(m.group(1)), title))
            prev_kind = "heading"
            i += 1
            continue
        u = _SETEXT.match(line)
        if u and prev_kind == "para" and i > 0:
            above = lines[i - 1]
            title = inline_text(above)
            if title:
                start = offsets[i - 1] + len(above) - len(above.lstrip())
                heads.append(Heading(start, offsets[i] + len(line.rstrip()), 1 if u.group(1)[0] == "=" else 2, title))
            prev_kind = "heading"
            i += 1
            continue
        if _RULE.match(line):
            prev_kind = "blank"
        elif _LIST.match(line):
            prev_kind = "list"
        elif "|" in stripped:
            prev_kind = "table"
        elif prev_kind in ("list", "table", "quote", "code-blank") and prev_kind != "blank":
            pass  # a lazy continuation line belongs to what is above
        else:
            prev_kind = "para"
        i += 1
    return heads, front_title, front


def extract(data: bytes, path: str, encoding: str | None = None) -> Extracted:
    text, enc, warnings = decode_text(data, encoding)
    heads, front_title, front = outline(text)
    title = front_title
    title_span = None
    if title is None and heads and heads[0].level == 1 and sum(1 for h in heads if h.level == 1) == 1:
        title = heads[0].title
        title_span = (heads[0].start, heads[0].end)
        heads = heads[1:]
    boilerplate = [front] if front else []
    return Extracted(text, enc, title, title_span, heads, boilerplate, warnings)
