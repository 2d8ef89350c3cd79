"""Full garbage collections while the user is idle, not between a key and its results.

Measured on the 10 MB corpus, typing the benchmark's queries in the app
(gc.callbacks, ~100 keys): Python's default thresholds ran a full (oldest
generation) collection every one or two keystrokes, 230 ms each (49 of
them, 11 s), mostly right after a key's results while the next key
waited.  Textual makes tens of thousands of objects per frame (strips,
segments, styles, caches), and a full collection walked all of them, the
corpus and its index included.

Here the young generations are collected as Python does (a few ms at a
time), the corpus and index are left out of collections once opened
(``gc.freeze``), and the oldest generation is collected only when input
has been idle for ``IDLE`` seconds (or after ``FORCE`` younger collections
without a pause).  A plain object; the app starts it after its first
frame, tells it about input and about an opened index, ticks it, and stops
it when it closes.
"""

from __future__ import annotations

import gc
import time

IDLE = 1.0  # seconds without input before a full collection
CHECK = 0.5  # how often the app ticks it
DUE = 10  # younger collections since the last full one: a full one is due
FORCE = 2_000  # ... this many: collect even while keys arrive
_NEVER = 1_000_000_000  # threshold of the oldest generation: never by itself

_frozen = False
clock = time.monotonic


class IdleCollector:
    def __init__(self) -> None:
        self.last_input = clock()
        self.running = False
        self.collections = 0  # full collections made here (tests read it)
        self._thresholds: tuple[int, int, int] | None = None

    def start(self) -> None:
        """From now on the oldest generation waits for idle time."""
        if not self.running:
            self.running = True
            self._thresholds = gc.get_threshold()
            t0, t1, _ = self._thresholds
            gc.set_threshold(t0, t1, _NEVER)

    def stop(self) -> None:
        """Back to Python's own thresholds (the app is closing)."""
        if self.running:
            self.running = False
            if self._thresholds is not None:
                gc.set_threshold(*self._thresholds)

    def settled(self) -> None:
        """What exists now lives on (the corpus and its index, just opened):
        later collections leave it out (``gc.freeze``; idle collections
        took 67 ms instead of ~230).  Once per process, and without a
        collection first (it would hold the app ~0.2 s as the index opens):
        what is frozen is never collected as a cycle, so only the start-up's
        own garbage may stay."""
        global _frozen
        if self.running and not _frozen:
            _frozen = True
            gc.freeze()

    def input_seen(self) -> None:
        self.last_input = clock()

    def tick(self) -> bool:
        """A full collection if one is due and input is idle, or long
        overdue; True when it collected."""
        if not self.running:
            return False
        due = gc.get_count()[2]  # younger collections since the last full one
        idle = clock() - self.last_input >= IDLE
        if (idle and due >= DUE) or due >= FORCE:
            gc.collect()
            self.collections += 1
            return True
        return False
