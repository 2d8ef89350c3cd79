"""The app's messages: widgets and dialogs announce, the app decides.

A dialog never calls a domain method on the app; it posts a ``Request``
and the main screen acts on it.  Workers post
them too, from their threads (``post_message`` is thread-safe), instead of
writing the app's fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


class Request(Message, bubble=False):
    """What the main screen decides on, posted to the app by a dialog, the
    palette or a worker (live reload).  They post it to the app,
    which hands it to the main screen (the screen decides); it does not
    bubble back from there (each subclass says ``bubble=False`` too: Textual
    sets ``bubble`` per class)."""


@dataclass
class OpenDocument(Request, bubble=False):
    """Open document ``doc`` (an index into the corpus) at ``offset``."""

    doc: int
    offset: int = 0


@dataclass
class BookmarkJump(Request, bubble=False):
    """Go to bookmark ``index`` (in the bookmarks' order)."""

    index: int


@dataclass
class BookmarkRename(Request, bubble=False):
    """Give bookmark ``index`` the note ``note``."""

    index: int
    note: str


@dataclass
class BookmarkDelete(Request, bubble=False):
    """Delete bookmark ``index``."""

    index: int


@dataclass
class CorpusReloaded(Request, bubble=False):
    """Live reload read the files again (only new and changed ones)."""

    corpus: Any


@dataclass
class ReloadFailed(Message):
    """Live reload could not read the files again; ``error`` says why."""

    error: Exception


@dataclass
class FilesChanged(Message):
    """The watcher saw files change under the corpus roots."""


@dataclass
class WatchError(Message):
    """The watcher could not watch (too many files, a root gone...)."""

    text: str
