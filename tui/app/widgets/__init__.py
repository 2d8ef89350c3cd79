"""The app's widgets.  They show what they are told and announce what the
user does (messages); the main screen decides (``tui.app.screens.main``).

doc_tree, result_list, reader, hit_strip, inputs (search and find bars),
status (the search status: the longest form that fits), footer; display
holds the string helpers they share (safe, clip, widths).
"""

from __future__ import annotations

from textual.scrollbar import ScrollBar, ScrollBarRender


class AsciiScrollBarRender(ScrollBarRender):
    """Scroll bars drawn with spaces and colour only (no block elements)."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


ScrollBar.renderer = AsciiScrollBarRender
