"""The app's messages: widgets and dialogs announce, the main screen decides.

A dialog never calls a domain method on the app.  It announces what the
user asks: by dismissing with a result (the bookmark to jump to), or, while
it stays open, by posting a ``Request`` on itself.  A dialog's parent is the
app, so the request bubbles there, and the app hands it to the main screen.
The palette's providers post ``OpenDocument`` to the screen they serve (the
main screen).  Workers post to the app too, from their threads
(``post_message`` is thread-safe), instead of writing the app's fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


class Request(Message):
    """What the main screen decides on.  Posted by a dialog on itself, it
    bubbles to the app (a dialog's parent); a worker posts it to the app.
    The app hands a copy to the main screen, stopped there so that it does
    not bubble back to the app.  (Textual sets ``bubble`` per class: a
    subclass posted straight to the main screen says ``bubble=False``.)"""


@dataclass
class OpenDocument(Request, bubble=False):
    """Open document ``doc`` (an index into the corpus) at ``offset``;
    posted to the main screen by the palette's providers."""

    doc: int
    offset: int = 0


@dataclass
class BookmarkRename(Request):
    """Give bookmark ``index`` the note ``note`` (the bookmarks dialog asks)."""

    index: int
    note: str


@dataclass
class BookmarkDelete(Request):
    """Delete bookmark ``index`` (the bookmarks dialog asks)."""

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
