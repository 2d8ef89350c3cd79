"""The session core: one way to open a corpus and its index, with notices."""

from __future__ import annotations

import inspect

from app_support import FakeIndex
from tui.search.results import Index
from tui.session import open_corpus, open_index


def test_open_corpus_passes_every_corpus_notice_on(tmp_path):
    (tmp_path / "a.txt").write_text("标题\n\n心灵港湾项目启动。\n", encoding="utf-8")
    first = open_corpus([str(tmp_path)])
    assert [d.id for d in first.documents] == ["a"]
    # A corrupt cache is a notice (rebuilt), not an error: the same text for CLI and app.
    from tui.corpus.cache import cache_path

    path = cache_path([str(tmp_path)], None)
    with open(path, "r+b") as f:
        f.write(b"garbage!" * 4)
    heard: list[str] = []
    again = open_corpus([str(tmp_path)], notify=heard.append)
    assert [d.id for d in again.documents] == ["a"]
    assert heard == again.notices and len(heard) == 1 and "rebuilding" in heard[0]


def test_open_index_reports_notices_and_cancellation(tmp_path, seed_corpus):
    heard: list[str] = []
    index = open_index(seed_corpus.documents, notify=heard.append)
    assert index is not None and heard == list(index.notices)
    assert index.search("心灵港湾", limit=1).total >= 1
    (tmp_path / "n.txt").write_text("新文件\n\n" + "心灵港湾。" * 2000, encoding="utf-8")
    fresh = open_corpus([str(tmp_path)])
    assert open_index(fresh.documents, cancelled=lambda: True) is None


def test_the_app_test_double_has_the_index_protocol():
    """FakeIndex implements Index as declared: the app needs no fallbacks."""
    for name in ("search", "find_in_document", "warm"):
        want = inspect.signature(getattr(Index, name))
        got = inspect.signature(getattr(FakeIndex, name))
        assert [(p.name, p.kind, p.default) for p in got.parameters.values()] == [
            (p.name, p.kind, p.default) for p in want.parameters.values()
        ], name
    fake = FakeIndex([])
    for attr in ("documents", "notices", "changes"):
        assert hasattr(fake, attr), attr


def test_streaming_open_is_searchable_before_parsing_ends_and_matches_a_plain_open(tmp_path, monkeypatch):
    """A first open indexes each document as it is parsed: search answers
    on what is indexed so far, the documents arrive one by one, and the
    result is the index a plain open would make (and then reuses)."""
    import shutil
    import threading

    import tui.search.index as index_mod
    from conftest import SEEDS
    from tui.session import open_streaming

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(index_mod, "COMMIT_SECONDS", 0.0)
    d = tmp_path / "docs"
    d.mkdir()
    for f in sorted(SEEDS.iterdir()):
        shutil.copy(f, d / f.name)
    shown, early = [], []
    lock = threading.Lock()

    def on_searchable(index):
        with lock:
            early.append((len(shown), index.search("工会", limit=0).total))

    corpus, index = open_streaming([str(d)], on_document=shown.append, on_searchable=on_searchable)
    assert [x.path for x in shown] == [x.path for x in corpus.documents]
    assert early and early[0][1] > 0
    assert sorted(index.changes["rebuilt"]) == sorted(x.path for x in corpus.documents)
    full = index.search("工会", limit=0).total
    assert full >= early[0][1]
    index.close()
    again = open_index(open_corpus([str(d)]).documents, roots=[str(d)])
    assert again.changes["rebuilt"] == [] and again.search("工会", limit=0).total == full


def test_a_streaming_open_keeps_no_parsed_text_once_indexed(tmp_path, monkeypatch):
    """The corpus is not held twice over: once a document is indexed its
    text leaves memory (the document cache has it), and whatever reads it
    later (search, the reader) gets the same text back."""
    import shutil

    from conftest import SEEDS
    from tui.corpus import load_document
    from tui.session import open_streaming

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    d = tmp_path / "docs"
    d.mkdir()
    for f in sorted(SEEDS.iterdir()):
        shutil.copy(f, d / f.name)
    corpus, index = open_streaming([str(d)])
    assert len(corpus.documents) == 5
    assert all(x.__dict__["_text"] is None for x in corpus.documents)
    resp = index.search("工会", limit=0)
    assert resp.total > 0
    for hit in resp.results:
        passage = hit.doc.text[hit.start : hit.end]
        assert hit.highlights and all(passage[a:b] in ("工会", "工會") for a, b in hit.highlights)
    for x in corpus.documents:
        assert x.text == load_document(x.path, id=x.id).text
    index.close()


def test_a_cancelled_stream_stops_parsing_and_keeps_the_kept_index_whole(tmp_path, monkeypatch):
    """Cancelled half-way: parsing stops, nothing is returned, and the kept
    index is not cut down to the documents seen (a reopen reuses them all)."""
    import shutil

    import tui.corpus as corpus_mod
    from conftest import SEEDS
    from tui.session import open_streaming

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("YUELAN_NO_WORKERS", "1")
    d = tmp_path / "docs"
    d.mkdir()
    for i, f in enumerate(sorted(SEEDS.iterdir()) * 4):
        shutil.copy(f, d / f"{i:02d}{f.name}")
    whole = open_index(open_corpus([str(d)], cache=False).documents, roots=[str(d)])
    assert len(whole.changes["rebuilt"]) == 20
    whole.close()
    parsed: list[str] = []
    real = corpus_mod.parse_job

    def parse_job(job, compact=False):
        parsed.append(job.path)
        return real(job, compact)

    monkeypatch.setattr(corpus_mod, "parse_job", parse_job)
    shown: list = []
    corpus, index = open_streaming([str(d)], on_document=shown.append, cancelled=lambda: len(shown) >= 5)
    assert (corpus, index) == (None, None)
    assert len(shown) == 5 and len(parsed) == 6  # the one that found it cancelled
    again = open_index(open_corpus([str(d)], cache=False).documents, roots=[str(d)])
    assert again.changes["rebuilt"] == [] and len(again.changes["reused"]) == 20


def test_a_stream_of_a_missing_path_raises_the_corpus_error(tmp_path):
    import pytest

    from tui.corpus import PathError
    from tui.session import CorpusStream, open_streaming

    with pytest.raises(PathError):
        open_streaming([str(tmp_path / "nowhere")])
    stream = CorpusStream([str(tmp_path / "nowhere")], None).start()
    assert stream.done.wait(30) and isinstance(stream.error, PathError) and stream.corpus is None


def test_open_indexed_streams_a_first_open_and_reuses_both_caches_after(tmp_path, monkeypatch):
    """`yuelan search` / `yuelan index` on a corpus never opened: each file
    is indexed as it is parsed and its text then leaves memory (the plain
    path held every text until the end); the next open reads the document
    cache and reuses the kept index."""
    import shutil
    import threading

    import tui.corpus as corpus_mod
    from conftest import SEEDS
    from tui.corpus.cache import _CachedDocument
    from tui.session import open_indexed

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("YUELAN_NO_WORKERS", "1")  # parsed in this process, where it can be watched
    d = tmp_path / "docs"
    d.mkdir()
    for f in sorted(SEEDS.iterdir()):
        shutil.copy(f, d / f.name)
    # The last file is parsed only once a document has been indexed and has
    # let its text go: it never is if nothing is indexed before parsing ends.
    released = threading.Event()
    early: list[bool] = []
    real_parse, real_release = corpus_mod.parse_job, _CachedDocument.release_text

    def parse_job(job, compact=False):
        if job.path.endswith(sorted(SEEDS.iterdir())[-1].name):
            early.append(released.wait(20))
        return real_parse(job, compact)

    def release_text(self):
        released.set()
        return real_release(self)

    monkeypatch.setattr(corpus_mod, "parse_job", parse_job)
    monkeypatch.setattr(_CachedDocument, "release_text", release_text)
    corpus, index = open_indexed([str(d)])
    assert early == [True]
    assert len(corpus.documents) == 5 and len(corpus.changes["new"]) == 5
    assert all(x.__dict__["_text"] is None for x in corpus.documents)
    assert len(index.changes["rebuilt"]) == 5
    first = [(h.doc.path, h.start, h.end) for h in index.search("工会", limit=0).results]
    index.close()
    corpus, index = open_indexed([str(d)])
    assert len(corpus.changes["unchanged"]) == 5 and corpus.changes["new"] == []
    assert len(index.changes["reused"]) == 5 and index.changes["rebuilt"] == []
    assert [(h.doc.path, h.start, h.end) for h in index.search("工会", limit=0).results] == first != []
    index.close()
    empty = tmp_path / "empty"
    empty.mkdir()
    corpus, index = open_indexed([str(empty)])
    assert corpus.documents == [] and index is None


def test_a_stream_whose_build_fails_stops_parsing_and_makes_no_index_for_a_missing_path(tmp_path, monkeypatch):
    """Ctrl-C (or any error) in the build: the error comes out at once, and
    the files not parsed yet are not parsed (the caller used to wait for the
    whole corpus).  A path that does not exist makes no index in the cache."""
    import shutil
    import threading

    import pytest

    import tui.corpus as corpus_mod
    import tui.search
    from conftest import SEEDS
    from tui.corpus import PathError
    from tui.session import open_streaming

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("YUELAN_NO_WORKERS", "1")
    with pytest.raises(PathError):
        open_streaming([str(tmp_path / "nowhere")])
    assert not (tmp_path / "cache" / "yuelan" / "index").exists()

    d = tmp_path / "docs"
    d.mkdir()
    for i, f in enumerate(sorted(SEEDS.iterdir()) * 4):
        shutil.copy(f, d / f"{i:02d}{f.name}")
    parsed: list[str] = []
    interrupted = threading.Event()
    real = corpus_mod.parse_job

    def parse_job(job, compact=False):
        if len(parsed) >= 3:
            assert interrupted.wait(30)
        parsed.append(job.path)
        return real(job, compact)

    def build(documents, **_kw):
        for n, _doc in enumerate(documents, 1):
            if n == 2:
                interrupted.set()
                raise KeyboardInterrupt
        raise AssertionError("the stream ended before the build was interrupted")

    monkeypatch.setattr(corpus_mod, "parse_job", parse_job)
    monkeypatch.setattr(tui.search.SearchIndex, "build", build)
    with pytest.raises(KeyboardInterrupt):
        open_streaming([str(d)])
    assert len(parsed) <= 5, len(parsed)
