"""Watch the opened corpus for added, changed and removed files.

Pure Python on top of watchfiles (inotify on Linux, polling elsewhere); knows
nothing of the UI.  A :class:`CorpusWatcher` runs in daemon threads and calls
``on_change(paths)`` with the set of changed paths, debounced, so that a
caller can run ``load_corpus(..., previous=corpus)``, which re-reads only the
files whose key changed.

Directories named by the user are watched recursively.  A file named by the
user is watched through its parent directory (not recursively), because
editors save by writing a new file and renaming it over the old one, which a
watch on the old inode would miss.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable

# Names that never hold documents: editors' temporary and swap files, our own
# atomic-write temp files, version-control directories.
_IGNORED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules"}


def _ignored(path: str) -> bool:
    name = os.path.basename(path)
    if not name:
        return True
    if name.startswith((".#", ".tmp-", "~$")) or name.endswith(("~", ".swp", ".swo", ".swx", ".tmp", ".part")):
        return True
    parts = path.split(os.sep)
    return any(p in _IGNORED_DIRS for p in parts)


class CorpusWatcher:
    """Call ``on_change(changed_paths)`` when files under ``roots`` change.

    ``on_error(message)`` is called once if watching is impossible (no
    inotify watches left, a root vanished...); the corpus then simply stops
    reloading.  ``stop()`` ends the threads within about ``step`` ms.
    ``watching`` is true once every watch is set up: a change made after
    that is seen.
    """

    def __init__(
        self,
        roots: Iterable[str],
        on_change: Callable[[set[str]], None],
        on_error: Callable[[str], None] | None = None,
        *,
        debounce_ms: int = 300,
        step_ms: int = 50,
        force_polling: bool | None = None,
    ) -> None:
        self.on_change = on_change
        self.on_error = on_error
        self.debounce_ms = debounce_ms
        self.step_ms = step_ms
        self.force_polling = force_polling
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._set_up: list[threading.Event] = []  # one per thread: its watch is in place
        dirs: list[str] = []
        files: dict[str, set[str]] = {}  # parent dir -> file paths named
        for r in roots:
            path = os.path.abspath(r)
            if os.path.isdir(path):
                dirs.append(path)
            else:
                files.setdefault(os.path.dirname(path) or os.sep, set()).add(path)
        self.dirs = dirs
        self.files = files

    def start(self) -> CorpusWatcher:
        if self.dirs:
            self._spawn(self.dirs, True, None)
        if self.files:
            wanted = set().union(*self.files.values())
            self._spawn(list(self.files), False, wanted)
        return self

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        for t in self._threads:
            t.join(timeout)

    @property
    def stopped(self) -> bool:
        """stop() was called."""
        return self._stop.is_set()

    @property
    def watching(self) -> bool:
        """Every watch is set up (and none has ended)."""
        return bool(self._set_up) and all(e.is_set() for e in self._set_up) and self.running

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def _spawn(self, paths: list[str], recursive: bool, wanted: set[str] | None) -> None:
        set_up = threading.Event()
        t = threading.Thread(
            target=self._run, args=(paths, recursive, wanted, set_up), name="yuelan-watch", daemon=True
        )
        self._threads.append(t)
        self._set_up.append(set_up)
        t.start()

    def _run(self, paths: list[str], recursive: bool, wanted: set[str] | None, set_up: threading.Event) -> None:
        try:
            from watchfiles import watch
        except ImportError:  # pragma: no cover - a declared dependency
            self._error("live reload is unavailable (watchfiles is not installed)")
            return

        # watchfiles waits silently forever on a path that does not exist.
        missing = [p for p in paths if not os.path.isdir(p)]
        if missing:
            self._error(f"live reload is off: {missing[0]} is gone")
            return

        def keep(_change, path: str) -> bool:
            if wanted is not None:
                return path in wanted
            return not _ignored(path)

        try:
            for batch in watch(
                *paths,
                watch_filter=keep,
                debounce=self.debounce_ms,
                step=self.step_ms,
                stop_event=_StopAsked(self._stop, set_up),
                recursive=recursive,
                raise_interrupt=False,
                force_polling=self.force_polling,
                ignore_permission_denied=True,
            ):
                if self._stop.is_set():
                    return
                changed = {p for _c, p in batch}
                if changed:
                    try:
                        self.on_change(changed)
                    except Exception as e:  # noqa: BLE001 - the caller's bug must not kill watching silently
                        self._error(f"live reload failed: {type(e).__name__}: {e}")
                        return
        except Exception as e:  # noqa: BLE001 - OSError, watchfiles' RuntimeError (inotify limits)...
            if not self._stop.is_set():
                self._error(f"live reload stopped: {e}")

    def _error(self, message: str) -> None:
        if self.on_error is not None:
            try:
                self.on_error(message)
            except Exception:  # noqa: BLE001, S110 - an error reporter must not raise into the watcher
                pass


class _StopAsked:
    """The ``stop_event`` given to watchfiles: ``stop``'s answer, and the
    sign that the watch is set up (watchfiles asks only once its watches
    are in place, then every ``step`` ms)."""

    def __init__(self, stop: threading.Event, set_up: threading.Event) -> None:
        self._stop = stop
        self._set_up = set_up

    def is_set(self) -> bool:
        self._set_up.set()
        return self._stop.is_set()


def follow_offset(old_text: str, new_text: str, offset: int, context: int = 24) -> int:
    """Where ``offset`` in ``old_text`` is in ``new_text`` after an edit.

    The text right after the old offset (or, at the very end, right before
    it) is looked up in the new text, nearest to the old offset; if it is
    gone, the offset is kept, clamped to the new length.  Pure string
    searches in C, so a reload costs nothing noticeable even at 50 MB."""
    offset = max(0, min(offset, len(old_text)))
    n = len(new_text)
    if not old_text or (offset and old_text[:offset] == new_text[:offset]):
        return min(offset, n)  # unchanged up to here (appends, edits below)
    for size in (context, 8):
        after = old_text[offset : offset + size]
        if len(after) >= min(size, 4):
            hit = _nearest(new_text, after, offset)
            if hit is not None:
                return hit
        before = old_text[max(0, offset - size) : offset]
        if len(before) >= min(size, 4):
            hit = _nearest(new_text, before, offset - len(before))
            if hit is not None:
                return hit + len(before)
    return min(offset, n)


def _nearest(text: str, needle: str, near: int) -> int | None:
    right = text.find(needle, max(0, near))
    left = text.rfind(needle, 0, max(0, near) + len(needle))
    if right < 0 and left < 0:
        return None
    if right < 0:
        return left
    if left < 0:
        return right
    return left if near - left <= right - near else right
