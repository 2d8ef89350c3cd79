"""Zip containers (DOCX, EPUB) read with bounded decompression, and their XML
parsed without ever resolving an entity or touching the network.

A zip bomb is a small file that inflates to gigabytes: each member is read
in chunks and abandoned once it passes ``MAX_MEMBER`` bytes, the whole
archive once it passes ``MAX_TOTAL``, and any member larger than 1 MiB whose
inflated size is more than ``MAX_RATIO`` times its compressed size (what
honest XML and HTML never reach; images are not read at all).  The sizes a
zip declares are not trusted: the count is of bytes actually inflated.

XML: a document that declares entities (``<!ENTITY``: "billion laughs"
expansion, external entities reading local files or URLs) is refused
outright; neither Office nor EPUB files declare any.  The parser has DTD
loading, entity resolution and network access off, and recovers from
malformed markup.
"""

from __future__ import annotations

import io
import zipfile

from tui.corpus.formats import Unreadable

MAX_MEMBER = 64 * 1024 * 1024
MAX_TOTAL = 256 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 20000


class Archive:
    def __init__(self, data: bytes, kind: str) -> None:
        self.kind = kind
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise Unreadable(f"not a valid {kind} file (broken zip: {e})") from None
        if len(infos) > MAX_MEMBERS:
            raise Unreadable(f"not a valid {kind} file ({len(infos)} files inside)")
        self.infos = {i.filename: i for i in infos}
        self.total = 0

    def names(self) -> list[str]:
        return list(self.infos)

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        """A member's bytes, within the limits; Unreadable when missing or too big."""
        info = self.infos.get(name)
        if info is None:
            raise Unreadable(f"not a valid {self.kind} file ({name} is missing)")
        if info.flag_bits & 0x1:
            raise Unreadable("encrypted")
        chunks = []
        size = 0
        try:
            with self.zip.open(info) as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
                    self.total += len(chunk)
                    if size > MAX_MEMBER or self.total > MAX_TOTAL:
                        raise Unreadable(f"{name} inflates past {MAX_MEMBER // (1 << 20)} MB (a zip bomb?)")
                    if size > (1 << 20) and size > MAX_RATIO * max(info.compress_size, 1):
                        raise Unreadable(f"{name} inflates more than {MAX_RATIO} times (a zip bomb?)")
                    chunks.append(chunk)
        except Unreadable:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
            raise Unreadable(f"not a valid {self.kind} file ({name}: {e})") from None
        except Exception as e:  # zlib.error and the like
            raise Unreadable(f"not a valid {self.kind} file ({name}: {type(e).__name__})") from None
        return b"".join(chunks)

    def xml(self, name: str):
        return parse_xml(self.read(name), name)


def refuse_entities(data: bytes, name: str) -> None:
    if b"<!ENTITY" in data or b"<!entity" in data:
        raise Unreadable(f"{name} declares XML entities (refused: entity expansion or external entities)")


def parse_xml(data: bytes, name: str = "XML"):
    """An lxml root; never resolves entities, loads DTDs or fetches anything."""
    from lxml import etree

    refuse_entities(data, name)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as e:
        raise Unreadable(f"{name} is not well-formed XML ({e})") from None
    if root is None:
        raise Unreadable(f"{name} is not XML")
    return root
