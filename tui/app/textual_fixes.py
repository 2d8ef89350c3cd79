"""Work-arounds for bugs of the Textual release we run on, each with its
upstream issue; applied once, when ``tui.app.app`` is imported.

Each one checks that the bug is still there and does nothing otherwise, so a
Textual that fixes it needs no change here (only the removal of the entry).
"""

from __future__ import annotations

import functools
import inspect

from textual import _time
from textual._styles_cache import StylesCache
from textual.css.stylesheet import Stylesheet
from textual.scroll_view import ScrollView
from textual.timer import EventTargetGone, Timer


def keep_styles_caches_per_widget() -> bool:
    """Textual 8.2 (Textualize/textual#6665): ``StylesCache.get_inner_outer``
    is an ``lru_cache`` on an instance method, so its keys hold the
    ``StylesCache`` of every widget ever drawn, up to 1 024 of them, each
    with its rendered lines and their own caches, long after the widget is
    gone.  Every dialog, notice, palette entry and footer key leaves one
    behind: the 1 000-key soak kept 2 600 more rendered lines, 5.6 MB,
    between key 505 and key 1 000.  The colours are the key that matters:
    cached on them alone, once for all widgets.

    Returns whether the fix was applied."""
    current = StylesCache.__dict__.get("get_inner_outer")
    if not isinstance(current, functools._lru_cache_wrapper):
        return False  # fixed upstream (a classmethod, or no cache): nothing to do
    original = current.__wrapped__

    @functools.lru_cache(1024)
    def inner_outer(base_background, background):
        return original(StylesCache, base_background, background)

    StylesCache.get_inner_outer = staticmethod(inner_outer)
    return True


def keep_parse_cache_across_reparse() -> bool:
    """Textual 8.2: ``Stylesheet.reparse`` parses every CSS source in a fresh
    ``Stylesheet`` and keeps its rules but not its parse cache, and the
    ``set_variables`` before it has cleared the old one.  The next ``parse``
    (the first widget of a new class mounted) parses every source again
    with the very same variables.  At start-up the theme's reparse runs
    before the first widget, so the app's CSS, ``App.DEFAULT_CSS`` and
    ``Widget.DEFAULT_CSS`` were parsed twice: about 10 ms of the first
    frame.  The fresh stylesheet now fills the old one's cache: its entries
    are keyed on the CSS text, and parsed with the same variables.

    Returns whether the fix was applied."""
    if "_parse_cache" in Stylesheet.reparse.__code__.co_names:
        return False  # upstream reparse handles its cache: nothing to do

    def reparse(self: Stylesheet) -> None:
        # Textual's reparse (8.2.8), with the one line marked.
        stylesheet = Stylesheet(variables=self._variables)
        stylesheet._parse_cache = self._parse_cache  # the fix
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(
                css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker, scope=scope
            )
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        else:
            self._rules = stylesheet.rules
            self._rules_map = None
            self.source = stylesheet.source
            self._require_parse = False

    Stylesheet.reparse = reparse
    return True


def scroll_views_keep_their_own_virtual_size() -> bool:
    """Textual 8.2: ``ScrollView._size_updated`` compares the virtual size the
    compositor passes (a scroll view's region: its content is its own
    business) with the scroll view's own virtual size, then ignores the
    passed one and uses its own.  The two differ whenever the content is
    taller than the view, so every layout refresh of the screen (a status
    line updated, the search status changing width) ran ``_scroll_update``
    on every scroll view: both scrollbars redrawn, 4-10 ms of each frame at
    120x40, four or five frames after each key typed in the search bar
    (``benchmarks/key_frames.py``: the frames of three keys took 590-670 ms
    in all instead of 735-750).  The scroll view is now passed its own
    virtual size, so only a change of its size or its container's counts.

    Returns whether the fix was applied."""
    current = ScrollView.__dict__.get("_size_updated")
    if current is None or getattr(current, "_yuelan_fix", False):
        return False  # ScrollView no longer overrides it, or already applied

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        return current(self, size, self.virtual_size, container_size, layout)

    _size_updated._yuelan_fix = True
    ScrollView._size_updated = _size_updated
    return True


TIMER_SKIP_BUG = "count = int((now - start) / _interval + 1)"


def timers_skip_to_the_next_tick() -> bool:
    """Textual 8.2: an interval timer that fell behind (the screen's update
    timer, paused between frames) skips to the tick after the next one:
    ``count = int(elapsed / interval + 1)`` and then ``start + (count + 1)
    * interval``.  The screen's timer is paused whenever nothing is dirty,
    so after any idle spell its first frame comes at once and the one
    after it one to two intervals later (17-33 ms at 60 fps), not at the
    next tick.  That second frame is the one that shows a search's answer:
    a key's echo is drawn at once, its results waited 28 ms on a 10 MB
    corpus whose engine had answered 8 ms after the key
    (``/work/notes/key_timeline.py``).  Now the count is the ticks that
    have passed, and the timer wakes at the next one.

    Returns whether the fix was applied."""
    try:
        source = inspect.getsource(Timer._run)
    except (OSError, TypeError):
        return False  # no source to check (a frozen build): leave Textual's
    if TIMER_SKIP_BUG not in source:
        return False  # fixed upstream, or already applied

    async def _run(self: Timer) -> None:
        # Textual's Timer._run (8.2.8), with the one line marked.
        count = 0
        _repeat = self._repeat
        _interval = self._interval
        self._active  # Force instantiation in same thread
        await self._active.wait()
        start = _time.get_time()

        while _repeat is None or count <= _repeat:
            next_timer = start + ((count + 1) * _interval)
            now = _time.get_time()
            if self._skip and next_timer < now:
                count = int((now - start) / _interval)  # the fix: was "+ 1"
                continue
            now = _time.get_time()
            wait_time = max(0, next_timer - now)
            await _time.sleep(wait_time)
            count += 1
            await self._active.wait()
            if self._reset:
                start = _time.get_time()
                count = 0
                self._reset = False
                continue
            try:
                await self._tick(next_timer=next_timer, count=count)
            except EventTargetGone:
                break

    Timer._run = _run
    return True


keep_styles_caches_per_widget()
keep_parse_cache_across_reparse()
scroll_views_keep_their_own_virtual_size()
timers_skip_to_the_next_tick()
