"""Rich formats (HTML, Markdown, DOCX, EPUB, PDF) -> text plus the format's own outline.

One module per format, each with ``extract(data, path, encoding) ->
Extracted`` (its version is in ``VERSIONS``).  An extractor returns the text a reader shows
(paragraphs separated by blank lines; Markdown is its own source, unchanged)
and what the format itself says about structure: the title, headings with
levels and offsets into that text, and boilerplate spans (page chrome).

``build_document`` turns that into a ``Document``: the format's headings are
the sections; the plain-text heuristics (``tui.corpus.structure``) give the
paragraphs, and fill in the title and sections only where the format gives
nothing.  Offsets are into the extracted text, so search, highlights, the
reader, ``show`` and bookmarks work on it exactly as on a ``.txt``.

A failure is an ``Unreadable`` (a ``NotText``) with a short reason: the file
is skipped, nothing else is affected.  Containers are read with bounded
decompression (``safezip``); XML never resolves entities or fetches anything
(``xmlsafe``); PDFs are read in a worker process with time and memory limits
(``pdf``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from tui.corpus.kinds import VERSIONS  # noqa: F401 - each extractor's version, named in the docstring above
from tui.corpus.model import NotText


class Unreadable(NotText):
    """A rich-format file that cannot be read; the message says why.  Being
    about the content, the skip is cached until the file changes."""


class NotNow(ValueError):
    """Extraction failed for a passing reason (out of time on a busy machine,
    no process could be started): skipped now, tried again next time."""


@dataclass(frozen=True)
class Heading:
    """A heading found by an extractor: its paragraph's span, its level and its title."""

    start: int  # offsets into Extracted.text: the heading paragraph
    end: int
    level: int  # the format's own level (1 outermost); made relative later
    title: str


@dataclass
class Extracted:
    """What an extractor returns: the text a reader shows and the structure the format gives."""

    text: str
    encoding: str  # the text encoding for text formats; the format's name otherwise
    title: str | None = None
    title_span: tuple[int, int] | None = None  # where the title is in the text, if it is
    headings: list[Heading] = field(default_factory=list)
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class TextBuilder:
    """Collects paragraphs into one text, remembering where each one is."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.headings: list[Heading] = []
        self.boilerplate: list[tuple[int, int]] = []
        self.title_span: tuple[int, int] | None = None

    def add(self, text: str) -> tuple[int, int] | None:
        """Append one paragraph (inner newlines kept); None when it is blank."""
        text = text.strip()
        if not text:
            return None
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def heading(self, text: str, level: int) -> None:
        span = self.add(text)
        if span:
            self.headings.append(Heading(span[0], span[1], level, clean(text)))

    def chrome(self, text: str) -> None:
        span = self.add(text)
        if span:
            self.boilerplate.append(span)

    def text(self) -> str:
        return "".join(self.parts)

    def result(self, encoding: str, title: str | None = None, warnings: list[str] | None = None) -> Extracted:
        return Extracted(
            self.text(), encoding, title, self.title_span, self.headings, self.boilerplate, list(warnings or [])
        )


_SPACES = re.compile(r"[ \t\r\n\f\v\xa0\u2002\u2003\u2009\ufeff\u200b]+")


def clean(s: str) -> str:
    """A title as shown: runs of spaces become one (U+3000 is kept), trimmed."""
    return _SPACES.sub(" ", s).strip(" \u3000")


def label_over_title(label: str, label_size: float, below: str, below_size: float, body_size: float,
                     sizes_after: list[float]) -> bool:
    """Is ``label``, a cover's largest line, the kind of document ("博士学位论文")
    over its title ``below``?  When the label is short (at most 12 characters)
    and the line right under it is at least twice as long, in the cover's
    second size: larger than the body text and than every line after it (the
    author and date fields), smaller than the label.  A deck ("——在…会议上")
    or a "label: value" field is never the title."""
    label, below = clean(label), clean(below)
    return (
        0 < len(label) <= 12
        and len(below) >= 2 * len(label)
        and body_size < below_size < label_size
        and not re.search(r"[:：︰]", below)
        and below[:1] not in "—-－(（[【《"
        and bool(sizes_after)
        and max(sizes_after) < below_size
    )


def extract(kind: str, data: bytes, path: str, encoding: str | None = None) -> Extracted:
    """The extractor's result; any failure inside a format library becomes
    ``Unreadable`` (one skipped file), never an exception elsewhere."""
    import importlib

    module = importlib.import_module(f"tui.corpus.formats.{kind}")
    try:
        ex = module.extract(data, path, encoding)
    except (NotText, NotNow):
        raise
    except RecursionError:
        raise Unreadable("too deeply nested to parse") from None
    except MemoryError:
        raise Unreadable("too large to extract") from None
    except Exception as e:  # a library's own error on a malformed file
        raise Unreadable(f"not a readable {kind.upper()} file ({type(e).__name__}: {str(e)[:80]})") from None
    if not ex.text.strip():
        raise Unreadable(f"no text in this {kind.upper()} file")
    return ex


def build_document(ex: Extracted, *, id: str, path: str):
    """A Document from an extractor's result (see the module docstring)."""
    from tui.corpus.formats.outline import build

    return build(ex, id=id, path=path)


def decode_text(data: bytes, encoding: str | None) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings) of a text format, as for a ``.txt``:
    detection, newline normalisation and the mojibake check."""
    from tui.corpus import mojibake
    from tui.corpus.decode import decode_bytes

    decoded = decode_bytes(data, encoding)
    text, warnings = mojibake.check(decoded.text, repair=encoding is None)
    return text, decoded.encoding, decoded.warnings + warnings
