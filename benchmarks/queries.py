"""The fixed query mix of the benchmarks.

Every positive query's words are protected from perturbation in
``make_corpus.py`` (``PROTECTED``), so they have real hits at every size;
negatives must return nothing.  ``expect``: "hits" or "none".
"""

from __future__ import annotations

# (kind, query, expect)
QUERIES: list[tuple[str, str, str]] = [
    ("2-char", "工会", "hits"),
    ("2-char", "律师", "hits"),
    ("4-char", "工会改革", "hits"),
    ("4-char", "心灵港湾", "hits"),
    ("4-char rare", "琉璃灯塔", "hits"),
    ("4-char Traditional", "工會改革", "hits"),
    ("multi-term", "志愿团 律师", "hits"),
    ("multi-term", "工会 科创走廊", "hits"),
    ("jieba split", "外卖行业工会", "hits"),
    ("pinyin full", "xinlinggangwan", "hits"),
    ("pinyin spaced", "xin ling gang wan", "hits"),
    ("pinyin initials", "xlgw", "hits"),
    ("mixed Latin+initials", "G60 kczl", "hits"),
    ("typo", "心灵港弯", "hits"),
    ("number", "4523万元", "hits"),
    ("phrase", '"工会改革"', "hits"),
    ("exclusion", "工会改革 -国有", "hits"),
    ("negative", "鑫淼犇骉曌", "none"),
    ("negative", "麒麟臂饕餮", "none"),
]

# Typed in the app, one keystroke at a time (latency of the last key).
TYPED: list[str] = [
    "工会",
    "律师",
    "工会改革",
    "心灵港湾",
    "琉璃灯塔",
    "志愿团 律师",
    "xinlinggangwan",
    "xlgw",
    "心灵港弯",
    "鑫淼犇骉曌",
]


# Typed whole, one key at a time, CADENCE seconds apart (a steady typist):
# every prefix is searched on the way ("xinl", "gonghuig"), not only the
# last key after its prefix has been answered (TYPED above).  Pinyin, the
# way users who cannot type Chinese over SSH search; every word here is
# protected in make_corpus.py, so each has hits at every size.
TYPED_KEY_BY_KEY: list[str] = [
    "xinlinggangwan",
    "gonghuigaige",
    "lvshi",
    "xlgw",
]
CADENCE = 0.15


def brute_terms(query: str) -> list[str]:
    """What a brute-force scan looks for: every term, quotes and '-' removed."""
    out = []
    for t in query.split():
        t = t.strip('"').lstrip("-")
        if t:
            out.append(t)
    return out
