"""A persistent cache of parsed documents, so reopening a corpus is instant.

One file per opened corpus (its roots and encoding override) in the user
cache directory.  Entries are keyed by path, size, mtime and inode: only
changed, new or removed files are read and parsed again.

Entries are keyed by size, mtime, ctime and inode, and the whole cache by the
parser's and the format extractors' versions, so a changed rule re-parses
everything once.  Only skips that depend on the content are cached (binary,
empty, encrypted...), never a passing failure such as "permission denied".

The format cannot execute code on load: a fixed magic and version, a JSON
header, then one binary blob (the texts as UTF-8 and the paragraphs as
little-endian 64-bit integers).  Anything unexpected (truncation, another
version, a bad offset) makes the whole cache invalid: it is ignored and
rebuilt, with a notice; it never raises into the caller.

The file is mapped, not read: a document's text is decoded from it when
first used (reopening 100 MB decoded 33 M characters nobody had asked for
yet, 0.5 s, and held them).  The header's CRC covers everything but the
texts; each text has its own CRC, checked when it is decoded.  A text that
fails its check is read again from its file (and the cache is dropped, to
be written anew).  Files are read
and written through ``tui.persist`` (no symlinks or FIFOs, atomic
replacement), so two instances on one corpus never see a half-written cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui import persist
from tui.corpus.kinds import versions as formats_versions
from tui.corpus.model import Document, Paragraph, Section
from tui.corpus.rules import PARSER_VERSION, RULES

# The search layer imports these from here; they live in tui.persist.
from tui.persist import STALE_TMP_SECONDS, Unusable, private_cache_dir, read_bytes, touch, write_atomic  # noqa: F401

MAGIC = b"YUELANC\x01"
VERSION = 3  # 2: sections in the blob, header in raw UTF-8, CRC-32; 3: per-text CRCs, texts decoded lazily
_HEAD = struct.Struct("<8sIQI")  # magic, version, header length, CRC-32 of all that follows
KINDS = ("body", "heading", "title", "boilerplate")  # a paragraph kind's code is its index
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
_RULE_CODE = {r: i for i, r in enumerate(RULES)}


class CacheError(ValueError):
    pass


def cache_dir() -> str | None:
    """The private document cache directory, or None when there is none
    (see private_cache_dir; disabled with YUELAN_NO_CACHE=1)."""
    if os.environ.get("YUELAN_NO_CACHE"):
        return None
    return private_cache_dir("corpus")


def cache_path(roots: list[str], encoding: str | None) -> str | None:
    base = cache_dir()
    if base is None:
        return None
    key = json.dumps([sorted(os.path.abspath(r) for r in roots), encoding or ""], ensure_ascii=True)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return os.path.join(base, f"{digest}.ylc")


@dataclass(frozen=True)
class FileKey:
    """What says a file is unchanged since it was cached: size, times and inode."""

    size: int
    mtime_ns: int
    ino: int
    ctime_ns: int = 0  # changes with chmod/chown and with any rewrite

    @classmethod
    def of(cls, st: os.stat_result) -> FileKey:
        return cls(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


class Rows(Sequence):
    """A flat integer array read as rows of WIDTH integers, each made into an
    object (``_row``) only when it is accessed."""

    __slots__ = ()
    WIDTH = 1

    def __len__(self) -> int:
        return len(self._data) // self.WIDTH

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._row(i)


class _Paragraphs(Rows):
    """Paragraphs backed by a flat integer array, made into objects on access
    (reopening 100 MB would otherwise build hundreds of thousands of them)."""

    __slots__ = ("_data",)
    WIDTH = 4

    def __init__(self, data: array):
        self._data = data

    def _row(self, i: int) -> Paragraph:
        s, e, k, sec = self._data[4 * i : 4 * i + 4]
        return Paragraph(s, e, KINDS[k], None if sec < 0 else sec)

    def __iter__(self):
        d = self._data
        for j in range(0, len(d), 4):
            sec = d[j + 3]
            yield Paragraph(d[j], d[j + 1], KINDS[d[j + 2]], None if sec < 0 else sec)


class _Sections(Rows):
    """Sections backed by a flat integer array (level, start, end,
    heading_end, title offset, title length, rule code) and their titles as
    UTF-8, made into objects on access."""

    __slots__ = ("_cache", "_data", "_titles")
    WIDTH = 7

    def __init__(self, data: array, titles: bytes):
        self._data = data
        self._titles = titles
        self._cache: dict[int, Section] = {}

    def _row(self, i: int) -> Section:
        sec = self._cache.get(i)
        if sec is None:
            level, s, e, h, to, tl, rule = self._data[7 * i : 7 * i + 7]
            title = self._titles[to : to + tl].decode("utf-8", "surrogatepass")
            sec = self._cache[i] = Section(title, level, s, e, h, RULES[rule] if 0 <= rule < len(RULES) else "")
        return sec

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other):
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))


def compact_rows(doc: Document) -> tuple[_Paragraphs, _Sections]:
    """The document's paragraphs and sections as flat integer arrays (what
    the cache keeps, and what a parsing worker sends back)."""
    if isinstance(doc.paragraphs, _Paragraphs):
        paras = doc.paragraphs
    else:
        data = array("q")
        for para in doc.paragraphs:
            data.extend((para.start, para.end, KIND_CODE.get(para.kind, 0), -1 if para.section is None else para.section))
        paras = _Paragraphs(data)
    if isinstance(doc.sections, _Sections):
        return paras, doc.sections
    secs = array("q")
    tparts: list[bytes] = []
    toff = 0
    for sec in doc.sections:
        t = sec.title.encode("utf-8", "surrogatepass")
        secs.extend((sec.level, sec.start, sec.end, sec.heading_end, toff, len(t), _RULE_CODE.get(sec.rule, -1)))
        tparts.append(t)
        toff += len(t)
    return paras, _Sections(secs, b"".join(tparts))


@dataclass
class Entry:
    """One file in the document cache: its key and the document, or why it was skipped."""

    key: FileKey
    document: Document | None = None
    skipped: str | None = None  # the reason, for a file that was not a document


def load(path: str, reread: Callable[[str, str], str] | None = None) -> dict[str, Entry]:
    """path -> Entry.  Raises CacheError for anything but a valid cache.
    ``reread(path, id)``: the text of a file parsed afresh, for a text found
    damaged when it is decoded (``tui.corpus`` passes its parser)."""
    try:
        data = persist.map_bytes(path)
    except Unusable as e:
        raise CacheError(str(e)) from None
    except OSError as e:
        raise CacheError(e.strerror or str(e)) from None
    if len(data) < _HEAD.size:
        raise CacheError("truncated")
    magic, version, hlen, crc = _HEAD.unpack_from(data)
    if magic != MAGIC:
        raise CacheError("not a yuelan cache")
    if version != VERSION:
        raise CacheError(f"version {version}, expected {VERSION}")
    start = _HEAD.size
    if start + hlen > len(data):
        raise CacheError("truncated header")
    whole = memoryview(data)
    try:
        header = json.loads(str(whole[start : start + hlen], "utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise CacheError(f"bad header: {e}") from None
    blob = whole[start + hlen :]
    try:
        entries, structure = _entries(header, blob, path, reread)
    except CacheError:
        raise
    except Exception as e:  # noqa: BLE001 - any malformed content means: rebuild
        raise CacheError(f"bad entry: {type(e).__name__}") from None
    # The header and every document's structure are exactly what save()
    # wrote (one C-level pass over them); the texts are checked one by one
    # as they are decoded.
    c = zlib.crc32(whole[start : start + hlen])
    for a, b in structure:
        c = zlib.crc32(blob[a:b], c)
    if c != crc:
        raise CacheError("checksum mismatch")
    return entries


class _CachedDocument(Document):
    """A document from the cache: its text is decoded from the mapped cache
    file when first used."""

    def __init__(self, *args, source: tuple, chars: int, **kwargs) -> None:
        self._source = source  # (blob, offset, length, CRC-32, cache path, reread)
        self._chars = chars
        super().__init__(*args, **kwargs)

    @property
    def text(self) -> str:
        t = self.__dict__["_text"]
        if t is None:
            t = self.__dict__["_text"] = self._decode()
        return t

    @text.setter
    def text(self, value) -> None:
        self.__dict__["_text"] = value

    @property
    def chars(self) -> int:
        t = self.__dict__["_text"]
        return self._chars if t is None else len(t)

    def raw_text(self) -> bytes:
        """The text as UTF-8, as the cache holds it (for writing it again)."""
        blob, off, length, crc, _, _ = self._source
        raw = bytes(blob[off : off + length])
        return raw if zlib.crc32(raw) == crc else self.text.encode("utf-8", "surrogatepass")

    def _decode(self) -> str:
        blob, off, length, crc, cache, reread = self._source
        raw = blob[off : off + length]
        if zlib.crc32(raw) == crc:
            try:
                text = str(raw, "utf-8", "surrogatepass")
            except UnicodeDecodeError:
                text = None
            if text is not None and len(text) == self._chars:
                return text
        # The cache file was damaged after it was written: read the file
        # itself, and drop the cache so that the next open writes it anew.
        self._digest = None
        try:
            os.unlink(cache)
        except OSError:
            pass
        # The file parsed afresh, or (when it no longer has the length the
        # cached structure needs) replacement characters standing in.
        try:
            text = reread(self.path, self.id) if reread is not None else None
        except Exception:  # noqa: BLE001 - a damaged cache must not crash a reader
            text = None
        return text if text is not None and len(text) == self._chars else "\ufffd" * self._chars


def _ints(blob: memoryview, off: int, count: int, width: int) -> array:
    n = len(blob)
    if not (0 <= off <= off + 8 * width * count <= n):
        raise CacheError("offset out of range")
    a = array("q")
    a.frombytes(blob[off : off + 8 * width * count])
    if sys.byteorder != "little":
        a.byteswap()
    return a


def _entries(header: dict, blob: memoryview, cache: str, reread) -> tuple[dict[str, Entry], list[tuple[int, int]]]:
    """The entries, and the blob ranges the header's CRC covers."""
    if not isinstance(header, dict) or header.get("version") != VERSION:
        raise CacheError("bad header")
    if header.get("parser") != PARSER_VERSION or header.get("formats") != formats_versions():
        raise CacheError("made by another version of the document parser")
    out: dict[str, Entry] = {}
    structure: list[tuple[int, int]] = []
    n = len(blob)
    for d in header["docs"]:
        key = FileKey(int(d["size"]), int(d["mtime_ns"]), int(d["ino"]), int(d["ctime_ns"]))
        if "skipped" in d:
            out[d["path"]] = Entry(key, skipped=str(d["skipped"]))
            continue
        t_off, t_len = d["text"]
        if not (0 <= t_off <= t_off + t_len <= n):
            raise CacheError("offset out of range")
        length = int(d["chars"])
        if not 0 <= length <= t_len:
            raise CacheError("text length")
        paras = _ints(blob, *d["paras"], 4)
        secs = _ints(blob, *d["secs"], _Sections.WIDTH)
        ti_off, ti_len = d["titles"]
        if not (0 <= ti_off <= ti_off + ti_len <= n):
            raise CacheError("offset out of range")
        titles = bytes(blob[ti_off : ti_off + ti_len])
        p_off = d["paras"][0]
        if not (t_off + t_len == p_off and ti_off + ti_len >= p_off):
            raise CacheError("layout")
        structure.append((p_off, ti_off + ti_len))
        # Beyond these O(1) checks the checksum vouches for the structure.
        if len(paras) and (len(paras) % 4 or paras[-3] > length):
            raise CacheError("paragraph out of range")
        if len(secs) % _Sections.WIDTH:
            raise CacheError("section out of range")
        doc = _CachedDocument(
            id=str(d["id"]),
            path=d["path"],
            title=str(d["title"]),
            encoding=str(d["encoding"]),
            text=None,
            metadata={str(k): str(v) for k, v in d["metadata"].items()},
            sections=_Sections(secs, titles),
            paragraphs=_Paragraphs(paras),
            warnings=[str(w) for w in d["warnings"]],
            source=(blob, t_off, t_len, int(d["crc"]), cache, reread),
            chars=length,
            _digest=int(d["crc"]),
        )
        out[d["path"]] = Entry(key, document=doc)
    return out, structure


def _text_bytes(doc: Document) -> bytes:
    if isinstance(doc, _CachedDocument) and doc.__dict__["_text"] is None:
        return doc.raw_text()  # not decoded yet: copied as it is
    return doc.text.encode("utf-8", "surrogatepass")


def save(path: str, entries: dict[str, Entry]) -> None:
    """Write atomically; errors are raised as OSError for the caller to report.

    The texts are encoded twice, once for their lengths and CRCs (the header
    comes first) and once as they are written, rather than all held at once
    (100 MB of UTF-8 beside the parsed corpus, at its peak)."""
    docs = []
    chunks: list = []  # bytes, or a document whose text goes there
    offset = 0
    for p, entry in entries.items():
        base = {
            "path": p,
            "size": entry.key.size,
            "mtime_ns": entry.key.mtime_ns,
            "ino": entry.key.ino,
            "ctime_ns": entry.key.ctime_ns,
        }
        if entry.document is None:
            docs.append({**base, "skipped": entry.skipped or ""})
            continue
        doc = entry.document
        text = _text_bytes(doc)
        text_len, text_crc = len(text), zlib.crc32(text)
        del text
        cp, cs = compact_rows(doc)
        paras, secs, titles = cp._data, cs._data, cs._titles
        if sys.byteorder != "little":
            paras = array("q", paras)
            paras.byteswap()
            secs = array("q", secs)
            secs.byteswap()
        praw = paras.tobytes()
        sraw = secs.tobytes()
        p_off = offset + text_len
        s_off = p_off + len(praw)
        t_off = s_off + len(sraw)
        docs.append(
            {
                **base,
                "id": doc.id,
                "title": doc.title,
                "encoding": doc.encoding,
                "metadata": doc.metadata,
                "warnings": doc.warnings,
                "chars": doc.chars,
                "crc": text_crc,
                "text": [offset, text_len],
                "paras": [p_off, len(praw) // 32],
                "secs": [s_off, len(sraw) // (8 * _Sections.WIDTH)],
                "titles": [t_off, len(titles)],
            }
        )
        chunks.extend(((doc, text_len), praw, sraw, titles))
        offset = t_off + len(titles)
    # Not ensure_ascii: raw UTF-8 parses faster than \\u escapes; lone
    # surrogates (undecodable file names) pass through as surrogatepass
    # bytes and come back the same way in load().
    header = json.dumps(
        {"version": VERSION, "parser": PARSER_VERSION, "formats": formats_versions(), "docs": docs}, ensure_ascii=False
    ).encode("utf-8", "surrogatepass")
    directory = os.path.dirname(path)
    crc = zlib.crc32(header)
    for i, c in enumerate(chunks):
        if i % 4:  # every chunk but the texts (each has its own CRC)
            crc = zlib.crc32(c, crc)

    def stream():
        yield _HEAD.pack(MAGIC, VERSION, len(header), crc)
        yield header
        for i, c in enumerate(chunks):
            if i % 4:
                yield c
                continue
            doc, length = c
            text = _text_bytes(doc)
            if len(text) != length:
                raise OSError(f"{doc.path} changed while the cache was written")
            yield text

    # Not durable: a cache lost in a crash is rebuilt (the CRC tells), and
    # fsyncing hundreds of MB would hold up the first open.
    write_atomic(path, stream(), durable=False)
    prune(directory, ".ylc", keep=path)


MAX_AGE_DAYS = 60  # a corpus not opened for this long loses its cache files
MAX_DIR_BYTES = 4 << 30  # beyond this, the least recently used cache files go


def prune(directory: str, suffix: str, keep: str | None = None, now: float | None = None) -> list[str]:
    """The cache's pruning policy (see ``tui.persist.prune``): files unused
    for MAX_AGE_DAYS, then the least recently used beyond MAX_DIR_BYTES.
    One cache file per corpus opened would otherwise pile up forever
    (``yuelan show FILE`` makes one per file)."""
    return persist.prune(directory, suffix, max_age_days=MAX_AGE_DAYS, max_bytes=MAX_DIR_BYTES, keep=keep, now=now)
