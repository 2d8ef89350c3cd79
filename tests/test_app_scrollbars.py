"""Scroll views redraw their scrollbars when their size or content changes,
not on every layout of the screen (tui/app/textual_fixes.py,
``scroll_views_keep_their_own_virtual_size``)."""

from __future__ import annotations

from textual.scroll_view import ScrollView

from app_support import drain, make_app, wait_for, wait_index
from tui.app.widgets.doc_tree import DocTree
from tui.app.widgets.reader import Reader
from tui.app.widgets.result_list import ResultList


def _count_scroll_updates(monkeypatch) -> dict[str, int]:
    calls: dict[str, int] = {}
    original = ScrollView._scroll_update

    def counted(self, virtual_size):
        calls[type(self).__name__] = calls.get(type(self).__name__, 0) + 1
        return original(self, virtual_size)

    monkeypatch.setattr(ScrollView, "_scroll_update", counted)
    return calls


async def test_a_layout_elsewhere_leaves_the_scrollbars_alone_and_changes_still_reach_them(monkeypatch):
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        tree = app.query_one(DocTree)
        app.set_focus(tree)
        tree.move_cursor(tree.doc_nodes[0])
        await pilot.press("enter")  # a document taller than the reader
        reader = app.query_one(Reader)
        await wait_for(pilot, lambda: reader.virtual_size.height > reader.size.height, "a long document")
        await drain(pilot)
        assert reader.show_vertical_scrollbar
        calls = _count_scroll_updates(monkeypatch)
        # The status line is updated with a layout (as Static.update does)
        # three times: the screen is laid out again, no scroll view changed.
        status = app.screen.query_one("#status")
        for text in ("a", "bb", "ccc"):
            status.update(text)
            await drain(pilot)
        assert calls.get("Reader", 0) == 0, calls
        # A new size reaches the reader and its scrollbar.
        await pilot.resize_terminal(100, 24)
        await drain(pilot)
        assert calls.get("Reader", 0) >= 1
        assert reader.show_vertical_scrollbar and reader.vertical_scrollbar.window_size == reader.scrollable_content_region.height
        # New content reaches the results list's scrollbar: more rows than fit.
        await pilot.press("slash", *"科创")
        results = app.query_one(ResultList)
        await wait_for(pilot, lambda: results.option_count * 2 > results.size.height, "a screenful of results")
        await drain(pilot)
        assert calls.get("ResultList", 0) >= 1
        assert results.show_vertical_scrollbar
        assert results.vertical_scrollbar.window_virtual_size == results.virtual_size.height
