"""The yuelan application: browse, search and read a corpus.

The app is a thin layer over ``tui.corpus`` and ``tui.search``:

* the corpus is loaded in a thread (started before Textual is even imported,
  see ``tui.app.run``); the document tree appears as soon as it is ready;
* the search index is built, and jieba/pypinyin warmed, in a thread worker
  after the first frame; queries typed meanwhile wait and run when it is ready;
* every search runs in an exclusive thread worker; a result whose query is no
  longer the search bar's value is dropped.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Future
from typing import Any, Callable, Iterable

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Static
from textual.worker import get_current_worker

from tui.app.live import LiveReload
from tui.app.messages import (
    BookmarkDelete,
    BookmarkJump,
    BookmarkRename,
    CorpusReloaded,
    FilesChanged,
    OpenDocument,
    ReloadFailed,
    WatchError,
)
from tui.app.reader import HitStrip, Reader
from tui.app.widgets import (
    DocTree,
    FindInput,
    LeanFooter,
    NodeRef,
    ResultList,
    SearchInput,
    cell_len,
    clip,
    safe,
    title_section,
)
from tui.app.state.bookmarks import Bookmarks
from tui.app.state.find import FindState
from tui.app.state.find import step as find_step
from tui.app.state.navigation import PlaceHistory, hit_index, next_document
from tui.app.state.search import QueryHistory, SearchState
from tui.state import Bookmark, Place, Roots, StateStore, excerpt

WIDE = 100  # columns from which both panes are shown side by side
READER_MIN = 60  # columns the reader keeps beside the results
MIN_W, MIN_H = 60, 15  # below this: "terminal too small"
SEARCH_LIMIT = 50
DEBOUNCE = 0.03  # coalesces a burst of keys (one SSH packet); typing is slower than this
PREVIEW_DELAY = 0.12  # the cursor resting on a result this long shows it in the reader
MORE_AHEAD = 5  # the next page is fetched when the cursor is this close to the last result
SAVE_DELAY = 0.8  # seconds of quiet before the reading place is saved
# Actions that make no sense over a dialog (help, palette, bookmarks).
MAIN_ONLY = {"bookmark", "bookmarks", "history", "find", "export", "cycle_theme", "copy_section"}
# The themes 't' cycles through: (label, Textual theme name).
THEMES = [("dark", "textual-dark"), ("light", "textual-light"), ("16-colour", "ansi-dark")]


def _documents_provider():
    from tui.app.screens import DocumentsProvider

    return DocumentsProvider


def _sections_provider():
    from tui.app.screens import SectionsProvider

    return SectionsProvider


class MainScreen(Screen):
    """The one screen of the app; Tab switches panes instead of walking focus."""

    BINDINGS = [
        # One of these two is active: the footer says where Tab goes.
        Binding("tab,shift+tab", "app.switch_pane('reader')", "Reader"),
        Binding("tab,shift+tab", "app.switch_pane('left')", "List"),
    ]

    def compose(self) -> ComposeResult:
        # Size classes before the first layout: changing them later restyles
        # every widget, which costs start-up time.
        width, height = self.app.size
        self.set_class(width < MIN_W or height < MIN_H, "too-small", update=False)
        self.set_class(width < WIDE, "narrow", update=False)
        self.set_class(False, "show-reader", update=False)
        self.set_class(True, "show-left", update=False)
        yield from self.app.compose_main()

    def on_mount(self) -> None:
        # The composed children are mounted by now: fill the tree before the
        # first frame when the corpus is already loaded.
        self.app.main_mounted()


class YuelanApp(App):
    TITLE = "yuelan"
    # Callables, so the dialogs module is imported when the palette first
    # opens, not before the first frame.
    COMMANDS = App.COMMANDS | {_documents_provider, _sections_provider}

    CSS = """
    Screen { layout: vertical; }
    #top { height: 1; background: $panel; }
    #top-label { width: auto; padding: 0 1; color: $text-muted; }
    #search { width: 1fr; min-width: 10; }
    #search-status { width: auto; max-width: 50%; padding: 0 1; color: $text-muted; }
    #main { height: 1fr; }
    #left { width: 40%; min-width: 30; max-width: 60; background: $panel; }
    #left > * { background: $panel; }
    #tree, #results { height: 1fr; scrollbar-size-vertical: 1; padding-right: 1; }
    #results, #results:focus { border: none; }
    Footer FooterKey.-command-palette { border-left: none; }
    #right { width: 1fr; min-width: 20; }
    #reader-row { height: 1fr; }
    #reader { height: 1fr; width: 1fr; }
    #find { display: none; height: 1; }
    #find.-active { display: block; }
    #status { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    #too-small { display: none; width: 1fr; height: 1fr; content-align: center middle; text-align: center; }

    Screen.narrow #left { width: 1fr; max-width: 100%; }
    Screen.narrow.show-reader #left { display: none; }
    Screen.narrow.show-left #right { display: none; }

    Screen.too-small #top, Screen.too-small #main, Screen.too-small Footer { display: none; }
    Screen.too-small #too-small { display: block; }

    Toast { border-left: none; padding: 0 1; }
    /* Notices sit above the status line and the footer, never over them. */
    ToastRack { margin-bottom: 2; }
    /* The palette's default borders are block elements (ambiguous width). */
    CommandPalette #--input { border: blank; }
    CommandPalette #--input.--list-visible { border-bottom: none; }
    CommandPalette CommandList, CommandPalette CommandList:focus { border: blank; border-top: none; }
    CommandPalette LoadingIndicator { border-bottom: blank; }
    """

    BINDINGS = [
        # Priority: handled as the key arrives, so keys typed right behind it
        # (one SSH packet: "/xlgw") are already routed to the search bar.
        Binding("slash", "focus_search", "Search", priority=True),
        Binding("escape", "back", "Back", show=False),
        Binding("n", "next_hit(1)", "Next hit"),
        Binding("N", "next_hit(-1)", "Prev hit", show=False),
        Binding("left_square_bracket", "section(-1)", "Prev section", show=False),
        Binding("right_square_bracket", "section(1)", "Next section", show=False),
        Binding("y", "copy", "Copy"),
        Binding("Y", "copy_section", "Copy section", show=False),
        Binding("ctrl+f", "find", "Find", show=False),
        Binding("m", "bookmark", "Mark", show=False),
        Binding("apostrophe", "bookmarks", "Marks", show=False),
        # ctrl+i is Tab on most terminals (the same byte); it only arrives as
        # ctrl+i where the terminal speaks the kitty keyboard protocol.
        Binding("ctrl+o,H", "history(-1)", "Back", show=False),
        Binding("ctrl+i,L", "history(1)", "Forward", show=False),
        Binding("e", "export", "Export", show=False),
        Binding("t", "cycle_theme", "Theme", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        paths: list[str] | None = None,
        encoding: str | None = None,
        *,
        corpus: Any = None,
        corpus_future: Future | None = None,
        index_factory: Callable[[list], Any] | None = None,
        state_dir: str | None | bool = None,
        watch_files: bool = True,
    ) -> None:
        super().__init__()
        self.live = LiveReload(self, paths, encoding, watch_files)  # see live.py
        self.startup_notices: list[str] = []  # shown once the screen is up (e.g. the locale)
        # Persistent state: None is the user data dir, False turns it off.
        self.state = StateStore(None if state_dir in (None, True) else state_dir, enabled=state_dir is not False)
        self.roots: Roots | None = None
        try:
            if paths:
                self.roots = Roots(list(paths))
            else:
                from tui.corpus import default_seed_dir

                self.roots = Roots([str(default_seed_dir())])
        except Exception:  # noqa: BLE001 - no seeds: nothing to key the state on
            self.roots = None
        # The plain state owners (tui.app.state): the app wires them to widgets.
        self.bookmarks = Bookmarks(self.state, self.roots)
        self.places = PlaceHistory()
        self.finding = FindState()
        self.searching = SearchState()
        self.queries = QueryHistory(self.state.load_history(self.roots) if self.roots is not None else [])
        self._saved_place: Place | None = None
        self._save_timer: Timer | None = None
        saved_theme = self.state.load_settings().get("theme")
        if saved_theme and saved_theme in self.available_themes:
            self.theme = saved_theme
        self.paths = paths
        self.encoding = encoding
        self.corpus = corpus
        self._corpus_future = corpus_future
        self._index_factory = index_factory
        self.documents: list = []
        self.index: Any = None
        self.index_error: str | None = None
        self._index_started = 0.0
        self._index_counts: tuple[int, int, int, int] | None = None
        self._search_timer: Timer | None = None
        self._preview_timer: Timer | None = None
        self._progress_timer: Timer | None = None
        self.current_doc: int | None = None
        self.current_hit_passage: tuple[int, int] | None = None
        self.pane = "left"  # in narrow layouts: which pane is shown
        self.error_message: str | None = None
        self._open_when_ready: str | None = None

    # ---------------------------------------------------------------- layout

    def on_unmount(self) -> None:
        # However the app ends (q, ctrl+c, a test's run_test leaving): the
        # watcher threads hold inotify instances, 128 per user by default.
        self.live.stop()

    def _handle_exception(self, error: Exception) -> None:
        # A message or worker callback queued before the app began to close
        # can arrive after the main screen's widgets are gone (seen: a
        # Reader.Moved right behind a palette command at exit). Nothing is
        # left to update then; that is no reason to end with a traceback.
        if isinstance(error, NoMatches):
            screen = self.get_screen_main()
            if screen is None or not screen.is_attached or not screen.query("#main"):
                return
        super()._handle_exception(error)

    def get_default_screen(self) -> Screen:
        return MainScreen()

    def compose_main(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static("/", id="top-label")
            yield SearchInput(placeholder="search: Chinese or pinyin (xlgw, xinling)", id="search", compact=True)
            yield Static("loading...", id="search-status", markup=False)
        with Horizontal(id="main"):
            with ContentSwitcher(initial="tree", id="left"):
                yield DocTree(id="tree")
                yield ResultList(id="results")
            with Vertical(id="right"):
                with Horizontal(id="reader-row"):
                    reader = Reader(id="reader")
                    yield reader
                    yield HitStrip(reader, id="hitstrip")
                yield FindInput(placeholder="find in this document (Enter; Esc closes)", id="find", compact=True)
                yield Static("", id="status", markup=False)
        yield Static(
            f"Terminal too small.\nyuelan needs at least {MIN_W}x{MIN_H}.",
            id="too-small",
            markup=False,
        )
        yield LeanFooter()

    def main_mounted(self) -> None:
        self._apply_size(self.size.width, self.size.height)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._show_state_notices()
        for notice in self.startup_notices:
            self.notify(safe(notice), title="Terminal", severity="warning", timeout=12, markup=False)
        if self.corpus is not None:
            self._corpus_ready(self.corpus)
        elif self._corpus_future is not None and self._corpus_future.done():
            self._take_future()
        else:
            self._load_corpus()
        self._focus(self._q(DocTree))

    def on_resize(self, event) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        screen = self.screen
        if not isinstance(screen, MainScreen):
            screen = self.get_screen_main()
            if screen is None:
                return
        screen.set_class(width < MIN_W or height < MIN_H, "too-small")
        screen.set_class(width < WIDE, "narrow")
        # While a query is active the results take about 45 % (the reader
        # keeps READER_MIN columns); otherwise the tree's 40 % (CSS).
        try:
            left = screen.query_one("#left")
        except NoMatches:
            return
        if width >= WIDE and self.searching.query:
            left.styles.width = max(30, min(width * 45 // 100, width - READER_MIN))
            left.styles.max_width = "100%"
        else:
            left.styles.width = None
            left.styles.max_width = None
        self._apply_pane(screen)

    def get_screen_main(self) -> MainScreen | None:
        for s in self.screen_stack:
            if isinstance(s, MainScreen):
                return s
        return None

    def _apply_pane(self, screen: Screen | None = None) -> None:
        screen = screen or self.get_screen_main()
        if screen is None:
            return
        screen.set_class(self.pane == "reader", "show-reader")
        screen.set_class(self.pane != "reader", "show-left")

    @property
    def narrow(self) -> bool:
        return self.size.width < WIDE

    def _show_pane(self, pane: str, focus: bool = True) -> None:
        self.pane = pane
        self._apply_pane()
        if pane == "reader":
            self.call_after_refresh(self._q(Reader).ensure_layout)
        if focus:
            if pane == "reader":
                self._focus(self._q(Reader))
            else:
                self._focus(self._left_widget())

    def _focus(self, widget) -> None:
        """Focus now, not after the queued events: keys typed right after
        '/' (one SSH packet: "/xlgw") must land in the search bar."""
        screen = self.get_screen_main()
        if screen is not None:
            screen.set_focus(widget)
        else:
            widget.focus()

    def _left_widget(self):
        switcher = self._q("#left", ContentSwitcher)
        return self._q(ResultList) if switcher.current == "results" else self._q(DocTree)

    # ---------------------------------------------------------------- corpus

    def _take_future(self) -> None:
        try:
            corpus = self._corpus_future.result()
        except BaseException as exc:  # noqa: BLE001 - shown to the user, then exit
            self._fail(exc)
            return
        self._corpus_ready(corpus)

    @work(thread=True, exclusive=True, group="corpus")
    def _load_corpus(self) -> None:
        started = time.monotonic()
        try:
            if self._corpus_future is not None:
                corpus = self._corpus_future.result()
            else:
                from tui.session import open_corpus

                corpus = open_corpus(self.paths, self.encoding, cache=False)
        except BaseException as exc:  # noqa: BLE001
            self.call_from_thread(self._fail, exc)
            return
        del started
        self.call_from_thread(self._corpus_ready, corpus)

    def _fail(self, exc: BaseException) -> None:
        self.error_message = f"yuelan: {exc}"
        self.exit(return_code=1, message=self.error_message)

    def _show_notices(self, title: str, notices) -> None:
        """What the session core reported (a cache rebuilt, a directory unreadable...)."""
        for notice in notices:
            self.notify(safe(notice), title=title, severity="warning", markup=False)

    def _corpus_ready(self, corpus) -> None:
        self.corpus = corpus
        self._show_notices("Documents", corpus.notices)
        self.documents = list(corpus.documents)
        tree = self._q(DocTree)
        tree.populate(self.documents, corpus.skipped)
        self.live.start()
        if not self.documents:
            self._set_search_status("no readable documents")
            self._q(Reader).clear_document()
            self._update_status()
            return
        self._open_first_place()
        n = len(self.documents)
        self._set_search_status(f"indexing {n} doc{'s' if n != 1 else ''}...")
        # The first frame must not wait for the index: start it after a refresh.
        self.set_timer(0.2, self._start_index)

    # ----------------------------------------------------------- live reload

    @on(FilesChanged)
    def _files_changed(self) -> None:
        self.live.files_changed(self.corpus)

    @on(WatchError)
    def _watch_error(self, message: WatchError) -> None:
        self.notify(safe(message.text), title="Live reload", severity="warning", markup=False)

    @on(ReloadFailed)
    def _reload_failed(self, message: ReloadFailed) -> None:
        self.live.finished(False)
        self.notify(safe(f"could not reload: {message.error}"), title="Live reload", severity="error", markup=False)

    @on(CorpusReloaded)
    def _corpus_reloaded(self, message: CorpusReloaded) -> None:
        corpus = message.corpus
        self._show_notices("Live reload", corpus.notices)
        changes = corpus.changes
        new, changed, removed = changes.get("new", []), changes.get("changed", []), changes.get("removed", [])
        touched = bool(new or changed or removed)
        if touched:
            self._swap_corpus(corpus)
            parts = [f"{len(x)} {name}" for x, name in ((changed, "changed"), (new, "new"), (removed, "removed")) if x]
            self.notify(", ".join(parts), title="Files changed", timeout=4, markup=False)
        else:
            self.corpus = corpus  # same documents, fresh file keys
        if self.live.finished(touched):
            self.live.files_changed(self.corpus)

    def _swap_corpus(self, corpus) -> None:
        """Put a reloaded corpus on screen: the tree keeps its expansion and
        cursor, the reader its place; then the index is rebuilt."""
        reader = self._q(Reader)
        tree = self._q(DocTree)
        old_doc = self.documents[self.current_doc] if self.current_doc is not None else None
        top = reader.top_offset() if old_doc is not None else 0
        expanded = {
            self.documents[node.data.doc].path
            for node in tree.doc_nodes
            if node.is_expanded and node.data is not None and node.data.doc < len(self.documents)
        }
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        cursor_path = (
            self.documents[cursor.doc].path if cursor is not None and cursor.doc < len(self.documents) else None
        )

        kept = {id(d) for d in self.documents}
        self.corpus = corpus
        self.documents = list(corpus.documents)
        by_path = {d.path: i for i, d in enumerate(self.documents)}
        # Hits of changed or removed documents point into old texts: only
        # documents that are the very same objects keep theirs.
        unchanged = {d.id for d in self.documents if id(d) in kept}
        self.searching.keep_documents(unchanged)

        tree.populate(self.documents, corpus.skipped)
        for path in expanded:
            i = by_path.get(path)
            if i is not None:
                tree.doc_nodes[i].expand()

        if old_doc is None:
            if cursor_path in by_path:
                tree.reveal(NodeRef(by_path[cursor_path]))
        elif old_doc.path not in by_path:
            self.current_doc = None
            reader.clear_document()
            self.notify(
                safe(f"{os.path.basename(old_doc.path)} was removed"), title="Files changed", markup=False
            )
        else:
            i = by_path[old_doc.path]
            self.current_doc = i
            doc = self.documents[i]
            if doc is not old_doc:
                from tui.corpus.watch import follow_offset

                offset = follow_offset(old_doc.text, doc.text, top)
                reader.show(doc, offset, hits=self._doc_spans(doc))
                if self.searching.query and self.index is not None:
                    self._find_hits(doc, self.searching.query)
            tree.reveal(NodeRef(i, doc.section_at(reader.reading_offset()) if doc.sections else None))
        self._update_status()
        # The old index keeps answering (it holds the old documents) until
        # the new one, built incrementally, replaces it and reruns the query.
        self._build_index()

    # ----------------------------------------------------------------- index

    def _start_index(self) -> None:
        self._index_started = time.monotonic()
        self._progress_timer = self.set_interval(0.25, self._index_progress)
        self._build_index()

    def _index_progress(self) -> None:
        if self.index is not None or self.index_error:
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
        self._set_search_status(f"indexing {done}/{total} docs{size}{eta}{waiting}")

    @work(thread=True, exclusive=True, group="index")
    def _build_index(self) -> None:
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
                index = open_index(documents, progress=progress, cancelled=lambda: worker.is_cancelled, previous=previous,
                                   roots=self.corpus.roots if self.corpus is not None else None)
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

    def _index_ready(self, index) -> None:
        self.index = index
        self._show_notices("Search index", index.notices)
        if self._progress_timer is not None:
            self._progress_timer.stop()
        n = len(self.documents)
        self._set_search_status(f"{n} document{'s' if n != 1 else ''}")
        if self.searching.query:
            self._run_search()

    # ---------------------------------------------------------------- search

    def _q(self, selector, expect_type=None):
        """``query_one`` on the main screen, also while a dialog (help, palette)
        is on top: results and index progress arrive at any time."""
        screen = self.get_screen_main()
        base = screen if screen is not None else self
        return base.query_one(selector, expect_type) if expect_type else base.query_one(selector)

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
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(DEBOUNCE, self._run_search)

    def _clear_results(self) -> None:
        self.searching.clear()
        self._q(ResultList).show_results("", [], {})
        reader = self._q(Reader)
        reader.set_hits([], None)
        self.current_hit_passage = None
        self._update_status()

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
                found[doc_id] = list(index.find_in_document(doc, query))
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
        self._update_status()

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
        spans = self._doc_spans(doc)
        self._q(Reader).set_hits(spans, None)
        self._update_status()

    def _doc_spans(self, doc) -> list[tuple[int, int]]:
        """What the reader highlights in ``doc``: the find's matches, else the search's hits."""
        if self.finding.is_in(doc.id):
            return self.finding.spans
        return self.searching.spans(doc.id)

    # ------------------------------------------------------------- opening

    def open_document(self, doc_index: int, offset: int = 0, *, focus: bool = True, hit_target: int | None = None,
                      record: bool = True, current_span: tuple[int, int] | None = None) -> None:
        doc = self.documents[doc_index]
        if record:
            self.places.push((doc.id, offset), self._reader_place())
        if self.finding.active and not self.finding.is_in(doc.id):
            self._end_find(quiet=True)
        self.current_doc = doc_index
        reader = self._q(Reader)
        spans = self._doc_spans(doc)
        current = None
        if current_span is not None and current_span in spans:
            current = spans.index(current_span)
        elif hit_target is not None and spans:
            current = hit_index(spans, hit_target)
        reader.show(doc, offset, hits=spans, current=current, center=hit_target is not None)
        if self.searching.query and doc.id not in self.searching.counted and self.index is not None:
            # Not counted yet (or not among the ranked results): find its hits in the background.
            self._find_hits(doc, self.searching.query)
        self._update_status()
        if focus:
            self._show_pane("reader")

    @work(thread=True, exclusive=True, group="find")
    def _find_hits(self, doc, query: str) -> None:
        try:
            spans = sorted(self.index.find_in_document(doc, query))
        except Exception:  # noqa: BLE001 - highlights are a bonus here
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._found_hits, doc, query, spans)

    def _found_hits(self, doc, query: str, spans) -> None:
        if not self.searching.add_document_hits(query, {doc.id: spans}):
            return
        reader = self._q(Reader)
        if reader.doc is doc and spans and not self.finding.is_in(doc.id):
            cur = reader.hits[reader.current] if reader.current is not None and reader.current < len(reader.hits) else None
            reader.set_hits(spans, spans.index(cur) if cur in spans else None)
            self._update_status()
        if doc.id in self.searching.docs:
            self._q(ResultList).set_counts(self._counts())

    @on(DocTree.NodeSelected, "#tree")
    def _tree_selected(self, event: DocTree.NodeSelected) -> None:
        ref = event.node.data
        if not isinstance(ref, NodeRef):
            event.node.toggle()
            return
        doc = self.documents[ref.doc]
        offset = doc.sections[ref.section].start if ref.section is not None else 0
        if ref.section is None and event.node.allow_expand:
            event.node.expand()
        self.open_document(ref.doc, offset)

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
        results = self._q(ResultList)
        if results.highlighted is None or not self.searching.results:
            return
        option = results.get_option_at_index(results.highlighted)
        if option.id is not None:
            self.open_result(int(option.id), focus=False, record=False)

    @property
    def settled(self) -> bool:
        """No preview waiting and every result document counted (tests wait on it)."""
        return self._preview_timer is None and not self.searching.uncounted()

    def action_preview(self) -> None:
        """p in the results: the highlighted passage in the reader (the one
        pane below 100 columns shows it; Esc comes back to the same result)."""
        results = self._q(ResultList)
        if results.highlighted is None:
            return
        option = results.get_option_at_index(results.highlighted)
        if option.id is not None:
            self.open_result(int(option.id), focus=self.narrow, record=False)

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
            self._show_state_notices()

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
        if self.finding.active:
            self._end_find(quiet=True)  # a search result: the search's hits again
        self.open_document(doc_index, target, hit_target=target, focus=focus, record=record, current_span=first)

    def _doc_index(self, doc_id: str) -> int | None:
        for i, d in enumerate(self.documents):
            if d.id == doc_id:
                return i
        return None

    # ------------------------------------------------------------- reading

    @on(Reader.Moved)
    def _reader_moved(self) -> None:
        self._update_status()
        if self.current_doc is None:
            return
        self._save_place_soon()
        self._reveal_in_tree()

    def _reveal_in_tree(self) -> None:
        """The tree's cursor on the reader's section, when the tree is shown
        (a preview from the results must not unfold the hidden tree)."""
        try:
            reader = self._q(Reader)
            tree = self._q(DocTree)
            switcher = self._q("#left", ContentSwitcher)
        except NoMatches:  # a Moved still queued while the app shuts down
            return
        if self.current_doc is None or not tree.doc_nodes or switcher.current != "tree":
            return
        doc = self.documents[self.current_doc]
        section = doc.section_at(reader.reading_offset()) if doc.sections else None
        tree.reveal(NodeRef(self.current_doc, section))

    def _update_status(self) -> None:
        try:
            status = self._q("#status", Static)
        except NoMatches:  # shutting down
            return
        reader = self._q(Reader)
        doc = reader.doc
        try:
            self._q(HitStrip).refresh()
        except NoMatches:
            pass
        if doc is None:
            status.update(Content("no document open"))
            return
        offset = reader.reading_offset()
        si = doc.section_at(offset) if doc.sections else None
        parts = []
        if self.finding.is_in(doc.id):
            i = reader.current
            parts.append(f"find {clip(safe(self.finding.query), 16)!r} {i + 1 if i is not None else '-'}/{len(self.finding.spans)}")
        elif self.searching.query:
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
        status.update(Content(where + right))

    def action_next_hit(self, direction: int = 1) -> None:
        reader = self._q(Reader)
        if reader.doc is not None and self.finding.is_in(reader.doc.id):
            self._next_find(direction)
            return
        if not self.searching.query:
            self.notify("No search yet: press / and type a query.", markup=False)
            return
        if not self.searching.docs:
            self.notify("No hits for this search.", markup=False)
            return
        reader = self._q(Reader)
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
        order = self.searching.docs
        step = next_document(order, doc.id if doc is not None else None, direction)
        if step is None:
            return
        next_id, wrapped = step
        di = self._doc_index(next_id)
        if di is None:
            return
        spans = self.searching.spans(next_id)
        if not spans:
            return
        target = spans[0][0] if direction > 0 else spans[-1][0]
        self.open_document(di, target, hit_target=target, focus=not self.narrow or self.pane == "reader")
        title = safe(self.documents[di].title or next_id)
        if len(order) == 1:
            msg = f"Wrapped to the {'first' if direction > 0 else 'last'} hit."
        elif wrapped:
            msg = f"Wrapped to the {'first' if direction > 0 else 'last'} document: {title}"
        else:
            msg = f"{'Next' if direction > 0 else 'Previous'} document: {title}"
        self.notify(clip(msg, 120), markup=False, timeout=3)

    def _goto_hit(self, i: int | None) -> None:
        reader = self._q(Reader)
        reader.set_current(i, center=True)
        self._update_status()

    def action_section(self, direction: int) -> None:
        reader = self._q(Reader)
        doc = reader.doc
        if doc is None or not doc.sections:
            self.notify("This document has no sections.", markup=False)
            return
        top = reader.top_offset()
        starts = [s.start for s in doc.sections]
        if direction > 0:
            cands = [i for i, s in enumerate(starts) if s > top]
            if not cands:
                self.notify("Last section.", markup=False, timeout=2)
                return
            i = cands[0]
        else:
            cands = [i for i, s in enumerate(starts) if s < top]
            if not cands:
                if top > 0:
                    reader.go_to(0)
                    return
                self.notify("First section.", markup=False, timeout=2)
                return
            i = cands[-1]
        reader.go_to(starts[i])
        self._update_status()

    # ------------------------------------------------------- resume, history

    def _open_first_place(self) -> None:
        """Open where the user left this corpus last time, else the first document.

        Called again with a reloaded corpus, it keeps the reader where it is."""
        here = self._reader_place()
        if here is not None:
            di = self._doc_index(here[0])
            if di is not None:
                self.open_document(di, min(here[1], len(self.documents[di].text)), focus=False, record=False)
                return
        if self.roots is not None:
            self.bookmarks.load()
        place = self.state.load_place(self.roots) if self.roots is not None else None
        self._show_state_notices()
        if place is not None:
            di = self._doc_at(place.root, place.path)
            if di is not None:
                # A document that shrank since: its end, not another document.
                self._saved_place = place
                self.open_document(di, min(place.offset, len(self.documents[di].text)), focus=False)
                if self.narrow:
                    self._show_pane("reader")  # one pane: the kept place, not the tree
                return
            self.notify("The last reading place is gone from this corpus: starting at the first document.",
                        markup=False, timeout=5)
        self.open_document(0, 0, focus=False)

    def _doc_at(self, root: int, rel: str) -> int | None:
        if self.roots is None:
            return None
        path = self.roots.resolve(root, rel)
        if path is None:
            return None
        if not hasattr(self, "_paths_index") or self._paths_index[0] is not self.documents:
            self._paths_index = (self.documents, {os.path.realpath(d.path): i for i, d in enumerate(self.documents)})
        return self._paths_index[1].get(path)

    def _reader_place(self) -> tuple[str, int] | None:
        """(doc id, offset of the top line) of the reader, or where it is about to go."""
        try:
            reader = self._q(Reader)
        except NoMatches:
            return None
        if reader.doc is None:
            return None
        pending = getattr(reader, "_pending_offset", None)
        if pending is not None:
            return reader.doc.id, pending[0]
        if reader.lay is None:
            return None  # laying out: the position is not known yet
        return reader.doc.id, reader.top_offset()

    def action_history(self, delta: int) -> None:
        place = self.places.step(delta, self._reader_place())
        if place is None:
            self.notify("No earlier place." if delta < 0 else "No later place.", markup=False, timeout=2)
            return
        di = self._doc_index(place[0])
        if di is not None:
            self.open_document(di, place[1], record=False)

    def _save_place_soon(self) -> None:
        if not self.state.enabled:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_place)

    def save_place(self) -> None:
        """Write the reading place now (if it changed)."""
        if not self.state.enabled or self.roots is None or self.current_doc is None:
            return
        here = self._reader_place()
        if here is None:
            return
        di = self._doc_index(here[0])
        loc = self.roots.locate(self.documents[di].path) if di is not None else None
        if loc is None:
            return  # outside the corpus roots: nothing sensible to store
        place = Place(loc[0], loc[1], here[1])
        if place != self._saved_place and self.state.save_place(self.roots, place):
            self._saved_place = place
        self._show_state_notices()

    def _show_state_notices(self) -> None:
        for msg in self.state.take_notices():
            self.notify(clip(safe(msg), 300), title="yuelan state", severity="warning", markup=False, timeout=10)

    async def action_quit(self) -> None:
        self.live.stop()
        if self._save_timer is not None:
            self._save_timer.stop()
        try:
            self.save_place()
        except Exception:  # noqa: BLE001 - quitting must never fail
            pass
        self.exit()

    # ------------------------------------------------------------ bookmarks

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

        from tui.app.screens import NoteScreen

        self.push_screen(NoteScreen("Bookmark this passage", safe(f"{snippet}  ({where})")), done)

    def action_bookmarks(self) -> None:
        from tui.app.screens import BookmarksScreen

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
        from tui.app.screens import BookmarksScreen

        if isinstance(self.screen, BookmarksScreen):
            self.screen.show_rows(self.bookmark_rows(), keep)

    @on(OpenDocument)
    def _open_document_requested(self, message: OpenDocument) -> None:
        if 0 <= message.doc < len(self.documents):
            self.open_document(message.doc, message.offset)

    # ------------------------------------------------------ find in document

    def action_find(self) -> None:
        reader = self._q(Reader)
        if reader.doc is None:
            self.notify("Open a document first.", markup=False)
            return
        if self.narrow:
            self._show_pane("reader", focus=False)
        bar = self._q(FindInput)
        bar.add_class("-active")
        if self.finding.is_in(reader.doc.id):
            bar.value = self.finding.query
        self._focus(bar)

    def action_close_find(self) -> None:
        """Esc in the find bar: close the prompt (an active find stays)."""
        bar = self._q(FindInput)
        bar.remove_class("-active")
        self._focus(self._q(Reader))

    @on(FindInput.Submitted, "#find")
    def _find_submitted(self, event: FindInput.Submitted) -> None:
        query = event.value.strip()
        self.action_close_find()
        doc = self._q(Reader).doc
        if doc is None:
            return
        if not query:
            self._end_find()
            return
        self._find_in_doc(doc, query)

    @work(thread=True, exclusive=True, group="docfind")
    def _find_in_doc(self, doc, query: str) -> None:
        try:
            spans = sorted(find_spans(self.index, doc, query))
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.call_from_thread(self.notify, clip(safe(f"Find failed: {exc}"), 120), markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._find_done, doc, query, spans)

    def _find_done(self, doc, query: str, spans: list[tuple[int, int]]) -> None:
        reader = self._q(Reader)
        if reader.doc is not doc:
            return
        if not spans:
            self.notify(clip(f"Not found in this document: {safe(query)}", 120), markup=False, timeout=3)
            return
        self.finding.start(doc.id, query, spans)
        reader.set_hits(self.finding.spans, None)
        i = reader.hit_index_at_or_after(reader.top_offset())
        reader.set_current(i, center=True)
        self._update_status()

    def _next_find(self, direction: int) -> None:
        reader = self._q(Reader)
        first = reader.hit_index_at_or_after(reader.top_offset()) if reader.current is None else None
        step = find_step(reader.current, len(reader.hits), direction, first)
        if step is None:
            return
        i, wrapped = step
        if wrapped:
            self.notify("Find wrapped to the " + ("first" if direction > 0 else "last") + " match.",
                        markup=False, timeout=2)
        self._goto_hit(i)

    def _end_find(self, quiet: bool = False) -> None:
        self.workers.cancel_group(self, "docfind")
        had = self.finding.end()
        reader = self._q(Reader)
        if reader.doc is not None and not quiet:
            reader.set_hits(self._doc_spans(reader.doc), None)
        self._update_status()
        if had and not quiet:
            self.notify("Find ended: n/N step the search hits again.", markup=False, timeout=2)

    # ---------------------------------------------------------------- export

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

    # ---------------------------------------------------------------- themes

    def action_cycle_theme(self) -> None:
        names = [name for _, name in THEMES]
        i = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(i + 1) % len(names)]
        label = dict((n, l) for l, n in THEMES)[self.theme]
        self.notify(f"Theme: {label}", markup=False, timeout=2)

    def set_theme(self, name: str) -> None:
        self.theme = name

    def _theme_changed(self, theme) -> None:
        name = getattr(theme, "name", None)
        if not name:
            return
        settings = self.state.load_settings()
        if settings.get("theme") != name:
            settings["theme"] = name
            self.state.save_settings(settings)
        self._show_state_notices()

    # --------------------------------------------------------------- keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_ONLY:
            return isinstance(self.screen, MainScreen)
        if action == "focus_search":
            # '/' types itself into any input, and does nothing over dialogs.
            return isinstance(self.screen, MainScreen) and not isinstance(self.focused, Input)
        if action == "switch_pane":
            in_reader = isinstance(self.focused, Reader)
            return in_reader if parameters and parameters[0] == "left" else not in_reader
        return True

    def action_switch_pane(self, pane: str) -> None:
        self._show_pane(pane)

    def action_focus_search(self) -> None:
        if self.narrow:
            self._show_pane("left", focus=False)
        self._focus(self._q(SearchInput))

    def action_focus_results(self) -> None:
        switcher = self._q("#left", ContentSwitcher)
        if switcher.current == "results":
            self._show_pane("left")

    def action_next_pane(self, direction: int = 1) -> None:
        focused = self.focused
        if isinstance(focused, Reader):
            self._show_pane("left")
        elif isinstance(focused, SearchInput):
            self._show_pane("left")
        else:
            self._show_pane("reader")

    def action_back(self) -> None:
        focused = self.focused
        switcher = self._q("#left", ContentSwitcher)
        if isinstance(focused, Reader) and self.finding.active:
            self._end_find()  # less-style: Esc ends the find first
            return
        if isinstance(focused, SearchInput):
            self._show_pane("left")
        elif isinstance(focused, ResultList):
            self._remember_query(self.searching.query)  # Up in the search bar brings it back
            self._q(SearchInput).value = ""
            switcher.current = "tree"
            self._show_pane("left")
        elif isinstance(focused, Reader):
            self._show_pane("left")
        elif self.searching.query:
            switcher.current = "results"
            self._show_pane("left")

    def action_copy(self) -> None:
        reader = self._q(Reader)
        doc = reader.doc
        if doc is None:
            self.notify("Nothing to copy.", markup=False)
            return
        offset = reader.reading_offset()
        start, end = passage_at(doc, offset)
        if self.current_hit_passage and reader.current is not None:
            hs, he = self.current_hit_passage
            if hs <= offset < he:
                start, end = hs, he
        passage = doc.text[start:end].strip()
        cite = self.citation(doc, start)
        text = f"{passage}\n\n({cite})"
        self.copy_to_clipboard(escape_for_clipboard(text))
        self.notify(clip(f"Copied {len(passage)} characters: {safe(cite)}", 120), markup=False, timeout=3)

    def action_copy_section(self) -> None:
        reader = self._q(Reader)
        doc = reader.doc
        if doc is None:
            self.notify("Nothing to copy.", markup=False)
            return
        si = doc.section_at(reader.reading_offset()) if doc.sections else None
        if si is None:
            start, end, what = 0, len(doc.text), "the document (no section here)"
        else:
            sec = doc.sections[si]
            start, end, what = sec.start, sec.end, "the section"
        body = doc.text[start:end].strip()
        cite = self.citation(doc, start)
        self.copy_to_clipboard(escape_for_clipboard(f"{body}\n\n({cite})"))
        self.notify(clip(f"Copied {what}, {len(body)} characters: {safe(cite)}", 120), markup=False, timeout=3)

    def citation(self, doc, offset: int) -> str:
        """'title \u203a section, file:line' for ``offset`` in ``doc``
        (\u203a is East-Asian neutral width, so it is safe to draw too)."""
        si = doc.section_at(offset) if doc.sections else None
        cite = (doc.title or doc.id) + (" \u203a " + doc.sections[si].title if si is not None else "")
        return f"{cite}, {self._doc_file(doc)}:{doc.text.count(chr(10), 0, offset) + 1}"

    def _doc_file(self, doc) -> str:
        loc = self.roots.locate(doc.path) if self.roots is not None else None
        return loc[1] if loc is not None else os.path.basename(doc.path)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from tui.app.screens import SafeCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                SafeCommandPalette(
                    placeholder="Open a document, go to a section (pinyin ok), or a command...",
                    id="--command-palette",
                )
            )

    def search_themes(self) -> None:
        """Textual's theme picker, with an ASCII placeholder (no ambiguous glyphs)."""
        from textual.theme import ThemeProvider

        from tui.app.screens import SafeCommandPalette

        self.push_screen(SafeCommandPalette(providers=[ThemeProvider], placeholder="Search for themes..."))

    def action_help(self) -> None:
        if not isinstance(self.screen, MainScreen):
            return
        from tui.app.screens import HelpScreen

        self.push_screen(HelpScreen())

    # ------------------------------------------------------------- palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Search", "Focus the search bar (/)", self.action_focus_search)
        yield SystemCommand("Next hit", "Go to the next hit of the search (n)", lambda: self.action_next_hit(1))
        yield SystemCommand("Previous hit", "Go to the previous hit (N)", lambda: self.action_next_hit(-1))
        yield SystemCommand("Next section", "Jump to the next section (])", lambda: self.action_section(1))
        yield SystemCommand("Previous section", "Jump to the previous section ([)", lambda: self.action_section(-1))
        yield SystemCommand("Next pane", "Switch between the list and the reader (Tab)", self.action_next_pane)
        yield SystemCommand("Back to the list", "Reader to list, results to the tree; ends a find (Esc)",
                            self.action_back)
        yield SystemCommand("Copy passage", "Copy the current passage with its citation (y)", self.action_copy)
        yield SystemCommand("Copy section", "Copy the whole section with its citation (Y)", self.action_copy_section)
        yield SystemCommand("Find in document", "Find in the open document, less-style (ctrl+f)", self.action_find)
        yield SystemCommand("Bookmark", "Bookmark the current passage, with a note (m)", self.action_bookmark)
        yield SystemCommand("Bookmarks", "List bookmarks: jump, rename, delete (')", self.action_bookmarks)
        yield SystemCommand("Back", "Back to the previous place (H, ctrl+o)", lambda: self.action_history(-1))
        yield SystemCommand("Forward", "Forward to the next place (L, ctrl+i)", lambda: self.action_history(1))
        yield SystemCommand("Export results", "Write the current results to a Markdown file (e)", self.action_export)
        reader = self._q(Reader)
        yield SystemCommand("Top of the document", "Scroll the reader to the top (g, Home)", reader.action_top)
        yield SystemCommand("Bottom of the document", "Scroll the reader to the end (G, End)", reader.action_bottom)
        yield SystemCommand("Page down", "Scroll the reader a page down (space, PageDown)", lambda: reader.action_page(1))
        yield SystemCommand("Page up", "Scroll the reader a page up (b, PageUp)", lambda: reader.action_page(-1))
        yield SystemCommand("Help", "Show every key (?)", self.action_help)
        yield SystemCommand("Theme", "Switch the colour theme", self.action_change_theme)
        yield SystemCommand("Next theme", "Cycle dark, light, 16-colour; the choice is kept (t)", self.action_cycle_theme)
        for label, name in THEMES:
            yield SystemCommand(f"Theme: {label}", f"Use the {label} theme", lambda n=name: self.set_theme(n))
        yield SystemCommand("Quit", "Quit yuelan (q)", self.action_quit)


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
