"""Bookmarks and exports (a part of ``YuelanApp``): the dialogs announce,
these handlers decide.
"""

from __future__ import annotations

from textual import on
from textual.message_pump import MessagePump

from tui.app.messages import BookmarkDelete, BookmarkJump, BookmarkRename, OpenDocument
from tui.app.widgets.reader import Reader
from tui.app.widgets.display import clip, safe, title_section
from tui.state import Bookmark, excerpt


class Marks(MessagePump):
    """Methods of ``YuelanApp``; see the module docstring.  A MessagePump so
    that Textual registers its ``@on`` handlers (it does so per class)."""

    def action_bookmark(self) -> None:
        reader = self._q(Reader)
        doc = reader.doc
        if doc is None:
            self.notify("Open a document first.", markup=False)
            return
        loc = self.roots.locate(doc.path) if self.roots is not None else None
        if loc is None:
            self.notify("This document is outside the corpus folders: it cannot be bookmarked.", markup=False)
            return
        offset = reader.reading_offset()
        where = self.citation(doc, offset)
        snippet = excerpt(doc.text, offset)

        def done(note: str | None) -> None:
            if note is None:
                return
            self.bookmarks.add(Bookmark(loc[0], loc[1], offset, snippet, note))
            self._show_state_notices()
            self.notify(clip(f"Bookmarked: {safe(note or snippet)}", 120), markup=False, timeout=3)

        from tui.app.screens.note import NoteScreen

        self.push_screen(NoteScreen("Bookmark this passage", safe(f"{snippet}  ({where})")), done)

    def action_bookmarks(self) -> None:
        from tui.app.screens.bookmarks import BookmarksScreen

        self.push_screen(BookmarksScreen(self.bookmark_rows()))

    def bookmark_target(self, mark: Bookmark) -> tuple[int | None, str]:
        """(document index, '') or (None, why it is stale)."""
        di = self._doc_at(mark.root, mark.path)
        if di is None:
            return None, "stale: file gone"
        if mark.offset > len(self.documents[di].text):
            return None, "stale: offset out of range"
        return di, ""

    def bookmark_rows(self) -> list[tuple[str, str, str]]:
        """(label, where, excerpt) of every bookmark, for the dialog."""
        rows = []
        for b in self.bookmarks.marks:
            di, stale = self.bookmark_target(b)
            label = safe(b.note) if b.note else safe(b.excerpt)
            if di is not None:
                doc = self.documents[di]
                si = doc.section_at(b.offset) if doc.sections else None
                where = title_section(safe(doc.title or doc.id), safe(doc.sections[si].title) if si is not None else None, 50)
            else:
                where = f"{safe(b.path)} [{stale}]"
            rows.append((label, where, safe(b.excerpt), b.note))
        return rows

    @on(BookmarkJump)
    def _bookmark_jump(self, message: BookmarkJump) -> None:
        if not (0 <= message.index < len(self.bookmarks)):
            return
        mark = self.bookmarks[message.index]
        di, stale = self.bookmark_target(mark)
        if di is None:
            self.notify(clip(f"Bookmark {safe(mark.path)} is {stale}.", 120), severity="warning", markup=False)
            return
        self.open_document(di, mark.offset)

    @on(BookmarkRename)
    def _bookmark_rename(self, message: BookmarkRename) -> None:
        if self.bookmarks.rename(message.index, message.note):
            self._bookmarks_changed(message.index)

    @on(BookmarkDelete)
    def _bookmark_delete(self, message: BookmarkDelete) -> None:
        if self.bookmarks.delete(message.index):
            self._bookmarks_changed(message.index)

    def _bookmarks_changed(self, keep: int) -> None:
        self._show_state_notices()
        from tui.app.screens.bookmarks import BookmarksScreen

        if isinstance(self.screen, BookmarksScreen):
            self.screen.show_rows(self.bookmark_rows(), keep)

    @on(OpenDocument)
    def _open_document_requested(self, message: OpenDocument) -> None:
        if 0 <= message.doc < len(self.documents):
            self.open_document(message.doc, message.offset)

    def action_export(self) -> None:
        resp = self.searching.response
        if not self.searching.query or resp is None or not resp.results:
            self.notify("No results to export: search first (/).", markup=False)
            return
        from tui.export import to_markdown, write_export

        try:
            path = write_export(self.state.dir, resp.query, to_markdown(resp))
        except (OSError, ValueError) as exc:
            self.notify(clip(safe(f"Export failed: {exc}"), 200), severity="error", markup=False)
            return
        self.notify(safe(f"Exported {len(resp.results)} results to {path}"), markup=False, timeout=10)
