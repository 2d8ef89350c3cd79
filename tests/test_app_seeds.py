"""The app on the real layers: bundled seeds, real corpus parser, real search."""

from __future__ import annotations

import pytest

from app_support import app_plain, wait_for
from tui.app.app import YuelanApp
from tui.app.widgets.reader import Reader
from tui.app.widgets.doc_tree import DocTree

search_mod = pytest.importorskip("tui.search")


@pytest.fixture(scope="module")
def seeds():
    from tui.corpus import load_corpus

    return load_corpus(None)


async def test_seeds_pinyin_search_opens_the_passage(seeds):
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.index is not None or app.index_error is not None, "the index")
        assert app.index is not None, app.index_error
        tree = app.query_one(DocTree)
        assert len(tree.doc_nodes) == len(seeds.documents) == 5
        await pilot.press("slash", *"xlgw")
        await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == "xlgw",
                       "the results of xlgw")
        assert app.searching.results, "xlgw finds 心灵港湾 in the seeds"
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        s, e = reader.hits[reader.current]
        assert reader.doc.text[s:e] == "心灵港湾"
        assert "心灵港湾" in app_plain(app)
        assert f"hit {reader.current + 1}/{len(reader.hits)}" in app_plain(app)


async def test_seeds_traditional_query_and_section_walk(seeds):
    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.index is not None, "the index")
        await pilot.press("slash", *"工會改革")
        await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == "工會改革",
                       "the results of 工會改革")
        assert app.searching.results
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        s, e = reader.hits[reader.current]
        assert reader.doc.text[s:e] in ("工会改革", "工會改革")
        # Walk every section of this document with ] and back with [.
        doc = reader.doc
        for _ in doc.sections:
            await pilot.press("right_square_bracket")
        await pilot.press(*["left_square_bracket"] * (len(doc.sections) + 1))
        await pilot.pause()
        assert app.is_running


async def test_seeds_results_fit_one_line_each_at_80_columns(seeds):
    """A result's first line must never wrap: it would push the snippet out."""
    from tui.app.widgets.result_list import ResultList

    app = YuelanApp(state_dir=False, corpus=seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.index is not None, "the index")
        await pilot.press("j", "j", "enter", "tab")  # open a document, back to the list
        await pilot.press("slash", *"kczl")
        await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == "kczl",
                       "the results of kczl")
        await pilot.pause()
        assert app.searching.results
        lines = app_plain(app).splitlines()[1:-1]
        assert not any(line.strip() in ("hit", "hits") for line in lines), "\n".join(lines)
        results = app.query_one(ResultList)
        assert results.virtual_size.height == 2 * results.option_count
