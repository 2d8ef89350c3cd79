"""Find the text files under the paths a user gave, without ever blocking.

FIFOs, sockets and devices are never opened (opening a FIFO blocks forever);
the file type is checked before opening, and again on the open descriptor,
which is opened non-blocking.  Symlinks never lead outside the root they were
found under, and never loop (directories are tracked by device and inode).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field

from tui.corpus.model import Skipped

from tui.corpus.kinds import SUFFIXES as FORMAT_SUFFIXES

# What a directory walk opens: plain text, and every format with an extractor.
TEXT_SUFFIXES = {".txt", ".text"} | set(FORMAT_SUFFIXES)
MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Candidate:
    """A file that may be a document, as listed (not read yet)."""

    path: str  # absolute
    explicit: bool  # named by the user (any extension is tried)
    size: int = 0  # bytes, when listed (for progress)
    nofollow: bool = False  # was not a symlink when listed: must not become one
    # The listing's os.stat (following a symlink), kept so the document
    # cache's check needs no second one: 7 900 files at 100 MB.
    stat: os.stat_result | None = field(default=None, compare=False, repr=False)


class PathError(Exception):
    """A path the user named cannot be used at all."""


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    return "special file"


def _reason(err: OSError) -> str:
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.ELOOP:
        return "symlink loop"
    if err.errno == errno.ENOENT:
        return "vanished, or a broken symlink"
    if err.errno == errno.ENAMETOOLONG:
        return "name too long"
    return err.strerror or str(err)


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def discover(paths: list[str]) -> tuple[list[Candidate], list[Skipped]]:
    """Files to read, in a stable order, and what was skipped with a reason.

    Raises ``PathError`` when a named path does not exist.
    """
    found: list[Candidate] = []
    skipped: list[Skipped] = []
    seen_files: set[tuple[int, int]] = set()
    for given in paths:
        path = os.path.abspath(given)
        try:
            st = os.stat(path)
        except OSError as e:
            if e.errno == errno.ENOENT and not os.path.lexists(path):
                raise PathError(f"no such file or directory: {given}") from None
            skipped.append(Skipped(path, _reason(e)))
            continue
        kind = _kind(st.st_mode)
        if kind:
            skipped.append(Skipped(path, f"not a regular file ({kind})"))
        elif stat.S_ISDIR(st.st_mode):
            root = os.path.realpath(path)
            _walk(path, root, found, skipped, {(st.st_dev, st.st_ino)}, seen_files)
        else:
            key = (st.st_dev, st.st_ino)
            if key not in seen_files:
                seen_files.add(key)
                found.append(Candidate(path, True, st.st_size, stat=st))
    return found, skipped


def _walk(
    top: str,
    root: str,
    found: list[Candidate],
    skipped: list[Skipped],
    seen_dirs: set[tuple[int, int]],
    seen_files: set[tuple[int, int]],
) -> None:
    """Depth-first, in name order, with an explicit stack: a directory tree
    thousands of levels deep must not exhaust Python's recursion limit."""
    stack: list[str] = [top]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            skipped.append(Skipped(directory, _reason(e)))
            continue
        subdirs: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and directories
            path = entry.path
            try:
                is_link = entry.is_symlink()
                if is_link:
                    real = os.path.realpath(path)
                    if not _within(real, root):
                        skipped.append(Skipped(path, "symlink leads outside the opened directory"))
                        continue
                st = os.stat(path)
            except OSError as e:
                skipped.append(Skipped(path, _reason(e)))
                continue
            kind = _kind(st.st_mode)
            if kind:
                skipped.append(Skipped(path, f"not a regular file ({kind})"))
                continue
            key = (st.st_dev, st.st_ino)
            if stat.S_ISDIR(st.st_mode):
                if key in seen_dirs:
                    if is_link:
                        skipped.append(Skipped(path, "symlink loop (directory already visited)"))
                    continue
                seen_dirs.add(key)
                subdirs.append(path)
                continue
            suffix = os.path.splitext(entry.name)[1].lower()
            if suffix and suffix not in TEXT_SUFFIXES:
                skipped.append(Skipped(path, f"not a text file type ({suffix})"))
                continue
            if key in seen_files:
                continue  # the same file reached twice (hard link or symlink)
            seen_files.add(key)
            found.append(Candidate(path, False, st.st_size, nofollow=not is_link, stat=st))
        stack.extend(reversed(subdirs))


def read_bounded(
    path: str, limit: int = MAX_BYTES, check_head=None, stat_out: list | None = None, nofollow: bool = False
) -> bytes:
    """Read a regular file without ever blocking on a FIFO or device.

    ``check_head(first_chunk)`` may raise to stop early (e.g. a sparse or
    binary file is not read to its end).  ``stat_out``, if given, receives the
    ``fstat`` of the open file.  Raises OSError or ValueError.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if nofollow:
        # A file found as a regular file may have been swapped for a symlink
        # (to outside the opened root) since it was listed.
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if nofollow and e.errno == errno.ELOOP:
            raise ValueError("replaced by a symlink while being read") from None
        raise
    try:
        st = os.fstat(fd)
        if stat_out is not None:
            stat_out.append(st)  # what was actually read: the key for caches
        kind = _kind(st.st_mode)
        if kind or stat.S_ISDIR(st.st_mode):
            raise ValueError(f"not a regular file ({kind or 'directory'})")
        if st.st_size > limit:
            raise ValueError(f"too large ({st.st_size // (1024 * 1024)} MB; the limit is {limit // (1024 * 1024)} MB)")
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(1 << 20, remaining))
            if not chunk:
                break
            if not chunks and check_head is not None:
                check_head(chunk)
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise ValueError("grew too large while being read")
        return data
    finally:
        os.close(fd)


def reason_for(err: OSError) -> str:
    return _reason(err)
