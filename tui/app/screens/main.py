"""The main screen: search bar, tree or results, reader, status, footer.

Widgets and dialogs announce (``tui.app.messages``, Textual's own widget
messages); this screen decides.  Its decisions are grouped per concern in
plain objects it owns and wires (``search.Search``: the query, results and
preview; ``marks.Marks``: bookmarks and export;
``reload.Reload``: a live reload's answer on screen),
not in mixins: each can be read on its own and none is a part of a bigger
class.  The app delivers the dialogs' messages here.""" 

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from tui.app.messages import BookmarkDelete, BookmarkJump, BookmarkRename, CorpusReloaded, OpenDocument
from tui.app.screens.marks import Marks
from tui.app.screens.reload import Reload
from tui.app.screens.search import Search
from tui.app.widgets.doc_tree import DocTree
from tui.app.widgets.footer import LeanFooter
from tui.app.widgets.hit_strip import HitStrip
from tui.app.widgets.inputs import FindInput, SearchInput
from tui.app.widgets.reader import Reader
from tui.app.widgets.result_list import ResultList

WIDE = 100  # columns from which both panes are shown side by side
READER_MIN = 60  # columns the reader keeps beside the results
MIN_W, MIN_H = 60, 15  # below this: "terminal too small"


class MainScreen(Screen):
    """The one screen of the app; Tab switches panes instead of walking focus."""

    BINDINGS = [
        # One of these two is active: the footer says where Tab goes.
        Binding("tab,shift+tab", "app.switch_pane('reader')", "Reader"),
        Binding("tab,shift+tab", "app.switch_pane('left')", "List"),
        Binding("m", "bookmark", "Mark", show=False),
        Binding("apostrophe", "bookmarks", "Marks", show=False),
        Binding("e", "export", "Export", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.search = Search(self)
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

    def on_mount(self) -> None:
        # The composed children are mounted by now: fill the tree before the
        # first frame when the corpus is already loaded.
        self.app.main_mounted()

    # ------------------------------------------------------------ search

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

    @on(BookmarkJump)
    def _bookmark_jump(self, message: BookmarkJump) -> None:
        self.marks.jump(message.index)

    @on(BookmarkRename)
    def _bookmark_rename(self, message: BookmarkRename) -> None:
        self.marks.rename(message.index, message.note)

    @on(BookmarkDelete)
    def _bookmark_delete(self, message: BookmarkDelete) -> None:
        self.marks.delete(message.index)

    @on(OpenDocument)
    def _open_document_requested(self, message: OpenDocument) -> None:
        if 0 <= message.doc < len(self.app.documents):
            self.app.open_document(message.doc, message.offset)

    @on(CorpusReloaded)
    def _corpus_reloaded(self, message: CorpusReloaded) -> None:
        self.reload.apply(message.corpus)
