"""Textual's parsed CSS kept between runs (tui/app/css_cache.py): a second
start reads every source back instead of parsing it and draws the very same
screen; a damaged or foreign cache file is a miss, never an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT, SEEDS

# One start of the app in a fresh interpreter, headless at 120x36 on the
# seeds; prints what the kept CSS did and the screen it drew.
START = f"""
import asyncio, hashlib, json, sys
sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
from app_support import FakeIndex, drain, wait_for
from tui.app.app import YuelanApp
from tui.app import css_cache
from tui.corpus import load_corpus

async def main():
    app = YuelanApp(state_dir=False, corpus=load_corpus([{str(SEEDS)!r}]), watch_files=False,
                    index_factory=lambda docs: FakeIndex(docs, 0))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.index is not None and not app._index_partial, "the index")
        await drain(pilot)
        svg = app.export_screenshot()
        styles = sorted(
            (f"{{type(n).__name__}}#{{n.id}}", n.styles.css) for n in app.screen.walk_children(with_self=True)
        )
    out = {{"hits": css_cache.KEPT.hits, "parsed": css_cache.KEPT.parsed,
            "screen": hashlib.sha256(svg.encode()).hexdigest(), "styles": styles}}
    print(json.dumps(out))

asyncio.run(main())
"""


def _start(cache_home, **env):
    e = dict(os.environ, XDG_CACHE_HOME=str(cache_home), **env)
    e.pop("YUELAN_NO_CACHE", None)
    e.update(env)
    res = subprocess.run([sys.executable, "-c", START], capture_output=True, text=True, env=e, cwd=ROOT, timeout=180)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def _kept_files(cache_home):
    directory = cache_home / "yuelan" / "css"
    return sorted(directory.iterdir()) if directory.is_dir() else []


def test_second_start_reads_the_css_back_and_draws_the_same_screen(tmp_path):
    first = _start(tmp_path)
    assert first["hits"] == 0 and first["parsed"] >= 15  # the app's, Textual's and each widget class's CSS
    files = _kept_files(tmp_path)
    assert len(files) == 1 and files[0].stat().st_mode & 0o777 == 0o600
    second = _start(tmp_path)
    assert second["parsed"] == 0 and second["hits"] == first["parsed"]
    assert second["styles"] == first["styles"]
    assert second["screen"] == first["screen"]


def test_a_damaged_or_foreign_cache_file_is_parsed_past_and_replaced(tmp_path):
    first = _start(tmp_path)
    (kept,) = _kept_files(tmp_path)
    for junk in (b"\x80\x05not a pickle", kept.read_bytes()[: kept.stat().st_size // 2]):
        kept.write_bytes(junk)
        again = _start(tmp_path)
        assert again["hits"] == 0 and again["parsed"] == first["parsed"]
        assert again["screen"] == first["screen"]
    assert _start(tmp_path)["hits"] == first["parsed"]  # written anew after the damage


def test_turned_off_with_the_other_caches_and_harmless_without_a_cache_dir(tmp_path):
    off = _start(tmp_path, YUELAN_NO_CACHE="1")
    assert off["hits"] == 0 and _kept_files(tmp_path) == []
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    no_dir = _start(blocked)  # the cache home is a file: nothing can be kept
    assert no_dir["hits"] == 0 and no_dir["screen"] == off["screen"]


# The start-up's two savings in tui/app (screens/main.py, textual_fixes.py)
# must not leave a widget with styles other than a full restyle gives.


def _styles(app):
    return {f"{type(n).__name__}#{n.id}#{i}": n.styles.css for i, n in enumerate(app.screen.walk_children(with_self=True))}


async def _restyled_the_same(app, pilot):
    before = _styles(app)
    app.update_styles(app.screen)  # what the skipped first resume would have done
    await pilot.pause()
    return before == _styles(app)


async def test_first_frame_styles_equal_a_full_restyle_at_every_size():
    from app_support import make_app, wait_index

    for size in ((120, 36), (80, 24), (50, 12)):  # two panes, one pane, too small
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await wait_index(pilot, app)
            assert await _restyled_the_same(app, pilot), size


async def test_a_theme_switch_and_a_closed_dialog_restyle_every_widget():
    from app_support import make_app, wait_for, wait_index
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        status = app.screen.query_one("#status", Static)
        dark = status.styles.background
        await pilot.press("t")  # the next theme: a reparse of every CSS source
        await wait_for(pilot, lambda: status.styles.background != dark, "the new theme's colours")
        assert await _restyled_the_same(app, pilot)
        # The reparse left its parse cache to the stylesheet: parsing again
        # (as the next new widget class mounted does) parses nothing.
        parsed = []
        original = app.stylesheet._parse_rules

        def counting(css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
            if (css, read_from, is_default_rules, tie_breaker, scope) not in app.stylesheet._parse_cache:
                parsed.append(read_from)
            return original(css, read_from, is_default_rules, tie_breaker, scope)

        app.stylesheet._parse_rules = counting
        app.stylesheet.parse()
        assert parsed == []
        await pilot.press("question_mark")  # a dialog over the main screen, then back
        await wait_for(pilot, lambda: len(app.screen_stack) == 2, "the help screen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.screen_stack) == 1, "the main screen")
        await pilot.pause()
        assert await _restyled_the_same(app, pilot)
