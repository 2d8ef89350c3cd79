"""The persistent search index: per-document pieces in the user cache.

One file per corpus (keyed by the documents' common directory) under
``<user cache dir>/yuelan/search`` (mode 0700), next to the document cache.
Each document's *piece* is what building the index makes of it: its passages
folded and normalised and joined by ``\\n``, and per passage its length,
original span, section and kind (with a flag saying whether the passage
needs an offset map; maps are made again from the document when a hit needs
one, never stored).  A piece is reused when its document's file key (size,
mtime, inode, ctime), a fingerprint of the parsed text (length, encoding and
a sample of characters) and the versions of the parser, the fold and this
format all match; anything else is built again.  Building the index from
pieces is concatenation.

The format cannot execute code on load: a fixed magic and version, a JSON
header (versions, per document its path, file key, fingerprint and passage
range), then one binary blob laid out as the index is searched: the whole
index text as UTF-16-LE, then its per-passage columns as little-endian
integers, with CRC-32s of the header and the blob.  A file that is not a regular file owned
by this user, truncated, of another version or damaged is ignored and
rebuilt; the caller gets a notice (a string), never an exception.  Writes go
to a temporary file in the same directory, moved into place atomically, so
two processes on one corpus only ever see complete files (the last writer
wins).  Reopening an unchanged corpus takes the columns as they are; after
changes, the unchanged documents' pieces are sliced out of them.

``YUELAN_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat as _stat
import struct
import sys
import tempfile
import zlib
from array import array
from dataclasses import dataclass

MAGIC = b"YUELANS\x01"
INDEX_VERSION = 3
_HEAD = struct.Struct("<8sIQI")  # magic, version, header length, CRC-32 of the header
TEXT_CODEC = "utf-16-le"
MAX_KIND = 16  # kind codes are below this (see index._KIND_CODE and the map flags)


class StoreError(ValueError):
    """The store file is unusable (the message says why)."""


def store_dir() -> str | None:
    """The private directory (mode 0700), or None when there is none (no
    home, read-only file system, owned by someone else, YUELAN_NO_CACHE=1)."""
    if os.environ.get("YUELAN_NO_CACHE"):
        return None
    from tui.corpus.cache import private_cache_dir

    return private_cache_dir("search")


def corpus_key(paths: list[str]) -> str:
    """The directory that names a corpus: the common directory of its files."""
    dirs = sorted({os.path.dirname(os.path.abspath(p)) for p in paths})
    if not dirs:
        return ""
    try:
        return os.path.commonpath(dirs)
    except ValueError:  # different drives
        return json.dumps(dirs)


def store_path(paths: list[str]) -> str | None:
    base = store_dir()
    if base is None:
        return None
    key = corpus_key(paths)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return os.path.join(base, f"{digest}.yls")


def versions() -> dict:
    """Everything besides a document that decides its piece."""
    from tui.corpus.structure import PARSER_VERSION

    return {"index": INDEX_VERSION, "parser": PARSER_VERSION, "fold": _fold_signature()}


_FOLD_PROBE = "ＡＢＣａｂｃ１２３ 工會改革 後臺 裏面 發展　 «…» ﹏ ①② Ⅷ ß İ ǅ ﬁ ㈱ 丶 \u200b"
_fold_sig: str | None = None


def _fold_signature() -> str:
    """A short hash of the text layer's fold and this layer's normalisation of
    a probe string: a changed fold table makes every stored piece stale."""
    global _fold_sig
    if _fold_sig is None:
        from tui.search.normalize import normalize

        text, _ = normalize(_FOLD_PROBE)
        _fold_sig = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return _fold_sig


def file_key(path: str) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


@dataclass
class Piece:
    """One document's part of the index (see the module docstring)."""

    text: str  # passages joined by "\n"
    lens: array  # "i": passage lengths in ``text``
    porig: array  # "q": passage start in the document
    porig_end: array  # "q"
    section: array  # "i": section index or -1
    kind: array  # "b": kind code | map flags
    sig: array  # "Q": SIG_WORDS words per passage: its characters' signature bits

    def __len__(self) -> int:
        return len(self.lens)


@dataclass
class Columns:
    """The whole index as stored: every piece concatenated in document order
    (what ``SearchIndex`` searches), and where each document's piece is."""

    text: str  # all passages joined by "\n"
    lens: array  # "i"
    porig: array  # "q"
    porig_end: array  # "q"
    section: array  # "i"
    kind: array  # "b"
    sig: array  # "Q": SIG_WORDS per passage
    pstart: array  # "q": passage start in ``text``
    pend: array  # "q": passage end in ``text``
    pdoc: array  # "i": document index (in the stored order)
    ndocs: int = 0  # documents when written (some may have no entry: no file key)


@dataclass
class Stored:
    key: tuple  # file key (size, mtime_ns, ino, ctime_ns)
    fp: str  # fingerprint of the parsed document
    first: int  # first passage
    count: int  # passages

    def piece(self, cols: Columns) -> Piece:
        a, b = self.first, self.first + self.count
        text = cols.text[cols.pstart[a] : cols.pend[b - 1]] if b > a else ""
        w = SIG_WORDS
        return Piece(
            text, cols.lens[a:b], cols.porig[a:b], cols.porig_end[a:b], cols.section[a:b], cols.kind[a:b], cols.sig[w * a : w * b]
        )


def _open_regular(path: str):
    """A read-only view of the file's bytes (memory-mapped; the caller
    closes it); never follows a symlink nor opens a FIFO or device planted
    where the store should be, nor reads another user's file.

    The map is held only while loading (everything is copied out of it), and
    the store is only ever replaced, never rewritten in place."""
    import mmap

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not _stat.S_ISREG(st.st_mode):
            raise StoreError("not a regular file")
        if st.st_uid != os.getuid():
            raise StoreError("owned by another user")
        if st.st_size < _HEAD.size:
            raise StoreError("truncated")
        try:
            return mmap.mmap(fd, st.st_size, prot=mmap.PROT_READ, flags=mmap.MAP_SHARED)
        except (OSError, ValueError, AttributeError):
            return os.read(fd, st.st_size)
    finally:
        os.close(fd)


SIG_WORDS = 8  # 512 signature bits per passage (see index.char_bit)
_COLUMNS = (
    ("sig", "Q"),
    ("pstart", "q"),
    ("pend", "q"),
    ("porig", "q"),
    ("porig_end", "q"),
    ("lens", "i"),
    ("section", "i"),
    ("pdoc", "i"),
    ("kind", "b"),
)


def _per(name: str) -> int:
    """Items per passage in a column."""
    return SIG_WORDS if name == "sig" else 1


def fingerprint(doc) -> str:
    """A cheap digest of a parsed document: its length, encoding, numbers of
    paragraphs and sections and a sample of its characters.  Together with
    the file key it tells whether a stored piece is this document's."""
    t = doc.text
    n = len(t)
    sample = t[:48] + t[:: max(1, n // 31)] + t[-48:] + (doc.title or "")
    crc = zlib.crc32(sample.encode("utf-8", "surrogatepass"))
    return f"{n}:{len(doc.paragraphs)}:{len(doc.sections)}:{crc:08x}:{doc.encoding}"


def load(path: str) -> tuple[dict[str, Stored], Columns]:
    """path -> Stored, and the stored columns.  Raises StoreError for
    anything but a complete, undamaged file of this version."""
    try:
        data = _open_regular(path)
    except OSError as e:
        raise StoreError(e.strerror or str(e)) from None
    view = memoryview(data)
    try:
        return _load(view)
    finally:
        view.release()
        close = getattr(data, "close", None)
        if close is not None:
            try:
                close()
            except BufferError:  # a view still held by an exception being raised
                pass


def _load(data: memoryview) -> tuple[dict[str, Stored], Columns]:
    if len(data) < _HEAD.size:
        raise StoreError("truncated")
    magic, version, hlen, hcrc = _HEAD.unpack_from(data)
    if magic != MAGIC:
        raise StoreError("not a yuelan search index")
    if version != INDEX_VERSION:
        raise StoreError(f"version {version}, expected {INDEX_VERSION}")
    start = _HEAD.size
    if start + hlen > len(data):
        raise StoreError("truncated header")
    head = data[start : start + hlen]
    if zlib.crc32(head) != hcrc:
        raise StoreError("header checksum mismatch")
    try:
        header = json.loads(str(head, "utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise StoreError(f"bad header: {type(e).__name__}") from None
    finally:
        head.release()
    if not isinstance(header, dict) or header.get("versions") != versions():
        raise StoreError("made by another version of yuelan")
    blob = data[start + hlen :]
    try:
        return _decode(header, blob)
    except StoreError:
        raise
    except Exception as e:  # noqa: BLE001 - anything malformed means: rebuild
        raise StoreError(f"bad content ({type(e).__name__})") from None
    finally:
        blob.release()


def _decode(header: dict, blob: memoryview) -> tuple[dict[str, Stored], Columns]:
    n, chars, tbytes, crc = (int(header[k]) for k in ("passages", "chars", "text_bytes", "crc"))
    size = tbytes + n * sum(array(c).itemsize * _per(name) for name, c in _COLUMNS)
    if n < 0 or chars < 0 or tbytes < 0 or size != len(blob):
        raise StoreError("truncated" if size > len(blob) else "wrong length")
    if zlib.crc32(blob) != crc:
        raise StoreError("checksum mismatch")
    text = str(blob[:tbytes], TEXT_CODEC, "surrogatepass")
    if len(text) != chars:
        raise StoreError("bad text")
    pos = tbytes
    cols = {}
    for name, code in _COLUMNS:
        a = array(code)
        k = n * _per(name) * a.itemsize
        a.frombytes(blob[pos : pos + k])
        pos += k
        if sys.byteorder != "little":
            a.byteswap()
        cols[name] = a
    # The checksums say the file is as written; these cheap checks keep a
    # file written by a faulty build from sending offsets out of range.
    if n:
        ps, pe = cols["pstart"], cols["pend"]
        if ps[0] != 0 or pe[n - 1] != chars or sum(cols["lens"]) + n - 1 != chars or max(cols["kind"]) >= MAX_KIND:
            raise StoreError("bad passages")
    elif chars:
        raise StoreError("bad text")
    columns = Columns(text=text, ndocs=int(header["ndocs"]), **cols)
    out: dict[str, Stored] = {}
    for d in header["docs"]:
        path_, size_, mtime, ino, ctime, fp, first, count = d
        first, count = int(first), int(count)
        if not (isinstance(path_, str) and isinstance(fp, str) and 0 <= first and count >= 0 and first + count <= n):
            raise StoreError("bad entry")
        out[path_] = Stored((int(size_), int(mtime), int(ino), int(ctime)), fp, first, count)
    return out, columns


def save(path: str, entries: list[tuple[str, tuple, str, int, int]], cols: Columns) -> None:
    """Write atomically: ``entries`` are (path, file key, fingerprint, first
    passage, passage count) into ``cols``.  Errors are raised as OSError."""
    raw = [cols.text.encode(TEXT_CODEC, "surrogatepass")]
    tbytes = len(raw[0])
    for name, code in _COLUMNS:
        a = getattr(cols, name)
        if a.typecode != code:
            a = array(code, a)
        if sys.byteorder != "little":
            a = array(code, a)
            a.byteswap()
        raw.append(a.tobytes())
    crc = 0
    for r in raw:
        crc = zlib.crc32(r, crc)
    docs = [[p, *key, fp, first, count] for p, key, fp, first, count in entries]
    header = {
        "versions": versions(),
        "passages": len(cols.lens),
        "ndocs": cols.ndocs,
        "chars": len(cols.text),
        "text_bytes": tbytes,
        "crc": crc,
        "docs": docs,
    }
    head = json.dumps(header, ensure_ascii=True).encode("ascii")
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".yls", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_HEAD.pack(MAGIC, INDEX_VERSION, len(head), zlib.crc32(head)))
            f.write(head)
            for r in raw:
                f.write(r)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    from tui.corpus.cache import prune

    # Old stores of corpora not opened for long, and temporary files of
    # writers killed mid-write.
    prune(directory, ".yls", keep=path)

