"""Pilot tests for each flow of the app (issue 4), on a hand-built corpus."""

from __future__ import annotations

import re
import unicodedata

import pytest
from textual.command import CommandPalette

from app_support import (FakeIndex, app_plain, drain, make_app, many_results_corpus, sample_corpus, wait_for, wait_index,
                         wait_results, wait_text)
from tui.app.app import YuelanApp
from tui.app.widgets.reader import Reader
from tui.app.screens.bookmarks import BookmarksScreen
from tui.app.screens.help import KEYS, HelpScreen
from tui.app.widgets.doc_tree import DocTree, NodeRef
from tui.app.widgets.footer import LeanFooter
from tui.app.widgets.inputs import SearchInput
from tui.app.widgets.result_list import ResultList


async def search(pilot, app, query: str) -> None:
    await pilot.press("slash")
    await pilot.press(*query)
    await wait_results(pilot, app, query)


def visible_lines(reader: Reader) -> range:
    top = round(reader.scroll_y)
    return range(top, top + reader.scrollable_content_region.height)


# --------------------------------------------------------------------- browse


async def test_browse_tree_lists_documents_and_sections():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        tree = app.query_one(DocTree)
        assert app.focused is tree
        labels = [str(n.label) for n in tree.doc_nodes]
        assert labels[0].startswith("心灵港湾服务职工纪实") and "(5)" in labels[0]
        assert len(tree.doc_nodes) == 3
        # Sections nest by level: (一)/(二) under 一、.  They are added when
        # a document is first expanded (or revealed by the reader).
        doc1 = tree.doc_nodes[0]
        doc1.expand()
        await pilot.pause()
        assert doc1.is_expanded
        assert [str(c.label) for c in doc1.children] == ["一、建设背景", "二、主要做法", "三、工作成效"]
        assert [str(c.label) for c in doc1.children[0].children] == ["(一)需求调研", "(二)方案设计"]
        doc1.collapse()
        await pilot.pause()
        # The first document is open on start; Enter on the second opens it.
        reader = app.query_one(Reader)
        assert reader.doc.id == "001_harbour"
        await pilot.press("j", "enter")
        await pilot.pause()
        assert reader.doc.id == "002_reform"
        assert app.focused is reader
        screen = app_plain(app)
        assert "深化工會改革" in screen
        assert "工會改革的探索與實踐" in screen.splitlines()[-2]  # status line


async def test_tree_enter_on_section_scrolls_reader_and_status_follows():
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        tree = app.query_one(DocTree)
        reader = app.query_one(Reader)
        doc = app.documents[0]
        tree.doc_nodes[0].expand()
        await pilot.pause()
        tree.move_cursor(tree.section_nodes[0][3])  # 二、主要做法
        await pilot.press("enter")
        await pilot.pause()
        assert reader.lay.line_at(doc.sections[3].start) in visible_lines(reader)
        assert reader.top_offset() == doc.sections[3].start or reader.scroll_y == reader.max_scroll_y
        status = app_plain(app).splitlines()[-2]
        assert "心灵港湾服务职工纪实 › 二、主要做法" in status


async def test_reader_keys_scroll():
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_index(pilot, app)
        tree = app.query_one(DocTree)
        tree.move_cursor(tree.doc_nodes[2])
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        assert app.focused is reader and reader.scroll_y == 0
        await pilot.press("j", "j", "down")
        assert reader.scroll_y == 3
        await pilot.press("k")
        assert reader.scroll_y == 2
        await pilot.press("space")
        page = reader.scrollable_content_region.height - 2
        assert reader.scroll_y == 2 + page
        await pilot.press("b")
        assert reader.scroll_y == 2
        await pilot.press("pagedown", "pageup")
        assert reader.scroll_y == 2
        await pilot.press("G")
        assert reader.scroll_y == reader.max_scroll_y > 0
        assert app_plain(app).splitlines()[-2].rstrip().endswith("100%")
        await pilot.press("g")
        assert reader.scroll_y == 0


# --------------------------------------------------------------------- search


async def test_search_as_you_type_shows_ranked_results_and_count():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "xlgw")
        results = app.query_one(ResultList)
        assert results.display and results.option_count == len(app.searching.results) > 0
        screen = app_plain(app)
        top = screen.splitlines()[0]
        assert "xlgw" in top and "results in 2 docs" in top
        # title › section, snippet with the match, per-document match count.
        assert re.search(r"心灵港湾\S* › \S", screen)
        assert "(pinyin)" in screen
        assert app.searching.hits["001_harbour"] and app.searching.hits["002_reform"]


async def test_keys_typed_in_one_burst_after_slash_land_in_the_search_bar():
    """Over SSH '/xlgw' often arrives in one packet: no key may go astray."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        for ch in "/xlgw":
            app.post_message(events.Key("slash" if ch == "/" else ch, ch))
        await wait_results(pilot, app, "xlgw")
        assert app.query_one(SearchInput).value == "xlgw"
        assert not app.query_one(DocTree).doc_nodes[0].is_expanded


async def test_a_key_after_a_pause_searches_at_once_and_a_burst_searches_once(monkeypatch):
    """The debounce waits only within a burst: the first key after a pause
    is searched without waiting (30 ms on every keystroke before), the keys
    that follow it closely wait for the burst to end, then one search."""
    import tui.app.screens.search as searching_mod

    monkeypatch.setattr(searching_mod, "DEBOUNCE", 30.0)  # a burst lasts as long as the test
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        asked = []
        real = app.index.search

        def recording(query, *a, **kw):
            asked.append(query)
            return real(query, *a, **kw)

        monkeypatch.setattr(app.index, "search", recording)
        await pilot.press("slash")
        flow = app.get_screen_main().search
        flow.last_query_key = 0.0  # a long pause before the first key
        await pilot.press("x")
        await wait_results(pilot, app, "x")  # long before DEBOUNCE
        await pilot.press("l", "g", "w")  # within the burst: no search yet
        await pilot.pause()
        assert asked == ["x"]
        assert flow.search_timer is not None
        flow.search_timer.stop()
        flow.run()  # the burst's end
        await wait_results(pilot, app, "xlgw")
        assert asked[1:] == ["xlgw"]


async def test_no_results_is_said_plainly():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "zzzz")
        screen = app_plain(app)
        assert "no results" in screen.splitlines()[0]
        assert "No results for 'zzzz'." in screen


async def test_each_keystroke_searches_and_stale_results_are_dropped():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "心灵")
        first = list(app.searching.results)
        # A late answer for an old query must not replace the current one.
        old = app.index.search("工会")
        app.get_screen_main().search.search_done("工会", old)
        await pilot.pause()
        assert app.searching.results == first
        await pilot.press("backspace", "backspace")
        await pilot.pause()
        assert app.searching.results == [] and app.query_one("#left").current == "tree"


async def test_query_typed_while_indexing_runs_when_ready():
    import threading

    gate = threading.Event()

    def slow_index(docs):
        gate.wait(30)  # the index is "building" until the test says so
        return FakeIndex(docs)

    app = YuelanApp(state_dir=False, corpus=sample_corpus(), index_factory=slow_index)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.index is None  # held at the gate
        await pilot.press("slash", *"xlgw")
        await wait_for(pilot, lambda: app.searching.query == "xlgw" and "indexing" in app_plain(app).splitlines()[0],
                       "the query waiting for the index")
        await pilot.press("enter")  # before the index is ready: opens when it is
        gate.set()
        await wait_index(pilot, app)
        await wait_results(pilot, app, "xlgw")
        assert app.searching.results and "results" in app_plain(app).splitlines()[0]
        await pilot.pause()
        reader = app.query_one(Reader)
        assert app.focused is reader and reader.doc.id == app.searching.results[0].doc_id
        assert reader.current is not None


# --------------------------------------------------------------- open result


async def test_open_result_scrolls_passage_into_view_and_highlights_hits():
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "心灵港湾")
        results = app.query_one(ResultList)
        # Choose the last result of the first document (far down the text).
        target = max(
            (i for i, h in enumerate(app.searching.results) if h.doc_id == "001_harbour"),
            key=lambda i: app.searching.results[i].start,
        )
        await pilot.press("down")
        assert app.focused is results
        results.highlighted = target
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        hit = app.searching.results[target]
        assert app.focused is reader and reader.doc.id == hit.doc_id
        assert reader.hits == app.searching.hits[hit.doc_id]
        cs, ce = reader.hits[reader.current]
        assert hit.start <= cs < hit.end
        line = reader.lay.line_at(cs)
        top = round(reader.scroll_y)
        assert line in visible_lines(reader)
        assert line > top or top == 0  # not glued to the top edge
        status = app_plain(app).splitlines()[-2]
        assert f"hit {reader.current + 1}/{len(reader.hits)}" in status
        # The current hit is drawn differently from the other hits.
        strip = reader.render_line(line - top)
        styles = {seg.style for seg in strip if "心灵港湾" in seg.text}
        assert len(styles) >= 1
        current_style = reader.get_component_rich_style("reader--current", partial=True)
        assert any(current_style.reverse == s.reverse and s.reverse for s in styles)


async def test_enter_in_search_bar_opens_top_result():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "xlgw")
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        assert app.focused is reader
        assert reader.doc.id == app.searching.results[0].doc_id
        assert reader.current is not None


async def test_next_and_previous_hit_cross_documents_with_notice():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "心灵港湾")
        order = app.searching.docs
        assert order[:2] == ["001_harbour", "002_reform"]
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        first = reader.current
        await pilot.press("n")
        assert reader.current == first + 1
        await pilot.press("N")
        assert reader.current == first
        # Walk to the end of the document, then one more: the next document.
        n = len(reader.hits)
        await pilot.press(*["n"] * (n - 1 - first))
        assert reader.current == n - 1 and reader.doc.id == "001_harbour"
        await pilot.press("n")
        await pilot.pause()
        assert reader.doc.id == "002_reform" and reader.current == 0
        messages = [str(m.message) for m in app._notifications]
        assert any("Next document: 工會改革的探索與實踐" in m for m in messages)
        # Back across the boundary with N.
        await pilot.press("N")
        await pilot.pause()
        assert reader.doc.id == "001_harbour" and reader.current == n - 1
        # Past the last document: wrap to the first, said plainly.
        await pilot.press("n", "n")
        await pilot.pause()
        assert reader.doc.id == "001_harbour" and reader.current == 0
        assert any("Wrapped to the first document" in str(m.message) for m in app._notifications)


async def test_n_without_a_search_says_so():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await pilot.press("n")
        assert any("No search yet" in str(m.message) for m in app._notifications)


# ----------------------------------------------------------------- sections


async def test_section_jumps_and_tree_follows_the_reader():
    app = make_app()
    async with app.run_test(size=(120, 20)) as pilot:
        await wait_index(pilot, app)
        await pilot.press("tab")
        reader = app.query_one(Reader)
        tree = app.query_one(DocTree)
        assert app.focused is reader
        doc = app.documents[0]
        for i in range(len(doc.sections)):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert reader.top_offset() == doc.sections[i].start or reader.scroll_y == reader.max_scroll_y
            if reader.scroll_y < reader.max_scroll_y:
                assert tree.cursor_node.data == NodeRef(0, i)
        await pilot.press("g")
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert reader.top_offset() == doc.sections[0].start
        assert tree.cursor_node.data == NodeRef(0, 0)
        # Scrolling line by line moves the tree cursor into the next section.
        await pilot.press(*["j"] * 6)
        await pilot.pause()
        assert tree.cursor_node.data == NodeRef(0, doc.section_at(reader.top_offset()))
        assert tree.cursor_node.data.section == 1


# ------------------------------------------------------------------- narrow


@pytest.mark.parametrize("size", [(80, 24), (60, 15)])
async def test_narrow_shows_one_pane_and_tab_switches(size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await wait_index(pilot, app)
        left, right = app.query_one("#left"), app.query_one("#right")
        assert left.display and not right.display and app.screen.has_class("narrow")
        assert left.size.width >= size[0] - 1
        await pilot.press("tab")
        assert not left.display and right.display and app.focused is app.query_one(Reader)
        await pilot.press("tab")
        assert left.display and not right.display
        # Search, open a result: the reader replaces the list; Esc goes back.
        await search(pilot, app, "xlgw")
        assert left.display
        await pilot.press("down", "enter")
        await pilot.pause()
        assert right.display and not left.display
        assert "hit " in app_plain(app)
        # Laid out at the width it is shown at, with the hit in view.
        reader = app.query_one(Reader)
        assert reader.lay.width == reader.measure == min(reader.scrollable_content_region.width, 100)
        assert reader.lay.line_at(reader.hits[reader.current][0]) in visible_lines(reader)
        await pilot.press("escape")
        await pilot.pause()
        assert left.display and app.focused is app.query_one(ResultList)
        await pilot.press("escape")
        await pilot.pause()
        assert app.query_one("#left").current == "tree" and app.searching.query == ""


# The search status as a whole form: the count, then what fits of the
# page and its documents, and the time (never cut inside one of them).
STATUS_FORM = re.compile(r"\d+ results?( \(top \d+( in \d+ docs?)?\)| in \d+ docs?)?(, \d+ ms)?")


def footer_hints(app) -> tuple[list[str], list[str]]:
    """(the footer's line split where keys are separated, the hints of the
    keys it shows, in order)."""
    line = app_plain(app).splitlines()[-1]
    shown = [k for k in app.screen.query_one(LeanFooter).children if k.display]
    return re.split(r"\s{2,}", line.strip()), [f"{k.key_display} {k.description}" for k in shown]


async def test_footer_and_search_status_stay_whole_at_every_size():
    """From 60x15 up, the footer shows whole key hints with space between
    them (the less important ones dropped: "? Help^p palette" ran them
    together) and the search status a whole form, chosen again when the
    terminal is resized (the long form wrapped and was cut at 60 columns:
    "252 results (top 50) in 3", in the words of the time)."""
    app = make_app(corpus=many_results_corpus())
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "工会")
        await pilot.press("down")  # the list has focus: the footer has all its keys
        for where in ("list", "reader"):
            for size in [(120, 36), (80, 24), (70, 20), (60, 15), (100, 30)]:
                await pilot.resize_terminal(*size)
                await drain(pilot)
                top = app_plain(app).splitlines()[0]
                status = re.split(r"\s{2,}", top.strip())[-1]
                assert STATUS_FORM.fullmatch(status), (where, size, top)
                if size[0] >= 80:
                    assert status.endswith(" ms"), (where, size, top)  # the whole of it where it fits
                hints, expected = footer_hints(app)
                assert hints == expected, (where, size, hints)
                assert {"? Help", "^p palette"} <= set(hints), (where, size, hints)
                assert len(hints) == (7 if size[0] >= 80 else len(hints)) and len(hints) >= 5, (where, size, hints)
            await pilot.press("enter")  # the reader: "tab List", the same keys besides
            await drain(pilot)


async def test_too_small_terminal_shows_a_notice_and_recovers():
    app = make_app()
    async with app.run_test(size=(50, 12)) as pilot:
        await wait_index(pilot, app)
        assert "Terminal too small" in app_plain(app)
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert "Terminal too small" not in app_plain(app)
        assert "心灵港湾服务职工纪实" in app_plain(app)


# -------------------------------------------------------------- help, palette


async def test_help_lists_every_key():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_index(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        screen = app_plain(app)
        for key in ["/", "Esc", "Tab", "n / N", "[ / ]", "y", "?", "ctrl+p", "q / ctrl+q", "j / k", "g / G",
                    "space / b", "PageDown", "Enter"]:
            assert key in screen, key
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


def test_every_app_binding_is_in_the_help():
    text = "\n".join(k for _, keys in KEYS for k, _ in keys)
    names = {"slash": "/", "escape": "Esc", "question_mark": "?", "left_square_bracket": "[",
             "right_square_bracket": "]", "apostrophe": "'"}
    for b in YuelanApp.BINDINGS:
        for key in b.key.split(","):
            shown = names.get(key, key)
            assert len(shown) == 1 or shown.startswith("ctrl+") or shown == "Esc", key
            assert re.search(r"(^|[ ,/])" + re.escape(shown) + r"($|[ ,/])", text, re.M), key


async def test_palette_opens_a_document_by_pinyin_and_jumps_to_a_section():
    pytest.importorskip("pypinyin")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"ghgg")  # 工會改革 by pinyin initials
        assert "Open: 工會改革的探索與實踐" in await wait_text(pilot, app, "Open: 工會改革的探索與實踐")
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        assert reader.doc.id == "002_reform"
        await pilot.press("ctrl+p")
        await pilot.press(*"具體措施")
        await wait_text(pilot, app, "Section: 第二章 具體措施")
        await pilot.press("enter")
        await pilot.pause()
        doc = app.documents[1]
        assert reader.top_offset() == doc.sections[1].start or reader.scroll_y == reader.max_scroll_y


def test_palette_matcher_reads_every_pronunciation_and_traditional_titles():
    """The palette reads pinyin from the search's tables: every reading of a
    polyphonic character (重: zhong and chong), Traditional characters, the
    syllable being typed; positions point at the matched characters."""
    pytest.importorskip("pypinyin")
    from tui.app.screens.commands import match

    assert match("cq", "去重庆开会") == (0.8, [1, 2])
    assert match("zhongqing", "重慶市")[1] == [0, 1]
    assert match("chongqi", "重慶市")[1] == [0, 1]
    assert match("xinl", "職工的心靈港灣")[1] == [3, 4]
    assert match("xlgw", "心灵港湾")[0] > match("xlgw", "心x灵x港x湾")[0]  # initials beat a subsequence
    assert match("zz", "心灵港湾") == (0.0, [])


async def test_palette_has_theme_and_key_commands():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for t in ["Search", "Next hit", "Previous hit", "Next section", "Previous section", "Next pane",
                  "Copy passage", "Help", "Theme", "Quit"]:
            assert t in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"theme")
        assert "Switch the colour theme" in await wait_text(pilot, app, "Switch the colour theme")



async def test_palette_commands_act_on_the_main_screen():
    """A command runs as the palette closes: it must reach the main screen
    (its objects, its dialogs), not the palette."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "工会")
        await pilot.press("enter")
        reader = app.query_one(Reader)
        await wait_for(pilot, lambda: app.focused is reader and reader.current is not None, "the first result open")
        first = reader.current
        await pilot.press("ctrl+p", *"Next hit")
        assert "Go to the next hit of the search" in await wait_text(pilot, app, "Go to the next hit of the search")
        await pilot.press("enter")
        await wait_for(pilot, lambda: reader.current == first + 1, "the next hit")
        await pilot.press("ctrl+p", *"Bookmarks")
        assert "List bookmarks: jump" in await wait_text(pilot, app, "List bookmarks: jump")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, BookmarksScreen), "the bookmarks dialog")


# ---------------------------------------------------------------------- copy


async def test_copy_passage_with_citation():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "心灵港湾")
        await pilot.press("enter")
        await pilot.pause()
        hit = app.searching.results[0]
        await pilot.press("y")
        clip = app.clipboard
        assert hit.passage.strip() in clip
        line = hit.doc.text[: hit.start].count("\n") + 1
        assert line > 1
        assert clip.rstrip().endswith(f"({hit.title} \u203a {hit.section}, 001_harbour.txt:{line})")
        assert any("Copied" in str(m.message) for m in app._notifications)


# ---------------------------------------------------------------------- safety


async def test_document_markup_and_controls_are_shown_literally():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "click")
        await pilot.press("enter")
        await pilot.pause()
        screen = app_plain(app)
        assert "[bold]不是粗体[/]" in screen
        assert "[@click=app.quit]点我[/]" in screen
        assert "a[i]" in screen
        assert "\x1b" not in screen and "\x07" not in screen
        assert "\u241b]0;pwned\u2407" in screen
        # Copying escapes the control characters too.
        await pilot.press("y")
        assert "\x1b" not in app.clipboard and "\u241b" in app.clipboard
        assert app.is_running


async def test_hostile_titles_in_tree_results_and_status():
    from app_support import build_doc
    from tui.corpus.model import Corpus

    bad = build_doc("x", "[bold]标题[/] \x1b[2J\x1b]52;c;AAAA\x07 [@click=app.quit]", [("body", "正文[/]内容")])
    app = YuelanApp(state_dir=False, corpus=Corpus([bad], []), index_factory=FakeIndex)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "内容")
        screen = app_plain(app)
        assert "[bold]标题[/]" in screen
        assert "\x1b" not in screen
        await pilot.press("enter", "y")
        await pilot.pause()
        assert app.is_running
        assert "[@click=app.quit]" in app_plain(app)


def _chrome_chars(app) -> set[str]:
    text = app_plain(app)
    corpus = "".join(d.text + d.title for d in app.documents)
    return {c for c in text if c not in corpus}


async def test_chrome_has_no_east_asian_ambiguous_glyphs():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        seen = _chrome_chars(app)
        await search(pilot, app, "xlgw")
        seen |= _chrome_chars(app)
        await pilot.press("enter")
        await pilot.pause()
        seen |= _chrome_chars(app)
        await pilot.press("question_mark")
        await pilot.pause()
        seen |= _chrome_chars(app)
        await pilot.press("escape", "ctrl+p")
        assert "Open a document, go to a section" in await wait_text(pilot, app, "Open a document, go to a section")
        seen |= _chrome_chars(app)
        await pilot.press(*"xlgw")
        assert "Open: 心灵港湾" in await wait_text(pilot, app, "Open: 心灵港湾")
        seen |= _chrome_chars(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette closed")
        app.search_themes()
        assert "textual-light" in await wait_text(pilot, app, "textual-light")
        seen |= _chrome_chars(app)
        ambiguous = {c for c in seen if unicodedata.east_asian_width(c) == "A"}
        assert not ambiguous, sorted(ambiguous)


async def test_empty_corpus_opens_and_says_so():
    from tui.corpus.model import Corpus, Skipped

    app = YuelanApp(state_dir=False, corpus=Corpus([], [Skipped("/x/a.bin", "binary file")]), index_factory=FakeIndex)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app_plain(app)
        assert "no readable documents" in screen
        assert "Skipped files (1)" in screen
        for key in ["n", "y", "right_square_bracket", "tab", "slash", "a", "escape", "escape"]:
            await pilot.press(key)
        assert app.is_running


async def test_quit_keys():
    for key in ("q", "ctrl+q"):
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_index(pilot, app)
            await pilot.press(key)
            await pilot.pause()
            assert not app.is_running


async def test_long_document_is_laid_out_in_a_thread(monkeypatch):
    import tui.app.widgets.reader as reader_mod

    monkeypatch.setattr(reader_mod, "BIG_DOCUMENT", 100)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "心灵港湾")
        await pilot.press("enter")
        reader = app.query_one(Reader)
        for _ in range(1000):
            if reader.lay is not None:
                break
            await pilot.pause(0.01)
        await pilot.pause()
        assert reader.lay is not None and reader.current is not None
        line = reader.lay.line_at(reader.hits[reader.current][0])
        assert line in visible_lines(reader)
        assert "心灵港湾" in app_plain(app)
        await pilot.resize_terminal(120, 30)
        for _ in range(1000):
            if reader.lay is not None and reader.lay.width == reader.measure:
                break
            await pilot.pause(0.01)
        await pilot.pause()
        assert reader.lay.width == reader.measure
        assert reader.lay.line_at(reader.hits[reader.current][0]) in visible_lines(reader)


async def test_resizing_through_odd_sizes_never_crashes():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "心灵港湾")
        await pilot.press("enter")
        for size in [(99, 30), (80, 24), (60, 15), (59, 15), (12, 4), (1, 1), (200, 60), (100, 15)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.is_running
            app_plain(app)
        assert "hit " in app_plain(app)


async def test_random_keys_soak():
    """300 seeded random keys across every screen: no exception.  (Run with
    other seeds by hand when changing key handling: seeds 2 and 3 found bugs.)"""
    import random

    from textual import events

    keys = ["j", "k", "g", "G", "n", "N", "y", "tab", "escape", "enter", "space", "b", "slash",
            "left_square_bracket", "right_square_bracket", "question_mark", "up", "down", "pageup",
            "pagedown", "home", "end", "left", "right", "x", "l", "g", "backspace"]
    rng = random.Random(4)
    app = make_app()
    async with app.run_test(size=(90, 26)) as pilot:
        await wait_index(pilot, app)
        for _ in range(12):
            for _ in range(25):
                key = rng.choice(keys)
                char = {"slash": "/", "question_mark": "?", "left_square_bracket": "[",
                        "right_square_bracket": "]", "space": " "}.get(key, key if len(key) == 1 else None)
                app.post_message(events.Key(key, char))
            await pilot.pause(0.05)
            if rng.random() < 0.3:
                await pilot.resize_terminal(rng.choice([60, 80, 100, 130]), rng.choice([15, 24, 40]))
            assert app.is_running
        # Let the queued keys drain before the app shuts down.
        for _ in range(10):
            await pilot.pause(0.05)
        assert app.is_running
        app_plain(app)


async def test_document_opened_from_the_tree_during_a_search_gets_its_hits():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "G60")  # only in the third document
        assert app.searching.docs == ["003_g60"]
        await pilot.press("escape")  # to the results, query kept
        app.searching.hits.pop("003_g60")  # as if it ranked below the shown results
        app.searching.counted.discard("003_g60")
        app.reading.open_document(2)
        reader = app.query_one(Reader)
        for _ in range(1000):
            if reader.hits:
                break
            await pilot.pause(0.01)
        assert reader.hits and reader.doc.text[reader.hits[0][0]:reader.hits[0][1]] == "G60"
        await pilot.press("n")
        assert reader.current == 0


async def test_mouse_click_opens_a_result_and_a_tree_node():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        reader = app.query_one(Reader)
        # Click the second document in the tree (row 1 of the tree).
        await pilot.click(DocTree, offset=(4, 1))
        await pilot.pause()
        assert reader.doc.id == "002_reform"
        await search(pilot, app, "G60")
        await pilot.click(ResultList, offset=(4, 0))
        await pilot.pause()
        assert reader.doc.id == "003_g60" and reader.current is not None


def test_without_a_terminal_it_says_what_to_use_instead():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "tui"], stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2
    assert "not a terminal" in out.stderr and "yuelan search" in out.stderr
    assert "\x1b" not in out.stdout + out.stderr


def test_app_package_import_is_light():
    import subprocess
    import sys

    code = "import sys, tui.app; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False"


async def test_sections_appear_when_a_document_is_expanded_by_key():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        tree = app.query_one(DocTree)
        tree.focus()
        tree.move_cursor(tree.doc_nodes[1])
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert [str(c.label) for c in tree.doc_nodes[1].children] == [s.title for s in app.documents[1].sections]
        assert "第二章 具體措施" in app_plain(app)


async def test_a_workers_answer_after_the_widgets_are_gone_is_dropped_but_a_real_miss_is_not():
    """Quitting while a search's hit counts are on their way: the worker hands
    them over with call_from_thread after the main screen's widgets are
    gone, the NoMatches comes back to the worker, and the app used to end
    with WorkerFailed (seen in the suite).  While the screen is whole, the
    same failure is a bug and must still surface."""
    from textual.worker import WorkerFailed

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_index(pilot, app)
        main = app.get_screen_main()
        found = {app.documents[0].id: [(0, 2)]}
        app.searching.query = "工会"

        assert app.searching.is_current("工会")  # so the answer is taken, and the list asked for

        await main.query_one("#main").remove()
        worker = main.run_worker(lambda: app.call_from_thread(main.search._doc_hits_done, "工会", found), thread=True)
        await wait_for(pilot, lambda: worker.is_finished, "the worker")
        assert app.is_running and app._exception is None
    with pytest.raises(WorkerFailed):
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_index(pilot, app)
            main = app.get_screen_main()
            worker = main.run_worker(lambda: app.call_from_thread(main.query_one, "#no-such-widget"), thread=True)
            await wait_for(pilot, lambda: worker.is_finished, "the worker")
