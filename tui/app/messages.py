"""The app's messages: widgets and dialogs announce, the app decides.

A dialog never calls a domain method on the app; it posts one of these and
the app (the main screen's owner of the state) acts on it.  Workers post
them too, from their threads (``post_message`` is thread-safe), instead of
writing the app's fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class OpenDocument(Message):
    """Open document ``doc`` (an index into the corpus) at ``offset``."""

    doc: int
    offset: int = 0


@dataclass
class BookmarkJump(Message):
    index: int


@dataclass
class BookmarkRename(Message):
    index: int
    note: str


@dataclass
class BookmarkDelete(Message):
    index: int


@dataclass
class CorpusReloaded(Message):
    """Live reload read the files again (only new and changed ones)."""

    corpus: Any


@dataclass
class ReloadFailed(Message):
    error: Exception


@dataclass
class FilesChanged(Message):
    """The watcher saw files change under the corpus roots."""


@dataclass
class WatchError(Message):
    """The watcher could not watch (too many files, a root gone...)."""

    text: str
