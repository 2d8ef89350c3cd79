"""The one place yuelan keeps files: private directories, safe reads, atomic
writes, pruning.  Used by the document cache, the search index, the state
files (settings, places, bookmarks, history) and exports.

There used to be three helpers with different checks (only one fsynced; the
export directory was checked by none).  The rules, once:

* a directory we keep files in is ours: created 0700, a real directory (not a
  symlink, not a file), owned by this user, group/other bits removed,
  writable; otherwise it is refused (``Unusable``) and the caller says so;
* reading never follows a symlink, never opens a FIFO or device planted where
  a file should be (it would hang), refuses a file owned by someone else and
  one bigger than the caller's cap;
* writing goes to a temporary file (``.tmp-*``, mode 0600) in the same
  directory, is fsynced, then moved into place with ``os.replace`` and the
  directory fsynced: a reader sees the old file or the new one, never half,
  also after a crash.  ``durable=False`` skips the fsyncs for a cache that
  can be rebuilt (fsyncing hundreds of MB would delay the app's start);
* a new file (an export) is created exclusively (``O_EXCL``), never over
  another;
* pruning removes this user's files of one kind unused for too long, then
  the least recently used beyond a size budget, and temporary files of
  writers killed mid-write.

Pure Python, no Textual; imports only the standard library (and platformdirs
on first use).
"""

from __future__ import annotations

# mmap at the top, not in map_bytes: the first save maps the cache it wrote,
# and a process that has since lost access to its interpreter (tests drop to
# nobody) could no longer import it.
import mmap
import os
import stat
import tempfile
import time
from collections.abc import Iterable

TMP_PREFIX = ".tmp-"
STALE_TMP_SECONDS = 3600  # temporary files of writers killed mid-write


class Unusable(ValueError):
    """A directory or file that must not be used; the message says why."""


# ------------------------------------------------------------- directories


def private_dir(path: str) -> str:
    """``path`` made (if needed) and checked as a private directory of ours.

    Raises ``Unusable`` (a symlink, not a directory, somebody else's, not
    writable) or ``OSError`` (cannot be created)."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise Unusable("a symbolic link")
    if not stat.S_ISDIR(st.st_mode):
        raise Unusable("not a directory")
    if st.st_uid != os.geteuid():
        raise Unusable("owned by another user")
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)  # made by something else, or under a lax umask
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise Unusable("not writable")
    return path


def private_cache_dir(name: str) -> str | None:
    """``<user cache dir>/yuelan/<name>``, private, or None when it cannot be
    used (no home, a read-only file system, a planted symlink...).  Shared by
    the document cache, the search index and jieba's cache."""
    try:
        import platformdirs

        return private_dir(os.path.join(platformdirs.user_cache_dir("yuelan", appauthor=False), name))
    except (OSError, ImportError, RuntimeError, ValueError):
        return None


def user_data_dir() -> str | None:
    """The user data directory's path (not created), or None without a home."""
    try:
        import platformdirs

        path = platformdirs.user_data_dir("yuelan", appauthor=False)
    except Exception:  # noqa: BLE001 - no home directory at all
        return None
    return path if path and os.path.isabs(path) else None


# ----------------------------------------------------------------- reading


def _open_own(path: str, cap: int | None) -> tuple[int, os.stat_result]:
    """An fd on the regular file ``path``, which is this user's (see
    ``read_bytes``); the caller closes it."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if os.path.islink(path):
            raise Unusable("not a regular file (a symbolic link)") from None
        raise e
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unusable("not a regular file")
        if st.st_uid != os.geteuid():
            raise Unusable("owned by another user")
        if cap is not None and st.st_size > cap:
            raise Unusable(f"too big ({st.st_size} bytes, at most {cap})")
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def map_bytes(path: str) -> bytes:
    """The regular file ``path`` (this user's, as ``read_bytes`` checks),
    mapped read-only: pages are read when touched.  Only for files written
    by ``write_atomic`` (replaced whole, never truncated in place, so the
    mapping stays valid).  An empty file gives ``b""``."""
    fd, st = _open_own(path, None)
    try:
        if st.st_size == 0:
            return b""
        return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)


def read_bytes(path: str, cap: int | None = None) -> bytearray:
    """The bytes of the regular file ``path``, which is this user's.

    Never follows a symlink nor blocks on a FIFO.  Raises
    ``FileNotFoundError`` when it is missing, ``Unusable`` when it is not a
    regular file, not ours or over ``cap`` bytes, ``OSError`` otherwise."""
    fd, st = _open_own(path, cap)
    try:
        # One buffer of the stated size, filled in place (no join copy); a
        # file that grows meanwhile is read to its end all the same.
        buf = bytearray(st.st_size)
        view = memoryview(buf)
        got = 0
        while got < len(buf):
            n = os.readv(fd, [view[got:]])
            if n == 0:
                break
            got += n
        view.release()
        del buf[got:]
        while True:
            more = os.read(fd, 1 << 20)
            if not more:
                break
            buf += more
            if cap is not None and len(buf) > cap:
                raise Unusable(f"too big (more than {cap} bytes)")
        return buf
    finally:
        os.close(fd)


# ----------------------------------------------------------------- writing


def _fsync_dir(directory: str) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass  # some file systems cannot fsync a directory
    finally:
        os.close(dfd)


def write_atomic(path: str, data: bytes | Iterable[bytes], *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` (bytes, or chunks of them) atomically,
    mode 0600.  Raises ``OSError``; leaves no temporary file behind."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            for chunk in (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data:
                f.write(chunk)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        _fsync_dir(directory)


def write_new(directory: str, names: Iterable[str], data: bytes) -> str:
    """Write ``data`` to the first of ``names`` that does not exist yet in
    ``directory`` (created exclusively, mode 0600, fsynced); return its
    absolute path.  Raises ``OSError``, ``FileExistsError`` when all exist."""
    for name in names:
        path = os.path.join(directory, name)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            try:
                os.unlink(path)
            except OSError:
                pass
            raise
        _fsync_dir(directory)
        return os.path.abspath(path)
    raise FileExistsError(f"too many files of the same name in {directory}")


# ----------------------------------------------------------------- pruning


def touch(path: str) -> None:
    """Mark a kept file as used (its mtime), so pruning keeps it."""
    try:
        os.utime(path)
    except OSError:
        pass


def prune(
    directory: str,
    suffix: str,
    *,
    max_age_days: float,
    max_bytes: int,
    keep: str | None = None,
    now: float | None = None,
) -> list[str]:
    """Remove this user's files ``*suffix`` in ``directory`` unused for
    ``max_age_days``, then the least recently used beyond ``max_bytes`` in
    all, and temporary files older than an hour; never ``keep``.  Returns
    the paths removed; errors are ignored (pruning is housekeeping)."""
    now = time.time() if now is None else now
    files: list[tuple[float, int, str]] = []
    removed: list[str] = []
    try:
        with os.scandir(directory) as it:
            entries = list(it)
    except OSError:
        return removed
    for e in entries:
        is_tmp = e.name.startswith(TMP_PREFIX)
        if not is_tmp and not e.name.endswith(suffix):
            continue
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            continue
        age = now - st.st_mtime
        if is_tmp:
            if age > STALE_TMP_SECONDS:
                removed.append(e.path)
            continue
        if keep is not None and os.path.abspath(e.path) == os.path.abspath(keep):
            continue
        if age > max_age_days * 86400:
            removed.append(e.path)
        else:
            files.append((st.st_mtime, st.st_size, e.path))
    total = sum(size for _, size, _ in files)
    if keep is not None:
        try:
            total += os.stat(keep).st_size
        except OSError:
            pass
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        removed.append(path)
        total -= size
    gone = []
    for path in removed:
        try:
            os.unlink(path)
            gone.append(path)
        except OSError:
            pass
    return gone
