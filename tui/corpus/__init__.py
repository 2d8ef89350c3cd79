"""Corpus layer: files -> documents with title, sections and paragraphs.

Pure Python; never imports textual.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from tui.gcpause import gc_paused
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

if TYPE_CHECKING:
    from tui.corpus import parallel

# Not imported here: ``tui.corpus.decode`` and ``tui.corpus.parallel``. A
# reopen reads the document cache and needs neither; the app imports this
# package before its first frame (see tui/app/__init__.py).

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
    from tui.corpus.decode import BOMS, NotText, _utf16_guess, sniff_binary

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
    from tui.corpus import mojibake
    from tui.corpus.decode import decode_bytes
    from tui.corpus.kinds import TEXT_KINDS, kind_of

    kind = kind_of(path)
    if kind is not None:
        from tui.corpus import formats

        head = _check_head if kind in TEXT_KINDS else None
        data = read_bounded(path, check_head=head, stat_out=stat_out, nofollow=nofollow)
        return formats.build_document(formats.extract(kind, data, path, encoding), id=id, path=path)
    data = read_bounded(path, check_head=_check_head, stat_out=stat_out, nofollow=nofollow)
    decoded = decode_bytes(data, encoding)
    text, warnings = mojibake.check(decoded.text, repair=encoding is None)
    from tui.corpus.structure import parse_document

    return parse_document(text, id=id, path=path, encoding=decoded.encoding, warnings=decoded.warnings + warnings)


def parse_job(job: parallel.Job, compact: bool = False) -> parallel.Result:
    """Read and parse one file of a load; never raises for a bad file."""
    from tui.corpus import parallel
    from tui.corpus.decode import NotText

    stat_out: list = []

    def st():
        return stat_out[0] if stat_out else None

    try:
        doc = load_document(job.path, id=job.ident, encoding=job.encoding, stat_out=stat_out, nofollow=job.nofollow)
    except NotText as e:
        return parallel.Result(job, None, str(e), True, st())
    except OSError as e:
        return parallel.Result(job, None, reason_for(e), False, st())
    except ValueError as e:
        return parallel.Result(job, None, str(e), False, st())
    except RecursionError:
        return parallel.Result(job, None, "too deeply nested to parse", False, st())
    if compact:
        from tui.corpus.cache import compact_rows

        doc.paragraphs, doc.sections = compact_rows(doc)
    return parallel.Result(job, doc, None, False, st())


def _reread(path: str, doc_id: str) -> str:
    """A file's text parsed afresh (for a text damaged in the cache)."""
    return load_document(path, id=doc_id).text


def parse_job_compact(job: parallel.Job) -> parallel.Result:
    """``parse_job`` in a worker process: the document is sent back with
    array-backed paragraphs and sections (cheap to send)."""
    return parse_job(job, compact=True)


def _stem(path: str) -> str:
    """``os.path.splitext(os.path.basename(path))[0]``, or the whole name
    when that is empty, in a third of the time (a reopen names every file)."""
    name = path[path.rfind(os.sep) + 1 :]
    dot = name.rfind(".")
    # As splitext: a dot that only leading dots precede starts no extension.
    if dot > 0 and name[:dot].lstrip("."):
        return name[:dot]
    return name


def _ids(paths: list[str]) -> list[str]:
    """File name without extension, made unique with the parent folder or a number."""
    stems = [_stem(p) for p in paths]
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
    cache: bool = False,
    previous: Corpus | None = None,
    on_document=None,
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

    ``on_document(doc)`` is called with each document as soon as it is
    ready (those from the cache first, then the parsed ones in order), so
    that a caller can show and index them while the rest are parsed.
    """
    with gc_paused():
        return _load_corpus(paths, encoding, progress, cache, previous, on_document)


def _spill(cpath: str | None):
    """Where a load writes the texts it parses (``cache.Spill``), or None:
    without a document cache, parsed documents keep their texts."""
    if cpath is None:
        return None
    from tui.corpus import cache as cachemod

    try:
        return cachemod.Spill(os.path.dirname(cpath))
    except OSError:
        return None


def _load_corpus(paths, encoding, progress, cache, previous, on_document=None) -> Corpus:
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
            old = cachemod.load(cpath, reread=_reread)
        except cachemod.CacheError as e:
            notices.append(f"the document cache was unusable ({e}); rebuilding it")
    fresh: dict[str, cachemod.Entry] = {}
    changes: dict[str, list[str]] = {"new": [], "changed": [], "removed": [], "unchanged": []}
    total_bytes = sum(c.size for c in candidates)
    # Unchanged files come from the cache; the others are parsed, on every
    # core when there is enough to parse (parallel.py).
    slots: list = [None] * len(candidates)  # a Document, or a Skipped
    todo: list = []  # (slot, candidate, id) of the files to parse: none on most reopens
    for n, (cand, ident) in enumerate(zip(candidates, ids)):
        prior = old.get(cand.path)
        try:
            key = cachemod.FileKey.of(cand.stat if cand.stat is not None else os.stat(cand.path))
        except OSError:
            key = None
        if prior is not None and key is not None and prior.key == key:
            changes["unchanged"].append(cand.path)
            fresh[cand.path] = prior
            if prior.document is not None:
                prior.document.id = ident
                slots[n] = prior.document
                if on_document is not None:
                    on_document(prior.document)
            else:
                slots[n] = Skipped(cand.path, prior.skipped or "skipped")
        else:
            changes["changed" if prior is not None else "new"].append(cand.path)
            todo.append((n, cand, ident))
    done_bytes = sum(c.size for c, d in zip(candidates, slots) if d is not None)
    done = len(candidates) - len(todo)
    results = iter(())
    spill = None
    if todo:
        from tui.corpus import parallel

        jobs = [parallel.Job(c.path, ident, encoding, c.nofollow, c.size) for _, c, ident in todo]
        results = parallel.parse_all(jobs, parse_job, parse_job_compact)
        spill = _spill(cpath)
    for (n, _, _), r in zip(todo, results):
        if r.document is not None:
            doc = r.document
            if spill is not None:
                # Its text is written out at once: once indexed, the
                # document need not hold it (``release_text``).
                doc = cachemod.backed(doc, spill, cpath, _reread)
            slots[n] = doc
            if on_document is not None:
                on_document(doc)
            if r.stat is not None:
                fresh[r.job.path] = cachemod.Entry(cachemod.FileKey.of(r.stat), document=doc)
        else:
            slots[n] = Skipped(r.job.path, r.reason)
            # Only content decides a cached skip; a passing failure
            # (permission denied, vanished) must be retried next time.
            if r.stat is not None and r.content_skip:
                fresh[r.job.path] = cachemod.Entry(cachemod.FileKey.of(r.stat), skipped=r.reason)
        done += 1
        done_bytes += r.job.size
        if progress is not None:
            progress(done, len(candidates), done_bytes, total_bytes)
    if progress is not None and not todo and candidates:
        progress(len(candidates), len(candidates), total_bytes, total_bytes)
    documents: list[Document] = [d for d in slots if isinstance(d, Document)]
    skipped.extend(d for d in slots if isinstance(d, Skipped))
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
    corpus.roots = roots
    return corpus


def __getattr__(name: str):
    """``parse_document`` is imported when first asked for: reading the
    document cache needs no parser (its regular expressions cost ~50 ms)."""
    if name == "parse_document":
        from tui.corpus.structure import parse_document

        return parse_document
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
