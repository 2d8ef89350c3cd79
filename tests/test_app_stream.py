"""A first open streams (tui/app/loading.py): the tree lists documents as
they are parsed, search answers on what is indexed so far, and the end state
is the one the plain open gives.  Real parser, real index; parsing is held
at a gate half-way so "before the stream ended" is a fact, not a race."""

from __future__ import annotations

import threading

import pytest

from app_support import wait_for
from conftest import SEEDS
from tui.app.app import YuelanApp
from tui.app.widgets.doc_tree import DocTree
from tui.session import CorpusStream

DOCS = 40
HALF = 20
MORE = 30


def make_corpus(root) -> None:
    seeds = sorted(SEEDS.iterdir())
    root.mkdir()
    for i in range(DOCS):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (root / f"doc{i:03d}.txt").write_text(f"{text}\n\n第{i}号附记:本件专项检查编号{i:03d}。\n", encoding="utf-8")


def first_open(tmp_path):
    """The generated corpus, its stream (started as tui.app.run does) and the app."""
    docs = tmp_path / "docs"
    make_corpus(docs)
    stream = CorpusStream([str(docs)], None).start()
    return docs, stream, YuelanApp([str(docs)], corpus_stream=stream, state_dir=False)


@pytest.fixture
def gated(monkeypatch):
    """Parsing (in this process) stops after HALF files until gates[HALF] is
    set, and after MORE files until gates[MORE] is."""
    import tui.corpus as corpus_mod
    import tui.search.index as index_mod

    monkeypatch.setenv("YUELAN_NO_WORKERS", "1")
    monkeypatch.setattr(index_mod, "COMMIT_SECONDS", 0.0)
    gates = {HALF: threading.Event(), MORE: threading.Event()}
    parsed = []
    real = corpus_mod.parse_job

    def parse_job(job, compact=False):
        if len(parsed) in gates:
            gates[len(parsed)].wait(60)
        parsed.append(job.path)
        return real(job, compact)

    monkeypatch.setattr(corpus_mod, "parse_job", parse_job)
    yield gates
    for gate in gates.values():
        gate.set()


def tree_labels(app) -> list[str]:
    return [str(node.label) for node in app.query_one(DocTree).root.children]


def status(app) -> str:
    return str(app.query_one("#search-status").render())


async def test_first_open_lists_and_searches_documents_while_parsing(tmp_path, gated):
    docs, stream, app = first_open(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        tree = app.query_one(DocTree)
        await wait_for(pilot, lambda: len(tree.doc_nodes) == HALF and app.index is not None, "half the documents")
        assert not stream.done.is_set()
        assert app.current_doc == 0 and app.documents[0].path.endswith("doc000.txt")
        assert "indexing" in status(app) and f"/{DOCS} docs" in status(app), status(app)
        await pilot.press("slash", *"编号")
        await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == "编号",
                       "an answer before the stream ended")
        early = app.searching.response
        assert not stream.done.is_set() and app._index_partial
        arrived = {d.id for d in app.documents}
        assert early.total > 0 and {h.doc_id for h in early.results} <= arrived
        await wait_for(pilot, lambda: app.settled, "the early results counted and previewed")
        gated[HALF].set()
        await wait_for(pilot, lambda: len(tree.doc_nodes) == MORE, "more documents")
        # The tree grows under the cursor without moving it.
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: not app.searching.query and app.focused is tree, "back in the tree")
        await pilot.press("down", "down")
        cursor = tree.cursor_node
        assert cursor is not None and cursor.data.doc < MORE - 1
        gated[MORE].set()
        await wait_for(pilot, lambda: app._stream is None and not app._index_partial, "the stream's end")
        assert len(tree.doc_nodes) == DOCS and tree.cursor_node is cursor
        assert status(app) == f"{DOCS} documents"
        await pilot.press("slash", *"编号")
        await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == "编号"
                       and app.settled, "a search on the whole index")
        assert app.searching.response.total > early.total
        streamed = (
            [d.path for d in app.documents], tree_labels(app), app.searching.response.total,
            sorted(app.index.changes["rebuilt"]), app.live.watcher is not None,
        )

    # A reopen (the plain path, from the document cache) shows the same.
    plain = YuelanApp([str(docs)], state_dir=False)
    async with plain.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: plain.index is not None, "the plain index")
        plain.query_one("#search").value = "编号"
        await wait_for(pilot, lambda: plain.searching.response is not None and plain.settled, "the plain search")
        assert streamed[:3] == ([d.path for d in plain.documents], tree_labels(plain), plain.searching.response.total)
        assert streamed[3] == sorted(d.path for d in plain.documents)  # the stream indexed each once
        assert plain.index.changes["rebuilt"] == [] and streamed[4] and plain.live.watcher is not None


async def test_quitting_during_the_stream_stops_it(tmp_path, gated):
    _, stream, app = first_open(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.query_one(DocTree)
        await wait_for(pilot, lambda: len(tree.doc_nodes) == HALF, "half the documents")
        await pilot.press("ctrl+q")
    gated[HALF].set()
    assert stream.done.wait(30)
    assert stream.error is None and stream.corpus is None and stream.index is None


async def test_the_kept_reading_place_opens_when_its_document_arrives(tmp_path, gated):
    from tui.state import Place, Roots, StateStore

    docs = tmp_path / "docs"
    make_corpus(docs)
    state = tmp_path / "state"
    StateStore(str(state)).save_place(Roots([str(docs)]), Place(0, "doc035.txt", 400))
    stream = CorpusStream([str(docs)], None).start()
    app = YuelanApp([str(docs)], corpus_stream=stream, state_dir=str(state))
    async with app.run_test(size=(120, 30)) as pilot:
        tree = app.query_one(DocTree)
        await wait_for(pilot, lambda: len(tree.doc_nodes) == HALF and app.reading.reader_place() is not None, "half")
        assert app.reading.reader_place() == ("doc000", 0)  # the kept place's document is not there yet
        gated[HALF].set()
        gated[MORE].set()
        await wait_for(pilot, lambda: app.current_doc is not None and app.documents[app.current_doc].id == "doc035",
                       "the kept place")
        await wait_for(pilot, lambda: app._stream is None, "the stream's end")
        here = app.reading.reader_place()
        assert here is not None and here[0] == "doc035" and 0 < here[1] <= 400
        # The tree follows the reader once the reader has laid the document
        # out and said where it is (Reader.Moved), not at the stream's end.
        await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data.doc == app.current_doc,
                       "the tree's cursor on the kept place")
        assert tree.cursor_node.data.doc == app.current_doc
