"""Live reload in the app: files added, changed and removed on disk while it
runs (real corpus parser, real search, real inotify watcher)."""

from __future__ import annotations

import os

from app_support import wait_for
from tui.app.app import YuelanApp
from tui.app.widgets.reader import Reader
from tui.app.widgets.doc_tree import DocTree

SECTIONS = ["一、总体情况", "二、主要做法", "三、存在问题", "四、下一步打算"]


def report(extra: str = "") -> str:
    parts = ["关于职工服务工作的报告\n"]
    for k, head in enumerate(SECTIONS):
        parts.append(f"\n{head}\n")
        for j in range(6):
            parts.append(f"\n第{k + 1}部分第{j + 1}段:区总工会围绕职工需求开展服务,推进阵地建设和队伍建设,成效明显。\n")
    return extra + "".join(parts)


async def search(pilot, app, query: str):
    app.query_one("#search").value = query
    await wait_for(pilot, lambda: app.searching.response is not None and app.searching.response.query == query, f"search {query}")
    return app.searching.response


async def test_reload_updates_tree_index_and_keeps_the_reading_place(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(report(), encoding="utf-8")
    (docs / "b.txt").write_text("另一份材料\n\n这里只有一段正文,说明情况。\n", encoding="utf-8")
    app = YuelanApp(paths=[str(docs)], state_dir=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.index is not None and app.live.watcher is not None
                       and app.live.watcher.watching, "index and the watch set up")
        ia = next(i for i, d in enumerate(app.documents) if d.path.endswith("a.txt"))
        doc = app.documents[ia]
        target = doc.text.index("第3部分第2段")
        app.reading.open_document(ia, target)
        reader = app.query_one(Reader)
        await wait_for(pilot, lambda: reader.doc is doc and reader.lay is not None
                       and "第3部分" in doc.text[reader.top_offset() : reader.top_offset() + 40],
                       "the reader scrolled to the passage")
        top = reader.top_offset()
        seen = doc.text[top : top + 12]
        assert "第3部分" in doc.text[top : top + 40]

        # an editor inserts a paragraph above the reading place (rename-save),
        # a file is added and another removed
        tmp = docs / ".a.txt.tmp"
        tmp.write_text(report("前言:本报告新增了一段说明,放在最前面。\n\n"), encoding="utf-8")
        os.replace(tmp, docs / "a.txt")
        (docs / "c.txt").write_text("新到的文件\n\n心理疏导站点已经覆盖全部街镇。\n", encoding="utf-8")
        (docs / "b.txt").unlink()

        def settled():
            paths = sorted(os.path.basename(d.path) for d in app.documents)
            return paths == ["a.txt", "c.txt"] and "前言" in app.documents[0].text + app.documents[-1].text
        await wait_for(pilot, settled, "the reload to see every change")
        tree = app.query_one(DocTree)
        assert len(tree.doc_nodes) == 2
        # the reader shows the new text of a.txt, at the same passage
        new_doc = reader.doc
        assert new_doc.path.endswith("a.txt") and "前言" in new_doc.text
        assert app.documents[app.current_doc] is new_doc
        await wait_for(pilot, lambda: reader.lay is not None
                       and new_doc.text[reader.top_offset() : reader.top_offset() + 12] == seen,
                       "the reader at the same passage of the new text")
        # the index follows: the new file is found, the removed one is not
        await wait_for(pilot, lambda: app.index is not None and any(d.path.endswith("c.txt") for d in app.index.documents), "new index")
        resp = await search(pilot, app, "心理疏导站点")
        assert resp.results and any(app.documents[app.doc_index(h.doc_id)].path.endswith("c.txt") for h in resp.results)
        resp = await search(pilot, app, "说明情况")
        assert not resp.results
        resp = await search(pilot, app, "前言")
        assert resp.results


async def test_removing_the_open_document_clears_the_reader(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(report(), encoding="utf-8")
    (docs / "b.txt").write_text("另一份材料\n\n正文。\n", encoding="utf-8")
    app = YuelanApp(paths=[str(docs)], state_dir=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.index is not None and app.live.watcher is not None
                       and app.live.watcher.watching, "index and the watch set up")
        ia = next(i for i, d in enumerate(app.documents) if d.path.endswith("a.txt"))
        app.reading.open_document(ia, 0)
        reader = app.query_one(Reader)
        await wait_for(pilot, lambda: reader.doc is app.documents[ia] and reader.lay is not None, "a.txt open")
        (docs / "a.txt").unlink()
        await wait_for(pilot, lambda: len(app.documents) == 1, "the reload")
        assert reader.doc is None and app.current_doc is None
        # keys that act on the open document do nothing harmful now
        await pilot.press("n", "right_square_bracket", "y", "m", "escape")
        assert app.documents[0].path.endswith("b.txt")


async def test_no_watch_when_disabled(tmp_path, monkeypatch):
    monkeypatch.setenv("YUELAN_NO_WATCH", "1")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(report(), encoding="utf-8")
    app = YuelanApp(paths=[str(docs)], state_dir=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.index is not None, "index")
        assert app.live.watcher is None


async def test_no_watch_option(tmp_path, monkeypatch):
    """--no-watch: the watch is never set up, so no change on disk can
    reach the app.  Checked where the decision is made, not by waiting to
    see that nothing happens: the app passes the point where the watch
    starts (the corpus is open), and no watcher was ever made."""
    from tui.corpus import watch

    made = []

    class RecordingWatcher(watch.CorpusWatcher):
        def __init__(self, *args, **kwargs) -> None:
            made.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(watch, "CorpusWatcher", RecordingWatcher)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(report(), encoding="utf-8")
    app = YuelanApp(paths=[str(docs)], state_dir=False, watch_files=False)
    asked = []
    start = app.live.start
    monkeypatch.setattr(app.live, "start", lambda: (asked.append(True), start()))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: asked and app.index is not None, "the corpus open and indexed")
        assert made == [] and app.live.watcher is None
        assert app.live.reloads == 0 and not app.live.reloading


def test_no_watch_flag_reaches_the_app(monkeypatch):
    import tui.app as app_pkg
    from tui import cli

    seen = {}

    def fake_run(paths, encoding=None, watch=True):
        seen.update(paths=paths, watch=watch)
        return 0

    monkeypatch.setattr(app_pkg, "run", fake_run)
    assert cli.main(["--no-watch"]) == 0
    assert seen == {"paths": None, "watch": False}
    assert cli.main([]) == 0
    assert seen["watch"] is True


async def test_indexing_progress_is_shown_while_the_index_builds(tmp_path, monkeypatch):
    """The search bar shows documents (and MB, for big corpora) while the
    index builds in the background, and the reader works meanwhile."""
    import threading

    from tui.search import SearchIndex

    docs = tmp_path / "docs"
    docs.mkdir()
    for k in range(3):
        (docs / f"d{k}.txt").write_text(report(), encoding="utf-8")
    release = threading.Event()
    real_build = SearchIndex.build

    def slow_build(documents, *, progress=None, cancelled=None, previous=None, **kw):
        total = len(documents)
        progress(1, total, 3_000_000, 9_000_000)
        release.wait(30)
        return real_build(documents, progress=progress, cancelled=cancelled, previous=previous, **kw)

    monkeypatch.setattr(SearchIndex, "build", staticmethod(slow_build))
    app = YuelanApp(paths=[str(docs)], state_dir=False, watch_files=False)
    async with app.run_test(size=(120, 30)) as pilot:
        def status():
            return str(app.query_one("#search-status").render())

        await wait_for(pilot, lambda: "indexing 1/3 docs" in status(), "the progress in the search bar")
        assert "3/9 MB" in status()
        # reading works while indexing
        await pilot.press("tab", "j")
        assert app.index is None
        release.set()
        await wait_for(pilot, lambda: app.index is not None, "index")
        await wait_for(pilot, lambda: "3 documents" in status(), "the ready status")


async def test_the_watcher_stops_when_the_app_ends(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(report(), encoding="utf-8")
    app = YuelanApp(paths=[str(docs)], state_dir=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.live.watcher is not None and app.live.watcher.running, "watcher")
    watcher = app.live.watcher
    watcher.join(5)
    assert not watcher.running


async def test_the_bundled_seeds_are_not_watched():
    app = YuelanApp(state_dir=False)
    async with app.run_test(size=(100, 30)) as pilot:
        # The watch would start with the corpus, before the index is built.
        await wait_for(pilot, lambda: app.corpus is not None and app.index is not None, "corpus and index")
        assert app.live.watcher is None
