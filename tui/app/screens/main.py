"""The main screen: search bar, tree or results, reader, status, footer.

Widgets and dialogs announce (``tui.app.messages``, Textual's own widget
messages); this screen decides.  Its ``@on`` handlers and actions hand each
decision to one of the plain objects it owns, one per concern:
``search.Search`` (the query, results, preview), ``reading.Reading`` (the
reader, places, find, copy), ``marks.Marks`` (bookmarks, export) and
``reload.Reload`` (a live reload's answer on screen).  Objects rather than
mixins: each can be read and changed on its own, none is a part of a bigger
class, and they reach each other only through the screen.  The screen
itself keeps the layout: which pane shows (one pane below ``WIDE``
columns), where focus goes, what Esc and Tab do.  A dialog's requests
bubble to the app, which hands them here; the palette's providers read the
documents from here and post their requests here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from tui.app.messages import BookmarkDelete, BookmarkRename, CorpusReloaded, OpenDocument
from tui.app.screens.marks import Marks
from tui.app.screens.reading import Reading
from tui.app.screens.reload import Reload
from tui.app.screens.search import Search
from tui.app.widgets.doc_tree import DocTree
from tui.app.widgets.footer import LeanFooter
from tui.app.widgets.hit_strip import HitStrip
from tui.app.widgets.inputs import FindInput, SearchInput
from tui.app.widgets.reader import Reader
from tui.app.widgets.result_list import ResultList
from tui.app.widgets.status import FitStatus

if TYPE_CHECKING:
    from tui.corpus.model import Document

WIDE = 100  # columns from which both panes are shown side by side
READER_MIN = 60  # columns the reader keeps beside the results
MIN_W, MIN_H = 60, 15  # below this: "terminal too small"
# The footer keys that give way first on a narrow terminal, most expendable
# first: copying is for later; q and the hit keys are in the help (?), which
# stays with the palette (^p) and Tab as long as anything fits.
FOOTER_DROP = ("screen.copy", "quit", "screen.next_hit(1)", "focus_search")


def documents_provider():
    from tui.app.screens.commands import DocumentsProvider

    return DocumentsProvider


def sections_provider():
    from tui.app.screens.commands import SectionsProvider

    return SectionsProvider


class MainScreen(Screen):
    """The one screen of the app; Tab switches panes instead of walking focus."""

    # The palette's document and section commands, over this screen only:
    # they read it (``PaletteSource``) and post ``OpenDocument`` to it.
    # Callables, so the dialogs module is imported when the palette first
    # opens, not before the first frame.
    COMMANDS = Screen.COMMANDS | {documents_provider, sections_provider}

    BINDINGS = [
        # One of these two is active: the footer says where Tab goes.
        Binding("tab,shift+tab", "switch_pane('reader')", "Reader"),
        Binding("tab,shift+tab", "switch_pane('left')", "List"),
        Binding("escape", "back", "Back", show=False),
        Binding("N", "next_hit(-1)", "Prev hit", show=False),
        Binding("left_square_bracket", "section(-1)", "Prev section", show=False),
        Binding("right_square_bracket", "section(1)", "Next section", show=False),
        Binding("Y", "copy_section", "Copy section", show=False),
        Binding("ctrl+f", "find", "Find", show=False),
        Binding("m", "bookmark", "Mark", show=False),
        Binding("apostrophe", "bookmarks", "Marks", show=False),
        # ctrl+i is Tab on most terminals (the same byte); it only arrives as
        # ctrl+i where the terminal speaks the kitty keyboard protocol.
        Binding("ctrl+o,H", "history(-1)", "Back", show=False),
        Binding("ctrl+i,L", "history(1)", "Forward", show=False),
        Binding("e", "export", "Export", show=False),
    ]

    # The tree has the focus from the start. Textual's default focuses the
    # first focusable widget (the search bar); moving the focus to the tree
    # then restyled both and validated the bar on blur before the first
    # frame (three style passes, ~8 ms in tmux).
    AUTO_FOCUS = "#tree"

    def __init__(self) -> None:
        super().__init__()
        self.pane = "left"  # in the one-pane layout: which pane is shown
        self._resumed = False  # see on_screen_resume
        self.search = Search(self)
        self.reading = Reading(self)
        self.marks = Marks(self)
        self.reload = Reload(self)

    def compose(self) -> ComposeResult:
        # Size classes before the first layout: changing them later restyles
        # every widget, which costs start-up time.
        width, height = self.app.size
        self.set_class(width < MIN_W or height < MIN_H, "too-small", update=False)
        self.set_class(width < WIDE, "narrow", update=False)
        self.set_class(False, "show-reader", update=False)
        self.set_class(True, "show-left", update=False)
        with Horizontal(id="top"):
            yield Static("/", id="top-label")
            yield SearchInput(placeholder="search: Chinese or pinyin (xlgw, xinling)", id="search", compact=True)
            yield FitStatus("loading...", id="search-status")
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
        yield LeanFooter(drop_first=FOOTER_DROP)

    def on_mount(self) -> None:
        # The composed children are mounted by now: fill the tree before the
        # first frame when the corpus is already loaded.
        self.app.main_mounted()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (the subclass comes first).  The
        # first resume follows the mount at once, and every widget was
        # styled as it was mounted: restyling all of them again costs 15-20
        # ms of the first frame.  Later resumes (a dialog closed, a theme
        # changed under it) restyle as Textual asks.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    # ------------------------------------------------------------ layout

    @property
    def narrow(self) -> bool:
        return self.app.size.width < WIDE

    def apply_size(self, width: int, height: int) -> None:
        self.set_class(width < MIN_W or height < MIN_H, "too-small")
        self.set_class(width < WIDE, "narrow")
        # While a query is active the results take about 45 % (the reader
        # keeps READER_MIN columns); otherwise the tree's 40 % (CSS).
        try:
            left = self.query_one("#left")
        except NoMatches:
            return
        if width >= WIDE and self.app.searching.query:
            left.styles.width = max(30, min(width * 45 // 100, width - READER_MIN))
            left.styles.max_width = "100%"
        else:
            left.styles.width = None
            left.styles.max_width = None
        self._apply_pane()

    def _apply_pane(self) -> None:
        self.set_class(self.pane == "reader", "show-reader")
        self.set_class(self.pane != "reader", "show-left")

    def show_pane(self, pane: str, focus: bool = True) -> None:
        self.pane = pane
        self._apply_pane()
        if pane == "reader":
            self.call_after_refresh(self.query_one(Reader).ensure_layout)
        if focus:
            self.focus_now(self.query_one(Reader) if pane == "reader" else self._left_widget())

    def focus_now(self, widget) -> None:
        """Focus now, not after the queued events: keys typed right after
        '/' (one SSH packet: "/xlgw") must land in the search bar."""
        self.set_focus(widget)

    def _left_widget(self):
        switcher = self.query_one("#left", ContentSwitcher)
        return self.query_one(ResultList) if switcher.current == "results" else self.query_one(DocTree)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_pane":
            in_reader = isinstance(self.focused, Reader)
            return in_reader if parameters and parameters[0] == "left" else not in_reader
        return True

    def action_switch_pane(self, pane: str) -> None:
        if pane == "reader" and self.narrow and isinstance(self.focused, ResultList):
            if self.search.show_highlighted_result():
                return  # shown, and the reader has focus
        self.show_pane(pane)

    def focus_search(self) -> None:
        """'/': the search bar (the list pane in the one-pane layout)."""
        if self.narrow:
            self.show_pane("left", focus=False)
        self.focus_now(self.query_one(SearchInput))

    def focus_results(self) -> None:
        if self.query_one("#left", ContentSwitcher).current == "results":
            self.show_pane("left")

    def action_next_pane(self) -> None:
        if isinstance(self.focused, (Reader, SearchInput)):
            self.show_pane("left")
        else:
            self.action_switch_pane("reader")

    def action_back(self) -> None:
        """Esc: find > reader > list > document tree."""
        focused = self.focused
        switcher = self.query_one("#left", ContentSwitcher)
        searching = self.app.searching
        if isinstance(focused, Reader) and self.app.finding.active:
            self.reading.end_find()  # less-style: Esc ends the find first
            return
        if isinstance(focused, SearchInput):
            self.show_pane("left")
        elif isinstance(focused, ResultList):
            self.search.remember_query(searching.query)  # Up in the search bar brings it back
            self.query_one(SearchInput).value = ""
            switcher.current = "tree"
            self.show_pane("left")
        elif isinstance(focused, Reader):
            self.show_pane("left")
        elif searching.query:
            switcher.current = "results"
            self.show_pane("left")

    # ----------------------------------------------------------- reading

    @on(DocTree.NodeSelected, "#tree")
    def _tree_selected(self, event: DocTree.NodeSelected) -> None:
        self.reading.tree_selected(event.node)

    @on(Reader.Moved)
    def _reader_moved(self) -> None:
        self.reading.reader_moved()

    @on(FindInput.Submitted, "#find")
    def _find_submitted(self, event: FindInput.Submitted) -> None:
        self.reading.find_submitted(event.value)

    def action_next_hit(self, direction: int = 1) -> None:
        self.reading.next_hit(direction)

    def action_section(self, direction: int) -> None:
        self.reading.section(direction)

    def action_history(self, delta: int) -> None:
        self.reading.history(delta)

    def action_find(self) -> None:
        self.reading.find()

    def action_close_find(self) -> None:
        self.reading.close_find()

    def action_copy(self) -> None:
        self.reading.copy()

    def action_copy_section(self) -> None:
        self.reading.copy_section()

    # ------------------------------------------------------------ search

    def key_arriving(self, event: events.Key | events.Paste) -> None:
        """A key or a paste on its way to the focused widget (``YuelanApp.on_event``)."""
        focused = self.focused
        if isinstance(focused, SearchInput) and focused.edits(event):
            self.search.hold_echo()

    @on(SearchInput.Changed, "#search")
    def _query_changed(self, event: SearchInput.Changed) -> None:
        self.search.query_changed(event.value)

    @on(SearchInput.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.search.submitted()

    @on(ResultList.OptionSelected, "#results")
    def _result_selected(self, event: ResultList.OptionSelected) -> None:
        if event.option.id is not None:
            self.search.open_result(int(event.option.id))

    @on(ResultList.OptionHighlighted, "#results")
    def _result_highlighted(self, event: ResultList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.search.result_highlighted(int(event.option.id))

    def action_preview(self) -> None:
        self.search.preview()

    def action_history_query(self, direction: int) -> None:
        self.search.history_query(direction)

    # ------------------------------------------------------------- marks

    def action_bookmark(self) -> None:
        self.marks.bookmark()

    def action_bookmarks(self) -> None:
        self.marks.show_list()

    def action_export(self) -> None:
        self.marks.export()

    @on(BookmarkRename)
    def _bookmark_rename(self, message: BookmarkRename) -> None:
        self.marks.rename(message.index, message.note)

    @on(BookmarkDelete)
    def _bookmark_delete(self, message: BookmarkDelete) -> None:
        self.marks.delete(message.index)

    # ----------------------------------------------------------- palette

    def palette_documents(self) -> Sequence[Document]:
        """``PaletteSource`` (screens/commands.py): what the providers list."""
        return self.app.documents

    def palette_current(self) -> int | None:
        """``PaletteSource``: the document in the reader (its sections first)."""
        return self.app.current_doc

    @on(OpenDocument)
    def _open_document_requested(self, message: OpenDocument) -> None:
        if 0 <= message.doc < len(self.app.documents):
            self.reading.open_document(message.doc, message.offset)

    @on(CorpusReloaded)
    def _corpus_reloaded(self, message: CorpusReloaded) -> None:
        self.reload.apply(message.corpus)
