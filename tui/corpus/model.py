"""The corpus model: documents, their sections and paragraphs.

All offsets are indices into ``Document.text``: the decoded file with line
endings normalised to ``\\n`` and nothing else changed, so nothing is lost.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

# Paragraph kinds.
BODY = "body"
HEADING = "heading"  # a whole heading line, or the heading part of an inline heading
TITLE = "title"  # the document's title line
BOILERPLATE = "boilerplate"  # breadcrumbs, metadata lines, footers


class NotText(ValueError):
    """The bytes are not a text document; the message says why."""


@dataclass(frozen=True)
class Section:
    """A heading and the span of text it governs."""

    title: str  # the heading as shown in a table of contents (original characters)
    level: int  # 1 is the outermost heading style found in this document
    start: int  # offset where the heading begins
    end: int  # end of the section: the next heading of the same or an outer level
    heading_end: int  # offset where the heading text ends (inline headings: marker + first clause)
    rule: str = ""  # the structure rule that made this line a heading (tui.corpus.structure.RULES)

    def to_json(self) -> dict:
        return {"title": self.title, "level": self.level, "start": self.start, "end": self.end, "rule": self.rule}


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's span in the text, its kind and its innermost section."""

    start: int
    end: int
    kind: str = BODY
    section: int | None = None  # index of the innermost section containing it


@dataclass
class Document:
    """One file's text with its title, sections and paragraphs."""

    id: str
    path: str  # absolute path (may contain surrogate escapes for undecodable names)
    title: str
    encoding: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _folded: object | None = field(default=None, repr=False, compare=False)
    _starts: list[int] | None = field(default=None, repr=False, compare=False)
    _parents: list[int] | None = field(default=None, repr=False, compare=False)
    _digest: int | None = field(default=None, repr=False, compare=False)

    @property
    def chars(self) -> int:
        return len(self.text)

    def digest(self) -> int:
        """CRC-32 of the text as UTF-8: its identity (a document from the
        cache knows it without decoding its text)."""
        if self._digest is None:
            import zlib

            self._digest = zlib.crc32(self.text.encode("utf-8", "surrogatepass"))
        return self._digest

    @property
    def folded(self):
        """``tui.text.fold(self.text)``, computed once (parsing already made it)."""
        if self._folded is None:
            from tui.text import fold

            self._folded = fold(self.text)
        return self._folded

    def drop_fold(self) -> None:
        """Forget the whole-document fold parsing made (as big as the text):
        once the document is indexed, nothing needs it; ``folded`` makes it
        again if asked."""
        self._folded = None

    @property
    def utf8_size(self) -> int:
        """The text's size in UTF-8 bytes (a cached document knows it
        without decoding its text)."""
        return len(self.text.encode("utf-8", "surrogatepass"))

    def release_text(self) -> bool:
        """Drop the text from memory if it can be read again when next
        used (a document the cache holds); True if it was dropped."""
        return False

    def section_at(self, offset: int) -> int | None:
        """Index of the innermost section containing ``offset``, if any.

        Only the last section starting at or before ``offset`` and its
        ancestors can contain it (a section ends where the next one of its
        level or an outer one begins), so this climbs the parent chain:
        O(log n + depth), whatever the shape of the document."""
        if not self.sections:
            return None
        if self._starts is None or len(self._starts) != len(self.sections):
            self._starts = [s.start for s in self.sections]
            parents: list[int] = []
            stack: list[int] = []
            for i, s in enumerate(self.sections):
                while stack and self.sections[stack[-1]].level >= s.level:
                    stack.pop()
                parents.append(stack[-1] if stack else -1)
                stack.append(i)
            self._parents = parents
        i = bisect_right(self._starts, offset) - 1
        while i >= 0:
            s = self.sections[i]
            if s.start <= offset < s.end:
                return i
            i = self._parents[i]
        return None

    def section_text(self, index: int) -> str:
        s = self.sections[index]
        return self.text[s.start : s.end]

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "encoding": self.encoding,
            "chars": self.chars,
            "metadata": dict(self.metadata),
            "sections": [s.to_json() for s in self.sections],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Skipped:
    """A file that was not read as a document, and why."""

    path: str
    reason: str

    def to_json(self) -> dict:
        return {"path": self.path, "reason": self.reason}


class DocumentNotFound(LookupError):
    """No document, or more than one, matches a reference given by the user."""


@dataclass
class Corpus:
    """The documents of a load, the files skipped, and what the load noticed and changed."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # e.g. the cache was rebuilt
    changes: dict[str, list[str]] = field(default_factory=dict)  # new/changed/removed/unchanged paths
    # path -> cache entry (file key and document) of this load: what a reload
    # compares against (see ``load_corpus(previous=...)``).
    entries: dict | None = field(default=None, repr=False, compare=False)
    # The paths the corpus was opened with (the bundled seeds' directory when
    # none were named): what names its kept search index.
    roots: list[str] = field(default_factory=list, compare=False)

    def find(self, ref: str) -> Document:
        """A document by id, path, a unique id prefix, or a unique title substring."""
        import os

        for doc in self.documents:
            if doc.id == ref:
                return doc
        real = os.path.abspath(ref)
        for doc in self.documents:
            if doc.path == real:
                return doc
        prefixed = [d for d in self.documents if ref and d.id.startswith(ref)]
        if len(prefixed) == 1:
            return prefixed[0]
        matches = [d for d in self.documents if ref and ref in d.title]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            from tui.text import fold_text

            key = fold_text(ref)
            matches = [d for d in self.documents if key and key in fold_text(d.title)]
            if len(matches) == 1:
                return matches[0]
        if not matches:
            matches = prefixed
        if not matches:
            raise DocumentNotFound(f"no document matches {ref!r} (by id, path or title)")
        names = ", ".join(d.id for d in matches[:5])
        more = "" if len(matches) <= 5 else f" and {len(matches) - 5} more"
        raise DocumentNotFound(f"{ref!r} matches {len(matches)} documents: {names}{more}; use the id")

    def to_json(self) -> dict:
        return {
            "documents": [d.to_json() for d in self.documents],
            "skipped": [s.to_json() for s in self.skipped],
        }
