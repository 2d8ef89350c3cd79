"""Which files are which format, and each extractor's version.

Apart from ``tui.corpus.formats`` so that listing files (``discover``) and
keying the document cache import no extractor code: a reopen, which reads
everything from the cache, needs only these names before the app's first
frame."""

from __future__ import annotations

import os

# What each extractor reads, by file suffix.  The extractors are imported
# lazily: their libraries (lxml, pypdfium2) load only when such a file is opened.
SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".epub": "epub",
    ".pdf": "pdf",
}
TEXT_KINDS = {"html", "markdown"}  # read as text first: a binary file under such a name is refused early

# Each extractor's version: bump one when a rule changes what that format
# extracts, and the document cache parses again.  Kept here, not in the
# modules, so keying the cache imports no extractor (nor its library).
VERSIONS = {"html": 1, "markdown": 1, "docx": 2, "epub": 1, "pdf": 2}


def versions() -> str:
    """Every extractor's version, for the document cache's key."""
    return ",".join(f"{name}{v}" for name, v in sorted(VERSIONS.items()))


def kind_of(path: str) -> str | None:
    return SUFFIXES.get(os.path.splitext(path)[1].lower())
