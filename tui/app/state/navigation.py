"""Reading places: back/forward history, and stepping through the documents
with hits (n/N past a document's last hit go on in the next one)."""

from __future__ import annotations

Place = tuple[str, int]  # (document id, character offset)
HISTORY_MAX = 200


class PlaceHistory:
    """Back/forward like a browser: a new place drops the forward list, and
    leaving a place updates it to where the user actually was."""

    def __init__(self, limit: int = HISTORY_MAX) -> None:
        self.limit = limit
        self.places: list[Place] = []  # oldest first
        self.pos = -1

    def push(self, place: Place, here: Place | None = None) -> None:
        """Record a jump to ``place``; ``here`` is where the reader is now."""
        if 0 <= self.pos < len(self.places) and here is not None:
            self.places[self.pos] = here  # back returns where the user left
        del self.places[self.pos + 1 :]
        if self.places and self.places[-1] == place:
            return
        self.places.append(place)
        if len(self.places) > self.limit:
            del self.places[0]
        self.pos = len(self.places) - 1

    def step(self, delta: int, here: Place | None = None) -> Place | None:
        """The place ``delta`` steps back (<0) or forward, or None at an end."""
        j = self.pos + delta
        if not (0 <= j < len(self.places)):
            return None
        if here is not None and 0 <= self.pos < len(self.places):
            self.places[self.pos] = here
        self.pos = j
        return self.places[j]


def next_document(order: list[str], current: str | None, direction: int) -> tuple[str, bool] | None:
    """The document after (or before) ``current`` among ``order`` (documents
    with hits, ranked), and whether that wrapped round; None when none."""
    if not order:
        return None
    if current in order:
        k = order.index(current) + direction
    else:
        k = 0 if direction > 0 else len(order) - 1
    wrapped = False
    if k >= len(order):
        k, wrapped = 0, True
    elif k < 0:
        k, wrapped = len(order) - 1, True
    return order[k], wrapped


def hit_index(spans: list[tuple[int, int]], target: int) -> int:
    """The index of the first span at or after ``target`` (the last one if none)."""
    from bisect import bisect_left

    return max(0, min(bisect_left([s for s, _ in spans], target), len(spans) - 1))
