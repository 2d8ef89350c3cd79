"""Mojibake: text that was decoded with the wrong codec somewhere upstream.

A repair is made only when it is lossless (the round trip through the wrong
codec is exact and the result is clearly better Chinese); otherwise the text
is kept as it is and flagged as suspect, so nothing is silently rewritten.
"""

from __future__ import annotations

import re

from tui.corpus.decode import common_share

# Markers below: U+FFFD's UTF-8 bytes read as GBK (锟斤拷); MSVC's fill bytes
# 0xCC / 0xCD read as GBK (烫烫烫, 屯屯屯).
# Latin-1 (and cp1252's extra letters and punctuation) in runs: bytes >= 0x80
# of a CJK encoding shown one byte per character.
_LATIN1_RUN = re.compile(
    "[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{4,}"
)
_NOT_HAN = re.compile(r"[^\u3400-\u9fff]+")


def _latin_letters(run: str) -> int:
    return sum(1 for c in run if "\u00c0" <= c <= "\u00ff")


def _han_share(text: str) -> float:
    return len(_NOT_HAN.sub("", text)) / max(1, len(text))


def _try(text: str, wrong: str, right: str) -> str | None:
    try:
        fixed = text.encode(wrong).decode(right)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if fixed != text else None


def check(text: str, repair: bool = True) -> tuple[str, list[str]]:
    """(possibly repaired text, warnings).  With ``repair=False`` (the user
    forced an encoding) suspect text is only flagged."""
    warnings: list[str] = []
    sample = text[:4000]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    if non_ascii >= 8:
        # Runs must hold real Latin-1 letters: "……" leaders and "——" rules
        # in a table of contents are CJK punctuation, not mojibake.
        latin = sum(len(m) for m in _LATIN1_RUN.findall(sample) if _latin_letters(m) * 4 >= len(m))
        if latin / non_ascii > 0.5:
            # Chinese bytes shown as Latin-1 (or cp1252) characters.
            for wrong in ("latin-1", "cp1252"):
                for right, label in (("utf-8", "UTF-8"), ("gb18030", "GBK")):
                    fixed = _try(text, wrong, right)
                    if fixed is not None and _han_share(fixed) > 0.3 and common_share(fixed) > 0.8:
                        if not repair:
                            return text, [f"suspect text: looks like {label} text read as Latin-1"]
                        return fixed, [f"repaired mojibake: {label} text that had been read as Latin-1"]
            warnings.append("suspect text: looks like Chinese bytes shown as Latin-1 (mojibake)")
        elif _han_share(sample) > 0.3 and common_share(sample) < 0.6:
            # UTF-8 bytes that were read as GBK and saved again: rare characters.
            fixed = _try(text, "gb18030", "utf-8")
            if fixed is not None and common_share(fixed) > 0.9:
                if not repair:
                    return text, ["suspect text: looks like UTF-8 text read as GBK"]
                return fixed, ["repaired mojibake: UTF-8 text that had been read as GBK"]
            warnings.append("suspect text: many rare characters (mojibake or a wrong encoding?)")
    for marker in ("锟斤拷", "烫烫烫", "屯屯屯"):  # plain `in` is a fast C scan
        if marker in text:
            warnings.append(f"suspect text: contains {marker} (mojibake from a lost encoding)")
            break
    return text, warnings
