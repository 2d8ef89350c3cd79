"""Live preview, the results list's layout and paging, search history,
half pages, restart at any size, notices and the status line (pilot tests)."""

from __future__ import annotations

from app_support import FakeIndex, app_plain, make_app, wait_index, wait_results, wait_settled
from test_app_reading import data, open_doc, wait_for
from tui.app.widgets.reader import Reader
from tui.app.widgets.display import cell_len
from tui.app.widgets.doc_tree import DocTree
from tui.app.widgets.inputs import SearchInput
from tui.app.widgets.result_list import ResultList


async def search(pilot, app, query: str) -> None:
    await pilot.press("slash", *query)
    await wait_results(pilot, app, query)
    await wait_settled(pilot, app)


async def test_moving_in_the_results_previews_without_taking_focus():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "工会")
        reader, results = app.query_one(Reader), app.query_one(ResultList)
        await pilot.press("down")  # into the list
        assert app.focused is results
        seen = set()
        for _ in range(len(app.searching.results) - 1):
            await pilot.press("down")
            await wait_settled(pilot, app)
            hit = app.searching.results[results.highlighted]
            assert app.focused is results  # the preview never takes focus
            assert reader.doc is hit.doc
            s, e = reader.hits[reader.current]  # the hit under the cursor is the current one
            assert hit.start <= s < e <= hit.end
            seen.add((hit.doc_id, s))
        assert len(seen) > 3 and len({d for d, _ in seen}) == 2
        # Enter: the reader has focus; Esc: back to the same result.
        row = results.highlighted
        await pilot.press("enter")
        assert app.focused is reader
        await pilot.press("escape")
        assert app.focused is results and results.highlighted == row


async def test_one_pane_layout_previews_on_p_and_esc_comes_back():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "工会")
        reader, results = app.query_one(Reader), app.query_one(ResultList)
        before = reader.doc, reader.top_offset()
        await pilot.press("down", "down", "down")
        await wait_settled(pilot, app)
        assert (reader.doc, reader.top_offset()) == before  # one pane: no preview while moving
        await pilot.press("p")
        await wait_settled(pilot, app)
        hit = app.searching.results[results.highlighted]
        assert reader.display and reader.doc is hit.doc and app.focused is reader
        await pilot.press("escape")
        assert app.focused is results and results.highlighted == 2


async def test_one_pane_tab_from_the_results_shows_the_result_under_the_cursor():
    """Below 100 columns the reader is hidden while the cursor moves: Tab
    must show the highlighted result, not the document an earlier search
    left in the reader."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_index(pilot, app)
        reader, results = app.query_one(Reader), app.query_one(ResultList)
        await search(pilot, app, "kczl")  # only the G60 document
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is reader and reader.doc is not None)
        assert reader.doc.id == "003_g60"
        await pilot.press("escape", "escape")  # the list, then the query is put away
        await wait_for(pilot, lambda: not app.searching.query)
        await search(pilot, app, "工会")  # not in the G60 document
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: app.focused is results and results.highlighted == 1)
        hit = app.searching.results[results.highlighted]
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is reader)
        assert reader.display and reader.doc is hit.doc
        s, e = reader.hits[reader.current]
        assert hit.start <= s < e <= hit.end
        # Back and Tab again on the same result: the reader stays where it is.
        await pilot.press("space")
        top = reader.top_offset()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is results)
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is reader)
        assert reader.doc is hit.doc and reader.top_offset() == top


async def test_results_take_45_percent_and_the_reader_keeps_60_columns():
    for width in (200, 120, 110, 100):
        expect = width * 45 // 100
        app = make_app()
        async with app.run_test(size=(width, 36)) as pilot:
            await wait_index(pilot, app)
            tree_width = app.query_one("#left").size.width
            await search(pilot, app, "工会")
            left = app.query_one("#left").size.width
            assert left == max(30, min(expect, width - 60)), (width, left)
            assert app.query_one("#right").size.width >= 60 or width < 100 + 30
            assert left >= tree_width
            await pilot.press("escape", "escape")  # the query goes: the tree's width again
            await pilot.pause()


async def test_entries_are_title_section_with_one_stable_count_per_document():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "工会")
        results = app.query_one(ResultList)
        width = results.scrollable_content_region.width
        heads = [str(results.get_option_at_index(i).prompt).split("\n") for i in range(results.option_count)]
        counted = {}
        for (head, snippet), hit in zip(heads, app.searching.results):
            assert cell_len(head) <= width and cell_len(snippet) <= width
            assert " › " in head or not hit.section
            assert "..." not in head.split(" › ")  # never a bare '...' for a part
            if "hits" in head or "hit" in head.split()[-1:]:
                counted.setdefault(hit.doc_id, []).append(head)
        assert sorted(counted) == sorted(set(app.searching.docs))
        assert all(len(v) == 1 for v in counted.values())  # once per document
        for doc_id, (head,) in counted.items():
            n = len(FakeIndex([]).find_in_document(next(h.doc for h in app.searching.results if h.doc_id == doc_id), "工会"))
            assert f"{n} hit" in head


async def test_snippet_is_centred_on_the_first_hit():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "累计服务")  # deep inside a long passage
        results = app.query_one(ResultList)
        snippet = str(results.get_option_at_index(0).prompt).split("\n")[1]
        at = snippet.index("累计服务")
        left, right = cell_len(snippet[:at]), cell_len(snippet[at + 4 :])
        assert snippet.startswith("...") and abs(left - right) <= 6, snippet


async def test_the_list_grows_as_the_cursor_passes_the_last_result(monkeypatch):
    import tui.app.screens.search as appmod

    monkeypatch.setattr(appmod, "SEARCH_LIMIT", 3)
    monkeypatch.setattr(appmod, "MORE_AHEAD", 1)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "工会")
        total = app.searching.total
        assert total > 6 and len(app.searching.results) == 3
        results = app.query_one(ResultList)
        await pilot.press("down")
        for _ in range(total * 20):  # a user holding Down: pages arrive as it goes
            if results.highlighted == total - 1:
                break
            await pilot.press("down")
            await pilot.pause(0.01)
        assert results.highlighted == total - 1
        assert len(app.searching.results) == results.option_count == total
        assert [h.start for h in app.searching.results] == [h.start for h in app.index.search("工会", limit=0).results]


async def test_search_history_is_recalled_and_kept_across_restarts(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "工会")
        await pilot.press("enter")  # opened: remembered
        await pilot.press("slash", "ctrl+a")
        for q in ("心灵港湾",):
            bar = app.query_one(SearchInput)
            bar.value = q
            await wait_results(pilot, app, q)
        await pilot.press("down", "escape")  # Esc on the results: the query is kept in the history
        assert app.query_one(SearchInput).value == ""
    again = make_app(state_dir=data(tmp_path))
    async with again.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, again)
        await pilot.press("slash", "x")
        bar = again.query_one(SearchInput)
        await pilot.press("up")
        assert bar.value == "心灵港湾"
        await pilot.press("up")
        assert bar.value == "工会"
        await pilot.press("down", "down")
        assert bar.value == "x"  # what was being typed comes back


async def test_ctrl_d_and_ctrl_u_move_half_a_page():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await open_doc(pilot, app, 2)
        reader = app.query_one(Reader)
        half = reader.scrollable_content_region.height // 2
        start = round(reader.scroll_y)
        await pilot.press("ctrl+d")
        assert round(reader.scroll_y) == start + half
        await pilot.press("ctrl+u")
        assert round(reader.scroll_y) == start


async def test_restart_at_any_size_shows_the_kept_place(tmp_path):
    first = make_app(state_dir=data(tmp_path))
    async with first.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, first)
        await open_doc(pilot, first, 2)
        for _ in range(6):
            await pilot.press("space")
        kept = first.query_one(Reader).top_offset()
        first.reading.save_place()
    for size in ((80, 24), (120, 36)):
        app = make_app(state_dir=data(tmp_path))
        async with app.run_test(size=size) as pilot:
            await wait_index(pilot, app)
            await pilot.pause()
            reader, tree = app.query_one(Reader), app.query_one(DocTree)
            assert reader.display and reader.region.width > 0, size  # the reader, also in one pane
            assert reader.doc.id == "003_g60" and reader.top_offset() == kept
            if size[0] >= 100:
                await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.line >= 0)
                line = tree.cursor_line - round(tree.scroll_y)
                assert 0 <= line < tree.scrollable_content_region.height, "the tree's cursor is in view"


async def test_notices_never_hide_the_status_line():
    app = make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_index(pilot, app)
        await open_doc(pilot, app, 0)
        status = app_plain(app).splitlines()[-2]
        assert "心灵港湾服务职工纪实" in status
        app.notify("Find wrapped to the last match. " * 3, timeout=30)
        await wait_for(pilot, lambda: "Find wrapped" in app_plain(app))
        screen = app_plain(app)
        assert screen.splitlines()[-2] == status


async def test_the_header_status_shortens_instead_of_being_cut(monkeypatch):
    import tui.app.screens.search as appmod

    monkeypatch.setattr(appmod, "SEARCH_LIMIT", 3)
    monkeypatch.setattr(appmod, "MORE_AHEAD", 0)
    app = make_app()
    async with app.run_test(size=(60, 15)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "工会")
        top = app_plain(app).splitlines()[0].rstrip()
        # "8 results (top 3 in 2 docs), 1 ms" does not fit in half of 60 columns:
        # the milliseconds go, nothing is cut mid-word.  The documents are
        # those of the results loaded, inside the "top": never "8 results in 2 docs".
        assert top.endswith(f"{app.searching.total} results (top 3 in 2 docs)"), top


async def test_a_long_index_build_is_searchable_before_it_ends(tmp_path, monkeypatch):
    """After the build's first commit the search bar answers on what is
    indexed so far, while the status still says how far indexing is."""
    import shutil

    import tui.search.index as index_mod
    from conftest import SEEDS
    from tui.app.app import YuelanApp

    monkeypatch.setattr(index_mod, "COMMIT_SECONDS", 0.0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    d = tmp_path / "docs"
    d.mkdir()
    for f in sorted(SEEDS.iterdir()):
        shutil.copy(f, d / f.name)
    seen = []
    real = YuelanApp._index_searchable

    def spy(self, index):
        seen.append(len(index.documents))
        real(self, index)

    monkeypatch.setattr(YuelanApp, "_index_searchable", spy)
    app = YuelanApp([str(d)], watch_files=False, state_dir=False)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(400):
            if app.index is not None and not app._index_partial:
                break
            await pilot.pause(0.05)
        assert app.index is not None and not app._index_partial
    assert seen and seen[0] < 5  # searchable after the first document(s), not at the end


async def test_typed_keys_and_new_status_texts_lay_out_nothing_and_long_queries_scroll():
    """A key typed into a bar of fixed size, and a status whose new text
    fits its width, ask for no layout of the whole screen (each was one on
    every keystroke, beside the search's answer); a status that needs more
    room still gets it, and a query longer than its bar keeps the cursor in
    view."""
    from tui.app.widgets.inputs import FindInput
    from tui.app.widgets.status import STEP, FitStatus

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await open_doc(pilot, app, 0)  # longer than the screen
        await pilot.press("ctrl+f")
        assert isinstance(app.focused, FindInput)
        await wait_settled(pilot, app)
        screen = app.screen
        layouts: list[int] = []
        real = screen._refresh_layout

        def counted(*args, **kwargs):
            layouts.append(1)
            return real(*args, **kwargs)

        screen._refresh_layout = counted
        await pilot.press(*"gonghui")
        await pilot.pause()
        assert layouts == []
        find = app.query_one(FindInput)
        await pilot.press(*("x" * (find.size.width + 20)))
        await pilot.pause()
        # Scrolled to the end of a text wider than the bar, as Textual's own Input is.
        assert find.virtual_size.width == len(find.value) + 1
        assert find.scroll_x == find.max_scroll_x == find.virtual_size.width - find.content_region.width > 0
        await pilot.press("home")
        await pilot.pause()
        assert find.scroll_x == 0

        # The reader's status line follows the reading position, at its size.
        await pilot.press("escape")
        await wait_settled(pilot, app)
        line = app_plain(app).splitlines()[-2]
        layouts.clear()
        reader = app.query_one(Reader)
        reader.focus()
        await pilot.press("G")  # to the end: another section, another percentage
        await wait_for(pilot, lambda: app_plain(app).splitlines()[-2] != line)
        await pilot.pause()
        assert layouts == []

        status = app.query_one("#search-status", FitStatus)
        status.show("a" * (STEP + 1))
        await pilot.pause()
        layouts.clear()
        width = status.content_size.width
        assert width == 2 * STEP
        status.show("b" * (2 * STEP))  # another text of the same step
        await pilot.pause()
        assert layouts == [] and status.content_size.width == width
        assert str(status.render()) == "b" * (2 * STEP)
        status.show("c" * (2 * STEP + 1))  # more room: a layout
        await pilot.pause()
        assert layouts and status.content_size.width == 3 * STEP


async def test_a_typed_key_and_its_answer_share_one_frame_and_a_slow_answer_lets_the_echo_through(monkeypatch):
    """The screen waits for the answer to a key typed into the search bar
    before it draws the key's echo, so that both come in one frame; an
    answer slower than ``ECHO_HOLD`` lets the echo through alone, and
    updates are never held for good."""
    import threading

    from tui.app.screens import search as search_screen

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "gongh")
        screen = app.screen
        drawn: list[tuple[str, str | None]] = []  # (search bar, answer shown) at each frame
        real = screen._compositor_refresh

        def recorded():
            resp = app.searching.response
            drawn.append((app.query_one(SearchInput).value, resp.query if resp else None))
            return real()

        screen._compositor_refresh = recorded
        # However long the answer takes: the echo waits for it.
        monkeypatch.setattr(search_screen, "ECHO_HOLD", 30.0)
        await pilot.press("u")
        await wait_results(pilot, app, "gonghu")
        await wait_for(pilot, lambda: ("gonghu", "gonghu") in drawn)
        assert [d for d in drawn if d[0] == "gonghu"][0] == ("gonghu", "gonghu")
        assert app._batch_count == 0
        # A key that changes nothing (the cursor) holds nothing.
        await pilot.press("left")
        assert app._batch_count == 0
        await pilot.press("end")

        # An answer that takes longer than ECHO_HOLD: the echo is drawn
        # while the search still runs, then the answer.
        monkeypatch.setattr(search_screen, "ECHO_HOLD", 0.05)
        gate = threading.Event()
        index = app.index
        fast = index.search

        def slow(query, *args, **kwargs):
            if query.startswith("gonghui"):
                gate.wait(30)
            return fast(query, *args, **kwargs)

        monkeypatch.setattr(index, "search", slow)
        drawn.clear()
        await pilot.press("i")
        await wait_for(pilot, lambda: ("gonghui", "gonghu") in drawn)
        assert app._batch_count == 0 and not gate.is_set()
        gate.set()
        await wait_results(pilot, app, "gonghui")
        await wait_for(pilot, lambda: ("gonghui", "gonghui") in drawn)

        # Emptying the bar while an answer is held back draws at once.
        await wait_settled(pilot, app)
        monkeypatch.setattr(search_screen, "ECHO_HOLD", 30.0)
        gate.clear()
        await pilot.press("x")
        assert app._batch_count == 1
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: app.query_one(SearchInput).value == "" and app._batch_count == 0)
        await wait_for(pilot, lambda: any(bar == "" for bar, _ in drawn))
        gate.set()


async def test_a_query_typed_before_the_last_answers_preview_leaves_no_preview_waiting(monkeypatch):
    """A new query cancels the preview the last answer scheduled; with no
    results it schedules none, and the app is settled (nothing waits)."""
    from tui.app.screens import search as search_screen

    monkeypatch.setattr(search_screen, "PREVIEW_DELAY", 30.0)  # still waiting when the next key comes
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await pilot.press("slash", *"工会")
        await wait_results(pilot, app, "工会")
        assert app.searching.results and not app.settled  # its preview waits
        await pilot.press(*"qqq")
        await wait_results(pilot, app, "工会qqq")
        assert not app.searching.results
        await wait_for(pilot, lambda: app.settled, 5.0)
