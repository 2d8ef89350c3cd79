"""Make document text safe to show on a terminal.

Document text must never act on the terminal: ESC sequences could retitle the
window, clear the screen or write the clipboard (OSC 52).  ``escape_controls``
replaces every character that a terminal could act on with a visible stand-in
*of the same length*, so offsets computed on the logical text stay valid for
the displayed text:

* C0 controls (except newline and tab) -> the Control Pictures block (ESC -> ␛),
* DEL -> ␡,
* C1 controls, bidi overrides/isolates/marks, line/paragraph separators and
  lone surrogates -> U+FFFD.
"""

from __future__ import annotations

import re

_TABLE: dict[int, int] = {}
for _cp in range(0x20):
    if _cp not in (0x09, 0x0A):
        _TABLE[_cp] = 0x2400 + _cp
_TABLE[0x7F] = 0x2421
for _cp in list(range(0x80, 0xA0)) + list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A)):
    _TABLE[_cp] = 0xFFFD
for _cp in (0x200E, 0x200F, 0x061C, 0x2028, 0x2029):
    _TABLE[_cp] = 0xFFFD

_UNSAFE_RE = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE)) + "\ud800-\udfff]"
)


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def escape_controls(text: str) -> str:
    """Replace terminal-active characters with same-length visible stand-ins."""
    if _UNSAFE_RE.search(text) is None:
        return text
    return _UNSAFE_RE.sub(lambda m: chr(_TABLE.get(ord(m.group()), 0xFFFD)), text)


def escape_name(text: str) -> str:
    """A file name or id on one line: like ``escape_controls``, and newline
    and tab become visible too (a name with a newline could fake a row)."""
    return escape_controls(text).replace("\n", "\u2424").replace("\t", "\u2409")


def redecode_arg(arg: str) -> str:
    """Command-line text (a query, a title) as the user typed it.

    Under LC_ALL=C with UTF-8 mode off, Python decodes argv as ASCII with
    surrogate escapes, so typed Chinese arrives as lone surrogates; the bytes
    were UTF-8 (or the terminal's encoding), so decode them again."""
    if _SURROGATE_RE.search(arg) is None:
        return arg
    import locale
    import os

    raw = os.fsencode(arg)
    for enc in ("utf-8", locale.getpreferredencoding(False) or "utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return arg


def has_controls(text: str) -> bool:
    return _UNSAFE_RE.search(text) is not None



def json_dumps(obj) -> str:
    """JSON with Chinese as is, and every character a terminal could act on
    as a ``\\uXXXX`` escape: C0 (``json`` does those), DEL, C1, bidi
    overrides/isolates/marks, line/paragraph separators, and lone surrogates
    (undecodable bytes of file names, kept by ``surrogateescape``).  Valid
    JSON that any UTF-8 stream can carry and a terminal can show; the decoded
    values are exactly the logical ones (``os.fsencode`` of a decoded path
    gives back the original bytes).

    ``json.dumps(..., ensure_ascii=False)`` alone escapes only C0: DEL, C1
    (``\\x9b`` is CSI on many terminals) and bidi overrides go out raw."""
    import json

    text = json.dumps(obj, ensure_ascii=False)
    if _UNSAFE_RE.search(text) is None:
        return text
    # Outside JSON strings there are only ASCII punctuation, digits and
    # literals, so every unsafe character is inside a string: escaping it
    # there is exact.
    return _UNSAFE_RE.sub(lambda m: "\\u%04x" % ord(m.group()), text)
