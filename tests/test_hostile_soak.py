"""Soak: thousands of seeded random keys and resizes in the real app (real
corpus loading, real search index) over the seeds plus the hostile corpus,
across every screen; no exception, memory flat, still responsive after.

The key alphabet is derived at test time from the BINDINGS of the app and
of every screen and widget class in ``tui.app`` (and the Textual classes they
build on), so keys added later are pressed too; plus printable ASCII, Chinese
characters, editing and navigation keys, ctrl keys, and resizes down to
sizes far too small to draw in.

Quitting is the one thing not honoured (the soak would end): ``action_quit``
only counts.  The process's working directory and HOME are the test's tmp
directory, so anything the app writes (an export, state) lands there; the
XDG directories are per test session (conftest).
"""

from __future__ import annotations

import gc
import importlib
import inspect
import os
import pkgutil
import random
import string
import time
import tracemalloc
import unicodedata

import pytest
from textual.app import ScreenStackError

import hostile
from app_support import app_plain
from conftest import SEEDS

CHINESE = "图书室社区建设心灵港湾工会改革中文标题一二三之的是了不在有人这上大来"
EXTRA_KEYS = [
    "escape", "enter", "tab", "shift+tab", "backspace", "delete", "up", "down", "left", "right", "home", "end",
    "pageup", "pagedown", "ctrl+a", "ctrl+e", "ctrl+u", "ctrl+k", "ctrl+w", "ctrl+f", "ctrl+b", "ctrl+n",
    "ctrl+d", "ctrl+l", "ctrl+r", "ctrl+x", "ctrl+v", "ctrl+o", "ctrl+t", "f1", "f5", "f10", "insert",
]
SIZES = [(120, 36), (100, 30), (99, 30), (80, 24), (60, 15), (59, 14), (40, 10), (12, 4), (1, 1), (200, 60), (61, 16)]
# Keys that must not end the soak; quitting is counted instead.
NEVER = {"ctrl+z"}  # suspend: would stop the test process under a real driver


def binding_keys() -> set[str]:
    """Every key bound in the app, its screens and widgets (and the Textual
    classes they derive from), found at test time."""
    from textual.binding import Binding
    from textual.command import CommandPalette
    from textual.dom import DOMNode

    import tui.app as pkg

    classes: set[type] = {CommandPalette}
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        mod = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(mod, inspect.isclass):
            if issubclass(obj, DOMNode) and obj.__module__.startswith("tui.app"):
                classes.add(obj)
    keys: set[str] = set()
    for cls in classes:
        for klass in cls.__mro__:
            for b in klass.__dict__.get("BINDINGS", []):
                key = b.key if isinstance(b, Binding) else b[0]
                keys |= {k.strip() for k in key.split(",") if k.strip()}
        palette_key = getattr(cls, "COMMAND_PALETTE_BINDING", None)
        if isinstance(palette_key, str):
            keys.add(palette_key)
    return keys - NEVER


def key_event(name: str):
    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(name) == 1 and not name.isalnum():
        name = _character_to_key(name)
    original = REPLACED_KEYS.get(name, name)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = name if len(name) == 1 else None
    return events.Key(name, char)


def alphabet() -> list[str]:
    bound = sorted(binding_keys())
    printable = [c for c in string.printable if c not in "\t\n\r\x0b\x0c"]
    # Bound keys are weighted up so that screens and actions are reached often.
    return bound * 6 + printable + list(CHINESE) + EXTRA_KEYS * 2


def make_soak_app(paths):
    from tui.app.app import YuelanApp

    class SoakApp(YuelanApp):
        quit_requests = 0

        async def action_quit(self) -> None:
            type(self).quit_requests += 1

        def push_screen(self, screen, *args, **kwargs):
            # Every screen pushed counts as visited, however briefly.
            self.pushed |= {screen} if isinstance(screen, str) else names(screen)
            return super().push_screen(screen, *args, **kwargs)

    app = SoakApp(paths)
    app.pushed = set()
    return app


async def wait_until(pilot, cond, secs: float = 60.0) -> bool:
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if cond():
            return True
        await pilot.pause(0.02)
    return cond()


def names(obj) -> set[str]:
    return {k.__name__ for k in type(obj).__mro__}


def where(app) -> set[str]:
    """Which screen and which pane the soak is on, for the coverage check."""
    seen = names(app.screen)
    focused = app.focused
    if focused is not None:
        seen.add(type(focused).__name__)
    return seen


async def soak(tmp_path, monkeypatch, n_keys: int, seed: int, paced: bool = True) -> dict:
    """``paced``: each key is handled before the next is sent (a fast typist);
    otherwise keys arrive in bursts of up to 30 (pasted text, one SSH packet
    with many keys)."""
    from tui.app.app import MainScreen
    from tui.app.widgets.inputs import SearchInput

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    # State, bookmarks and exports ('e') of this soak go here, not to the
    # session's directories (nor, through HOME or the cwd, into the repo).
    for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "xdg" / var.lower()))
    m = hostile.build(str(tmp_path / "hostile"), sparse_mb=8)
    rng = random.Random(seed)
    keys = alphabet()
    app = make_soak_app([str(SEEDS), m.root])
    visited: set[str] = set()
    figures: dict = {"keys": n_keys, "alphabet": len(set(keys)), "paced": paced, "traced_kib": {}}
    # Memory is measured from here to the end: after key 1 000 (caches and
    # the first layouts are warm by then), or half-way in a shorter soak.
    mark = 1000 if n_keys >= 2000 else n_keys // 2
    started = time.monotonic()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            assert await wait_until(pilot, lambda: app.index is not None or app.index_error), "index never ready"
            assert app.index_error is None, app.index_error
            # Traced from the first key: started later, a bounded cache that
            # keeps replacing entries made before the start would look like
            # growth (its new entries are traced, the evicted ones were not).
            gc.collect()
            tracemalloc.start()
            sent = 0
            while sent < n_keys:
                burst = min(rng.randint(1, 30), n_keys - sent)
                for _ in range(burst):
                    app.post_message(key_event(rng.choice(keys)))
                    if paced:
                        # Until the screen and its widgets have handled it
                        # (no idle wait: the index and searches run in threads).
                        await pilot._wait_for_screen()
                        visited |= where(app)
                sent += burst
                await pilot.pause(0.02 if rng.random() < 0.8 else 0.15)
                visited |= where(app)
                if rng.random() < 0.06:
                    await pilot.resize_terminal(*rng.choice(SIZES))
                    await pilot.pause()
                    app_plain(app)  # render at that size
                assert app.is_running, f"the app stopped after {sent} keys"
                if sent >= mark and "mark" not in figures:
                    for _ in range(20):
                        await pilot.pause(0.02)
                    gc.collect()
                    figures["traced_at_mark"] = tracemalloc.get_traced_memory()[0]
                    figures["mark"] = sent
                if sent // 500 != (sent - burst) // 500:
                    figures["traced_kib"][sent] = tracemalloc.get_traced_memory()[0] // 1024
            # Let the queued keys drain, then measure what the soak kept.
            for _ in range(25):
                await pilot.pause(0.02)
            gc.collect()
            figures["retained_bytes"] = tracemalloc.get_traced_memory()[0] - figures["traced_at_mark"]
            snapshot = tracemalloc.take_snapshot()
            tracemalloc.stop()
            figures["top"] = [str(s) for s in snapshot.statistics("lineno")[:12]]
            assert app.is_running
            # Still responsive: back to the main screen, '/' and a query.
            await pilot.resize_terminal(120, 36)
            for _ in range(6):
                if isinstance(app.screen, MainScreen):
                    break
                await pilot.press("escape")
                await pilot.pause(0.05)
            assert isinstance(app.screen, MainScreen), app.screen
            # Out of any text box ('/' types itself into one: the search bar,
            # the find bar...), as a user would.
            from textual.widgets import Input

            for _ in range(3):
                if not isinstance(app.focused, Input):
                    break
                await pilot.press("escape")
                await pilot.pause(0.05)
            await pilot.press("slash")
            assert isinstance(app.focused, SearchInput)
            search = app.query_one(SearchInput)
            search.value = ""
            await pilot.press(*"图书室")
            ok = await wait_until(
                pilot, lambda: app.searching.response is not None and app.searching.response.query == "图书室", 30
            )
            assert ok, f"no answer to a search after the soak: {app_plain(app).splitlines()[:1]}"
            assert app.searching.results, "a search for a word in the hostile corpus found nothing after the soak"
            from tui.text import to_simplified

            assert all("图书室" in to_simplified(r.doc.text) for r in app.searching.results)
            figures["seconds"] = time.monotonic() - started
    finally:
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        hostile.unlock(str(tmp_path / "hostile"))
    figures["visited"] = sorted(visited | app.pushed)
    written = []
    for d in ("home", "xdg"):  # never walk the hostile corpus (symlinks to / and loops)
        for dirpath, _, files in os.walk(tmp_path / d):
            written += [os.path.relpath(os.path.join(dirpath, f), tmp_path) for f in files]
    figures["written"] = sorted(written)[:20]
    figures["quit_requests"] = app.quit_requests
    return figures


# Memory bound: from the mark to the last key the soak may keep what one
# screen holds (a laid-out document, a result list, notifications still on
# screen, caches that are bounded): 2 MiB, plus 2 KiB per key for what is
# legitimately remembered per action (history, bookmarks, notes).  A leak
# per key or per search shows as growth proportional to the keys: the
# FooterKey leak this test found kept about 10 KiB per key.  Measured after
# the fixes: 1.4 MiB from key 506 to key 1 000; with the live preview and
# the two-line results list, and the textual#6665 work-around, 3.05-3.07 MB
# from key 505 (bound 3.11 MB: little margin; what is left is bounded caches
# filling and modules first imported after the mark).
def retained_bound(keys_measured: int) -> int:
    return 2 * 1024 * 1024 + 2 * 1024 * keys_measured


MUST_VISIT = {"MainScreen", "HelpScreen", "CommandPalette", "Reader", "SearchInput", "ResultList", "DocTree"}


class MemoryNotFlat(AssertionError):
    """The soak ran without an exception but kept memory growing."""


def check(figures: dict) -> None:
    print({k: v for k, v in figures.items() if k != "top"})
    missing = MUST_VISIT - set(figures["visited"])
    assert not missing, f"the soak never reached {missing}; visited {figures['visited']}"
    if figures["retained_bytes"] >= retained_bound(figures["keys"] - figures["mark"]):
        raise MemoryNotFlat("\n".join(
            [f"{figures['retained_bytes']} bytes retained from key {figures['mark']} to key {figures['keys']} "
             f"(KiB at checkpoints: {figures['traced_kib']})"] + figures["top"]))


async def test_soak_1000_keys(tmp_path, monkeypatch):
    """The default-suite soak: 1 000 paced keys.  Any exception, a screen
    never reached, or no answer to a search afterwards fails it outright."""
    check(await soak(tmp_path, monkeypatch, 1000, seed=6))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [6, 7])
async def test_soak_5000_keys(tmp_path, monkeypatch, seed):
    check(await soak(tmp_path, monkeypatch, 5000, seed=seed))


@pytest.mark.slow
async def test_soak_bursts_1000_keys(tmp_path, monkeypatch):
    """Keys in bursts of up to 30, as pasted text or one SSH packet arrive."""
    check(await soak(tmp_path, monkeypatch, 1000, seed=7, paced=False))


# ------------------------------------------------------------------ the
# crashes the soak found, each on its own so that it can be reproduced.


async def test_enter_twice_in_the_palette_does_not_crash():
    """Two Enters in one burst (a fast double press, or one SSH packet):
    the first runs the command and closes the palette, the second must not
    close the main screen."""
    from textual.command import CommandList, CommandPalette

    from app_support import drain, make_app, wait_for, wait_index

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await pilot.press("ctrl+p")

        def commands_listed() -> bool:
            screen = app.screen
            return isinstance(screen, CommandPalette) and screen.query_one(CommandList).option_count > 0

        await wait_for(pilot, commands_listed, "the palette and its commands")
        for k in ("enter", "enter"):
            app.post_message(key_event(k))
        await drain(pilot)
        assert app.is_running


async def test_page_keys_while_the_palette_refills_do_not_crash():
    """Page keys arriving while the palette's list is being refilled (its
    search runs as you type).  Timing-dependent, so replayed a few times."""
    from app_support import drain, make_app, wait_index

    for attempt in range(8):
        rng = random.Random(0)
        seq = ["ctrl+p"] + [rng.choice(["a", "e", "x", "down", "up", "pageup", "pagedown", "backspace", "end", "home"])
                            for _ in range(12)]
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_index(pilot, app)
            for k in seq:
                app.post_message(key_event(k))
                if rng.random() < 0.5:
                    await pilot.pause(rng.choice([0, 0.01, 0.05]))
            await drain(pilot)
            assert app.is_running


async def test_switching_panes_does_not_leak_footer_keys():
    from textual.widgets._footer import FooterKey

    from app_support import drain, make_app, wait_index

    def detached() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, FooterKey) and not o.is_attached)

    async def settled() -> int:
        """The count once the footer's recomposes are done: the same after
        another round of every queued message handled."""
        count = -1
        for _ in range(20):
            await drain(pilot)
            now = detached()
            if now == count:
                return now
            count = now
        raise AssertionError("the footer kept recomposing")

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        before = await settled()
        for _ in range(20):
            await pilot.press("tab")
        after = await settled()
    assert after - before < 10, f"{after - before} detached FooterKey widgets kept after 20 Tabs"


async def test_removed_widgets_do_not_keep_their_rendered_lines():
    """Textual 8.2 caches ``StylesCache.get_inner_outer`` per instance
    (Textualize/textual#6665): every widget ever drawn (a notice, a dialog,
    a footer key) left its styles cache, rendered lines and all, in a
    global cache.  The soak kept 5.6 MB that way; the app works around it
    (tui/app/textual_fixes.py)."""
    import weakref

    from textual.widgets import Static

    from app_support import make_app

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        refs = []
        for i in range(8):
            widget = Static(f"a notice {i}")
            await app.screen.mount(widget, before="#main")
            await pilot.pause()
            assert f"a notice {i}" in app_plain(app)  # drawn, so its styles cache rendered lines
            refs.append(weakref.ref(widget._styles_cache))
            await widget.remove()
        del widget
        await pilot.pause()
        gc.collect()
        kept = sum(ref() is not None for ref in refs)
    # The last one removed may still be in Textual's queues for a moment;
    # with the bug, all 8 stayed.
    assert kept <= 1, f"{kept} of 8 removed widgets still hold their rendered lines"


async def test_every_dialog_survives_a_tiny_terminal():
    """Each screen the app's keys open, at sizes far too small to draw in:
    the main screen shows "too small"; a dialog must not crash either."""
    from app_support import make_app, wait_index

    todo = sorted(k for k in binding_keys() if k not in {"q", "ctrl+q", "ctrl+c", "escape"})
    crashed: dict[str, str] = {}
    opened: dict[str, str] = {}
    while todo:
        app = make_app()
        key = None
        try:
            async with app.run_test(size=(120, 36)) as pilot:
                await wait_index(pilot, app)
                while todo:
                    key = todo.pop(0)
                    await pilot.press(key)
                    await pilot.pause(0.1)
                    if app.screen is app.get_screen_main():
                        continue  # the key opened no dialog
                    opened[key] = type(app.screen).__name__
                    for size in [(12, 4), (1, 1), (40, 10), (120, 36)]:
                        await pilot.resize_terminal(*size)
                        await pilot.pause()
                        app_plain(app)
                    for _ in range(4):
                        if app.screen is app.get_screen_main():
                            break
                        await pilot.press("escape")
                        await pilot.pause(0.05)
                    if app.screen is not app.get_screen_main():
                        break  # a dialog that will not close: go on in a fresh app
        except Exception as exc:  # noqa: BLE001 - collected, reported below
            crashed[key] = f"{opened.get(key)}: {type(exc).__name__}: {exc}"
    print(opened)
    assert opened, "no key opened a dialog"
    assert not crashed, crashed
