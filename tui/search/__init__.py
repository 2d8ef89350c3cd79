"""Search layer: Chinese-aware passage search with exact highlight offsets.

    from tui.search import SearchIndex
    index = SearchIndex(documents)
    resp = index.search("心灵港湾", limit=20)
    for hit in resp.results:
        hit.passage[s:e] for s, e in hit.highlights   # the original characters

Queries: terms separated by spaces (all required, any order); ``"phrase"``;
``-term`` excludes.  A term matches literally after folding (width, case,
Traditional -> Simplified), as jieba words standing close together, as pinyin
(full, spaced, initials, with every reading of polyphonic characters), or with
one typo.  See ``index.py`` for the design.

Pure Python: never imports textual or rich; jieba and pypinyin are loaded
lazily, once.
"""

from tui.search.index import BuildCancelled, SearchIndex
from tui.search.query import Query, Term, parse_query
from tui.search.results import MATCH_KINDS, Hit, SearchResponse

__all__ = ["SearchIndex", "BuildCancelled", "SearchResponse", "Hit", "MATCH_KINDS", "Query", "Term", "parse_query"]
