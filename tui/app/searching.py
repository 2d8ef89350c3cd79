"""Search as you type, the results list and the live preview (a part of ``YuelanApp``).

Every search runs in an exclusive thread worker; ``SearchState`` drops an
answer whose query is no longer the search bar's value.  Moving the cursor in
the results previews the passage (debounced, focus stays in the list); the
next page is fetched as the cursor nears the end.
"""

from __future__ import annotations

import time

from textual import on, work
from textual.content import Content
from textual.css.query import NoMatches
from textual.message_pump import MessagePump
from textual.widgets import ContentSwitcher, Static
from textual.worker import get_current_worker

from tui.app.widgets.reader import Reader
from tui.app.state.navigation import hit_index
from tui.app.widgets.display import cell_len, clip, safe
from tui.app.widgets.inputs import SearchInput
from tui.app.widgets.result_list import ResultList

SEARCH_LIMIT = 50
DEBOUNCE = 0.03  # coalesces a burst of keys (one SSH packet); typing is slower than this
PREVIEW_DELAY = 0.12  # the cursor resting on a result this long shows it in the reader
MORE_AHEAD = 5  # the next page is fetched when the cursor is this close to the last result


class Searching(MessagePump):
    """Methods of ``YuelanApp``; see the module docstring.  A MessagePump so
    that Textual registers its ``@on`` handlers (it does so per class)."""

    _last_query_key = 0.0  # when the query last changed (time.monotonic)

    # ----------------------------------------------------------------- index

    def _start_index(self) -> None:
        self._index_started = time.monotonic()
        self._progress_timer = self.set_interval(0.25, self._index_progress)
        self.build_index()

    def _index_progress(self) -> None:
        if (self.index is not None and not self._index_partial) or self.index_error:
            if self._progress_timer is not None:
                self._progress_timer.stop()
            return
        elapsed = time.monotonic() - self._index_started
        waiting = " (your search runs when ready)" if self.searching.query else ""
        done, total, done_bytes, total_bytes = self._index_counts or (0, len(self.documents), 0, 0)
        eta = ""
        if 0 < done_bytes < total_bytes and elapsed > 1:
            eta = f", {(total_bytes - done_bytes) * elapsed / done_bytes:.0f}s left"
        size = f" {done_bytes / 1e6:.0f}/{total_bytes / 1e6:.0f} MB" if total_bytes >= 2e6 else ""
        if self._index_partial:
            waiting = ", searching what is indexed"
        self._set_search_status(f"indexing {done}/{total} docs{size}{eta}{waiting}")

    @work(thread=True, exclusive=True, group="index")
    def build_index(self) -> None:
        worker = get_current_worker()
        documents = self.documents
        previous = self.index  # a reload: unchanged documents keep their pieces

        def progress(done: int, total: int, done_bytes: int, total_bytes: int) -> None:
            self._index_counts = (done, total, done_bytes, total_bytes)

        self._index_counts = None
        try:
            if self._index_factory is not None:
                index = self._index_factory(documents)
            else:
                from tui.session import open_index

                # From the persistent store: only new and changed documents
                # are indexed again.  Its notices are shown by _index_ready.
                def searchable(partial) -> None:
                    if not worker.is_cancelled:
                        self.call_from_thread(self._index_searchable, partial)

                index = open_index(documents, progress=progress, cancelled=lambda: worker.is_cancelled, previous=previous,
                                   roots=self.corpus.roots if self.corpus is not None else None, searchable=searchable)
                if index is None:  # cancelled
                    return
        except Exception as exc:  # noqa: BLE001 - the reader still works without search
            self.call_from_thread(self._index_failed, exc)
            return
        if worker.is_cancelled:
            return
        # Searchable now; jieba and the pinyin tables load in the background
        # (a query that needs one of them waits for that one only).
        try:
            index.warm(wait=False)
        except Exception:  # noqa: BLE001 - warming is an optimisation only
            pass
        self.call_from_thread(self._index_ready, index)

    def _index_failed(self, exc: Exception) -> None:
        self.index_error = f"search unavailable: {exc}"
        self._set_search_status(self.index_error)
        self.notify(safe(self.index_error), severity="error", markup=False)

    def _index_searchable(self, index) -> None:
        """A long build committed its first documents: search answers on
        what is indexed so far while the rest is indexed."""
        if self.index is not None and not self._index_partial:
            return  # a reload: the previous index answers meanwhile
        self.index = index
        self._index_partial = True
        if self.searching.query:
            self._run_search()

    def _index_ready(self, index) -> None:
        self._index_partial = False
        self.index = index
        self.show_notices("Search index", index.notices)
        if self._progress_timer is not None:
            self._progress_timer.stop()
        n = len(self.documents)
        self._set_search_status(f"{n} document{'s' if n != 1 else ''}")
        if self.searching.query:
            self._run_search()

    # ---------------------------------------------------------------- search

    def _set_search_status(self, text: str, *shorter: str) -> None:
        """The status beside the search bar: ``text``, or the first of the
        ``shorter`` forms that fits in half the width (never cut mid-word)."""
        room = max(10, self.size.width // 2 - 2)
        for candidate in (text, *shorter):
            if cell_len(candidate) <= room:
                text = candidate
                break
        else:
            text = clip(shorter[-1] if shorter else text, room)
        try:
            self._q("#search-status", Static).update(Content(text))
        except NoMatches:
            pass

    @on(SearchInput.Changed, "#search")
    def _query_changed(self, event: SearchInput.Changed) -> None:
        if not self.searching.set_query(event.value):
            return
        switcher = self._q("#left", ContentSwitcher)
        if self._preview_timer is not None:
            self._preview_timer.stop()
        if not self.searching.query:
            if self._search_timer is not None:
                self._search_timer.stop()
            self.workers.cancel_group(self, "search")
            self._clear_results()
            switcher.current = "tree"
            self._reveal_in_tree()
            self._apply_size(self.size.width, self.size.height)
            n = len(self.documents)
            if self.index is not None:
                self._set_search_status(f"{n} document{'s' if n != 1 else ''}")
            return
        switcher.current = "results"
        self._apply_size(self.size.width, self.size.height)
        if self.index is None:
            self._index_progress()
            return
        # A key after a pause searches at once; keys that follow it within
        # DEBOUNCE (a burst: one SSH packet, a paste) wait for the burst to
        # end.  Waiting after every key put 30 ms on each keystroke.
        now = time.monotonic()
        burst = now - self._last_query_key < DEBOUNCE
        self._last_query_key = now
        if self._search_timer is not None:
            self._search_timer.stop()
        if burst:
            self._search_timer = self.set_timer(DEBOUNCE, self._run_search)
        else:
            self._search_timer = None
            self._run_search()

    def _clear_results(self) -> None:
        self.searching.clear()
        self._q(ResultList).show_results("", [], {})
        reader = self._q(Reader)
        reader.set_hits([], None)
        self.current_hit_passage = None
        self.update_status()

    def _run_search(self) -> None:
        if self.index is None or not self.searching.query:
            return
        self._set_search_status("searching...")
        self._search(self.searching.query)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str) -> None:
        worker = get_current_worker()
        index = self.index
        try:
            # A newer keystroke cancels this worker; the index stops early.
            resp = index.search(query, limit=SEARCH_LIMIT, cancelled=lambda: worker.is_cancelled)
        except Exception as exc:  # noqa: BLE001 - shown in the search bar
            self.call_from_thread(self._search_failed, query, exc)
            return
        if worker.is_cancelled or resp.error == "cancelled":
            return
        # The results go on screen now, with the passages' own highlights;
        # every hit in each document (the counts, the reader's highlights)
        # follows: find_in_document over up to 50 documents was on the
        # keystroke-to-results path.
        self.call_from_thread(self._search_done, query, resp)
        self._count_hits(worker, index, query, resp.results)

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
            self.call_from_thread(self._doc_hits_done, query, found)

    @work(thread=True, exclusive=True, group="search-more")
    def _search_more(self, query: str, offset: int) -> None:
        """The next page of results (the list grew past its last one)."""
        worker = get_current_worker()
        index = self.index
        try:
            resp = index.search(query, limit=SEARCH_LIMIT, offset=offset, cancelled=lambda: worker.is_cancelled)
        except Exception as exc:  # noqa: BLE001
            self.call_from_thread(self._search_failed, query, exc)
            return
        if worker.is_cancelled or resp.error:
            return
        self.call_from_thread(self._more_done, query, resp)
        known = set(self.searching.counted)
        self._count_hits(worker, index, query, [h for h in resp.results if h.doc_id not in known])

    def _more_done(self, query: str, resp) -> None:
        if not self.searching.extend(query, resp):
            return
        self._q(ResultList).add_hits(resp.results, self._counts())
        self._show_search_status()

    def _counts(self) -> dict[str, int]:
        """The final hit count of every counted result document."""
        return {d: n for d in self.searching.docs if (n := self.searching.count(d)) is not None}

    def _doc_hits_done(self, query: str, found: dict[str, list[tuple[int, int]]]) -> None:
        """Every hit in the result documents: counts and the reader's highlights."""
        if not self.searching.add_document_hits(query, found):
            return
        results = self._q(ResultList)
        results.set_counts(self._counts())
        if self.current_doc is not None:
            doc = self.documents[self.current_doc]
            if doc.id in found and not self.finding.is_in(doc.id):
                reader = self._q(Reader)
                cur = reader.hits[reader.current] if reader.current is not None and reader.current < len(reader.hits) else None
                spans = self.searching.spans(doc.id)
                current = None
                if cur is not None and spans:
                    current = spans.index(cur) if cur in spans else hit_index(spans, cur[0])
                reader.set_hits(spans, current)
        self.update_status()

    def _search_failed(self, query: str, exc: Exception) -> None:
        if not self.searching.is_current(query):
            return
        self._set_search_status(f"search failed: {exc}")

    def _search_done(self, query: str, resp) -> None:
        if not self.searching.accept(query, resp):
            return  # stale: the user has typed on
        results = self._q(ResultList)
        results.show_results(query, self.searching.results, {})
        self._show_search_status()
        # Keep highlights in the open document up to date with the new query.
        self._refresh_reader_hits()
        if self._open_when_ready == query:
            self._open_when_ready = None
            if self.searching.results:
                self.open_result(0)
        elif self.searching.results and not self.narrow:
            self._preview_soon()

    def _show_search_status(self) -> None:
        resp = self.searching.response
        if resp is None:
            return
        if resp.error:
            self._set_search_status(f"error: {resp.error}")
        elif not self.searching.results:
            self._set_search_status("no results")
        else:
            total, shown = self.searching.total, len(self.searching.results)
            docs = len(self.searching.docs)
            more = f" (top {shown})" if total > shown else ""
            results = f"{total} result{'s' if total != 1 else ''}{more}"
            in_docs = f"{results} in {docs} doc{'s' if docs != 1 else ''}"
            self._set_search_status(f"{in_docs}, {resp.elapsed_ms:.0f} ms", in_docs, results, f"{total}{more}")

    def _refresh_reader_hits(self) -> None:
        if self.current_doc is None:
            return
        doc = self.documents[self.current_doc]
        if self.finding.is_in(doc.id):
            return  # the find's matches stay on screen
        spans = self.doc_spans(doc)
        self._q(Reader).set_hits(spans, None)
        self.update_status()

    def doc_spans(self, doc) -> list[tuple[int, int]]:
        """What the reader highlights in ``doc``: the find's matches, else the search's hits."""
        if self.finding.is_in(doc.id):
            return self.finding.spans
        return self.searching.spans(doc.id)

    @on(ResultList.OptionSelected, "#results")
    def _result_selected(self, event: ResultList.OptionSelected) -> None:
        if event.option.id is None:
            return
        self.open_result(int(event.option.id))

    @on(ResultList.OptionHighlighted, "#results")
    def _result_highlighted(self, event: ResultList.OptionHighlighted) -> None:
        """The cursor moved in the results: preview that passage (debounced,
        focus stays in the list), and load the next page near the end."""
        if event.option.id is None:
            return
        i = int(event.option.id)
        offset = self.searching.next_offset()
        if offset is not None and i >= len(self.searching.results) - MORE_AHEAD:
            self.searching.loading_more = True
            self._search_more(self.searching.query, offset)
        if not self.narrow:
            self._preview_soon()

    def _preview_soon(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self._preview_now)

    def _preview_now(self) -> None:
        self._preview_timer = None
        i = self._highlighted_result()
        if i is not None:
            self.open_result(i, focus=False, record=False)

    def _highlighted_result(self) -> int | None:
        """The result under the cursor of the results list, if any."""
        results = self._q(ResultList)
        if results.highlighted is None or not self.searching.results:
            return None
        option = results.get_option_at_index(results.highlighted)
        return int(option.id) if option.id is not None else None

    @property
    def settled(self) -> bool:
        """No preview waiting and every result document counted (tests wait on it)."""
        return self._preview_timer is None and not self.searching.uncounted()

    def action_preview(self) -> None:
        """p in the results: the highlighted passage in the reader (the one
        pane below 100 columns shows it; Esc comes back to the same result)."""
        i = self._highlighted_result()
        if i is not None:
            self.open_result(i, focus=self.narrow, record=False)

    def show_highlighted_result(self) -> bool:
        """Tab from the results in the one-pane layout: the reader was hidden
        while the cursor moved, so it shows the result under the cursor
        (unless it already does: then it stays where the user left it).
        False when there is no result to show."""
        i = self._highlighted_result()
        if i is None:
            return False
        hit = self.searching.results[i]
        if self.searching.shown is hit and self._q(Reader).doc is hit.doc:
            return False
        self.open_result(i, record=False)
        return True

    @on(SearchInput.Submitted, "#search")
    def _search_submitted(self) -> None:
        results = self._q(ResultList)
        query = self.searching.query
        self._remember_query(query)
        resp = self.searching.response
        if query and (self.index is None or resp is None or resp.query != query):
            # Results not in yet (indexing, or the search is running): open
            # the top one as soon as it arrives.
            self._open_when_ready = query
            if self.index is None:
                self.notify("Still indexing: the top result opens when it is ready.", markup=False)
        elif self.searching.results:
            self.open_result(results.highlighted or 0)

    def _remember_query(self, query: str) -> None:
        """Keep ``query`` in this corpus's search history (Up/Down recall it)."""
        if self.queries.add(query) and self.roots is not None:
            self.state.save_history(self.roots, self.queries.entries)
            self.show_state_notices()

    def action_history_query(self, direction: int) -> None:
        """Up/Down in the search bar: older/newer queries of this corpus."""
        bar = self._q(SearchInput)
        if direction < 0:
            text = self.queries.older(bar.value)
        else:
            text = self.queries.newer()
            if text is None:
                self.action_focus_results()
                return
        if text is not None:
            bar.value = text
            bar.cursor_position = len(text)

    def open_result(self, i: int, *, focus: bool = True, record: bool = True) -> None:
        if not (0 <= i < len(self.searching.results)):
            return
        hit = self.searching.results[i]
        doc_index = self._doc_index(hit.doc_id)
        if doc_index is None:
            return
        if record:
            self._remember_query(self.searching.query)
        target = hit.start + min(s for s, _ in hit.highlights) if hit.highlights else hit.start
        first = (target, hit.start + min(e for s, e in hit.highlights if hit.start + s == target)) if hit.highlights else None
        self.current_hit_passage = (hit.start, hit.end)
        self.searching.shown = hit
        if self.finding.active:
            self._end_find(quiet=True)  # a search result: the search's hits again
        self.open_document(doc_index, target, hit_target=target, focus=focus, record=record, current_span=first)
