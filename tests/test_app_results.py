"""The results list builds the rows of its first screen at once and the
rest right after that screen is painted: every result must stay reachable
(Down, PageDown, End, scrolling), in rank order, with its own prompt
(pilot tests on the bundled seeds with the real engine)."""

from __future__ import annotations

import pytest

from app_support import app_plain, wait_for, wait_settled
from tui.app.app import YuelanApp
from tui.app.widgets.inputs import SearchInput
from tui.app.widgets.reader import Reader
from tui.app.widgets.result_list import ResultList

pytest.importorskip("tui.search")

QUERY = "工会"  # more results in the seeds than any screen holds


@pytest.fixture(autouse=True)
def one_page(monkeypatch):
    """Every result in the first page: no later page joins the list while
    a test drives the widget itself."""
    import tui.app.screens.search as search_mod

    monkeypatch.setattr(search_mod, "SEARCH_LIMIT", 1000)


@pytest.fixture(scope="module")
def seeds():
    from tui.corpus import load_corpus

    return load_corpus(None)


async def searched(pilot, app, query: str = QUERY) -> ResultList:
    await wait_for(pilot, lambda: app.index is not None or app.index_error is not None, "the index")
    assert app.index is not None, app.index_error
    await pilot.press("slash", *query)
    await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == query,
                   f"the results of {query}")
    results = app.query_one(ResultList)
    # The first answer fills the screen; the rest of the first page and the
    # counts follow once the typing pauses.
    await wait_for(pilot, lambda: app.settled, "the rest of the first page and the counts")
    await wait_for(pilot, lambda: results.option_count == len(app.searching.results), "every row")
    return results


def rows_match_results(results: ResultList, hits: list) -> None:
    """One row per hit, in rank order, each with its own title and snippet."""
    assert results.option_count == len(hits)
    for i, hit in enumerate(hits):
        option = results.get_option_at_index(i)
        assert option.id == str(i)
        assert str(option.prompt) == str(results._prompt(hit, results._width(), first=results._first_rows[hit.doc_id] == i))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_first_screen_now_the_rest_after_the_paint(seeds, size):
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=size) as pilot:
        results = await searched(pilot, app)
        hits = list(app.searching.results)
        assert len(hits) == app.searching.total
        rows_on_screen = results.scrollable_content_region.height // 2
        assert len(hits) > rows_on_screen + 2, "the query must fill more than one screen"
        # A new answer: the rows that fill the list now, the rest once painted.
        bar = results.vertical_scrollbar
        sizes_seen = []
        results.watch(bar, "window_virtual_size", lambda v: sizes_seen.append(v), init=False)
        results.show_results(QUERY, hits, {})
        assert rows_on_screen <= results.option_count < len(hits)
        assert results.highlighted == 0
        # as tall as every row will make it, before they are all built: the
        # scroll bar is drawn once for the answer
        assert results.virtual_size.height == 2 * len(hits)
        await wait_for(pilot, lambda: results.option_count == len(hits), "the rest of the rows")
        rows_match_results(results, hits)
        assert results.virtual_size.height == 2 * len(hits)
        await pilot.pause()
        # the same answer again: the scroll bar's height never moved
        assert set(sizes_seen) <= {2 * len(hits)}, sizes_seen


async def test_end_pagedown_and_down_reach_rows_not_built_yet(seeds):
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await searched(pilot, app)
        hits = list(app.searching.results)
        results.focus()
        await pilot.pause()
        assert app.focused is results
        # The keys' actions run before the rest is built (no await between).
        results.show_results(QUERY, hits, {})
        assert results.option_count < len(hits)
        results.action_last()  # End, G
        assert results.highlighted == len(hits) - 1
        rows_match_results(results, hits)
        results.highlighted = 0
        results.show_results(QUERY, hits, {})
        for _ in range(len(hits)):  # PageDown
            if results.highlighted == len(hits) - 1:
                break
            results.action_page_down()
        assert results.highlighted == len(hits) - 1
        results.highlighted = 0
        results.show_results(QUERY, hits, {})
        built = results.option_count
        results.highlighted = built - 1
        results.action_cursor_down()  # Down, j past the last built row
        assert results.highlighted == built
        rows_match_results(results, hits)
        # The same through the keys: the last row is on screen.
        results.highlighted = 0
        results.show_results(QUERY, hits, {})
        await pilot.press("end")
        assert results.highlighted == len(hits) - 1
        last_snippet = str(results.get_option_at_index(len(hits) - 1).prompt).split("\n")[1]
        assert last_snippet.strip() in app_plain(app)
        await pilot.press("home", *["pagedown"] * len(hits))
        assert results.highlighted == len(hits) - 1


async def test_scrolling_reaches_the_last_row_on_screen(seeds):
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        results = await searched(pilot, app)
        hits = list(app.searching.results)
        results.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert results.scroll_y == results.max_scroll_y == 2 * len(hits) - results.scrollable_content_region.height
        last_snippet = str(results.get_option_at_index(len(hits) - 1).prompt).split("\n")[1]
        assert last_snippet.strip() in app_plain(app)


async def test_a_page_added_before_the_rest_is_built_keeps_rank_order(seeds):
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await searched(pilot, app)
        hits = list(app.searching.results)
        half = len(hits) // 2
        results.show_results(QUERY, hits[:half], {})
        assert results.option_count < half
        results.add_hits(hits[half:], {})  # the next page arrives first
        await wait_for(pilot, lambda: results.option_count == len(hits), "every row")
        rows_match_results(results, hits)


async def test_the_open_document_follows_the_new_query_after_the_results(seeds):
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        results = await searched(pilot, app)
        await pilot.press("enter")  # the top result of 工会 in the reader
        reader = app.query_one(Reader)
        await wait_for(pilot, lambda: reader.doc is not None and reader.hits, "the document with its hits")
        doc = reader.doc
        await pilot.press("slash", "ctrl+u", *"律师")
        await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == "律师",
                       "the results of 律师")
        await wait_for(pilot, lambda: reader.hits == app.searching.spans(doc.id), "the reader's highlights for 律师")
        assert all(doc.text[s:e] == "律师" for s, e in reader.hits)
        assert results.option_count == len(app.searching.results)


async def test_a_result_opened_before_the_next_frame_keeps_its_hit(seeds):
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        await searched(pilot, app)
        search = app.screen.search
        resp = app.index.search(QUERY, limit=1000)
        # An answer, then a result opened before the frame that would refresh
        # the reader's highlights (the user pressed Enter at once; one pane:
        # no preview of the highlighted row comes after it).
        search.search_done(QUERY, resp)
        search.open_result(1, focus=False, record=False)
        reader = app.query_one(Reader)
        opened = reader.hits[reader.current]
        await pilot.pause()
        await pilot.pause()
        hit = app.searching.results[1]
        assert reader.doc is hit.doc and reader.current is not None
        assert reader.hits[reader.current] == opened


def _drawn(strips) -> list[list[tuple[str, object, dict]]]:
    """Each line as (text, style, meta) per segment: what reaches the
    screen, and what decides which segments merge on it."""
    return [[(seg.text, seg.style, seg.style.meta if seg.style else None) for seg in strip] for strip in strips]


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
async def test_rows_are_drawn_as_content_would_draw_them(seeds, size):
    """Rows are drawn straight from their runs; every line, in every state
    (plain, highlighted, hover, and with another theme), must equal what the
    OptionList draws from the same row as Content, on results of several
    query kinds (pinyin, typo, partial, several terms)."""
    from textual.widgets import OptionList

    real = OptionList._get_option_render
    fallbacks = []  # rows drawn through Content instead of from their runs

    def through_content(self, option, style):
        fallbacks.append(str(option.prompt))
        return real(self, option, style)

    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=size) as pilot:
        checked = 0
        for query in (QUERY, "xlgw", "心灵港弯", "创业贷款 银行", "gonghui gaige"):
            results = await searched(pilot, app, query) if checked == 0 else None
            if results is None:
                search = app.query_one("#search")
                search.value = query
                await wait_for(pilot, lambda q=query: app.searching.response is not None
                               and app.searching.response.query == q, f"the results of {query}")
                results = app.query_one(ResultList)
                await wait_for(pilot, lambda: results.option_count == len(app.searching.results), "every row")
            for theme in (None, "textual-light"):
                if theme:
                    app.theme = theme
                    await pilot.pause()
                states = [results.get_visual_style("option-list--option", *c) for c in
                          ((), ("option-list--option-highlighted",), ("option-list--option-hover",))]
                for i in range(results.option_count):
                    option = results.get_option_at_index(i)
                    for style in states:
                        results._option_render_cache.clear()
                        with pytest.MonkeyPatch.context() as m:
                            m.setattr(OptionList, "_get_option_render", through_content)
                            fast = results._get_option_render(option, style)
                        results._option_render_cache.clear()
                        option._set_prompt(option.prompt.content())
                        slow = OptionList._get_option_render(results, option, style)
                        option._set_prompt(results._prompt(results.hits[i], results._width(),
                                                           first=results._first_rows[results.hits[i].doc_id] == i))
                        assert _drawn(fast) == _drawn(slow), (query, i, str(option.prompt))
                        assert [s.cell_length for s in fast] == [s.cell_length for s in slow]
                        checked += 1
                app.theme = "textual-dark"
                await pilot.pause()
        assert checked > 300
        assert not fallbacks, fallbacks[:3]  # every row was drawn from its runs


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_counts_arriving_redraw_exactly_what_a_full_redraw_shows(seeds, size):
    """Final hit counts replace only the rows that show one; the screen must
    then be what redrawing every row gives, and show each count."""
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=size) as pilot:
        results = await searched(pilot, app)
        # A blinking cursor, or a preview still to come, would change the
        # screen between the two pictures.
        app.query_one(SearchInput).cursor_blink = False
        await wait_settled(pilot, app)
        assert results.counts
        shown = app.export_screenshot()
        first = results.hits[0]
        assert f"{results.counts[first.doc_id]} hit" in str(results.get_option_at_index(0).prompt)
        results._clear_caches()
        await pilot.pause()
        assert app.export_screenshot() == shown
        # and a count that changes redraws its row
        results.set_counts({first.doc_id: results.counts[first.doc_id] + 1000})
        await pilot.pause()
        shown = app.export_screenshot()
        assert f"{results.counts[first.doc_id]} hits" in shown.replace("&#160;", " ")
        results._clear_caches()
        await pilot.pause()
        assert app.export_screenshot() == shown


async def test_a_count_on_a_row_wider_than_the_list_does_not_break_it(seeds):
    """A row wider than the list (the terminal narrowed after it was built)
    is measured through Content; a count arriving then must still land."""
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        results = await searched(pilot, app)
        first = results.hits[0]
        # the engine's own counts first, so that they cannot land after ours
        await wait_settled(pilot, app)
        assert first.doc_id in results.counts
        option = results.get_option_at_index(0)
        wide = results._prompt(first, results._width() + 40, first=True)
        option._set_prompt(wide)
        assert wide.width > results.scrollable_content_region.width
        results.set_counts({first.doc_id: 12345})
        await pilot.pause()
        assert "12345 hits" in str(results.get_option_at_index(0).prompt)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_the_first_answer_fills_the_list_and_the_rest_of_the_page_follows(seeds, size, monkeypatch):
    """A key's answer holds the rows the list shows (and the cursor's
    look-ahead), not the whole first page: the rest comes once the typing
    pauses, in the engine's order, as if it had come at once."""
    import tui.app.screens.search as search_mod

    monkeypatch.setattr(search_mod, "SEARCH_LIMIT", 50)
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.index is not None, "the index")
        await pilot.press("slash", *QUERY)
        await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == QUERY,
                       "the first answer")
        results = app.query_one(ResultList)
        first = list(app.searching.response.results)
        shown = results.scrollable_content_region.height // 2
        total = app.searching.total
        assert total > 50
        # the rows the list builds at once, and the cursor's look-ahead
        assert len(first) == results.screen_rows() + search_mod.MORE_AHEAD
        assert shown < len(first) < 50
        await wait_settled(pilot, app)
        hits = list(app.searching.results)
        assert len(hits) == 50
        expected = app.index.search(QUERY, limit=50).results
        assert [(h.doc_id, h.start, h.end) for h in hits] == [(h.doc_id, h.start, h.end) for h in expected]
        await wait_for(pilot, lambda: results.option_count == len(hits), "every row")
        rows_match_results(results, hits)
        docs = len({h.doc_id for h in hits})
        assert f"{total} results (top 50 in {docs} docs)" in app_plain(app).splitlines()[0]


SHORT = "心灵港湾"  # two results, each snippet cut to the list's width


async def test_rows_are_laid_out_alike_after_a_long_answer_and_a_short_one(seeds):
    """The list keeps the last answer's height (and scroll bar) until the
    next answer's rows are in: a row's layout must not depend on it."""
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await searched(pilot, app)  # more rows than the screen: a scroll bar
        assert results.show_vertical_scrollbar
        await pilot.press("slash")
        app.query_one(SearchInput).value = SHORT  # pasted: the long answer's rows are still in
        await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == SHORT,
                       "the short answer")
        await wait_settled(pilot, app)
        hits = list(app.searching.results)
        assert 0 < 2 * len(hits) < results.scrollable_content_region.height
        await wait_for(pilot, lambda: not results.show_vertical_scrollbar, "the scroll bar gone")
        before = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        results.rebuild()  # laid out again, with no scroll bar now
        assert [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)] == before


async def test_counts_arriving_while_the_list_is_hidden(seeds):
    """At 80x24 the reader takes the whole screen when a result is opened,
    and the list has no width; the documents' hit counts still arrive (the
    reader's own count, the search's): they are kept and shown on return.
    Laying out a row at width 0 crashed the app (Rich cannot wrap at 0)."""
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        results = await searched(pilot, app)
        results.focus()
        await pilot.press("enter")  # the reader, alone on the screen
        await wait_for(pilot, lambda: results.scrollable_content_region.width == 0, "the list hidden")
        hit = app.searching.results[0]
        results.set_counts({hit.doc_id: 9999})
        await pilot.pause()
        await pilot.press("escape")  # back to the list
        await wait_for(pilot, lambda: results.scrollable_content_region.width > 0, "the list shown")
        await wait_for(pilot, lambda: "9999 hits" in app_plain(app), "the count on its row")


async def test_identical_passages_folded_into_one_result_are_not_a_page_to_load(tmp_path):
    """Three copies of a notice and one other passage: 4 results in 2 rows.
    The status says "4 results in 1 doc" (no "top 2": nothing is left to
    load), and reaching the end of the list asks the engine for nothing."""
    from tui.corpus import load_corpus

    (tmp_path / "a.txt").write_text("通知：工会会议改期。\n\n" * 3 + "工会换届选举。\n", encoding="utf-8")
    app = YuelanApp(state_dir=False, corpus=load_corpus([str(tmp_path)]))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.index is not None, "the index")
        asked = []
        search = app.index.search
        app.index.search = lambda q, *a, **k: asked.append(k.get("offset", 0)) or search(q, *a, **k)
        await pilot.press("slash", *"工会")
        await wait_settled(pilot, app)
        assert (app.searching.total, len(app.searching.results)) == (4, 2)
        assert "4 results in 1 doc" in app_plain(app).splitlines()[0]
        await pilot.press("tab", "end", "down", "down")
        await wait_settled(pilot, app)
        assert asked and set(asked) == {0}, asked
