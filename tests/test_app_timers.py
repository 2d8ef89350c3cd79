"""The screen's update timer wakes at the next tick after an idle spell
(``tui.app.textual_fixes.timers_skip_to_the_next_tick``).

Driven on a simulated clock: a frame's timing is asserted on the timer's
own arithmetic, not on a loaded machine's sleeps.
"""

from __future__ import annotations

import asyncio
import inspect
import types

import pytest
from textual import _time
from textual._context import active_app
from textual.timer import Timer

import tui.app.textual_fixes as fixes  # applies the fixes, as the app does


class Clock:
    """Time that moves only when the timer sleeps or the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def get_time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


class Target:
    """What the timer would send events to (it holds a weak reference)."""


def run_ticks(monkeypatch, script) -> list[float]:
    """Run an interval timer (1 s) on the simulated clock; ``script(timer,
    clock, ticks)`` is called on each tick with the times so far, and may
    pause the timer or move the clock.  Returns the tick times."""
    clock = Clock()
    monkeypatch.setattr(_time, "get_time", clock.get_time)
    monkeypatch.setattr(_time, "sleep", clock.sleep)
    import textual.timer as timer_module

    monkeypatch.setattr(timer_module, "sleep", clock.sleep, raising=False)
    ticks: list[float] = []

    async def main() -> None:
        errors: list[BaseException] = []
        active_app.set(types.SimpleNamespace(_exit=False, features=frozenset(), _handle_exception=errors.append))
        holder: dict = {}

        def callback() -> None:
            ticks.append(clock.now)
            script(holder["timer"], clock, ticks)

        timer = Timer(Target(), 1.0, callback=callback, repeat=None, skip=True)
        holder["timer"] = timer
        task = asyncio.ensure_future(timer._run())
        for _ in range(10_000):
            await asyncio.sleep(0)
            if len(ticks) >= 3 or task.done():
                break
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        assert not errors, errors

    asyncio.run(main())
    return ticks


def test_a_timer_behind_wakes_at_the_next_tick_not_the_one_after(monkeypatch):
    """The screen's timer pauses when nothing is dirty.  After an idle spell
    the first frame comes at once (the key's echo); the next (the search's
    answer) must come at the next tick of the grid, not one later."""

    def script(timer, clock, ticks):
        if len(ticks) == 1:  # tick at 1.0: nothing dirty, the timer pauses
            timer.pause()

            async def later() -> None:
                # The timer sleeps to its next tick (2.0) and finds itself
                # paused; idle until 5.3, then a key.
                while clock.now < 2.0:
                    await asyncio.sleep(0)
                clock.now = 5.3
                timer.resume()

            asyncio.ensure_future(later())
        # The second tick (5.3, the echo) leaves the timer running: the
        # answer made the screen dirty again.

    ticks = run_ticks(monkeypatch, script)
    assert ticks[:2] == [1.0, 5.3]
    assert ticks[2] == pytest.approx(6.0), f"the tick after 5.3 came at {ticks[2]}, not at the next tick (6.0)"


def test_the_fix_is_applied_to_the_textual_we_run_on():
    """Either Textual still has the skip (and it is replaced) or it has been
    fixed upstream: the running ``Timer._run`` never holds the bug."""
    try:
        source = inspect.getsource(Timer._run)
    except OSError:
        pytest.skip("no source for Timer._run")
    assert fixes.TIMER_SKIP_BUG not in source
