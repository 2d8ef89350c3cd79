"""Work-arounds for bugs of the Textual release we run on, each with its
upstream issue; applied once, when ``tui.app.app`` is imported.

Each one checks that the bug is still there and does nothing otherwise, so a
Textual that fixes it needs no change here (only the removal of the entry).
"""

from __future__ import annotations

import functools

from textual._styles_cache import StylesCache
from textual.css.stylesheet import Stylesheet


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


keep_styles_caches_per_widget()
keep_parse_cache_across_reparse()
