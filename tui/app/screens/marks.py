"""Bookmarks and exports: what the main screen decides when the user marks
a passage, answers the bookmarks dialog (its result: jump; its requests:
rename, delete) or exports the results.  A plain object the main screen
owns (see ``main.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.app.widgets.display import clip, safe, title_section
from tui.app.widgets.reader import Reader
from tui.state import Bookmark, excerpt

if TYPE_CHECKING:
    from tui.app.screens.main import MainScreen


class Marks:
    def __init__(self, main: MainScreen) -> None:
        self.main = main

    @property
    def app(self):
        return self.main.app

    def bookmark(self) -> None:
        """m: bookmark the reading place, with an optional note (a dialog)."""
        app = self.app
        reader = self.main.query_one(Reader)
        doc = reader.doc
        if doc is None:
            app.notify("Open a document first.", markup=False)
            return
        loc = app.roots.locate(doc.path) if app.roots is not None else None
        if loc is None:
            app.notify("This document is outside the corpus folders: it cannot be bookmarked.", markup=False)
            return
        offset = reader.reading_offset()
        where = self.main.reading.citation(doc, offset)
        snippet = excerpt(doc.text, offset)

        def done(note: str | None) -> None:
            if note is None:
                return
            app.bookmarks.add(Bookmark(loc[0], loc[1], offset, snippet, note))
            app.show_state_notices()
            app.notify(clip(f"Bookmarked: {safe(note or snippet)}", 120), markup=False, timeout=3)

        from tui.app.screens.note import NoteScreen

        app.push_screen(NoteScreen("Bookmark this passage", safe(f"{snippet}  ({where})")), done)

    def show_list(self) -> None:
        """': the bookmarks dialog."""
        from tui.app.screens.bookmarks import BookmarksScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                self.jump(index)

        self.app.push_screen(BookmarksScreen(self.rows()), chosen)

    def target(self, mark: Bookmark) -> tuple[int | None, str]:
        """(document index, '') or (None, why it is stale)."""
        app = self.app
        di = app.doc_at(mark.root, mark.path)
        if di is None:
            return None, "stale: file gone"
        if mark.offset > len(app.documents[di].text):
            return None, "stale: offset out of range"
        return di, ""

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(label, where, excerpt, note) of every bookmark, for the dialog."""
        rows = []
        documents = self.app.documents
        for b in self.app.bookmarks.marks:
            di, stale = self.target(b)
            label = safe(b.note) if b.note else safe(b.excerpt)
            if di is not None:
                doc = documents[di]
                si = doc.section_at(b.offset) if doc.sections else None
                where = title_section(safe(doc.title or doc.id), safe(doc.sections[si].title) if si is not None else None, 50)
            else:
                where = f"{safe(b.path)} [{stale}]"
            rows.append((label, where, safe(b.excerpt), b.note))
        return rows

    def jump(self, index: int) -> None:
        app = self.app
        if not (0 <= index < len(app.bookmarks)):
            return
        mark = app.bookmarks[index]
        di, stale = self.target(mark)
        if di is None:
            app.notify(clip(f"Bookmark {safe(mark.path)} is {stale}.", 120), severity="warning", markup=False)
            return
        self.main.reading.open_document(di, mark.offset)

    def rename(self, index: int, note: str) -> None:
        if self.app.bookmarks.rename(index, note):
            self._changed(index)

    def delete(self, index: int) -> None:
        if self.app.bookmarks.delete(index):
            self._changed(index)

    def _changed(self, keep: int) -> None:
        self.app.show_state_notices()
        from tui.app.screens.bookmarks import BookmarksScreen

        if isinstance(self.app.screen, BookmarksScreen):
            self.app.screen.show_rows(self.rows(), keep)

    def export(self) -> None:
        """e: the current results to a Markdown file."""
        app = self.app
        resp = app.searching.response
        if not app.searching.query or resp is None or not resp.results:
            app.notify("No results to export: search first (/).", markup=False)
            return
        from tui.export import to_markdown, write_export

        try:
            path = write_export(app.state.dir, resp.query, to_markdown(resp))
        except (OSError, ValueError) as exc:
            app.notify(clip(safe(f"Export failed: {exc}"), 200), severity="error", markup=False)
            return
        app.notify(safe(f"Exported {len(resp.results)} results to {path}"), markup=False, timeout=10)
