"""Search layer: Chinese-aware passage search with exact highlight offsets.

    from tui.search import SearchIndex
    index = SearchIndex(documents)                 # in memory
    index = SearchIndex.build(documents)           # kept in the user cache dir
    resp = index.search("心灵港湾", limit=20, offset=0)
    for hit in resp.results:
        hit.passage[s:e] for s, e in hit.highlights   # the original characters

Queries: terms separated by spaces (all required, any order); ``"phrase"``;
``-term`` excludes.  A term matches literally after folding (width, case,
Traditional -> Simplified), as jieba words standing close together, as pinyin
(full, spaced, initials, a syllable being typed, every reading of polyphonic
characters), or with one typo.  When no passage holds every term, passages
holding most of them come back marked ``partial``.

Modules, one idea each: ``query`` (parsing), ``plan`` (terms -> ways to match
-> engine queries), ``engine`` (tantivy: schema, writer, reader, per-file
updates, persistence), ``passages`` (what a passage is), ``verify`` (exact
spans, highlights, windows), ``rank`` (every weight), ``lang`` (lazy jieba
and pinyin tables), ``normalize`` (the searchable form and its offset maps),
``results`` (Hit, SearchResponse, the ``Index`` protocol), ``index``
(``SearchIndex``, which ties them together).

Never imports textual or rich; jieba and pypinyin are loaded lazily, once
(pypinyin's readings are needed to index, jieba only by queries that split).
"""

from tui.search.index import BuildCancelled, SearchIndex
from tui.search.query import Query, Term, parse_query
from tui.search.results import MATCH_KINDS, Hit, Index, SearchResponse

__all__ = ["SearchIndex", "BuildCancelled", "SearchResponse", "Hit", "Index", "MATCH_KINDS", "Query", "Term",
           "parse_query"]
