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

import time
from concurrent.futures import Future
from typing import Any, Callable

import os
from dataclasses import replace

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import WorkerFailed

from tui.app import css_cache, textual_fixes  # noqa: F401 - applied on import, before any widget is drawn
from tui.app.collector import CHECK as COLLECT_CHECK, IdleCollector
from tui.app.live import LiveReload
from tui.app.messages import FilesChanged, ReloadFailed, Request, WatchError
from tui.app.loading import Loading
from tui.app.palette import THEMES, Palette
from tui.app.screens.main import MainScreen
from tui.app.state.bookmarks import Bookmarks
from tui.app.state.find import FindState
from tui.app.state.navigation import PlaceHistory
from tui.app.state.search import QueryHistory, SearchState
from tui.app.widgets.display import clip, safe
from tui.app.widgets.doc_tree import DocTree
from tui.app.widgets.reader import Reader
from tui.session import CorpusStream
from tui.state import Roots, StateStore

class YuelanApp(Loading, Palette, App):
    """The app: CSS, the app-wide keys, themes, the corpus and the index
    (loading.py starts their workers), the plain state owners of
    tui/app/state/ (it creates them; the main screen uses them) and the
    palette's commands (palette.py).  What the screen shows, and what a key,
    a click or a dialog's request means, the main screen decides
    (tui/app/screens/main.py)."""

    TITLE = "yuelan"

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
        # The main screen's actions; bound here so the footer keeps its order
        # (the app's keys first). Over a dialog they are not active.
        Binding("n", "screen.next_hit(1)", "Next hit"),
        Binding("y", "screen.copy", "Copy"),
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
        corpus_stream: CorpusStream | None = None,
        index_factory: Callable[[list], Any] | None = None,
        state_dir: str | None | bool = None,
        watch_files: bool = True,
    ) -> None:
        super().__init__()
        self.live = LiveReload(self, paths, encoding, watch_files)  # see live.py
        self.startup_notices: list[str] = []  # shown once the screen is up (e.g. the locale)
        self.after_first_frame: Callable[[], None] | None = None  # run once, when the first frame is drawn
        self.collector = IdleCollector()
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
        saved_theme = self.state.load_settings().get("theme")
        if saved_theme and saved_theme in self.available_themes:
            self.theme = saved_theme
        self.paths = paths
        self.encoding = encoding
        self.corpus = corpus
        self._corpus_future = corpus_future
        self._stream = corpus_stream  # a first open: documents and index arrive together (loading.py)
        self._index_factory = index_factory
        self.documents: list = []
        self.index: Any = None
        self.index_error: str | None = None
        self._index_partial = False  # searchable on what a long build indexed so far
        self._index_started = 0.0
        self._index_counts: tuple[int, int, int, int] | None = None
        self._progress_timer: Timer | None = None
        self.current_doc: int | None = None  # the document in the reader (an index into documents)
        self.error_message: str | None = None

    # ---------------------------------------------------------------- layout

    def on_ready(self) -> None:
        """The first frame is on screen."""
        done, self.after_first_frame = self.after_first_frame, None
        if done is not None:
            done()
        # From here, cyclic garbage is collected when input is idle (collector.py).
        self.collector.start()
        self.set_interval(COLLECT_CHECK, self.collector.tick)
        css_cache.save()  # the CSS this start parsed, for the next one

    async def on_event(self, event) -> None:
        if isinstance(event, (events.Key, events.MouseEvent, events.Paste)):
            self.collector.input_seen()
            if not isinstance(event, events.MouseEvent) and not event.is_forwarded:
                # Before the focused widget has it: a screen may hold its
                # updates for what the key brings (MainScreen.key_arriving).
                arriving = getattr(self.screen, "key_arriving", None)
                if arriving is not None:
                    arriving(event)
        await super().on_event(event)

    def on_unmount(self) -> None:
        # However the app ends (q, ctrl+c, a test's run_test leaving): the
        # watcher threads hold inotify instances, 128 per user by default.
        self.collector.stop()
        self.live.stop()
        css_cache.save()  # a dialog's or the palette's CSS parsed since the first frame
        if self._stream is not None:
            self._stream.cancel()

    def _handle_exception(self, error: Exception) -> None:
        # A message or worker callback queued before the app began to close
        # can arrive after the main screen's widgets are gone (seen: a
        # Reader.Moved right behind a palette command at exit; a search's
        # hit counts handed over by call_from_thread, which fails the worker
        # with the NoMatches inside). Nothing is left to update then; that
        # is no reason to end with a traceback.
        cause = error.error if isinstance(error, WorkerFailed) else error
        if isinstance(cause, NoMatches):
            screen = self.get_screen_main()
            # Shutting down (widgets go one by one) or the screen already gone.
            if not self.is_running or screen is None or not screen.is_attached or not screen.query("#main"):
                return
        super()._handle_exception(error)

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

    @on(Request)
    def _deliver(self, message: Request) -> None:
        """A dialog's requests bubble up to the app (its parent), workers
        post theirs here: the main screen decides.  The copy handed over is
        stopped, or it would bubble back up here from the main screen."""
        main = self.get_screen_main()
        if main is not None:
            main.post_message(replace(message).stop())

    def get_default_screen(self) -> Screen:
        return MainScreen()

    def main_mounted(self) -> None:
        main = self.get_screen_main()
        main.apply_size(self.size.width, self.size.height)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.show_state_notices()
        for notice in self.startup_notices:
            self.notify(safe(notice), title="Terminal", severity="warning", timeout=12, markup=False)
        if self.corpus is not None:
            self._corpus_ready(self.corpus)
        elif self._stream is not None:
            self._follow_stream()
        elif self._corpus_future is not None and self._corpus_future.done():
            self._take_future()
        else:
            self._load_corpus()
        main.focus_now(main.query_one(DocTree))

    def on_resize(self, event) -> None:
        main = self.get_screen_main()
        if main is not None:
            main.apply_size(event.size.width, event.size.height)

    def get_screen_main(self) -> MainScreen | None:
        for s in self.screen_stack:
            if isinstance(s, MainScreen):
                return s
        return None

    @property
    def search_flow(self):
        """The main screen's search (``tui.app.screens.search``)."""
        return self.get_screen_main().search

    @property
    def reading(self):
        """The main screen's reading (``tui.app.screens.reading``)."""
        return self.get_screen_main().reading

    @property
    def settled(self) -> bool:
        """No preview waiting and every result document counted (tests wait on it)."""
        main = self.get_screen_main()
        return main is not None and main.search.settled

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

    def show_notices(self, title: str, notices) -> None:
        """What the session core reported (a cache rebuilt, a directory unreadable...)."""
        for notice in notices:
            self.notify(safe(notice), title=title, severity="warning", markup=False)

    def _corpus_ready(self, corpus) -> None:
        self.documents = list(corpus.documents)
        self._q(DocTree).populate(self.documents, corpus.skipped)
        if not self._corpus_settled(corpus):
            return
        self.reading.open_first_place()
        n = len(self.documents)
        self.search_flow.set_status(f"indexing {n} doc{'s' if n != 1 else ''}...")
        # The first frame must not wait for the index: its thread starts
        # after the frame with the tree is drawn (a plain timer could fire
        # in the middle of that first layout, and the thread would take the
        # GIL from it), and no later: search should answer within 0.5 s of
        # the tree on a reopen.
        self.call_after_refresh(self._start_index)

    def _corpus_settled(self, corpus) -> bool:
        """The whole corpus is on screen (``documents``, the tree): keep it,
        show its notices, follow its files.  False when it has no document."""
        self.corpus = corpus
        self.show_notices("Documents", corpus.notices)
        self.live.start()
        if self.documents:
            return True
        self.search_flow.set_status("no readable documents")
        self._q(Reader).clear_document()
        self.reading.update_status()
        return False

    def doc_index(self, doc_id: str) -> int | None:
        for i, d in enumerate(self.documents):
            if d.id == doc_id:
                return i
        return None

    def doc_at(self, root: int, rel: str) -> int | None:
        """The document at ``rel`` under corpus root ``root``, if it is open."""
        if self.roots is None:
            return None
        path = self.roots.resolve(root, rel)
        if path is None:
            return None
        if not hasattr(self, "_paths_index") or self._paths_index[0] is not self.documents:
            self._paths_index = (self.documents, {os.path.realpath(d.path): i for i, d in enumerate(self.documents)})
        return self._paths_index[1].get(path)

    def show_state_notices(self) -> None:
        """What the state store reported (a file unreadable, a write failed)."""
        for msg in self.state.take_notices():
            self.notify(clip(safe(msg), 300), title="yuelan state", severity="warning", markup=False, timeout=10)

    def _q(self, selector, expect_type=None):
        """``query_one`` on the main screen, also while a dialog (help, palette)
        is on top: results and index progress arrive at any time."""
        screen = self.get_screen_main()
        base = screen if screen is not None else self
        return base.query_one(selector, expect_type) if expect_type else base.query_one(selector)

    async def action_quit(self) -> None:
        self.live.stop()
        try:
            reading = self.reading
            if reading.save_timer is not None:
                reading.save_timer.stop()
            reading.save_place()
        except Exception:  # noqa: BLE001 - quitting must never fail
            pass
        self.exit()

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
        self.show_state_notices()

    # --------------------------------------------------------------- keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_search":
            # '/' types itself into any input, and does nothing over dialogs.
            return isinstance(self.screen, MainScreen) and not isinstance(self.focused, Input)
        return True

    def action_focus_search(self) -> None:
        # Also from the palette's command, which may run before the palette
        # is off the screen stack.
        self.get_screen_main().focus_search()

    def action_help(self) -> None:
        if not isinstance(self.screen, MainScreen):
            return
        from tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    # ------------------------------------------------------------- palette
