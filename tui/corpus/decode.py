"""Bytes -> text for Chinese documents of unknown encoding.

Order (each step is cheap where the previous one is conclusive):

1. BOM (UTF-32 before UTF-16, since the UTF-32-LE BOM starts with UTF-16-LE's).
2. UTF-16 without a BOM, only if it has NUL bytes and reads as prose.
3. Binary by content: a NUL byte in the first 64 KiB, or a known magic number.
4. Strict UTF-8, accepting an incomplete last character (a file cut mid-write).
5. UTF-8 with replacement markers, when at most ~5% of non-ASCII bytes are bad.
6. A detector (chardet) on the first 64 KiB; GB2312/GBK are read as GB18030,
   and a guess is taken only if the whole file then decodes strictly.  Big5
   bytes nearly always decode "successfully" as GB18030 (into nonsense), so
   GB18030 and Big5 are compared by the share of common characters.
7. Else UTF-8 with replacement markers and a warning.

Line endings are normalised (CRLF and lone CR become LF).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache

from tui.corpus.model import NotText  # noqa: F401 - raised here, defined with the model (light to import)

SNIFF = 64 * 1024

MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"%PDF-", "PDF document"),
    (b"\x7fELF", "ELF binary"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
]

BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


@dataclass
class Decoded:
    """Decoded bytes: the text, the encoding found and what was repaired or guessed."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


_NEWLINES = re.compile(r"\r\n?")


def normalise_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return _NEWLINES.sub("\n", text)


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    """The most common Chinese characters, Simplified and Traditional.

    GB2312 level 1 (3755 characters, 0xB0A1-0xD7FE) and Big5 level 1 (5401
    characters, 0xA440-0xC67E) are both ordered lists of the commonest
    characters of their script, so the codecs themselves provide the list.
    """
    chars: set[str] = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for hi in range(0xA4, 0xC7):
        for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            try:
                chars.add(bytes([hi, lo]).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


_NON_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")


@lru_cache(maxsize=1)
def _delete_common() -> dict[int, None]:
    return dict.fromkeys(map(ord, _common_chars()))


def common_share(text: str) -> float:
    """Share of CJK ideographs in ``text`` that are common characters (0..1).

    Done with C-level passes (a regex deletion and a translate), not a Python
    loop per character: this runs on every document that is checked."""
    cjk = _NON_CJK.sub("", text)
    if not cjk:
        return 0.0
    rare = len(cjk.translate(_delete_common()))
    return (len(cjk) - rare) / len(cjk)


def _prose_share(text: str) -> float:
    """Share of characters that look like prose: printable ASCII, common CJK
    ideographs, CJK punctuation and full-width forms, kana, hangul."""
    if not text:
        return 0.0
    common = _common_chars()
    good = 0
    for ch in text:
        cp = ord(ch)
        if (
            (0x20 <= cp < 0x7F)
            or ch in "\n\r\t"
            or ch in common
            or 0x3000 <= cp <= 0x30FF
            or 0xFF00 <= cp <= 0xFFEF
            or 0xAC00 <= cp <= 0xD7AF
            or 0x2000 <= cp <= 0x206F  # general punctuation: dashes, quotes, ellipsis
            or 0x2500 <= cp <= 0x257F  # box drawing (tables in plain text)
            or cp in (0xA0, 0xB7)
        ):
            good += 1
    return good / len(text)


def _strict_cut(data: bytes, enc: str) -> tuple[str, list[str]] | None:
    """Strict decoding that tolerates an incomplete last character (a file
    cut mid-write or mid-download); anything else invalid gives None."""
    try:
        return data.decode(enc), []
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 4 and e.end >= len(data) - 1:
            try:
                return data[: e.start].decode(enc), ["incomplete last character dropped"]
            except UnicodeDecodeError:
                return None
        return None
    except LookupError:
        return None


def _strict_utf8(data: bytes) -> tuple[str, list[str]] | None:
    return _strict_cut(data, "utf-8")


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a BOM, only if the whole sample reads as prose."""
    sample = data[:SNIFF]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 8:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        if _prose_share(text) >= 0.95:
            return enc
    return None


def sniff_binary(data: bytes) -> str | None:
    """A reason if ``data`` is binary by content, else None."""
    for magic, what in MAGIC:
        if data.startswith(magic):
            return what
    if b"\x00" in data[:SNIFF]:
        return "binary data (NUL bytes)"
    return None


_HIGH_BYTES = bytes(range(0x80, 0x100))


def _bad_utf8_share(data: bytes) -> float:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    return bad / non_ascii if non_ascii else 1.0


_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz-gb-2312", "iso-2022-cn", "cp936", "euc-cn"}
_BIG5_FAMILY = {"big5", "big5hkscs", "cp950", "big5-hkscs"}


def _strict(data: bytes, enc: str) -> str | None:
    result = _strict_cut(data, enc)
    return None if result is None else result[0]


def _detect(data: bytes) -> str | None:
    try:
        import chardet
    except ImportError:  # pragma: no cover - chardet is a dependency
        return None
    guess = chardet.detect(data[:SNIFF])
    enc = (guess.get("encoding") or "").lower()
    if not enc or (guess.get("confidence") or 0) < 0.2:
        return None
    try:
        return codecs.lookup(enc).name
    except LookupError:
        return None


def _legacy(data: bytes) -> Decoded | None:
    gb = _strict(data, "gb18030")
    big5 = _strict(data, "big5hkscs")
    # A file of ideographic spaces (A1 A1 in GBK, A1 40 in Big5) and line
    # breaks is blank in the encoding it was written in; a detector calls it
    # Johab or nothing, and a phantom document would appear.
    for text, enc in ((gb, "gb18030"), (big5, "big5")):
        if text is not None and _BLANK.fullmatch(text):
            return Decoded(text, enc)  # _finish() says "empty"
    chinese = []
    if gb is not None:
        chinese.append((common_share(gb[:SNIFF]), "gb18030", gb))
    if big5 is not None:
        chinese.append((common_share(big5[:SNIFF]), "big5", big5))
    chinese.sort(key=lambda c: c[0], reverse=True)
    # The detector runs even when a Chinese reading looks clean: EUC-KR bytes
    # decode as GB18030 into *common* characters (a test covers it).
    guess = _detect(data)
    if guess and guess not in _GB_FAMILY and guess not in _BIG5_FAMILY and guess not in ("utf-8", "ascii"):
        text = _strict(data, guess)
        if text is not None:
            # A non-Chinese guess (Shift_JIS, EUC-KR, ...) wins unless a Chinese
            # reading is clearly made of common characters.
            if not chinese or chinese[0][0] < 0.9 or _kana_hangul_share(text) > 0.05:
                return Decoded(text, guess)
    if chinese and chinese[0][0] >= 0.5:
        share, enc, text = chinese[0]
        return Decoded(text, enc)
    # A few bad bytes (a stray byte, a UTF-8 footer pasted into a GBK file)
    # must not make a whole legacy file unreadable: accept a lenient reading
    # when it is overwhelmingly good Chinese, with a warning.
    lenient = []
    for enc, codec in (("gb18030", "gb18030"), ("big5", "big5hkscs")):
        text = data.decode(codec, errors=_RESYNC)
        bad = text.count("\ufffd")
        if bad <= max(4, len(text) // 100):
            lenient.append((common_share(text[:SNIFF]), bad, enc, text))
    lenient.sort(key=lambda c: (c[0], -c[1]), reverse=True)
    if lenient and lenient[0][0] >= 0.8:
        share, bad, enc, text = lenient[0]
        return Decoded(text, enc, [f"{bad} undecodable byte sequence(s) replaced"])
    return None


def _resync(err: UnicodeDecodeError):
    # Python's CJK codecs report a bad lead byte together with the byte after
    # it; skipping both shifts every later pair out of step until the next
    # ASCII byte.  Replace one byte and resume right after it instead.
    return "\ufffd", err.start + 1


_RESYNC = "yuelan-resync"
codecs.register_error(_RESYNC, _resync)


def _kana_hangul_share(text: str) -> float:
    n = sum(1 for c in text if 0x3040 <= ord(c) <= 0x30FF or 0xAC00 <= ord(c) <= 0xD7AF)
    return n / max(1, len(text))


def text_encoding(name: str) -> str:
    """The codec's canonical name; raises NotText for unknown codecs and for
    codecs that are not text encodings (rot13, base64, idna, punycode...)."""
    try:
        info = codecs.lookup(name)
    except (LookupError, TypeError, ValueError):
        raise NotText(f"unknown encoding {name!r}") from None
    if not getattr(info, "_is_text_encoding", True) or info.name in ("idna", "punycode", "raw-unicode-escape", "unicode-escape"):
        raise NotText(f"{name!r} is not a text encoding")
    return info.name


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode a document.  Raises ``NotText`` for binary or empty content."""
    if encoding:
        name = text_encoding(encoding)
        text = _strict(data, name)
        if text is None:
            text = data.decode(name, errors="replace")
            return _finish(Decoded(text, name, [f"bytes not valid in {name} replaced"]))
        return _finish(Decoded(text, name))
    for bom, enc in BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            codec = enc.replace("-sig", "")
            strict = _strict_cut(body, codec)
            if strict is None:
                text = body.decode(codec, errors="replace")
                return _finish(Decoded(text, enc, ["undecodable bytes replaced"]))
            return _finish(Decoded(strict[0], enc, strict[1]))
    enc16 = _utf16_guess(data) if b"\x00" in data[:SNIFF] else None
    if enc16:
        text = data[: len(data) // 2 * 2].decode(enc16, errors="replace")
        return _finish(Decoded(text, enc16))
    binary = sniff_binary(data)
    if binary:
        raise NotText(binary)
    strict = _strict_utf8(data)
    if strict is not None:
        text, warnings = strict
        return _finish(Decoded(text, "utf-8", warnings))
    if _bad_utf8_share(data) <= 0.05:
        return _finish(
            Decoded(data.decode("utf-8", errors="replace"), "utf-8", ["invalid UTF-8 bytes replaced"])
        )
    legacy = _legacy(data)
    if legacy is not None:
        return _finish(legacy)
    return _finish(
        Decoded(
            data.decode("utf-8", errors="replace"),
            "utf-8",
            ["encoding not recognised; shown as UTF-8 with replacement characters"],
        )
    )


_BLANK = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u3000\xa0]*")


def _finish(decoded: Decoded) -> Decoded:
    text = normalise_newlines(decoded.text)
    if text.startswith("\ufeff"):
        text = text[1:]
    if _BLANK.fullmatch(text):
        raise NotText("empty (no text)")
    decoded.text = text
    return decoded
