"""The frames one keystroke in the search bar costs, widget by widget.

    python benchmarks/key_frames.py [--mb 10] [--keys 工会,律师,xlgw] [--gap 0.25]

Opens the app (``App.run_test``, 120x40) on ``benchmarks/out/corpus-<mb>MB``
with the cache ``run.py keys`` keeps (``benchmarks/out/cache/keys-corpus-<mb>MB``;
run ``run.py --only keys`` first), types each query's prefix, waits ``--gap``
seconds as a typist pauses, presses its last key and lists every frame the
screen composited in the next half second: when it started after the key,
how long the compositor took, and the widgets it drew (lines, ms).  A
diagnostic for the keystroke target, not a figure of record (that is
``run.py``'s keys mode).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", default="10")
    ap.add_argument("--keys", default="工会,律师,xlgw")
    ap.add_argument("--gap", type=float, default=0.25)
    args = ap.parse_args(argv)
    corpus = ROOT / "benchmarks" / "out" / f"corpus-{args.mb}MB"
    if not corpus.is_dir():
        print(f"no {corpus}: run benchmarks/run.py first", file=sys.stderr)
        return 2
    os.environ["XDG_CACHE_HOME"] = str(ROOT / "benchmarks" / "out" / "cache" / f"keys-corpus-{args.mb}MB")
    sys.path.insert(0, str(ROOT))
    from textual.screen import Screen
    from textual.widget import Widget

    from tui.app.app import YuelanApp

    frames: list[tuple[float, float]] = []
    drawn: list[tuple[float, str, int, float]] = []
    composite, render_lines = Screen._compositor_refresh, Widget.render_lines

    def timed_composite(self) -> None:
        t = time.perf_counter()
        composite(self)
        frames.append((t, time.perf_counter()))

    def timed_render_lines(self, crop):
        t = time.perf_counter()
        lines = render_lines(self, crop)
        drawn.append((t, type(self).__name__, crop.height, (time.perf_counter() - t) * 1000))
        return lines

    Screen._compositor_refresh = timed_composite
    Widget.render_lines = timed_render_lines

    async def run() -> None:
        app = YuelanApp([str(corpus)], state_dir=False, watch_files=False)
        async with app.run_test(size=(120, 40)) as pilot:
            while (app.index is None or app._index_partial) and app.index_error is None:
                await asyncio.sleep(0.01)
            search = app.query_one("#search")
            await pilot.press("slash")
            for query in args.keys.split(","):
                search.value = query[:-1]
                search.cursor_position = len(query) - 1
                await asyncio.sleep(args.gap)
                await pilot.pause()
                frames.clear()
                drawn.clear()
                t0 = time.perf_counter()
                await pilot.press(query[-1])
                await asyncio.sleep(0.5)
                print(f"{query}: engine {app.searching.response.elapsed_ms if app.searching.response else '-'} ms")
                for start, end in list(frames):
                    widgets: dict[str, list] = {}
                    for t, name, height, ms in drawn:
                        if start <= t <= end:
                            w = widgets.setdefault(name, [0, 0.0])
                            w[0] += height
                            w[1] += ms
                    costly = sorted(widgets.items(), key=lambda kv: -kv[1][1])[:5]
                    print(f"  frame at {(start - t0) * 1000:6.1f} ms took {(end - start) * 1000:5.1f} ms: "
                          + ", ".join(f"{name} {lines}l {ms:.0f}ms" for name, (lines, ms) in costly))

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
