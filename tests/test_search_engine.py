"""The tantivy index kept per corpus (tui/search/engine.py, index.py): reuse,
per-file updates, damaged or foreign indexes, two processes, panics, progress,
cancel, reload while searching.

Every test works on a copy of the seed documents in its own directory and
with its own cache directory, and compares what the kept index finds with an
index built in memory from the same documents.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from conftest import ROOT, SEEDS
from tui.corpus import load_corpus
from tui.search import BuildCancelled, SearchIndex
from tui.search import engine as eng

QUERIES = ["工会", "心灵港湾", "工會改革", "律师", "xinlinggangwan", "xlgw", "心灵港弯", "志愿团 律师", "工会 -改革", '"服务"']


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(d))
    monkeypatch.delenv("YUELAN_NO_CACHE", raising=False)
    return d


@pytest.fixture
def corpus_dir(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    for f in sorted(SEEDS.iterdir()):
        if f.is_file():
            shutil.copy(f, d / f.name)
    return d


def load(d):
    return load_corpus([str(d)], cache=True).documents


def signature(index: SearchIndex, queries=QUERIES):
    out = []
    for q in queries:
        r = index.search(q, limit=50)
        assert r.error is None, (q, r.error)
        out.append(
            (q, r.total, [(h.doc.path, h.start, h.end, tuple(h.highlights), round(h.score, 6), h.match, h.section_index)
                          for h in r.results])
        )
    return out


def index_dirs(cache_dir) -> list[str]:
    base = cache_dir / "yuelan" / "index"
    return sorted(str(base / n) for n in os.listdir(base)) if base.exists() else []


def built(cache, corpus_dir):
    docs = load(corpus_dir)
    index = SearchIndex.build(docs)
    index.close()
    (path,) = index_dirs(cache)
    return docs, path


# ------------------------------------------------------------------ reuse
def test_reopen_reuses_every_document_and_finds_the_same(cache, corpus_dir):
    docs = load(corpus_dir)
    first = SearchIndex.build(docs)
    assert sorted(first.changes["rebuilt"]) == sorted(d.path for d in docs)
    assert first.changes["reused"] == [] and first.notices == []
    (path,) = index_dirs(cache)
    assert first.store_path == path
    assert os.stat(path).st_mode & 0o077 == 0
    first.close()

    docs2 = load(corpus_dir)  # a new process would load the documents again
    again = SearchIndex.build(docs2)
    assert sorted(again.changes["reused"]) == sorted(d.path for d in docs2)
    assert again.changes["rebuilt"] == [] and again.changes["removed"] == []
    assert again.notices == [] and not again.engine.writing  # nothing to write: no lock taken
    assert signature(again) == signature(SearchIndex(docs2))


def test_reused_index_maps_hits_back_exactly(cache, corpus_dir):
    built(cache, corpus_dir)
    docs = load(corpus_dir)
    index = SearchIndex.build(docs)
    assert index.changes["rebuilt"] == []
    ref = SearchIndex(docs)
    for q in QUERIES:
        for doc in docs:
            assert index.find_in_document(doc, q) == ref.find_in_document(doc, q), (q, doc.id)
    hits = index.search("工会", limit=0).results
    assert hits
    for h in hits:
        for s, e in h.highlights:
            assert h.passage[s:e] in ("工会", "工會")


def test_changed_added_and_removed_files_alone_are_written(cache, corpus_dir):
    docs, _ = built(cache, corpus_dir)
    names = sorted(os.listdir(corpus_dir))
    changed, gone = str(corpus_dir / names[1]), str(corpus_dir / names[2])
    with open(changed, "a", encoding="utf-8") as f:
        f.write("\n\n补充一段：星河观测站开放日。\n")
    os.unlink(gone)
    added = str(corpus_dir / "zz_new.txt")
    with open(added, "w", encoding="utf-8") as f:
        f.write("新增报告\n\n琥珀河谷的工会成立了。\n")
    docs2 = load(corpus_dir)
    index = SearchIndex.build(docs2)
    assert sorted(index.changes["rebuilt"]) == sorted([changed, added])
    assert index.changes["removed"] == [gone]
    assert len(index.changes["reused"]) == len(docs) - 2
    assert index.search("星河观测站").total == 1 and index.search("琥珀河谷").total == 1
    assert all(h.doc.path != gone for h in index.search("工会", limit=0).results)
    assert signature(index) == signature(SearchIndex(docs2))
    index.close()
    again = SearchIndex.build(load(corpus_dir))
    assert again.changes["rebuilt"] == [] and again.notices == []


def test_in_memory_index_writes_nothing(cache, corpus_dir):
    SearchIndex(load(corpus_dir))
    assert index_dirs(cache) == []


def test_no_cache_env_disables_the_kept_index(cache, corpus_dir, monkeypatch):
    monkeypatch.setenv("YUELAN_NO_CACHE", "1")
    index = SearchIndex.build(load(corpus_dir))
    assert index.store_path is None and index.notices == [] and index_dirs(cache) == []
    assert index.search("心灵港湾").total > 0


def test_open_loads_the_corpus_and_the_index(cache, corpus_dir):
    first = SearchIndex.open([str(corpus_dir)])
    first.close()
    again = SearchIndex.open([str(corpus_dir)])
    assert again.changes["rebuilt"] == [] and len(again.corpus.documents) == len(first.documents)


def test_old_engine_store_files_are_removed(cache, corpus_dir):
    old = cache / "yuelan" / "search"
    old.mkdir(parents=True)
    (old / "0123456789abcdef0123.yls").write_bytes(b"YUELANIX" + b"\0" * 64)
    SearchIndex.build(load(corpus_dir))
    assert not old.exists()


# --------------------------------------------------------- damage, planting
@pytest.mark.parametrize("what", ["meta", "segments", "manifest-json", "manifest-version", "empty-dir"])
def test_damaged_or_foreign_index_is_set_aside_and_rebuilt(cache, corpus_dir, what):
    docs, path = built(cache, corpus_dir)
    if what == "meta":
        with open(os.path.join(path, "meta.json"), "w") as f:
            f.write("{not json")
    elif what == "segments":
        for name in os.listdir(path):
            if name.endswith((".idx", ".pos", ".term", ".store", ".fast")):
                with open(os.path.join(path, name), "r+b") as f:
                    f.truncate(max(0, os.path.getsize(f.name) // 3))
    elif what == "manifest-json":
        with open(os.path.join(path, eng.MANIFEST), "wb") as f:
            f.write(b"\xff\xfe garbage")
    elif what == "manifest-version":
        m = json.load(open(os.path.join(path, eng.MANIFEST)))
        m["versions"]["index"] = -1
        json.dump(m, open(os.path.join(path, eng.MANIFEST), "w"))
    else:
        shutil.rmtree(path)
        os.mkdir(path)
    docs = load(corpus_dir)
    index = SearchIndex.build(docs)  # never raises
    if what != "segments":  # tantivy may read a truncated segment lazily
        assert any("unusable" in n and "rebuilding" in n for n in index.notices), index.notices
        assert sorted(index.changes["rebuilt"]) == sorted(d.path for d in docs)
        # An index of another version (every upgrade that changes it) is
        # not called damaged or foreign.
        upgrade = any("another version of yuelan" in n for n in index.notices)
        assert upgrade == (what == "manifest-version"), index.notices
    ok = [q for q in QUERIES[:4]]
    got = signature(index, ok)
    if what == "segments" and any(r[0] for r in got if False):
        pass
    if what != "segments":
        assert got == signature(SearchIndex(docs), ok)
    else:  # a damaged segment is never a crash: an error message or results
        for q in ok:
            r = index.search(q)
            assert r.error is None or "failed" in r.error


def test_symlink_in_place_of_the_index_is_not_followed(cache, corpus_dir, tmp_path):
    docs, path = built(cache, corpus_dir)
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    shutil.rmtree(path)
    os.symlink(target, path)
    index = SearchIndex.build(load(corpus_dir))
    assert (target / "keep.txt").read_text() == "mine" and os.listdir(target) == ["keep.txt"]
    assert not os.path.islink(path)
    assert index.search("心灵港湾").total > 0


def test_file_in_place_of_the_index_directory(cache, corpus_dir):
    docs, path = built(cache, corpus_dir)
    shutil.rmtree(path)
    with open(path, "w") as f:
        f.write("planted")
    index = SearchIndex.build(load(corpus_dir))
    assert index.search("心灵港湾").total > 0
    assert os.path.isdir(path)


def test_unusable_cache_directory_gives_a_notice(cache, corpus_dir):
    (cache / "yuelan").mkdir(parents=True)
    (cache / "yuelan" / "index").write_text("not a directory")
    docs = load(corpus_dir)
    index = SearchIndex.build(docs)
    assert index.store_path is None
    assert any("cache directory" in n for n in index.notices)
    assert signature(index) == signature(SearchIndex(docs))


# ------------------------------------------------------------ concurrency
def test_second_index_on_the_same_corpus_is_read_only(cache, corpus_dir):
    docs = load(corpus_dir)
    first = SearchIndex.build(docs)  # keeps the writer (as the app does)
    name = sorted(os.listdir(corpus_dir))[0]
    with open(corpus_dir / name, "a", encoding="utf-8") as f:
        f.write("\n\n补充一段：星河观测站开放日。\n")
    docs2 = load(corpus_dir)
    second = SearchIndex.build(docs2)
    assert second.readonly
    assert any("read-only" in n for n in second.notices)
    assert any("not searchable" in n for n in second.notices)
    hits = second.search("工会", limit=0).results
    assert hits  # the unchanged files answer
    assert all(h.doc.path != str(corpus_dir / name) for h in hits)
    first.close()
    third = SearchIndex.build(load(corpus_dir))
    assert not third.readonly and third.changes["rebuilt"] == [str(corpus_dir / name)]
    assert third.search("星河观测站").total == 1


def _engine_calls(index) -> list[tuple[int, int]]:
    """(limit, offset) of each engine call the index makes for a page of hits, from now on."""
    calls: list[tuple[int, int]] = []
    top = index.engine.top

    def counted(query, limit, offset, *args, **kwargs):
        calls.append((limit, offset))
        return top(query, limit, offset, *args, **kwargs)

    index.engine.top = counted
    return calls


def test_a_read_only_index_leaves_the_files_it_holds_changed_out_of_the_search(cache, tmp_path):
    """In a read-only index (another process holds the writer), the files
    changed since that process indexed them are not searchable; their old
    passages are left out of the engine's search, so the total is what
    verifies and the search does not wade through them (fetched 32 at a
    time, they made one search at 100 MB spin for 22 minutes)."""
    d = tmp_path / "many"
    d.mkdir()
    for k in range(120):
        # 20 passages with the term in each file; the last file 5.
        n = 5 if k == 119 else 20
        (d / f"f{k:03d}.txt").write_text(
            "\n\n".join(f"第{k}号文件第{i}段：职工向工会反映第{i * 7 + k}项诉求。" for i in range(n)), encoding="utf-8")
    first = SearchIndex.build(load(d))  # keeps the writer
    for k in range(119):
        with open(d / f"f{k:03d}.txt", "a", encoding="utf-8") as f:
            f.write("\n\n补充说明。\n")
    second = SearchIndex.build(load(d))
    assert second.readonly and len(second._stale) == 119
    calls = _engine_calls(second)
    r = second.search("工会", limit=10)
    assert r.error is None and r.total == 5
    assert sorted(h.doc.path for h in r.results) == [str(d / "f119.txt")] * 5
    assert len(calls) == 1
    assert second.search("职工 -诉求").total == 0  # exclusions still apply
    first.close()


def test_a_read_only_index_plans_without_the_files_it_holds_changed(cache, tmp_path):
    """The planner's counts (is a term found as typed, or must its typos be
    tried?) leave a read-only index's changed files out too: a term found
    only in their old passages is found nowhere searchable, so its typos
    are tried, as on a corpus without those passages."""
    d = tmp_path / "stale"
    d.mkdir()
    (d / "a.txt").write_text("旧文本里有心灵港湾项目。\n\n另一段。", encoding="utf-8")
    (d / "b.txt").write_text("正文提到心灵港弯一次。", encoding="utf-8")
    first = SearchIndex.build(load(d))  # keeps the writer
    (d / "a.txt").write_text("新文本不再提它。\n\n另一段。", encoding="utf-8")
    second = SearchIndex.build(load(d))
    assert second.readonly and len(second._stale) == 1
    r = second.search("心灵港湾", limit=10)
    assert r.error is None
    assert [(h.doc.path, h.match) for h in r.results] == [(str(d / "b.txt"), "fuzzy")]
    first.close()


def _ellipses(tmp_path, last: str):
    """40 files of 20 passages with an ellipsis each ("…", which folds to
    "..."), and z.txt holding ``last``."""
    d = tmp_path / "dots"
    d.mkdir()
    for k in range(40):
        (d / f"f{k:02d}.txt").write_text(
            "\n\n".join(f"第{k}号第{i}段：他说…然后走了。" for i in range(20)), encoding="utf-8")
    (d / "z.txt").write_text(last, encoding="utf-8")
    return d


def test_a_page_past_many_rejected_candidates_comes_in_growing_batches(cache, tmp_path):
    """When most of tantivy's candidates fail verification ("..", which an
    ellipsis folds to, is no hit inside "…"), the page is filled from ever
    larger batches: fixed batches of 32 made one engine call per 32
    candidates, each ranking all the candidates before it again."""
    import math

    from tui.search.index import POOL

    d = _ellipses(tmp_path, "正文..结束。")
    index = SearchIndex(load(d))
    calls = _engine_calls(index)
    r = index.search("..", limit=10)
    assert r.error is None
    assert [h.doc.path for h in r.results] == [str(d / "z.txt")]
    count = 40 * 20 + 1
    assert calls[-1][1] + calls[-1][0] >= count  # every candidate was looked at
    assert len(calls) <= 2 + math.ceil(math.log2(count / POOL)), calls


def test_a_search_that_looked_at_every_candidate_counts_what_verified(cache, tmp_path):
    """Beyond the ranked pool a total is tantivy's count of candidates; but
    a search that had to verify every candidate anyway knows the exact
    total, and says it ("..": 802 candidates, two hits)."""
    d = _ellipses(tmp_path, "正文..结束。\n\n后记..完。")
    index = SearchIndex(load(d))
    for limit in (10, 0):
        r = index.search("..", limit=limit)
        assert (r.total, len(r.results), r.more) == (2, 2, False), limit
    # A search that stops early keeps tantivy's count, which is exact for
    # a phrase: every candidate holds it.
    r = index.search("然后走了", limit=10)
    assert (r.total, len(r.results), r.more) == (800, 10, True)


def test_two_processes_building_at_once(cache, corpus_dir):
    script = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, sys.argv[1])
        from tui.corpus import load_corpus
        from tui.search import SearchIndex
        for _ in range(4):
            docs = load_corpus([sys.argv[2]], cache=True).documents
            index = SearchIndex.build(docs)
            assert index.search("工会").total > 0 or index.readonly, index.notices
            print(len(index.changes["reused"]), len(index.changes["rebuilt"]), index.notices, flush=True)
            index.close()
        """
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(ROOT), str(corpus_dir)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "unusable" not in out, out
        assert "Traceback" not in err and "panicked" not in err, err
    docs = load(corpus_dir)
    index = SearchIndex.build(docs)
    assert index.notices == [] and index.changes["rebuilt"] == []
    assert signature(index) == signature(SearchIndex(docs))


def test_reload_while_searches_run(cache, corpus_dir):
    docs = load(corpus_dir)
    first = SearchIndex.build(docs)
    errors, answers = [], []
    stop = threading.Event()

    def searching():
        while not stop.is_set():
            for q in ("工会", "xlgw", "心灵港弯", "星河观测站"):
                r = first.search(q)
                if r.error:
                    errors.append(r.error)
                answers.append((q, r.total))

    threads = [threading.Thread(target=searching) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        name = sorted(os.listdir(corpus_dir))[3]
        with open(corpus_dir / name, "a", encoding="utf-8") as f:
            f.write("\n\n补充一段：星河观测站开放日。\n")
        second = SearchIndex.build(load(corpus_dir), previous=first)
        assert second.changes["rebuilt"] == [str(corpus_dir / name)]
        while len(answers) < 40:
            time.sleep(0.01)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert errors == []
    assert second.search("星河观测站").total == 1
    assert signature(second) == signature(SearchIndex(load(corpus_dir)))


# ------------------------------------------------------------------ panics
def test_engine_panic_becomes_a_message(seed_corpus):
    index = SearchIndex(seed_corpus.documents)
    # A one-term phrase query is a real panic inside tantivy.
    with pytest.raises(eng.EngineError):
        eng.guard(eng.Query.phrase_query, index.engine.schema, "text", ["工会"])

    def panicking(text):
        return eng.guard(eng.Query.phrase_query, index.engine.schema, "text", [text])

    index.engine.literal = panicking
    r = index.search("工会")
    assert r.results == [] and r.error and r.error.startswith("search engine failed")
    assert index.find_in_document(index.documents[0], "工会") == []


# ------------------------------------------------------- progress, cancel
def test_progress_is_monotone_and_complete(cache, corpus_dir):
    docs = load(corpus_dir)
    calls = []
    t0 = time.monotonic()
    SearchIndex.build(docs, progress=lambda *a: calls.append(a)).close()
    elapsed = time.monotonic() - t0
    total = sum(len(d.text) for d in docs)
    assert calls and calls[-1] == (len(docs), len(docs), total, total)
    for (d0, n0, b0, t0_), (d1, n1, b1, t1) in zip(calls, calls[1:]):
        assert d0 <= d1 and b0 <= b1 and n0 == n1 == len(docs) and t0_ == t1 == total
    assert len(calls) <= elapsed * 20 + 2  # throttled to about 20 a second
    calls.clear()
    SearchIndex.build(load(corpus_dir), progress=lambda *a: calls.append(a))
    assert calls[-1] == (len(docs), len(docs), total, total)


def test_cancel_stops_the_build_and_leaves_a_consistent_index(cache, corpus_dir):
    docs = load(corpus_dir)
    with pytest.raises(BuildCancelled):
        SearchIndex.build(docs, cancelled=lambda: True)
    polls = []

    def after_two():
        polls.append(1)
        return len(polls) > 2

    with pytest.raises(BuildCancelled):
        SearchIndex.build(docs, cancelled=after_two)
    assert len(polls) == 3
    index = SearchIndex.build(docs, cancelled=lambda: False)
    assert signature(index) == signature(SearchIndex(docs))


def test_long_build_is_searchable_before_it_ends(cache, tmp_path, corpus_dir, monkeypatch):
    import tui.search.index as index_mod

    monkeypatch.setattr(index_mod, "COMMIT_SECONDS", 0.0)
    docs = load(corpus_dir)
    seen = []

    def searchable(ix):
        seen.append(ix.search("工会").total)

    SearchIndex.build(docs, searchable=searchable)
    assert len(seen) == 1 and seen[0] > 0


def test_settle_merges_what_a_build_left_and_releases_the_writer(cache, tmp_path, monkeypatch):
    """A build committed file by file leaves a segment per commit; settle()
    waits for tantivy's merges (a CLI process would exit before them) and
    releases the writer lock for the next process."""
    import tui.search.index as index_mod

    monkeypatch.setattr(index_mod, "COMMIT_SECONDS", 0.0)
    d = tmp_path / "many"
    d.mkdir()
    n = 24
    for i in range(n):
        (d / f"{i:02d}.txt").write_text(f"第{i}号报告\n\n工会第{i}次会议讨论心灵港湾。\n", encoding="utf-8")
    # Watched (a search bar waits on it): a commit per file.
    index = SearchIndex.build(load(d), searchable=lambda ix: None)
    expected = signature(index, ["工会", "心灵港湾", "第7号"])
    index.settle()
    assert index.engine.searcher().num_segments < n
    assert signature(index, ["工会", "心灵港湾", "第7号"]) == expected
    again = SearchIndex.build(load(d))
    assert not again.readonly and again.changes["rebuilt"] == []
    (d / "new.txt").write_text("新来的报告\n\n星河观测站。\n", encoding="utf-8")
    third = SearchIndex.build(load(d))
    assert not third.readonly and third.search("星河观测站").total == 1


def test_a_long_build_commits_less_and_less_often(cache, tmp_path, monkeypatch):
    """Each commit writes a segment that is merged again later: a long first
    build that a search bar waits on commits at a growing interval (half the
    time it has taken so far), not every COMMIT_SECONDS; one nobody searches
    meanwhile, every COMMIT_UNWATCHED_SECONDS.  A clock that moves 1 s per
    document stands for a long build."""
    import tui.search.index as index_mod

    d = tmp_path / "long"
    d.mkdir()
    n = 120
    for i in range(n):
        (d / f"{i:03d}.txt").write_text(f"第{i}号报告\n\n工会第{i}次会议。\n", encoding="utf-8")
    docs = load(d)
    clock = [0.0]

    def monotonic():
        clock[0] += 0.5  # read twice per document
        return clock[0]

    monkeypatch.setattr(index_mod.time, "monotonic", monotonic)
    commits = []
    real = index_mod.SearchIndex._commit
    monkeypatch.setattr(index_mod.SearchIndex, "_commit", lambda self: (commits.append(clock[0]), real(self)))
    index = SearchIndex.build(docs, searchable=lambda ix: None)
    # Every 1.5 s would be about 40 commits here (41 measured); growing by half, about a dozen.
    assert 2 <= len(commits) <= 16, commits
    assert index.search("工会").total == n
    commits.clear()
    shutil.rmtree(index.store_path)
    index = SearchIndex.build(load(d))
    assert 1 <= len(commits) <= 3, commits  # 120 s: every 60 s, and the end
    assert index.search("工会").total == n


def test_an_indexed_document_no_longer_holds_its_fold(cache, corpus_dir):
    """Parsing folds each whole document (as big as its text); once it is
    indexed the fold is dropped, and hits still map back exactly."""
    docs = load_corpus([str(corpus_dir)], cache=False).documents
    assert all(d._folded is not None for d in docs)
    index = SearchIndex.build(docs)
    assert all(d._folded is None for d in docs)
    for q in ("工会", "工會改革", "xlgw"):
        for h in index.search(q, limit=0).results:
            assert h.highlights and all(h.doc.text[h.start + a : h.start + b] for a, b in h.highlights)


# -------------------------------------------------------------- the CLI
def test_cli_index_builds_the_search_index_and_says_what_it_reused(cache, corpus_dir):
    from conftest import run_cli

    env = {"XDG_CACHE_HOME": str(cache)}
    n = len(os.listdir(corpus_dir))
    r = run_cli("index", str(corpus_dir), env=env)
    assert r.returncode == 0, r.stderr
    assert f"search index: 0 reused, {n} rebuilt" in r.stdout
    r = run_cli("index", str(corpus_dir), env=env)
    assert f"search index: {n} reused, 0 rebuilt" in r.stdout
    name = sorted(os.listdir(corpus_dir))[1]
    with open(corpus_dir / name, "a", encoding="utf-8") as f:
        f.write("\n\n补充一段：星河观测站开放日。\n")
    r = run_cli("index", str(corpus_dir), env=env)
    assert f"search index: {n - 1} reused, 1 rebuilt" in r.stdout
    # What `yuelan index` kept is what the CLI's search and the app open.
    from tui.session import open_corpus, open_index

    corpus = open_corpus([str(corpus_dir)])
    index = open_index(corpus.documents, roots=corpus.roots)
    assert index.changes["rebuilt"] == [] and index.search("星河观测站").total == 1


# ----------------------------------------------------------------- reload
@pytest.mark.parametrize("no_cache", [False, True])
def test_reload_reuses_the_previous_index(cache, corpus_dir, monkeypatch, no_cache):
    if no_cache:
        monkeypatch.setenv("YUELAN_NO_CACHE", "1")
    docs = load(corpus_dir)
    first = SearchIndex.build(docs)
    names = sorted(os.listdir(corpus_dir))
    changed, gone = str(corpus_dir / names[1]), str(corpus_dir / names[2])
    with open(changed, "a", encoding="utf-8") as f:
        f.write("\n\n补充一段：星河观测站开放日。\n")
    os.unlink(gone)
    docs2 = load(corpus_dir)
    index = SearchIndex.build(docs2, previous=first)
    assert index.changes["rebuilt"] == [changed]
    assert index.changes["removed"] == [gone]
    assert sorted(index.changes["reused"]) == sorted(d.path for d in docs2 if d.path != changed)
    assert index.search("星河观测站").total == 1
    assert signature(index) == signature(SearchIndex(docs2))
    if not no_cache:  # and the kept index follows: the next open reuses everything
        index.close()
        again = SearchIndex.build(load(corpus_dir))
        assert again.changes["rebuilt"] == [] and again.notices == []


def test_leftovers_of_killed_processes_are_swept(cache, corpus_dir):
    docs, path = built(cache, corpus_dir)
    base = os.path.dirname(path)
    old_new, old_bad, young = os.path.join(base, ".new-dead"), path + ".bad-1-1", os.path.join(base, ".new-live")
    for d in (old_new, old_bad, young):
        os.mkdir(d)
        open(os.path.join(d, "x"), "w").write("partial")
    old = time.time() - 7200
    for d in (old_new, old_bad):
        os.utime(d, (old, old))
    SearchIndex.build(load(corpus_dir))
    assert not os.path.exists(old_new) and not os.path.exists(old_bad) and os.path.exists(young)


def test_a_stream_of_documents_is_searchable_while_it_is_parsed(cache, corpus_dir, monkeypatch):
    """Documents arrive as they are parsed; each commit makes what came so
    far searchable (the app's search bar answers during a first open)."""
    import tui.search.index as index_mod

    monkeypatch.setattr(index_mod, "COMMIT_SECONDS", 0.0)
    docs = load(corpus_dir)
    seen_while_streaming = []
    holder = {}

    def stream():
        for k, d in enumerate(docs):
            if k == 3:  # the first documents are committed: search them now
                ix = holder["index"]
                seen_while_streaming.append((len(ix.documents), ix.search("工会", limit=0).results))
            yield d

    def searchable(ix):
        holder["index"] = ix

    index = SearchIndex.build(stream(), searchable=searchable, roots=[str(corpus_dir)], expected=(len(docs), 0))
    (n, hits), = seen_while_streaming
    assert n == 3 and hits and {h.doc.path for h in hits} <= {d.path for d in docs[:3]}
    assert sorted(index.changes["rebuilt"]) == sorted(d.path for d in docs)
    assert signature(index) == signature(SearchIndex(docs))
    index.close()
    # Named by its roots: a reopen with the same roots reuses everything.
    again = SearchIndex.build(load(corpus_dir), roots=[str(corpus_dir)])
    assert again.changes["rebuilt"] == [] and len(again.changes["reused"]) == len(docs)


def test_hostile_names_and_text_are_indexed_and_kept(cache, tmp_path):
    """Undecodable file names (surrogates), lone surrogates in text, control
    characters: every document that holds a word is found, also after a
    reopen from the kept index, and a changed one is written again."""
    import hostile

    m = hostile.build(str(tmp_path / "hostile"), sparse_mb=1)
    docs = load_corpus([m.root], cache=True).documents
    from tui.search.normalize import normalize_text

    holding = sorted(d.path for d in docs if "图书室" in normalize_text(d.text))
    assert holding
    first = SearchIndex.build(docs)
    assert first.notices == []
    assert sorted({h.doc.path for h in first.search("图书室", limit=0).results}) == holding
    first.close()
    again = SearchIndex.build(load_corpus([m.root], cache=True).documents)
    assert again.changes["rebuilt"] == [] and again.notices == []
    assert sorted({h.doc.path for h in again.search("图书室", limit=0).results}) == holding
    odd = next(d for d in again.documents if any("\udc80" <= c <= "\udcff" for c in d.path))
    assert bool(again.find_in_document(odd, "图书室")) == ("图书室" in normalize_text(odd.text))
    assert again.search("\udcff图书").error in (None,) or "failed" in again.search("\udcff图书").error
