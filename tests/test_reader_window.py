"""A long document's first screen: the text around the target is laid out
first, the whole document in a thread, and the place does not move when the
whole layout replaces the window."""

from __future__ import annotations

import random

import pytest

from app_support import wait_for

from tui.app.layout import layout
from tui.app.widgets.reader import BIG_DOCUMENT, Reader
from tui.corpus import parse_document

WORDS = "工会 职工 服务 改革 建设 推进 心灵 港湾 技能 竞赛 法律 援助 长三角 一体化 劳模 工匠".split()


def long_report(chars: int, seed: int = 1, one_line: bool = False) -> str:
    rng = random.Random(seed)
    parts = ["关于职工服务工作的长篇报告\n"]
    size = 0
    k = 0
    while size < chars:
        k += 1
        if not one_line and k % 40 == 1:
            parts.append(f"\n第{k // 40 + 1}部分 总体情况\n")
        para = "".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120))) + "。"
        parts.append(para if one_line else f"\n{para}\n")
        size += len(para)
    return "".join(parts)


@pytest.fixture(scope="module")
def big_doc():
    text = long_report(BIG_DOCUMENT * 3)
    return parse_document(text, id="big", path="/corpus/big.txt")


def lines(lay):
    return list(zip(lay.starts, lay.ends, lay.blank))


@pytest.mark.parametrize("where", [0.0, 0.37, 0.5, 1.0])
def test_a_window_is_the_whole_layout_in_little(big_doc, where):
    full = layout(big_doc, 60)
    target = int(len(big_doc.text) * where)
    lo, hi = max(0, target - 5000), target + 5000
    win = layout(big_doc, 60, lo, hi)
    assert win.partial and not full.partial
    assert 0 < len(win) < len(full) / 5
    # every text line of the window is a line of the whole layout, except
    # at most the clipped paragraph at each edge
    text_lines = [l for l in lines(win) if not l[2]]
    full_set = set(lines(full))
    odd = [l for l in text_lines if l not in full_set]
    assert len(odd) <= 2 * 30, odd[:5]
    assert all(lo - 2000 <= s and e <= hi for s, e, _ in text_lines)
    # the target is shown
    assert win.starts[win.line_at(min(target, len(big_doc.text) - 1))] <= target


def test_a_window_of_one_huge_line(tmp_path):
    text = long_report(BIG_DOCUMENT * 2, one_line=True)
    doc = parse_document(text, id="oneline", path="/corpus/oneline.txt")
    mid = len(text) // 2
    win = layout(doc, 50, mid - 3000, mid + 3000)
    assert win.partial
    s0, e0 = win.starts[0], win.ends[-1]
    assert mid - 3000 <= s0 and e0 <= mid + 3000
    assert all(e - s <= 50 for s, e in zip(win.starts, win.ends))


def reader_app():
    """An app of one Reader."""
    from textual.app import App

    class One(App):
        def compose(self):
            yield Reader(id="reader")

    return One()


async def test_first_screen_of_a_big_document_comes_before_the_whole_layout(big_doc):
    app = reader_app()
    async with app.run_test(size=(80, 24)) as pilot:
        reader = app.query_one(Reader)
        target = big_doc.text.index("第5部分")
        reader.show(big_doc, target)
        # at once, without waiting for the thread: a window is on screen
        assert reader.lay is not None and reader.lay.partial and reader.laying_out
        top = reader.top_offset()
        assert top <= target < top + 2000
        shown = big_doc.text[top : top + 6]
        await wait_for(pilot, lambda: not reader.laying_out, "the whole layout", timeout=10)
        assert not reader.laying_out and not reader.lay.partial
        assert len(reader.lay) > 1000
        assert big_doc.text[reader.top_offset() : reader.top_offset() + 6] == shown


from hypothesis import given, settings
from hypothesis import strategies as st

from tui.app import layout as layout_mod

ALPHABET = st.sampled_from(list("工会职工服务abc xyz,。、《》“”\u0301\u200b") + ["\U0001f600", "ｗ"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=300).map("".join), st.integers(2, 30), st.integers(1, 40))
def test_wrapping_in_windows_gives_the_same_lines(text, width, window):
    whole = layout_mod.wrap(text, width)
    saved = layout_mod.WRAP_WINDOW
    layout_mod.WRAP_WINDOW = window  # tiny windows: many refills, zero-width runs across them
    try:
        windowed = layout_mod.wrap(text, width)
    finally:
        layout_mod.WRAP_WINDOW = saved
    assert windowed == whole
    # and a range of a longer text wraps as the slice does, in its offsets
    padded = "前" * 5 + text + "后" * 5
    ranged = layout_mod.wrap(padded, width, 5, 5 + len(text))
    assert [(a - 5, b - 5) for a, b in ranged] == whole


def test_a_long_line_without_breaks_is_wrapped_in_bounded_memory():
    import tracemalloc

    text = "工会职工服务" * 200_000  # 1.2 M characters, no line break
    tracemalloc.start()
    spans = layout_mod.wrap(text, 80)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(spans) == len(text) // 40
    # the spans themselves (~30 000 tuples) and a window of widths, not a
    # 1.2 M-entry prefix list (~45 MB)
    assert peak < 12 * 1024 * 1024, peak


def _every_hit(text: str, word: str) -> list[tuple[int, int]]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append((i, i + len(word)))
        i = text.find(word, i + 1)
    return out


async def test_changed_hits_redraw_exactly_what_a_full_redraw_shows():
    """set_hits, set_current and show() on the same document redraw only
    the lines whose hits changed; the screen must then be exactly what
    redrawing every line gives, after each of a run of changes (new words,
    fewer and more hits, the current hit moving, the preview's show())."""
    doc = parse_document(long_report(6000, seed=3), id="r", path="/corpus/r.txt")
    app = reader_app()
    async with app.run_test(size=(70, 20)) as pilot:
        reader = app.query_one(Reader)
        reader.show(doc, 0)
        await pilot.pause()
        redrawn = []
        real = reader._render_index

        def counted(index, width):
            redrawn.append(index)
            return real(index, width)

        reader._render_index = counted
        steps = [
            lambda: reader.set_hits(_every_hit(doc.text, "工会"), 0),
            lambda: reader.set_current(1),
            lambda: reader.set_current(2),
            lambda: reader.set_hits(_every_hit(doc.text, "工会")[:3], 2),
            lambda: reader.set_hits(_every_hit(doc.text, "职工"), 1),
            lambda: reader.show(doc, _every_hit(doc.text, "服务")[5][0], hits=_every_hit(doc.text, "服务"), current=5),
            lambda: reader.set_hits(_every_hit(doc.text, "服务") + _every_hit(doc.text, "心灵"), 5),
            lambda: reader.set_hits([], None),
        ]
        partial_redraws = 0
        for step in steps:
            redrawn.clear()
            step()
            await pilot.pause()
            if len(redrawn) < reader.size.height:
                partial_redraws += 1
            partial = app.export_screenshot()
            reader._cache.clear()
            reader.refresh()
            await pilot.pause()
            assert app.export_screenshot() == partial
        assert partial_redraws >= 4  # most changes redrew fewer lines than the screen holds
