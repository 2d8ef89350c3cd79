"""Live reload: the opened corpus follows the files on disk.

``LiveReload`` owns the watching: a ``CorpusWatcher`` reports changed paths
from its own thread, which become a ``FilesChanged`` message; once things
settle, a thread worker reloads the corpus through the session core
(``open_corpus(previous=...)``: only new and changed files are read) and
posts ``CorpusReloaded`` or ``ReloadFailed``.  It writes none of the app's
fields: the main screen decides what a reload means for the screen
(``tui.app.screens.reload``: it keeps the tree's expansion and the reader
where it was, with ``follow_offset``, and rebuilds the search index
incrementally; until the new index is ready the old one keeps answering).
"""

from __future__ import annotations

import os

from tui.app.messages import CorpusReloaded, FilesChanged, ReloadFailed, WatchError

RELOAD_SETTLE = 0.3  # seconds of quiet before a reload starts


class LiveReload:
    """Watching and reloading for one app; see the module docstring."""

    def __init__(self, app, paths: list[str] | None, encoding: str | None, enabled: bool) -> None:
        self.app = app
        self.paths = paths
        self.encoding = encoding
        self.enabled = enabled
        self.watcher = None
        self._timer = None
        self.reloading = False
        self._again = False
        self.reloads = 0  # completed reloads that changed something (tests wait on it)

    # ----------------------------------------------------------- watching

    def start(self) -> None:
        """Start watching the opened roots (once).  ``YUELAN_NO_WATCH=1`` or
        ``--no-watch`` turns it off; the bundled seeds (no paths given) are
        not watched: they never change."""
        if self.watcher is not None or not self.enabled or not self.paths:
            return
        if os.environ.get("YUELAN_NO_WATCH"):
            return
        from tui.corpus.watch import CorpusWatcher

        self.watcher = CorpusWatcher(list(self.paths), self._changed_in_thread, self._error_in_thread)
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        if self._timer is not None:
            self._timer.stop()

    def _post(self, message) -> None:
        if self.watcher is not None and self.watcher.stopped:
            return  # the app is shutting down
        self.app.post_message(message)  # thread-safe

    def _changed_in_thread(self, paths: set[str]) -> None:
        self._post(FilesChanged())

    def _error_in_thread(self, message: str) -> None:
        self._post(WatchError(message))

    # ---------------------------------------------------------- reloading

    def files_changed(self, previous) -> None:
        """Files changed on disk: reload ``previous`` once things settle."""
        if previous is None:
            return  # the first load has not finished; it will see them
        if self.reloading:
            self._again = True
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(RELOAD_SETTLE, lambda: self._start(previous))

    def _start(self, previous) -> None:
        self._timer = None
        self.reloading = True
        self._again = False
        self.app.run_worker(lambda: self._reload(previous), thread=True, exclusive=True, group="reload")

    def _reload(self, previous) -> None:
        from tui.session import open_corpus

        try:
            corpus = open_corpus(self.paths, self.encoding, previous=previous)
        except Exception as exc:  # noqa: BLE001 - a root vanished, permissions...: say so, keep what we have
            self._post(ReloadFailed(exc))
            return
        self._post(CorpusReloaded(corpus))

    def finished(self, changed: bool) -> bool:
        """A reload's answer was handled; True when another one is due
        (files changed again meanwhile)."""
        self.reloading = False
        if changed:
            self.reloads += 1
        return self._again
