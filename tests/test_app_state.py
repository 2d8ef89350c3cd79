"""The app's plain state owners, without Textual: microseconds per test."""

from __future__ import annotations

from app_support import FakeIndex, sample_corpus
from tui.app.state.bookmarks import Bookmarks
from tui.app.state.find import FindState, step
from tui.app.state.navigation import PlaceHistory, hit_index, next_document
from tui.app.state.search import QueryHistory, SearchState
from tui.state import Bookmark, Roots, StateStore


def index():
    return FakeIndex(sample_corpus().documents)


def test_search_state_drops_stale_answers():
    idx = index()
    st = SearchState()
    st.set_query("心灵")
    old = idx.search("心灵")
    st.set_query("心灵港湾")
    assert not st.accept("心灵", old)  # typed on: the old answer is dropped
    assert st.results == []
    new = idx.search("心灵港湾")
    assert st.accept("心灵港湾", new) and st.results == new.results and st.total == new.total
    assert st.docs == list(dict.fromkeys(h.doc_id for h in new.results))
    st.set_query("")
    assert st.results == [] and st.response is None


def test_the_shown_result_is_forgotten_with_its_answer():
    idx = index()
    st = SearchState()
    st.set_query("工会")
    st.accept("工会", idx.search("工会"))
    st.shown = st.results[1]
    st.extend("工会", idx.search("工会", offset=len(st.results)))
    assert st.shown is st.results[1]  # a later page keeps it
    st.set_query("心灵")
    st.accept("心灵", idx.search("心灵"))
    assert st.shown is None  # a new answer: nothing of it is in the reader yet
    st.shown = st.results[0]
    st.set_query("")
    assert st.shown is None


def test_counts_are_shown_only_once_final():
    idx = index()
    st = SearchState()
    st.set_query("心灵港湾")
    resp = idx.search("心灵港湾", limit=2)
    st.accept("心灵港湾", resp)
    doc = resp.results[0].doc
    assert st.count(doc.id) is None and st.spans(doc.id)  # passage hits usable, no count yet
    everything = idx.find_in_document(doc, "心灵港湾")
    assert st.uncounted()[0] == doc.id
    assert not st.add_document_hits("other", {doc.id: everything})
    assert st.add_document_hits("心灵港湾", {doc.id: everything})
    assert st.count(doc.id) == len(everything) and doc.id not in st.uncounted()
    more = idx.search("心灵港湾", limit=2, offset=2)
    st.extend("心灵港湾", more)
    assert st.count(doc.id) == len(everything)  # a later page does not change it


def test_pages_are_appended_only_in_order():
    idx = index()
    st = SearchState()
    st.set_query("工会")
    first = idx.search("工会", limit=2)
    assert first.total > 4
    st.accept("工会", first)
    assert st.has_more and st.next_offset() == 2
    st.loading_more = True
    assert st.next_offset() is None  # one page at a time
    later = idx.search("工会", limit=2, offset=4)
    assert not st.extend("工会", later)  # not the continuation
    second = idx.search("工会", limit=2, offset=2)
    assert st.extend("工会", second)
    assert [h.start for h in st.results] == [h.start for h in idx.search("工会", limit=4).results]
    rest = idx.search("工会", limit=0, offset=4)
    assert st.extend("工会", rest) and not st.has_more and len(st.results) == first.total


def test_query_history_recalls_like_a_shell_and_keeps_the_draft():
    h = QueryHistory(["工会", "xlgw", "工会"])
    assert h.entries == ["xlgw", "工会"]
    assert h.older("心灵") == "工会"
    assert h.older("工会") == "xlgw"
    assert h.older("xlgw") is None  # the oldest
    assert h.newer() == "工会"
    assert h.newer() == "心灵"  # back to what was being typed
    assert h.newer() is None
    assert h.older("工会") == "xlgw"  # the shown query is the newest: go past it
    h.stop()
    assert h.add("改革") and h.entries[-1] == "改革"
    capped = QueryHistory([str(i) for i in range(10)], limit=3)
    assert capped.entries == ["7", "8", "9"]


def test_query_history_is_kept_per_corpus(tmp_path):
    store = StateStore(str(tmp_path))
    a, b = Roots([str(tmp_path / "a")]), Roots([str(tmp_path / "b")])
    assert store.save_history(a, ["工会", "xlgw"])
    assert StateStore(str(tmp_path)).load_history(a) == ["工会", "xlgw"]
    assert StateStore(str(tmp_path)).load_history(b) == []
    (tmp_path / f"history-{a.key}.json").write_text('{"queries": 5}')
    fresh = StateStore(str(tmp_path))
    assert fresh.load_history(a) == [] and "moved aside" in fresh.take_notices()[0]


def test_place_history_back_forward():
    h = PlaceHistory(limit=3)
    h.push(("a", 0))
    h.push(("b", 10), here=("a", 5))
    assert h.step(-1, here=("b", 12)) == ("a", 5)  # where the user left a
    assert h.step(1) == ("b", 12)
    assert h.step(1) is None
    h.step(-1)
    h.push(("c", 0))  # drops the forward list
    assert h.places == [("a", 5), ("c", 0)]
    for i in range(5):
        h.push(("d", i))
    assert len(h.places) == 3


def test_next_document_wraps_and_hit_index():
    assert next_document(["a", "b"], "a", 1) == ("b", False)
    assert next_document(["a", "b"], "b", 1) == ("a", True)
    assert next_document(["a", "b"], "a", -1) == ("b", True)
    assert next_document(["a", "b"], None, -1) == ("b", False)
    assert next_document([], None, 1) is None
    assert hit_index([(0, 2), (10, 12)], 5) == 1
    assert hit_index([(0, 2), (10, 12)], 50) == 1


def test_find_state_and_stepping():
    f = FindState()
    assert not f.active and not f.end()
    f.start("doc", "工会", [(9, 11), (1, 3)])
    assert f.spans == [(1, 3), (9, 11)] and f.is_in("doc") and not f.is_in("other")
    assert step(None, 3, 1, 1) == (1, False)
    assert step(None, 3, -1, 0) == (2, False)
    assert step(2, 3, 1, None) == (0, True)
    assert step(0, 3, -1, None) == (2, True)
    assert step(0, 0, 1, None) is None
    assert f.end() and not f.active


def test_bookmarks_change_what_is_on_disk(tmp_path):
    store = StateStore(str(tmp_path))
    roots = Roots([str(tmp_path)])
    mine, theirs = Bookmarks(store, roots), Bookmarks(StateStore(str(tmp_path)), roots)
    mine.add(Bookmark(0, "a.txt", 5, "excerpt"))
    theirs.load()
    theirs.add(Bookmark(0, "b.txt", 7, "other"))
    mine.rename(0, "note")  # applied to the two on disk, not only to the one it knew
    mine.load()
    assert [(m.path, m.note) for m in mine.marks] == [("a.txt", "note"), ("b.txt", "")]
    assert mine.delete(1) and not mine.delete(5)
    theirs.load()
    assert [m.path for m in theirs.marks] == ["a.txt"]


def test_folded_duplicates_leave_no_page_to_ask_for(tmp_path):
    """Identical passages of a document are one result with a count, and
    the total counts passages: three copies and one other passage are
    4 results in 2 rows.  The engine says there is no later page, so the
    list asks for none (comparing rows with the total asked for empty
    pages for ever, and said "4 results (top 2)")."""
    from tui.corpus import load_corpus
    from tui.search import SearchIndex

    (tmp_path / "a.txt").write_text("通知：工会会议改期。\n\n" * 3 + "工会换届选举。\n", encoding="utf-8")
    idx = SearchIndex(load_corpus([str(tmp_path)]).documents)
    st = SearchState()
    st.set_query("工会")
    first = idx.search("工会", limit=50)
    assert (first.total, len(first.results), sorted(h.count for h in first.results)) == (4, 2, [1, 3])
    st.accept("工会", first)
    assert not st.has_more and st.next_offset() is None
    # A page that is not the last still leaves more to load.
    st.set_query("工 会")
    page = idx.search("工会", limit=1)
    st.accept("工 会", page)
    assert st.has_more and st.next_offset() == 1
