"""Corpus layer: files -> documents with title, sections and paragraphs.

Pure Python; never imports textual.
"""

from __future__ import annotations

import os
from pathlib import Path

from tui.corpus.decode import Decoded, NotText, decode_bytes
from tui.corpus.discover import PathError, discover, read_bounded, reason_for
from tui.corpus.model import (
    BODY,
    BOILERPLATE,
    HEADING,
    TITLE,
    Corpus,
    Document,
    DocumentNotFound,
    Paragraph,
    Section,
    Skipped,
)
from tui.corpus.structure import parse_document

__all__ = [
    "BODY",
    "BOILERPLATE",
    "HEADING",
    "TITLE",
    "Corpus",
    "Document",
    "DocumentNotFound",
    "Paragraph",
    "PathError",
    "Section",
    "Skipped",
    "default_seed_dir",
    "load_corpus",
    "load_document",
    "parse_document",
]


def default_seed_dir() -> Path:
    """The bundled seeds: inside the package in a wheel, beside it in a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    raise PathError("the bundled seed documents are missing from this installation")


def _check_head(head: bytes) -> None:
    """Stop reading binary files (and sparse files full of NULs) at once."""
    from tui.corpus.decode import BOMS, _utf16_guess, sniff_binary

    if any(head.startswith(bom) for bom, _ in BOMS):
        return
    if b"\x00" in head and _utf16_guess(head):
        return
    reason = sniff_binary(head)
    if reason:
        raise NotText(reason)


def load_document(path: str, *, id: str, encoding: str | None = None) -> Document:
    """Read and parse one file.  Raises OSError, ValueError or NotText."""
    from tui.corpus import mojibake

    data = read_bounded(path, check_head=_check_head)
    decoded: Decoded = decode_bytes(data, encoding)
    text, warnings = mojibake.check(decoded.text)
    return parse_document(text, id=id, path=path, encoding=decoded.encoding, warnings=decoded.warnings + warnings)


def _ids(paths: list[str]) -> list[str]:
    """File name without extension, made unique with the parent folder or a number."""
    stems = [os.path.splitext(os.path.basename(p))[0] or os.path.basename(p) for p in paths]
    counts: dict[str, int] = {}
    for s in stems:
        counts[s] = counts.get(s, 0) + 1
    out: list[str] = []
    used: set[str] = set()
    for p, s in zip(paths, stems):
        ident = s
        if counts[s] > 1:
            parent = os.path.basename(os.path.dirname(p))
            ident = f"{parent}/{s}" if parent else s
        base, k = ident, 2
        while ident in used:
            ident = f"{base}~{k}"
            k += 1
        used.add(ident)
        out.append(ident)
    return out


def load_corpus(
    paths: list[str] | None = None,
    encoding: str | None = None,
    progress=None,
) -> Corpus:
    """Load every text file under ``paths`` (default: the bundled seeds).

    Never raises for a bad file: it is listed in ``Corpus.skipped`` with the
    reason.  Raises ``PathError`` only when a named path does not exist.
    ``progress(done, total)`` is called after each file, if given.
    """
    if not paths:
        paths = [str(default_seed_dir())]
    candidates, skipped = discover(list(paths))
    ids = _ids([c.path for c in candidates])
    documents: list[Document] = []
    for n, (cand, ident) in enumerate(zip(candidates, ids)):
        try:
            documents.append(load_document(cand.path, id=ident, encoding=encoding))
        except NotText as e:
            skipped.append(Skipped(cand.path, str(e)))
        except OSError as e:
            skipped.append(Skipped(cand.path, reason_for(e)))
        except ValueError as e:
            skipped.append(Skipped(cand.path, str(e)))
        except RecursionError:
            skipped.append(Skipped(cand.path, "too deeply nested to parse"))
        if progress is not None:
            progress(n + 1, len(candidates))
    return Corpus(documents, skipped)
