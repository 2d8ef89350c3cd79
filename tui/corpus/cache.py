"""A persistent cache of parsed documents, so reopening a corpus is instant.

One file per opened corpus (its roots and encoding override) in the user
cache directory.  Entries are keyed by path, size, mtime and inode: only
changed, new or removed files are read and parsed again.

Entries are keyed by size, mtime, ctime and inode, and the whole cache by the
parser's and the format extractors' versions, so a changed rule re-parses
everything once.  Only skips that depend on the content are cached (binary,
empty, encrypted...), never a passing failure such as "permission denied".

The format cannot execute code on load: a fixed magic and version, a JSON
header of columns (paths, ids, titles...), then one binary blob: each
entry's numbers (file key, lengths, offsets) as little-endian 64-bit
integers, every document's structure (paragraphs, sections, section
titles) in one region, then the texts as UTF-8.  Anything unexpected
(truncation, another version, a bad offset) makes the whole cache invalid:
it is ignored and rebuilt, with a notice; it never raises into the caller.

The file is mapped, not read: a document's text is decoded from it when
first used (reopening 100 MB decoded 33 M characters nobody had asked for
yet, 0.5 s, and held them), and its paragraphs and sections are read in
place.  The structure is one region ahead of the texts so that a reopen
reads it in one sweep: interleaved with the texts (version 3), checking it
touched 7 900 places of a 125 MB file at 100 MB, and the kernel's
read-ahead brought in most of the texts with them.  The header's CRC covers
the header and that region; each text has its own CRC, checked when it is
decoded.  A text that fails its check is read again from its file (and the
cache is dropped, to be written anew).  Files are read
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
from typing import NamedTuple

from tui import persist
from tui.corpus.kinds import versions as formats_versions
from tui.corpus.model import Document, Paragraph, Section
from tui.corpus.rules import PARSER_VERSION, RULES

# The search layer imports these from here; they live in tui.persist.
from tui.persist import STALE_TMP_SECONDS, Unusable, private_cache_dir, read_bytes, touch, write_atomic  # noqa: F401

MAGIC = b"YUELANC\x01"
# 2: sections in the blob, header in raw UTF-8, CRC-32; 3: per-text CRCs,
# texts decoded lazily; 4: a columnar header, the numbers and the structure
# in one region ahead of the texts, read in place.
VERSION = 4
_HEAD = struct.Struct("<8sIQI")  # magic, version, header length, CRC-32 of the header and the structure region
# Per entry, in the blob's first part: the file key (size, mtime, inode,
# ctime), the text's characters and CRC, then offset and length (or count)
# of the text, the paragraphs, the sections and the section titles.
_NUMS = 14
# The header's columns, one item per entry; a skipped file has its reason
# in "skipped" and None in the document's columns.
_COLUMNS = ("paths", "skipped", "ids", "titles", "encodings", "metadata", "warnings")
_U64 = 1 << 64
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


class FileKey(NamedTuple):
    """What says a file is unchanged since it was cached: size, times and
    inode.  A tuple: a reopen makes and compares one per file (a frozen
    dataclass took three times as long)."""

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
            title = str(self._titles[to : to + tl], "utf-8", "surrogatepass")
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


class Spill:
    """The texts of a first open, written out as their documents arrive, so
    that a document indexed need not keep its text in memory: it is read
    back (``spill[a:b]``, a positional read) when next used.  An unnamed
    file in the cache directory, gone with its last reader; ``save`` moves
    the documents over to the cache file it writes.  Only the loading
    thread writes; any thread reads."""

    def __init__(self, directory: str) -> None:
        import tempfile

        self._file = tempfile.TemporaryFile(dir=directory)  # unlinked at once (O_TMPFILE where there is one)
        self._fd = self._file.fileno()
        self._end = 0

    def put(self, raw: bytes) -> int:
        """Append ``raw``; its offset.  Raises OSError (a full disk)."""
        off = self._end
        view = memoryview(raw)
        while view:
            n = os.pwrite(self._fd, view, off + len(raw) - len(view))
            view = view[n:]
        self._end = off + len(raw)
        return off

    def __getitem__(self, span: slice) -> bytes:
        start, stop = span.start, span.stop
        out = os.pread(self._fd, stop - start, start)
        return out if len(out) == stop - start else b""  # short: the CRC check fails and the file is read again


def backed(doc: Document, spill: Spill, cache: str, reread) -> Document:
    """``doc`` (just parsed) as a document whose text the cache holds: the
    same fields and the text still in memory, with its UTF-8 written to
    ``spill``, so that ``release_text()`` can drop it once it is indexed.
    ``doc`` itself when the text cannot be written."""
    raw = doc.text.encode("utf-8", "surrogatepass")
    try:
        off = spill.put(raw)
    except OSError:
        return doc
    crc = zlib.crc32(raw)
    out = _CachedDocument(
        id=doc.id, path=doc.path, title=doc.title, encoding=doc.encoding, text=doc.text, metadata=doc.metadata,
        sections=doc.sections, paragraphs=doc.paragraphs, warnings=doc.warnings, _folded=doc._folded,
        source=(spill, off, len(raw), crc, cache, reread), chars=len(doc.text), _digest=crc,
    )
    return out


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
    region = header.get("region") if isinstance(header, dict) else None
    if type(region) is not int or not 0 <= region <= len(blob):
        raise CacheError("bad header")
    # The header, the numbers and every document's structure are exactly
    # what save() wrote (one C-level pass over one region); the texts are
    # checked one by one as they are decoded.
    if zlib.crc32(blob[:region], zlib.crc32(whole[start : start + hlen])) != crc:
        raise CacheError("checksum mismatch")
    try:
        return _entries(header, blob, path, reread)
    except CacheError:
        raise
    except Exception as e:  # noqa: BLE001 - any malformed content means: rebuild
        raise CacheError(f"bad entry: {type(e).__name__}") from None


class _CachedDocument(Document):
    """A document from the cache: its text is decoded from the mapped cache
    file (or, during a first open, the ``Spill``) when first used."""

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

    @property
    def utf8_size(self) -> int:
        return self._source[2]

    def release_text(self) -> bool:
        """Drop the decoded text (it is decoded again when next used);
        False when there is none to drop."""
        if self.__dict__["_text"] is None:
            return False
        self.__dict__["_text"] = None
        return True

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


def _ints(blob: memoryview, off: int, count: int, width: int, limit: int | None = None) -> Sequence[int]:
    """``count`` rows of ``width`` little-endian 64-bit integers at ``off``,
    read in place (a view of the mapped file) where the machine is
    little-endian, else copied and swapped."""
    end = off + 8 * width * count
    if not (0 <= off <= end <= (len(blob) if limit is None else limit)):
        raise CacheError("offset out of range")
    if sys.byteorder == "little":
        return blob[off:end].cast("q")
    a = array("q")
    a.frombytes(blob[off:end])
    a.byteswap()
    return a


def _entries(header: dict, blob: memoryview, cache: str, reread) -> dict[str, Entry]:
    """path -> Entry from the header's columns and the blob's numbers;
    CacheError (or any exception, which load() turns into one) when they do
    not hold together."""
    if not isinstance(header, dict) or header.get("version") != VERSION:
        raise CacheError("bad header")
    if header.get("parser") != PARSER_VERSION or header.get("formats") != formats_versions():
        raise CacheError("made by another version of the document parser")
    n, region = header["count"], header["region"]
    if type(n) is not int or n < 0:
        raise CacheError("bad header")
    columns = [header[k] for k in _COLUMNS]
    if not all(isinstance(c, list) and len(c) == n for c in columns):
        raise CacheError("bad header")
    paths, skipped, ids, titles, encodings, metadata, warnings = columns
    nums = _ints(blob, 0, n, _NUMS, region)
    structure = 8 * _NUMS * n  # the structure region's start; the texts follow it
    out: dict[str, Entry] = {}
    for i in range(n):
        size, mtime, ino, ctime, chars, crc, t_off, t_len, p_off, p_n, s_off, s_n, ti_off, ti_len = nums[
            _NUMS * i : _NUMS * i + _NUMS
        ]
        key = FileKey(size, mtime, ino % _U64, ctime)  # inode numbers are unsigned
        path = paths[i]
        if not isinstance(path, str):
            raise CacheError("bad path")
        if skipped[i] is not None:
            out[path] = Entry(key, skipped=str(skipped[i]))
            continue
        if not (region <= t_off <= t_off + t_len <= len(blob)):
            raise CacheError("offset out of range")
        if not 0 <= chars <= t_len:
            raise CacheError("text length")
        if not (structure <= p_off and structure <= s_off and structure <= ti_off <= ti_off + ti_len <= region):
            raise CacheError("offset out of range")
        paras = _ints(blob, p_off, p_n, 4, region)
        secs = _ints(blob, s_off, s_n, _Sections.WIDTH, region)
        # Beyond these O(1) checks the checksum vouches for the structure.
        if p_n and paras[-3] > chars:
            raise CacheError("paragraph out of range")
        doc = _CachedDocument(
            id=str(ids[i]),
            path=path,
            title=str(titles[i]),
            encoding=str(encodings[i]),
            text=None,
            metadata={str(k): str(v) for k, v in metadata[i].items()},
            sections=_Sections(secs, blob[ti_off : ti_off + ti_len]),
            paragraphs=_Paragraphs(paras),
            warnings=[str(w) for w in warnings[i]],
            source=(blob, t_off, t_len, crc, cache, reread),
            chars=chars,
            _digest=crc,
        )
        out[path] = Entry(key, document=doc)
    return out


def _text_bytes(doc: Document) -> bytes:
    if isinstance(doc, _CachedDocument) and doc.__dict__["_text"] is None:
        return doc.raw_text()  # not decoded yet: copied as it is
    return doc.text.encode("utf-8", "surrogatepass")


def _little(a) -> bytes:
    if sys.byteorder != "little":
        a = array("q", a)
        a.byteswap()
    return a.tobytes()


def save(path: str, entries: dict[str, Entry]) -> None:
    """Write atomically; errors are raised as OSError for the caller to report.

    The texts are encoded twice, once for their lengths and CRCs (the header
    comes first) and once as they are written, rather than all held at once
    (100 MB of UTF-8 beside the parsed corpus, at its peak)."""
    n = len(entries)
    cols: dict[str, list] = {k: [] for k in _COLUMNS}
    nums = array("q")
    structure: list = []  # bytes-like: each document's paragraphs, sections and titles
    texts: list[tuple[int, Document, int]] = []  # (its row, the document, its length in bytes)
    offset = 8 * _NUMS * n  # the structure region follows the numbers
    for i, (p, entry) in enumerate(entries.items()):
        k = entry.key
        ino = k.ino - _U64 if k.ino >= 1 << 63 else k.ino  # stored signed, read back modulo 2**64
        cols["paths"].append(p)
        if entry.document is None:
            cols["skipped"].append(entry.skipped or "")
            for c in _COLUMNS[2:]:
                cols[c].append(None)
            nums.extend((k.size, k.mtime_ns, ino, k.ctime_ns) + (0,) * (_NUMS - 4))
            continue
        doc = entry.document
        for c, v in zip(_COLUMNS[1:], (None, doc.id, doc.title, doc.encoding, doc.metadata, doc.warnings)):
            cols[c].append(v)
        text = _text_bytes(doc)
        text_len, text_crc = len(text), zlib.crc32(text)
        del text
        cp, cs = compact_rows(doc)
        praw, sraw, titles = _little(cp._data), _little(cs._data), cs._titles
        p_off = offset
        s_off = p_off + len(praw)
        t_off = s_off + len(sraw)
        offset = t_off + len(titles)
        structure.extend((praw, sraw, titles))
        nums.extend((k.size, k.mtime_ns, ino, k.ctime_ns, doc.chars, text_crc, 0, text_len,
                     p_off, len(praw) // 32, s_off, len(sraw) // (8 * _Sections.WIDTH), t_off, len(titles)))
        texts.append((i, doc, text_len))
    region = offset
    for i, _, length in texts:  # the texts follow the structure, in order
        nums[_NUMS * i + 6] = offset
        offset += length
    # Not ensure_ascii: raw UTF-8 parses faster than \\u escapes; lone
    # surrogates (undecodable file names) pass through as surrogatepass
    # bytes and come back the same way in load().
    header = json.dumps(
        {"version": VERSION, "parser": PARSER_VERSION, "formats": formats_versions(), "count": n, "region": region,
         **cols},
        ensure_ascii=False,
    ).encode("utf-8", "surrogatepass")
    numbers = _little(nums)
    crc = zlib.crc32(numbers, zlib.crc32(header))
    for c in structure:
        crc = zlib.crc32(c, crc)

    head = _HEAD.pack(MAGIC, VERSION, len(header), crc)

    def stream():
        yield head
        yield header
        yield numbers
        yield from structure
        for _, doc, length in texts:
            text = _text_bytes(doc)
            if len(text) != length:
                raise OSError(f"{doc.path} changed while the cache was written")
            yield text

    # Not durable: a cache lost in a crash is rebuilt (the CRC tells), and
    # fsyncing hundreds of MB would hold up the first open.
    write_atomic(path, stream(), durable=False)
    spilled = [(doc, nums[_NUMS * i + 6], length) for i, doc, length in texts
               if isinstance(doc, _CachedDocument) and isinstance(doc._source[0], Spill)]
    if spilled:
        _move_to(path, head + header, spilled)
    prune(os.path.dirname(path), ".ylc", keep=path)


def _move_to(path: str, prefix: bytes, spilled: list) -> None:
    """Point the documents whose texts are in a ``Spill`` at their copies in
    the cache file just written (the spill's disk space goes with its last
    reader).  Left as they are if the file is not the one written (another
    instance replaced it meanwhile) or cannot be mapped."""
    try:
        data = persist.map_bytes(path)
    except (OSError, Unusable):
        return
    if len(data) < len(prefix) or data[: len(prefix)] != prefix:
        return
    blob = memoryview(data)[len(prefix):]
    for doc, off, length in spilled:
        _, _, _, crc, cache, reread = doc._source
        doc._source = (blob, off, length, crc, cache, reread)


MAX_AGE_DAYS = 60  # a corpus not opened for this long loses its cache files
MAX_DIR_BYTES = 4 << 30  # beyond this, the least recently used cache files go


def prune(directory: str, suffix: str, keep: str | None = None, now: float | None = None) -> list[str]:
    """The cache's pruning policy (see ``tui.persist.prune``): files unused
    for MAX_AGE_DAYS, then the least recently used beyond MAX_DIR_BYTES.
    One cache file per corpus opened would otherwise pile up forever
    (``yuelan show FILE`` makes one per file)."""
    return persist.prune(directory, suffix, max_age_days=MAX_AGE_DAYS, max_bytes=MAX_DIR_BYTES, keep=keep, now=now)
