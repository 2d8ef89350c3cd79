"""Reading: opening documents, hits and sections, the status line, the
reading place and its history, find in the document, copying.  What the
main screen decides when the user moves in the reader or the tree; a plain
object the main screen owns."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from textual.content import Content
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Static
from textual.worker import get_current_worker

from tui.app.state.find import step as find_step
from tui.app.state.navigation import hit_index, next_document
from tui.app.widgets.display import clip, safe, title_section
from tui.app.widgets.doc_tree import DocTree, NodeRef
from tui.app.widgets.hit_strip import HitStrip
from tui.app.widgets.inputs import FindInput
from tui.app.widgets.reader import Reader
from tui.app.widgets.result_list import ResultList
from tui.state import Place

if TYPE_CHECKING:
    from tui.app.screens.main import MainScreen

SAVE_DELAY = 0.8  # seconds of quiet before the reading place is saved


class Reading:
    def __init__(self, main: MainScreen) -> None:
        self.main = main
        self.saved_place: Place | None = None  # the last place written
        self.save_timer: Timer | None = None
        self.hit_passage: tuple[int, int] | None = None  # the passage of the result last opened (y copies it)

    @property
    def app(self):
        return self.main.app

    def open_document(self, doc_index: int, offset: int = 0, *, focus: bool = True, hit_target: int | None = None,
                      record: bool = True, current_span: tuple[int, int] | None = None) -> None:
        doc = self.app.documents[doc_index]
        if record:
            self.app.places.push((doc.id, offset), self.reader_place())
        if self.app.finding.active and not self.app.finding.is_in(doc.id):
            self.end_find(quiet=True)
        self.app.current_doc = doc_index
        reader = self.main.query_one(Reader)
        spans = self.main.search.doc_spans(doc)
        current = None
        if current_span is not None and current_span in spans:
            current = spans.index(current_span)
        elif hit_target is not None and spans:
            current = hit_index(spans, hit_target)
        reader.show(doc, offset, hits=spans, current=current, center=hit_target is not None)
        if self.app.searching.query and doc.id not in self.app.searching.counted and self.app.index is not None:
            # Not counted yet (or not among the ranked results): find its hits in the background.
            self.find_hits(doc, self.app.searching.query)
        self.update_status()
        if focus:
            self.main.show_pane("reader")

    def find_hits(self, doc, query: str) -> None:
        """Every hit of the search in ``doc`` (a thread worker), then highlighted."""
        self.main.run_worker(lambda: self._find_hits(doc, query), thread=True, exclusive=True, group="find")

    def _find_hits(self, doc, query: str) -> None:
        try:
            spans = sorted(self.app.index.find_in_document(doc, query))
        except Exception:  # noqa: BLE001 - highlights are a bonus here
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._found_hits, doc, query, spans)

    def _found_hits(self, doc, query: str, spans) -> None:
        if not self.app.searching.add_document_hits(query, {doc.id: spans}):
            return
        reader = self.main.query_one(Reader)
        if reader.doc is doc and spans and not self.app.finding.is_in(doc.id):
            cur = reader.hits[reader.current] if reader.current is not None and reader.current < len(reader.hits) else None
            reader.set_hits(spans, spans.index(cur) if cur in spans else None)
            self.update_status()
        if doc.id in self.app.searching.docs:
            self.main.query_one(ResultList).set_counts(self.main.search.counts())

    def tree_selected(self, node) -> None:
        """Enter on a node of the tree: open its document (at the section)."""
        ref = node.data
        if not isinstance(ref, NodeRef):
            node.toggle()
            return
        doc = self.app.documents[ref.doc]
        offset = doc.sections[ref.section].start if ref.section is not None else 0
        if ref.section is None and node.allow_expand:
            node.expand()
        self.open_document(ref.doc, offset)

    def reader_moved(self) -> None:
        self.update_status()
        if self.app.current_doc is None:
            return
        self._save_place_soon()
        self.reveal_in_tree()

    def reveal_in_tree(self) -> None:
        """The tree's cursor on the reader's section, when the tree is shown
        (a preview from the results must not unfold the hidden tree)."""
        try:
            reader = self.main.query_one(Reader)
            tree = self.main.query_one(DocTree)
            switcher = self.main.query_one("#left", ContentSwitcher)
        except NoMatches:  # a Moved still queued while the app shuts down
            return
        if self.app.current_doc is None or not tree.doc_nodes or switcher.current != "tree":
            return
        doc = self.app.documents[self.app.current_doc]
        section = doc.section_at(reader.reading_offset()) if doc.sections else None
        tree.reveal(NodeRef(self.app.current_doc, section))

    def update_status(self) -> None:
        try:
            status = self.main.query_one("#status", Static)
        except NoMatches:  # shutting down
            return
        reader = self.main.query_one(Reader)
        doc = reader.doc
        try:
            self.main.query_one(HitStrip).refresh()
        except NoMatches:
            pass
        if doc is None:
            status.update(Content("no document open"), layout=status.styles.auto_dimensions)
            return
        offset = reader.reading_offset()
        si = doc.section_at(offset) if doc.sections else None
        parts = []
        if self.app.finding.is_in(doc.id):
            i = reader.current
            parts.append(f"find {clip(safe(self.app.finding.query), 16)!r} {i + 1 if i is not None else '-'}/{len(self.app.finding.spans)}")
        elif self.app.searching.query:
            if reader.hits:
                i = reader.current
                parts.append(f"hit {i + 1 if i is not None else '-'}/{len(reader.hits)}")
            else:
                parts.append("no hits here")
        parts.append("laying out..." if reader.laying_out else f"{reader.percent()}%")
        right = "  " + "  ".join(parts)
        width = max(10, status.size.width - 2 if status.size.width else 80)
        room = max(4, width - len(right))
        section = safe(doc.sections[si].title) if si is not None else None
        where = title_section(safe(doc.title or doc.id), section, room)
        # One line of fixed size: a new text needs no layout of the screen
        # (it was one on every key, beside the search's answer).
        status.update(Content(where + right), layout=status.styles.auto_dimensions)

    def next_hit(self, direction: int = 1) -> None:
        reader = self.main.query_one(Reader)
        if reader.doc is not None and self.app.finding.is_in(reader.doc.id):
            self._next_find(direction)
            return
        if not self.app.searching.query:
            self.app.notify("No search yet: press / and type a query.", markup=False)
            return
        if not self.app.searching.docs:
            self.app.notify("No hits for this search.", markup=False)
            return
        reader = self.main.query_one(Reader)
        doc = reader.doc
        if doc is not None and reader.hits:
            if reader.current is None:
                if direction > 0:
                    i = reader.hit_index_at_or_after(reader.top_offset())
                else:
                    i = max(0, (reader.hit_index_at_or_after(reader.top_offset()) or 0) - 1)
                self._goto_hit(i)
                return
            j = reader.current + direction
            if 0 <= j < len(reader.hits):
                self._goto_hit(j)
                return
        # Past this document's end: continue in the next document with hits.
        order = self.app.searching.docs
        step = next_document(order, doc.id if doc is not None else None, direction)
        if step is None:
            return
        next_id, wrapped = step
        di = self.app.doc_index(next_id)
        if di is None:
            return
        spans = self.app.searching.spans(next_id)
        if not spans:
            return
        target = spans[0][0] if direction > 0 else spans[-1][0]
        self.open_document(di, target, hit_target=target, focus=not self.main.narrow or self.main.pane == "reader")
        title = safe(self.app.documents[di].title or next_id)
        if len(order) == 1:
            msg = f"Wrapped to the {'first' if direction > 0 else 'last'} hit."
        elif wrapped:
            msg = f"Wrapped to the {'first' if direction > 0 else 'last'} document: {title}"
        else:
            msg = f"{'Next' if direction > 0 else 'Previous'} document: {title}"
        self.app.notify(clip(msg, 120), markup=False, timeout=3)

    def _goto_hit(self, i: int | None) -> None:
        reader = self.main.query_one(Reader)
        reader.set_current(i, center=True)
        self.update_status()

    def section(self, direction: int) -> None:
        reader = self.main.query_one(Reader)
        doc = reader.doc
        if doc is None or not doc.sections:
            self.app.notify("This document has no sections.", markup=False)
            return
        top = reader.top_offset()
        starts = [s.start for s in doc.sections]
        if direction > 0:
            cands = [i for i, s in enumerate(starts) if s > top]
            if not cands:
                self.app.notify("Last section.", markup=False, timeout=2)
                return
            i = cands[0]
        else:
            cands = [i for i, s in enumerate(starts) if s < top]
            if not cands:
                if top > 0:
                    reader.go_to(0)
                    return
                self.app.notify("First section.", markup=False, timeout=2)
                return
            i = cands[-1]
        reader.go_to(starts[i])
        self.update_status()

    def open_first_place(self, final: bool = True) -> Place | None:
        """Open where the user left this corpus last time, else the first document.

        Called again with a reloaded corpus, it keeps the reader where it is.
        ``final``: False while documents are still arriving (a first open
        lists them as they are parsed): a kept place whose document has not
        arrived is returned, to be tried again (``open_place``)."""
        here = self.reader_place()
        if here is not None:
            di = self.app.doc_index(here[0])
            if di is not None:
                self.open_document(di, min(here[1], len(self.app.documents[di].text)), focus=False, record=False)
                return None
        if self.app.roots is not None:
            self.app.bookmarks.load()
        place = self.app.state.load_place(self.app.roots) if self.app.roots is not None else None
        self.app.show_state_notices()
        if place is not None and self.open_place(place, final):
            return None
        self.open_document(0, 0, focus=False)
        return None if final else place

    def open_place(self, place: Place, final: bool = True) -> bool:
        """Open the kept reading ``place``; False when its document is not
        (or, unless ``final``, not yet) in the corpus."""
        di = self.app.doc_at(place.root, place.path)
        if di is None:
            if final:
                self.app.notify("The last reading place is gone from this corpus: starting at the first document.",
                            markup=False, timeout=5)
            return False
        # A document that shrank since: its end, not another document.
        self.saved_place = place
        self.open_document(di, min(place.offset, len(self.app.documents[di].text)), focus=False)
        if self.main.narrow:
            self.main.show_pane("reader")  # one pane: the kept place, not the tree
        return True

    def reader_place(self) -> tuple[str, int] | None:
        """(doc id, offset of the top line) of the reader, or where it is about to go."""
        try:
            reader = self.main.query_one(Reader)
        except NoMatches:
            return None
        if reader.doc is None:
            return None
        pending = reader.pending_offset
        if pending is not None:
            return reader.doc.id, pending
        if reader.lay is None:
            return None  # laying out: the position is not known yet
        return reader.doc.id, reader.top_offset()

    def history(self, delta: int) -> None:
        place = self.app.places.step(delta, self.reader_place())
        if place is None:
            self.app.notify("No earlier place." if delta < 0 else "No later place.", markup=False, timeout=2)
            return
        di = self.app.doc_index(place[0])
        if di is not None:
            self.open_document(di, place[1], record=False)

    def _save_place_soon(self) -> None:
        if not self.app.state.enabled:
            return
        if self.save_timer is not None:
            self.save_timer.stop()
        self.save_timer = self.main.set_timer(SAVE_DELAY, self.save_place)

    def save_place(self) -> None:
        """Write the reading place now (if it changed)."""
        if not self.app.state.enabled or self.app.roots is None or self.app.current_doc is None:
            return
        here = self.reader_place()
        if here is None:
            return
        di = self.app.doc_index(here[0])
        loc = self.app.roots.locate(self.app.documents[di].path) if di is not None else None
        if loc is None:
            return  # outside the corpus roots: nothing sensible to store
        place = Place(loc[0], loc[1], here[1])
        if place != self.saved_place and self.app.state.save_place(self.app.roots, place):
            self.saved_place = place
        self.app.show_state_notices()

    def find(self) -> None:
        reader = self.main.query_one(Reader)
        if reader.doc is None:
            self.app.notify("Open a document first.", markup=False)
            return
        if self.main.narrow:
            self.main.show_pane("reader", focus=False)
        bar = self.main.query_one(FindInput)
        bar.add_class("-active")
        if self.app.finding.is_in(reader.doc.id):
            bar.value = self.app.finding.query
        self.main.focus_now(bar)

    def close_find(self) -> None:
        """Esc in the find bar: close the prompt (an active find stays)."""
        bar = self.main.query_one(FindInput)
        bar.remove_class("-active")
        self.main.focus_now(self.main.query_one(Reader))

    def find_submitted(self, value: str) -> None:
        query = value.strip()
        self.close_find()
        doc = self.main.query_one(Reader).doc
        if doc is None:
            return
        if not query:
            self.end_find()
            return
        self._find_in_doc(doc, query)

    def _find_in_doc(self, doc, query: str) -> None:
        self.main.run_worker(lambda: self._find_in_doc_thread(doc, query), thread=True, exclusive=True,
                             group="docfind")

    def _find_in_doc_thread(self, doc, query: str) -> None:
        try:
            spans = sorted(find_spans(self.app.index, doc, query))
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.app.call_from_thread(self.app.notify, clip(safe(f"Find failed: {exc}"), 120), markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._find_done, doc, query, spans)

    def _find_done(self, doc, query: str, spans: list[tuple[int, int]]) -> None:
        reader = self.main.query_one(Reader)
        if reader.doc is not doc:
            return
        if not spans:
            self.app.notify(clip(f"Not found in this document: {safe(query)}", 120), markup=False, timeout=3)
            return
        self.app.finding.start(doc.id, query, spans)
        reader.set_hits(self.app.finding.spans, None)
        i = reader.hit_index_at_or_after(reader.top_offset())
        reader.set_current(i, center=True)
        self.update_status()

    def _next_find(self, direction: int) -> None:
        reader = self.main.query_one(Reader)
        first = reader.hit_index_at_or_after(reader.top_offset()) if reader.current is None else None
        step = find_step(reader.current, len(reader.hits), direction, first)
        if step is None:
            return
        i, wrapped = step
        if wrapped:
            self.app.notify("Find wrapped to the " + ("first" if direction > 0 else "last") + " match.",
                        markup=False, timeout=2)
        self._goto_hit(i)

    def end_find(self, quiet: bool = False) -> None:
        self.main.workers.cancel_group(self.main, "docfind")
        had = self.app.finding.end()
        reader = self.main.query_one(Reader)
        if reader.doc is not None and not quiet:
            reader.set_hits(self.main.search.doc_spans(reader.doc), None)
        self.update_status()
        if had and not quiet:
            self.app.notify("Find ended: n/N step the search hits again.", markup=False, timeout=2)

    def copy(self) -> None:
        reader = self.main.query_one(Reader)
        doc = reader.doc
        if doc is None:
            self.app.notify("Nothing to copy.", markup=False)
            return
        offset = reader.reading_offset()
        start, end = passage_at(doc, offset)
        if self.hit_passage and reader.current is not None:
            hs, he = self.hit_passage
            if hs <= offset < he:
                start, end = hs, he
        passage = doc.text[start:end].strip()
        cite = self.citation(doc, start)
        text = f"{passage}\n\n({cite})"
        self.app.copy_to_clipboard(escape_for_clipboard(text))
        self.app.notify(clip(f"Copied {len(passage)} characters: {safe(cite)}", 120), markup=False, timeout=3)

    def copy_section(self) -> None:
        reader = self.main.query_one(Reader)
        doc = reader.doc
        if doc is None:
            self.app.notify("Nothing to copy.", markup=False)
            return
        si = doc.section_at(reader.reading_offset()) if doc.sections else None
        if si is None:
            start, end, what = 0, len(doc.text), "the document (no section here)"
        else:
            sec = doc.sections[si]
            start, end, what = sec.start, sec.end, "the section"
        body = doc.text[start:end].strip()
        cite = self.citation(doc, start)
        self.app.copy_to_clipboard(escape_for_clipboard(f"{body}\n\n({cite})"))
        self.app.notify(clip(f"Copied {what}, {len(body)} characters: {safe(cite)}", 120), markup=False, timeout=3)

    def citation(self, doc, offset: int) -> str:
        """'title \u203a section, file:line' for ``offset`` in ``doc``
        (\u203a is East-Asian neutral width, so it is safe to draw too)."""
        si = doc.section_at(offset) if doc.sections else None
        cite = (doc.title or doc.id) + (" \u203a " + doc.sections[si].title if si is not None else "")
        return f"{cite}, {self._doc_file(doc)}:{doc.text.count(chr(10), 0, offset) + 1}"

    def _doc_file(self, doc) -> str:
        loc = self.app.roots.locate(doc.path) if self.app.roots is not None else None
        return loc[1] if loc is not None else os.path.basename(doc.path)

def passage_at(doc, offset: int) -> tuple[int, int]:
    """The paragraph (the search's passage unit) holding ``offset``."""
    for p in doc.paragraphs or []:
        if p.start <= offset < p.end:
            return p.start, p.end
    # No paragraph model: the text between blank lines.
    text = doc.text
    s = text.rfind("\n\n", 0, offset)
    e = text.find("\n\n", offset)
    return (0 if s < 0 else s + 2), (len(text) if e < 0 else e)


def escape_for_clipboard(text: str) -> str:
    from tui.text import escape_controls

    return escape_controls(text)


def find_spans(index, doc, query: str) -> list[tuple[int, int]]:
    """Matches of ``query`` in ``doc``: the search layer's folding (Traditional,
    width, case, pinyin) when the index is ready, else a folded literal scan."""
    if index is not None:
        return list(index.find_in_document(doc, query))
    from tui.text import to_simplified

    # to_simplified maps character for character, so offsets stay valid.
    text = to_simplified(doc.text).lower()
    term = to_simplified(query).lower()
    out, i = [], text.find(term)
    while term and i >= 0:
        out.append((i, i + len(term)))
        i = text.find(term, i + len(term))
    return out
