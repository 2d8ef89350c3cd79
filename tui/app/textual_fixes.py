"""Work-arounds for bugs of the Textual release we run on, each with its
upstream issue; applied once, when ``tui.app.app`` is imported.

Each one checks that the bug is still there and does nothing otherwise, so a
Textual that fixes it needs no change here (only the removal of the entry).
"""

from __future__ import annotations

import functools

from textual._styles_cache import StylesCache


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


keep_styles_caches_per_widget()
