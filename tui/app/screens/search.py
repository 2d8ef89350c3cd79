"""Search as you type, the results list and the live preview: what the main
screen decides when the query changes, an answer arrives or the cursor
moves in the results.  A plain object the main screen owns.

Every search runs in an exclusive thread worker; ``SearchState`` drops an
answer whose query is no longer the search bar's value.  Moving the cursor in
the results previews the passage (debounced, focus stays in the list); the
next page is fetched as the cursor nears the end.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import ContentSwitcher
from textual.worker import get_current_worker

from tui.app.state.navigation import hit_index
from tui.app.widgets.inputs import SearchInput
from tui.app.widgets.reader import Reader
from tui.app.widgets.result_list import ResultList
from tui.app.widgets.status import FitStatus

if TYPE_CHECKING:
    from tui.app.screens.main import MainScreen

SEARCH_LIMIT = 50
# The first answer to a key holds only the rows the list shows (and the
# cursor's look-ahead); the rest of the SEARCH_LIMIT follows once the typing
# pauses.  Fifty rows (verifying and laying out the ones past the first
# ranked pool, 32) were on the keystroke-to-screen path: 7-17 ms of a
# 10 MB search against 3-8 ms for twenty.
FIRST_PAGE_MIN = 10
DEBOUNCE = 0.03  # coalesces a burst of keys (one SSH packet); typing is slower than this
PREVIEW_DELAY = 0.12  # the cursor resting on a result this long shows it in the reader
MORE_AHEAD = 5  # the next page is fetched when the cursor is this close to the last result
# The hit count pass (find_in_document over up to 50 documents: 100 ms of
# Python at 10 MB for 工会) starts once the typing pauses this long: run
# after every key, it held the GIL while the next key was handled and
# searched.
COUNT_DELAY = 0.15
# "searching..." shows only when an answer takes this long: drawn at once,
# it put a frame (6-10 ms of the app's thread) beside the engine on every
# key, and most answers come in a few milliseconds.
SEARCHING_AFTER = 0.15
# A typed key's echo waits this long for its answer, so that both are drawn
# in one frame: drawn alone, the echo was a frame of its own (5-7 ms of the
# app's thread, beside the search in its worker) and the answer's frame
# came one screen tick after it.  An answer slower than this lets the echo
# through on its own.
ECHO_HOLD = 0.05


class Search:
    def __init__(self, main: MainScreen) -> None:
        self.main = main
        self.search_timer: Timer | None = None
        self.searching_timer: Timer | None = None
        self.preview_timer: Timer | None = None
        self.last_query_key = 0.0  # when the query last changed (time.monotonic)
        self.open_when_ready: str | None = None  # Enter before the answer: open its top result then
        self.echo_held: Timer | None = None  # screen updates held for the answer (ECHO_HOLD)

    @property
    def app(self):
        return self.main.app

    @property
    def state(self):
        return self.app.searching

    # ------------------------------------------------------------ status

    def set_status(self, text: str, *shorter: str) -> None:
        """The status beside the search bar: ``text``, or the first of the
        ``shorter`` forms that fits its width (chosen again when the width
        changes; see ``FitStatus``)."""
        try:
            self.main.query_one("#search-status", FitStatus).show(text, *shorter)
        except NoMatches:
            pass

    def show_status(self) -> None:
        resp = self.state.response
        if resp is None:
            return
        if resp.error:
            self.set_status(f"error: {resp.error}")
        elif not self.state.results:
            self.set_status("no results")
        else:
            total, shown = self.state.total, len(self.state.results)
            docs = len(self.state.docs)
            plural = "s" if total != 1 else ""
            in_docs = f"in {docs} doc{'s' if docs != 1 else ''}"
            if self.state.has_more:  # (identical passages folded into one result count apart in the total)
                # The documents counted are those of the results loaded:
                # "(top 16 in 3 docs)", never "244 results in 3 docs".
                results = f"{total} result{plural} (top {shown})"
                long = f"{total} result{plural} (top {shown} {in_docs})"
                tiny = f"{total} (top {shown})"
            else:
                results = tiny = f"{total} result{plural}"
                long = f"{results} {in_docs}"
            self.set_status(f"{long}, {resp.elapsed_ms:.0f} ms", long, results, tiny)

    # ------------------------------------------------------------- query

    def query_changed(self, value: str) -> None:
        app = self.app
        if not self.state.set_query(value):
            self.release_echo()  # the same query: nothing to wait for
            return
        switcher = self.main.query_one("#left", ContentSwitcher)
        if self.preview_timer is not None:
            self.preview_timer.stop()
            self.preview_timer = None  # no preview waits now (``settled``)
        if not self.state.query:
            self._stop_searching_timer()
            if self.search_timer is not None:
                self.search_timer.stop()
            self.main.workers.cancel_group(self.main, "search")
            self.release_echo()
            self.clear_results()
            switcher.current = "tree"
            self.main.reading.reveal_in_tree()
            self.main.apply_size(app.size.width, app.size.height)
            n = len(app.documents)
            if app.index is not None:
                self.set_status(f"{n} document{'s' if n != 1 else ''}")
            return
        switcher.current = "results"
        self.main.apply_size(app.size.width, app.size.height)
        if app.index is None:
            app.index_progress()
            return
        # A key after a pause searches at once; keys that follow it within
        # DEBOUNCE (a burst: one SSH packet, a paste) wait for the burst to
        # end.  Waiting after every key put 30 ms on each keystroke.
        now = time.monotonic()
        burst = now - self.last_query_key < DEBOUNCE
        self.last_query_key = now
        if self.search_timer is not None:
            self.search_timer.stop()
        if burst:
            self.search_timer = self.main.set_timer(DEBOUNCE, self.run)
        else:
            self.search_timer = None
            self.hold_echo()
            self.run()

    def hold_echo(self) -> None:
        """Hold screen updates (Textual's batch, as ``App.batch_update``)
        until the answer to this key is in, or for ECHO_HOLD at most from
        the first key held (a fast typist's echo is never held longer).
        Called as a key that edits the search bar arrives
        (``MainScreen.key_arriving``), before the bar has it: the bar's
        repaint reaches the screen sooner than its Changed message; and by
        ``query_changed`` for a query set otherwise (an earlier one
        recalled).  Holding twice is holding once."""
        if self.app.index is None:
            return  # no search to wait for
        if self.echo_held is None:
            self.app._begin_batch()
            self.echo_held = self.app.set_timer(ECHO_HOLD, self.release_echo, name="echo-hold")

    def release_echo(self) -> None:
        """Let the screen update again (an answer, a failure, or ECHO_HOLD)."""
        timer, self.echo_held = self.echo_held, None
        if timer is not None:
            timer.stop()
            self.app._end_batch()

    def clear_results(self) -> None:
        self.state.clear()
        self.main.query_one(ResultList).show_results("", [], {})
        self.main.query_one(Reader).set_hits([], None)
        self.main.reading.hit_passage = None
        self.main.reading.update_status()

    def run(self) -> None:
        """Search for the current query (when the index is there)."""
        if self.app.index is None or not self.state.query:
            return
        self._stop_searching_timer()
        self.searching_timer = self.main.set_timer(SEARCHING_AFTER, self._still_searching)
        query = self.state.query
        first = self.first_page()
        self.main.run_worker(lambda: self._search(query, first), thread=True, exclusive=True, group="search")

    def first_page(self) -> int:
        """How many results the first answer to a key needs: the rows the
        list builds at once (its first screen), and the look-ahead that
        loads the next page."""
        rows = self.main.query_one(ResultList).screen_rows()
        return min(SEARCH_LIMIT, max(FIRST_PAGE_MIN, rows + MORE_AHEAD))

    def _still_searching(self) -> None:
        """The answer to the query in the search bar is not in yet: say so."""
        resp = self.state.response
        if self.state.query and (resp is None or resp.query != self.state.query):
            self.set_status("searching...")

    def _search(self, query: str, first: int = SEARCH_LIMIT) -> None:
        """In a worker: the first ``first`` results, then (once the typing
        pauses) the rest of the first page and every hit of its documents."""
        worker = get_current_worker()
        app = self.app
        index = app.index
        try:
            # A newer keystroke cancels this worker; the index stops early.
            resp = index.search(query, limit=first, cancelled=lambda: worker.is_cancelled)
        except Exception as exc:  # noqa: BLE001 - shown in the search bar
            app.call_from_thread(self._search_failed, query, exc)
            return
        if worker.is_cancelled or resp.error == "cancelled":
            return
        # The results go on screen now, with the passages' own highlights;
        # every hit in each document (the counts, the reader's highlights)
        # follows: find_in_document over up to 50 documents was on the
        # keystroke-to-results path.
        app.call_from_thread(self.search_done, query, resp)
        deadline = time.monotonic() + COUNT_DELAY
        while time.monotonic() < deadline:
            if worker.is_cancelled:
                return
            time.sleep(0.01)
        hits = list(resp.results)
        if resp.has_more and len(hits) < SEARCH_LIMIT:
            rest = self._append_page(worker, index, query, len(hits), SEARCH_LIMIT - len(hits))
            if rest is None:
                return
            hits += rest
        self._count_hits(worker, index, query, hits)

    def _append_page(self, worker, index, query: str, offset: int, limit: int) -> list | None:
        """In a worker: results ``offset .. offset+limit``, appended to the
        list on the app's thread; None once cancelled, [] when the search
        failed (said in the search bar if it raised)."""
        try:
            resp = index.search(query, limit=limit, offset=offset, cancelled=lambda: worker.is_cancelled)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._search_failed, query, exc)
            return []
        if worker.is_cancelled:
            return None
        if resp.error:
            return []
        self.app.call_from_thread(self._more_done, query, resp)
        return resp.results

    def _count_hits(self, worker, index, query: str, hits) -> None:
        """Every hit of each result document (in a worker), then the counts."""
        first: dict[str, object] = {}
        for hit in hits:
            first.setdefault(hit.doc_id, hit.doc)
        found: dict[str, list[tuple[int, int]]] = {}
        for doc_id, doc in first.items():
            if worker.is_cancelled:
                return
            try:
                found[doc_id] = list(index.find_in_document(doc, query, cancelled=lambda: worker.is_cancelled))
            except Exception:  # noqa: BLE001 - the passage highlights stay
                pass
        if not worker.is_cancelled:
            self.app.call_from_thread(self._doc_hits_done, query, found)

    def _search_more(self, query: str, offset: int) -> None:
        """In a worker: the next page of results (the list grew past its last one)."""
        worker = get_current_worker()
        index = self.app.index
        hits = self._append_page(worker, index, query, offset, SEARCH_LIMIT)
        if not hits:
            return
        known = set(self.state.counted)
        self._count_hits(worker, index, query, [h for h in hits if h.doc_id not in known])

    def _more_done(self, query: str, resp) -> None:
        if not self.state.extend(query, resp):
            return
        self.main.query_one(ResultList).add_hits(resp.results, self.counts())
        self.show_status()

    def counts(self) -> dict[str, int]:
        """The final hit count of every counted result document."""
        return {d: n for d in self.state.docs if (n := self.state.count(d)) is not None}

    def _doc_hits_done(self, query: str, found: dict[str, list[tuple[int, int]]]) -> None:
        """Every hit in the result documents: counts and the reader's highlights."""
        app = self.app
        if not self.state.add_document_hits(query, found):
            return
        self.main.query_one(ResultList).set_counts(self.counts())
        if app.current_doc is not None:
            doc = app.documents[app.current_doc]
            if doc.id in found and not app.finding.is_in(doc.id):
                reader = self.main.query_one(Reader)
                cur = reader.hits[reader.current] if reader.current is not None and reader.current < len(reader.hits) else None
                spans = self.state.spans(doc.id)
                current = None
                if cur is not None and spans:
                    current = spans.index(cur) if cur in spans else hit_index(spans, cur[0])
                reader.set_hits(spans, current)
        self.main.reading.update_status()

    def _search_failed(self, query: str, exc: Exception) -> None:
        if not self.state.is_current(query):
            return
        self._stop_searching_timer()
        self.set_status(f"search failed: {exc}")
        self.release_echo()

    def _stop_searching_timer(self) -> None:
        if self.searching_timer is not None:
            self.searching_timer.stop()
            self.searching_timer = None

    def search_done(self, query: str, resp) -> None:
        """An answer (on the app's thread); dropped when the user has typed on."""
        if not self.state.accept(query, resp):
            return
        self._stop_searching_timer()
        self.main.query_one(ResultList).show_results(query, self.state.results, {})
        self.show_status()
        self.release_echo()
        if self.open_when_ready == query:
            self.open_when_ready = None
            self._refresh_reader_hits()
            if self.state.results:
                self.open_result(0)
            return
        # The open document's highlights follow the new query one frame
        # after the results: repainting the reader and its hit strip in the
        # same frame held the results back by a third of that frame's time.
        self.main.call_after_refresh(self._reader_hits_after, resp)
        if self.state.results and not self.main.narrow:
            self._preview_soon()

    def _reader_hits_after(self, resp) -> None:
        """The reader's highlights for the answer ``resp``, unless a newer
        answer came or a result was opened since (it set them itself)."""
        if self.state.response is resp and self.state.shown is None:
            self._refresh_reader_hits()

    def _refresh_reader_hits(self) -> None:
        app = self.app
        if app.current_doc is None:
            return
        doc = app.documents[app.current_doc]
        if app.finding.is_in(doc.id):
            return  # the find's matches stay on screen
        self.main.query_one(Reader).set_hits(self.doc_spans(doc), None)
        self.main.reading.update_status()

    def doc_spans(self, doc) -> list[tuple[int, int]]:
        """What the reader highlights in ``doc``: the find's matches, else the search's hits."""
        if self.app.finding.is_in(doc.id):
            return self.app.finding.spans
        return self.state.spans(doc.id)

    # ----------------------------------------------------------- results

    def result_highlighted(self, i: int) -> None:
        """The cursor moved in the results: preview that passage (debounced,
        focus stays in the list), and load the next page near the end."""
        offset = self.state.next_offset()
        if offset is not None and i >= len(self.state.results) - MORE_AHEAD:
            self.state.loading_more = True
            query = self.state.query
            self.main.run_worker(lambda: self._search_more(query, offset), thread=True, exclusive=True,
                                 group="search-more")
        if not self.main.narrow:
            self._preview_soon()

    def _preview_soon(self) -> None:
        if self.preview_timer is not None:
            self.preview_timer.stop()
        self.preview_timer = self.main.set_timer(PREVIEW_DELAY, self._preview_now)

    def _preview_now(self) -> None:
        self.preview_timer = None
        i = self._highlighted_result()
        if i is not None:
            self.open_result(i, focus=False, record=False)

    def _highlighted_result(self) -> int | None:
        """The result under the cursor of the results list, if any."""
        results = self.main.query_one(ResultList)
        if results.highlighted is None or not self.state.results:
            return None
        option = results.get_option_at_index(results.highlighted)
        return int(option.id) if option.id is not None else None

    @property
    def settled(self) -> bool:
        """No preview waiting and every result document counted (tests wait on it)."""
        return self.preview_timer is None and not self.state.uncounted()

    def preview(self) -> None:
        """p in the results: the highlighted passage in the reader (the one
        pane below 100 columns shows it; Esc comes back to the same result)."""
        i = self._highlighted_result()
        if i is not None:
            self.open_result(i, focus=self.main.narrow, record=False)

    def show_highlighted_result(self) -> bool:
        """Tab from the results in the one-pane layout: the reader was hidden
        while the cursor moved, so it shows the result under the cursor
        (unless it already does: then it stays where the user left it).
        False when there is no result to show."""
        i = self._highlighted_result()
        if i is None:
            return False
        hit = self.state.results[i]
        if self.state.shown is hit and self.main.query_one(Reader).doc is hit.doc:
            return False
        self.open_result(i, record=False)
        return True

    def submitted(self) -> None:
        """Enter in the search bar: open the highlighted result (or the top
        one as soon as it arrives)."""
        app = self.app
        query = self.state.query
        self.remember_query(query)
        resp = self.state.response
        if query and (app.index is None or resp is None or resp.query != query):
            # Results not in yet (indexing, or the search is running): open
            # the top one as soon as it arrives.
            self.open_when_ready = query
            if app.index is None:
                app.notify("Still indexing: the top result opens when it is ready.", markup=False)
        elif self.state.results:
            self.open_result(self.main.query_one(ResultList).highlighted or 0)

    def remember_query(self, query: str) -> None:
        """Keep ``query`` in this corpus's search history (Up/Down recall it)."""
        app = self.app
        if app.queries.add(query) and app.roots is not None:
            app.state.save_history(app.roots, app.queries.entries)
            app.show_state_notices()

    def history_query(self, direction: int) -> None:
        """Up/Down in the search bar: older/newer queries of this corpus."""
        bar = self.main.query_one(SearchInput)
        if direction < 0:
            text = self.app.queries.older(bar.value)
        else:
            text = self.app.queries.newer()
            if text is None:
                self.main.focus_results()
                return
        if text is not None:
            bar.value = text
            bar.cursor_position = len(text)

    def open_result(self, i: int, *, focus: bool = True, record: bool = True) -> None:
        app = self.app
        if not (0 <= i < len(self.state.results)):
            return
        hit = self.state.results[i]
        doc_index = app.doc_index(hit.doc_id)
        if doc_index is None:
            return
        if record:
            self.remember_query(self.state.query)
        target = hit.start + min(s for s, _ in hit.highlights) if hit.highlights else hit.start
        first = (target, hit.start + min(e for s, e in hit.highlights if hit.start + s == target)) if hit.highlights else None
        self.main.reading.hit_passage = (hit.start, hit.end)
        self.state.shown = hit
        if app.finding.active:
            self.main.reading.end_find(quiet=True)  # a search result: the search's hits again
        self.main.reading.open_document(doc_index, target, hit_target=target, focus=focus, record=record, current_span=first)
