"""The app's garbage-collection policy (tui/app/collector.py): the oldest
generation is collected only while input is idle."""

from __future__ import annotations

import gc

import pytest

from tui.app import collector as collector_mod
from tui.app.collector import IdleCollector


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_the_oldest_generation_waits_while_keys_arrive_and_is_collected_when_idle(thresholds, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(collector_mod, "clock", lambda: now[0])
    c = IdleCollector()
    c.start()
    assert gc.get_threshold()[:2] == thresholds[:2] and gc.get_threshold()[2] > 10**8
    for _ in range(collector_mod.DUE + 1):
        gc.collect(1)  # younger collections: the oldest one becomes due
    assert gc.get_count()[2] >= collector_mod.DUE
    c.input_seen()
    now[0] += collector_mod.IDLE / 2
    assert not c.tick()  # a key half a second ago: not now
    now[0] += collector_mod.IDLE
    assert c.tick() and c.collections == 1
    assert gc.get_count()[2] == 0
    assert not c.tick()  # nothing due any more
    c.stop()
    assert gc.get_threshold() == thresholds


def test_a_long_burst_of_typing_is_collected_anyway(thresholds, monkeypatch):
    monkeypatch.setattr(collector_mod, "FORCE", 3)
    c = IdleCollector()
    c.start()
    for _ in range(4):
        gc.collect(1)
    c.input_seen()  # keys still arriving
    assert c.tick() and c.collections == 1
    c.stop()


async def test_the_app_runs_its_collector_and_gives_back_the_thresholds(thresholds):
    from app_support import make_app, wait_for

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.collector.running, "the collector")
        assert gc.get_threshold()[2] > 10**8
        await pilot.press("x")
        assert 0 <= collector_mod.clock() - app.collector.last_input < 5
    assert not app.collector.running
    assert gc.get_threshold() == thresholds
