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

Persistent and incremental (``store.py``)::

    index = SearchIndex.build(documents, progress=cb, cancelled=flag)  # reuses the stored pieces
    index = SearchIndex.build(new_documents, previous=index)           # a reload
    index.notices   # messages for the user (a damaged store rebuilt...)
    index.changes   # {"reused": [paths], "rebuilt": [paths], "removed": [paths]}
    index.warm(wait=False)  # jieba, pinyin tables and shadow in the background

``SearchIndex(documents)`` still builds in memory and writes nothing.

Never imports textual or rich; jieba and pypinyin are loaded lazily, once,
and numpy (pinyin shadow, passage signatures) when present.
"""

from tui.search.index import BuildCancelled, SearchIndex
from tui.search.query import Query, Term, parse_query
from tui.search.results import MATCH_KINDS, Hit, SearchResponse

__all__ = ["SearchIndex", "BuildCancelled", "SearchResponse", "Hit", "MATCH_KINDS", "Query", "Term", "parse_query"]
