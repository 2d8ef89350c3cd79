"""Bookmarks: the list, and changes applied to what is on disk now (another
yuelan on the same corpus may have added some meanwhile)."""

from __future__ import annotations

from typing import Callable

from tui.state import Bookmark, Roots, StateStore


def same_mark(a: Bookmark, b: Bookmark) -> bool:
    return (a.root, a.path, a.offset, a.created) == (b.root, b.path, b.offset, b.created)


class Bookmarks:
    def __init__(self, store: StateStore, roots: Roots | None) -> None:
        self.store = store
        self.roots = roots
        self.marks: list[Bookmark] = []

    def load(self) -> None:
        if self.roots is not None:
            self.marks = self.store.load_bookmarks(self.roots)

    def _change(self, change: Callable[[list[Bookmark]], None]) -> None:
        marks = self.marks
        if self.roots is not None and self.store.enabled:
            marks = self.store.load_bookmarks(self.roots)
        change(marks)
        self.marks = marks
        if self.roots is not None:
            self.store.save_bookmarks(self.roots, marks)

    def add(self, mark: Bookmark) -> None:
        self._change(lambda marks: marks.append(mark))

    def rename(self, i: int, note: str) -> bool:
        if not (0 <= i < len(self.marks)):
            return False
        target = self.marks[i]

        def change(marks: list[Bookmark]) -> None:
            for m in marks:
                if same_mark(m, target):
                    m.note = note

        self._change(change)
        return True

    def delete(self, i: int) -> bool:
        if not (0 <= i < len(self.marks)):
            return False
        target = self.marks[i]
        self._change(lambda marks: marks.__setitem__(slice(None), [m for m in marks if not same_mark(m, target)]))
        return True

    def __len__(self) -> int:
        return len(self.marks)

    def __getitem__(self, i: int) -> Bookmark:
        return self.marks[i]
