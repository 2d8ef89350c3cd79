"""The footer: Textual's, without its leak."""

from __future__ import annotations

from textual.widgets import Footer


class LeanFooter(Footer):
    """Textual's Footer, without its leak.

    Textual 8.2's Footer recomposes on every focus or binding change, and
    each new FooterKey is data-bound to the footer's ``compact`` reactive.
    The watcher entries of the removed keys are only dropped when
    ``compact`` itself changes, which it never does here, so every Tab kept
    about a dozen dead widgets alive (~10 KiB per key in the soak test).
    After each recompose the entries of closed widgets are dropped."""

    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", None)
        if not watchers:
            return
        for entries in watchers.values():
            entries[:] = [(node, cb) for node, cb in entries if not (node._closing or node._closed)]
