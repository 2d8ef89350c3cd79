"""Corpus layer: files -> documents with title, sections and paragraphs.

Pure Python; never imports textual.
"""

from __future__ import annotations

import contextlib
import gc
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


def load_document(
    path: str, *, id: str, encoding: str | None = None, stat_out: list | None = None, nofollow: bool = False
) -> Document:
    """Read and parse one file.  Raises OSError, ValueError or NotText.

    HTML, Markdown, DOCX, EPUB and PDF (by suffix) go through their
    extractor (``tui.corpus.formats``); anything else is read as text."""
    from tui.corpus import formats, mojibake

    kind = formats.kind_of(path)
    if kind is not None:
        head = _check_head if kind in formats.TEXT_KINDS else None
        data = read_bounded(path, check_head=head, stat_out=stat_out, nofollow=nofollow)
        return formats.build_document(formats.extract(kind, data, path, encoding), id=id, path=path)
    data = read_bounded(path, check_head=_check_head, stat_out=stat_out, nofollow=nofollow)
    decoded: Decoded = decode_bytes(data, encoding)
    text, warnings = mojibake.check(decoded.text, repair=encoding is None)
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


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection meanwhile.  Parsing, indexing and a query
    over 100 000 candidates make millions of small objects, and each
    collection walks all of them (a million-line file: 22.7 s with
    collections, 16.3 s without).  Process-wide, so only around such work;
    nested or concurrent pauses re-enable once, by whoever disabled it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_corpus(
    paths: list[str] | None = None,
    encoding: str | None = None,
    progress=None,
    cache: bool = False,
    previous: Corpus | None = None,
) -> Corpus:
    """Load every text file under ``paths`` (default: the bundled seeds).

    Never raises for a bad file: it is listed in ``Corpus.skipped`` with the
    reason.  Raises ``PathError`` only when a named path does not exist.
    ``progress(done, total, done_bytes, total_bytes)`` is called after each
    file, if given.  With
    ``cache``, parsed documents are kept in the user cache directory and only
    new or changed files are parsed again (``Corpus.changes`` says which);
    problems with the cache become ``Corpus.notices``, never errors.

    ``previous``, a corpus loaded earlier from the same paths, makes this a
    reload: its documents are reused for files whose size, mtime, inode and
    ctime have not changed (the very same objects), so only new and changed
    files are read, and the cache file is not read at all.
    """
    with gc_paused():
        return _load_corpus(paths, encoding, progress, cache, previous)


def _load_corpus(paths, encoding, progress, cache, previous) -> Corpus:
    from tui.corpus import cache as cachemod

    roots = list(paths) if paths else [str(default_seed_dir())]
    candidates, skipped = discover(roots)
    ids = _ids([c.path for c in candidates])
    notices: list[str] = []
    cpath = cachemod.cache_path(roots, encoding) if cache else None
    if cache and cpath is None:
        notices.append("no writable cache directory: documents are parsed every time")
    old: dict[str, cachemod.Entry] = {}
    if previous is not None and previous.entries is not None:
        old = previous.entries
    elif cpath and os.path.exists(cpath):
        try:
            old = cachemod.load(cpath)
        except cachemod.CacheError as e:
            notices.append(f"the document cache was unusable ({e}); rebuilding it")
    fresh: dict[str, cachemod.Entry] = {}
    changes: dict[str, list[str]] = {"new": [], "changed": [], "removed": [], "unchanged": []}
    documents: list[Document] = []
    total_bytes = sum(c.size for c in candidates)
    done_bytes = 0
    for n, (cand, ident) in enumerate(zip(candidates, ids)):
        prior = old.get(cand.path)
        try:
            key = cachemod.FileKey.of(os.stat(cand.path))
        except OSError:
            key = None
        if prior is not None and key is not None and prior.key == key:
            changes["unchanged"].append(cand.path)
            fresh[cand.path] = prior
            if prior.document is not None:
                prior.document.id = ident
                documents.append(prior.document)
            else:
                skipped.append(Skipped(cand.path, prior.skipped or "skipped"))
        else:
            changes["changed" if prior is not None else "new"].append(cand.path)
            stat_out: list = []
            reason = None
            content_skip = False
            try:
                doc = load_document(cand.path, id=ident, encoding=encoding, stat_out=stat_out, nofollow=cand.nofollow)
                documents.append(doc)
                if stat_out:
                    fresh[cand.path] = cachemod.Entry(cachemod.FileKey.of(stat_out[0]), document=doc)
            except NotText as e:
                reason = str(e)
                content_skip = True
            except OSError as e:
                reason = reason_for(e)
            except ValueError as e:
                reason = str(e)
            except RecursionError:
                reason = "too deeply nested to parse"
            if reason is not None:
                skipped.append(Skipped(cand.path, reason))
                # Only content decides a cached skip; a passing failure
                # (permission denied, vanished) must be retried next time.
                if stat_out and content_skip:
                    fresh[cand.path] = cachemod.Entry(cachemod.FileKey.of(stat_out[0]), skipped=reason)
        done_bytes += cand.size
        if progress is not None:
            progress(n + 1, len(candidates), done_bytes, total_bytes)
    changes["removed"] = sorted(set(old) - set(fresh))
    if cpath and (changes["new"] or changes["changed"] or changes["removed"] or not os.path.exists(cpath)):
        try:
            cachemod.save(cpath, fresh)
        except OSError as e:
            notices.append(f"could not write the document cache: {e.strerror or e}")
    elif cpath and previous is None:
        cachemod.touch(cpath)  # used: keep it when old caches are pruned
    corpus = Corpus(documents, skipped)
    corpus.notices = notices
    corpus.changes = changes
    corpus.entries = fresh
    return corpus
