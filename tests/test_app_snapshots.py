"""SVG snapshots of the main screens at 80x24 and 120x36 (plain ``def`` tests).

Regenerate with ``pytest tests/test_app_snapshots.py --snapshot-update`` and
look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest

from app_support import make_app, many_results_corpus, wait_index, wait_results, wait_settled
from tui.app.widgets.inputs import SearchInput


@pytest.fixture(autouse=True)
def _outside_tmux(monkeypatch):
    # The help adds a tmux clipboard note when $TMUX is set: the pictures must
    # not depend on where the tests run.
    monkeypatch.delenv("TMUX", raising=False)


def steady(*keys: str, query: str | None = None):
    async def run_before(pilot) -> None:
        app = pilot.app
        await wait_index(pilot, app)
        app.query_one(SearchInput).cursor_blink = False
        if query is not None:
            await pilot.press("slash", *query)
            await wait_results(pilot, app, query)
        for key in keys:
            await pilot.press(key)
            await wait_settled(pilot, app)
        await wait_settled(pilot, app)
        # Toasts would make the picture depend on timing.
        app.clear_notifications()
        await pilot.pause()

    return run_before


SCENES = {
    "browse": steady(),
    "results": steady(query="xlgw"),
    "reader_hit": steady("enter", "n", query="xlgw"),
    "tree_section": steady("l", "j", "j", "j", "j", "enter"),
    "help": steady("question_mark"),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("scene", list(SCENES))
def test_screen(snap_compare, scene, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=SCENES[scene])


# The results list and the live preview, at the three sizes of the issue:
# one pane below 100 columns (p shows the preview), the list at ~45 % and the
# reader beside it above.
PREVIEW = {
    "results_list": steady(query="工会"),
    "preview_moved": steady("down", "down", query="工会"),
    "preview_one_pane": steady("down", "p", query="工会"),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)], ids=["80x24", "120x36", "200x50"])
@pytest.mark.parametrize("scene", list(PREVIEW))
def test_results_and_preview(snap_compare, scene, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=PREVIEW[scene])


def test_too_small(snap_compare):
    assert snap_compare(make_app(), terminal_size=(50, 12), run_before=steady())


# 60x15, the smallest size served: the footer's hints whole and apart (the
# less important dropped), the search status in a short form that fits.
NARROW = {
    "results": steady("down", query="工会"),
    "reader": steady("down", "enter", query="工会"),
}


@pytest.mark.parametrize("scene", list(NARROW))
def test_narrow(snap_compare, scene):
    assert snap_compare(make_app(corpus=many_results_corpus()), terminal_size=(60, 15), run_before=NARROW[scene])
