"""The persistent search index (tui/search/store.py): reuse, incremental
re-indexing, damaged or planted store files, concurrency, progress, cancel.

Every test works on a copy of the seed documents in its own directory and
with its own cache directory, and compares what the stored index finds with
an index built in memory from the same documents.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SEEDS
from tui.corpus import load_corpus
from tui.search import BuildCancelled, SearchIndex
from tui.search import store

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
            (q, r.total, [(h.doc.path, h.start, h.end, tuple(h.highlights), round(h.score, 6), h.match, h.section_index) for h in r.results])
        )
    return out


def store_file(cache_dir) -> str:
    files = [os.path.join(r, f) for r, _, fs in os.walk(cache_dir / "yuelan" / "search") for f in fs if f.endswith(".yls")]
    assert len(files) == 1, files
    return files[0]


# ------------------------------------------------------------------ reuse
def test_reopen_reuses_every_document_and_finds_the_same(cache, corpus_dir):
    docs = load(corpus_dir)
    first = SearchIndex.build(docs)
    assert sorted(first.changes["rebuilt"]) == sorted(d.path for d in docs)
    assert first.changes["reused"] == [] and first.notices == []
    path = store_file(cache)
    assert first.store_path == path
    assert os.stat(path).st_mode & 0o077 == 0
    assert os.stat(os.path.dirname(path)).st_mode & 0o077 == 0

    docs2 = load(corpus_dir)  # a new process would load the documents again
    again = SearchIndex.build(docs2)
    assert sorted(again.changes["reused"]) == sorted(d.path for d in docs2)
    assert again.changes["rebuilt"] == [] and again.changes["removed"] == []
    assert again.notices == []
    assert again.text == SearchIndex(docs2).text
    assert signature(again) == signature(SearchIndex(docs2))


def test_reused_index_maps_hits_back_exactly(cache, corpus_dir):
    """Offset maps are not stored: they are made again from the document;
    every highlight must still be the original characters that matched."""
    SearchIndex.build(load(corpus_dir))
    docs = load(corpus_dir)
    index = SearchIndex.build(docs)
    assert index.changes["rebuilt"] == []
    ref = SearchIndex(docs)
    for q in QUERIES:
        for doc in docs:
            assert index.find_in_document(doc, q) == ref.find_in_document(doc, q), (q, doc.id)
    hits = index.search("工会", limit=200).results
    assert hits
    for h in hits:
        for s, e in h.highlights:
            assert h.passage[s:e] in ("工会", "工會")


def test_changed_file_alone_is_rebuilt(cache, corpus_dir):
    docs = load(corpus_dir)
    SearchIndex.build(docs)
    ref = SearchIndex(docs)
    # A passage found only in the document that will change.
    victim = docs[0]
    others = "\n".join(d.text for d in docs[1:])
    old = next(
        p for p in (victim.text[pa.start : pa.end].strip() for pa in victim.paragraphs)
        if 12 <= len(p) <= 60 and '"' not in p and " " not in p and p not in others
    )
    assert ref.search(f'"{old}"').total >= 1
    new_text = docs[1].text + "\n\n新增段落：星河观测站于本月正式启用，欢迎参观。\n"
    assert old not in new_text
    with open(victim.path, "w", encoding="utf-8") as f:
        f.write(new_text)

    docs2 = load(corpus_dir)
    index = SearchIndex.build(docs2)
    assert index.changes["rebuilt"] == [victim.path]
    assert sorted(index.changes["reused"]) == sorted(d.path for d in docs2 if d.path != victim.path)
    assert index.search(f'"{old}"').total == 0
    r = index.search("星河观测站")
    assert r.total == 1 and r.results[0].doc.path == victim.path
    assert signature(index) == signature(SearchIndex(docs2))
    # And the refreshed store is what the next open reuses.
    third = SearchIndex.build(load(corpus_dir))
    assert third.changes["rebuilt"] == [] and third.search("星河观测站").total == 1


def test_added_and_removed_files(cache, corpus_dir):
    SearchIndex.build(load(corpus_dir))
    names = sorted(os.listdir(corpus_dir))
    gone = str(corpus_dir / names[0])
    kept = load_corpus([gone]).documents[0]
    os.unlink(gone)
    added = corpus_dir / "new_doc.txt"
    added.write_text("新文件标题\n\n琉璃灯塔在海边亮起，照亮归航的渔船。\n", encoding="utf-8")

    docs = load(corpus_dir)
    index = SearchIndex.build(docs)
    assert index.changes["rebuilt"] == [str(added)]
    assert index.changes["removed"] == [gone]
    assert len(index.changes["reused"]) == len(names) - 1
    assert index.search("琉璃灯塔").total == 1
    assert all(h.doc.path != gone for h in index.search("工会", limit=500).results)
    assert signature(index) == signature(SearchIndex(docs))
    # The removed document's passages are not found through the store either.
    probe = next(kept.text[p.start : p.end].strip() for p in kept.paragraphs if len(kept.text[p.start : p.end].strip()) >= 12)
    assert SearchIndex.build(load(corpus_dir)).search(f'"{probe}"').total == SearchIndex(docs).search(f'"{probe}"').total


def test_in_memory_index_writes_nothing(cache, corpus_dir):
    SearchIndex(load(corpus_dir))
    assert not (cache / "yuelan" / "search").exists() or not os.listdir(cache / "yuelan" / "search")


def test_no_cache_env_disables_the_store(cache, corpus_dir, monkeypatch):
    monkeypatch.setenv("YUELAN_NO_CACHE", "1")
    docs = load(corpus_dir)
    index = SearchIndex.build(docs)
    assert index.store_path is None and index.notices == []
    assert not (cache / "yuelan" / "search").exists()
    assert signature(index) == signature(SearchIndex(docs))


def test_save_then_build_reuses(cache, corpus_dir):
    docs = load(corpus_dir)
    assert SearchIndex(docs).save() is not None
    index = SearchIndex.build(load(corpus_dir))
    assert index.changes["rebuilt"] == [] and len(index.changes["reused"]) == len(docs)


def test_open_loads_the_corpus_and_the_store(cache, corpus_dir):
    first = SearchIndex.open([str(corpus_dir)])
    assert len(first.changes["rebuilt"]) == len(first.documents) > 0
    again = SearchIndex.open([str(corpus_dir)])
    assert again.changes["rebuilt"] == [] and again.corpus.documents == again.documents
    assert signature(again) == signature(first)


# ------------------------------------------------------------- corruption
def _built(cache, corpus_dir):
    docs = load(corpus_dir)
    SearchIndex.build(docs)
    return docs, store_file(cache)


def _check_recovers(docs, expect_notice=True):
    index = SearchIndex.build(docs)
    if expect_notice:
        assert index.notices, "a damaged store must be reported"
        assert all(isinstance(n, str) and n for n in index.notices)
    assert signature(index) == signature(SearchIndex(docs))
    return index


@pytest.mark.parametrize("keep", [0, 5, 20, 23, 40, 200, -1000, -1])
def test_truncated_store_is_rebuilt(cache, corpus_dir, keep):
    docs, path = _built(cache, corpus_dir)
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(data[:keep])
    index = _check_recovers(docs)
    assert len(index.changes["rebuilt"]) == len(docs)
    # Rebuilt and rewritten: the next open reuses everything again.
    again = SearchIndex.build(docs)
    assert again.notices == [] and again.changes["rebuilt"] == []


@pytest.mark.parametrize("what", ["magic", "version", "header", "blob_tail", "empty_json"])
def test_foreign_or_damaged_store_is_rebuilt(cache, corpus_dir, what):
    docs, path = _built(cache, corpus_dir)
    data = bytearray(open(path, "rb").read())
    if what == "magic":
        data[:8] = b"PICKLE\x00\x01"
    elif what == "version":
        data[8] ^= 0x7F
    elif what == "header":
        data[store._HEAD.size + 3] ^= 0x01
    elif what == "blob_tail":
        data[-1] ^= 0xFF
    elif what == "empty_json":
        import json
        import zlib

        head = json.dumps({}).encode()
        data = bytearray(store._HEAD.pack(store.MAGIC, store.INDEX_VERSION, len(head), zlib.crc32(head)) + head)
    open(path, "wb").write(bytes(data))
    _check_recovers(docs)


def test_store_of_another_format_version_is_rebuilt(cache, corpus_dir, monkeypatch):
    docs, _ = _built(cache, corpus_dir)
    monkeypatch.setattr(store, "INDEX_VERSION", store.INDEX_VERSION + 1)
    index = _check_recovers(docs)
    assert len(index.changes["rebuilt"]) == len(docs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_byte_flips_never_crash_and_never_mislead(cache, corpus_dir, data):
    docs = load(corpus_dir)
    SearchIndex.build(docs)
    path = store_file(cache)
    raw = bytearray(open(path, "rb").read())
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(1, 255)), min_size=1, max_size=4, unique_by=lambda t: t[0]))
    for pos, x in flips:
        raw[pos] ^= x
    open(path, "wb").write(bytes(raw))
    index = SearchIndex.build(docs)  # never raises
    assert index.notices
    assert signature(index, QUERIES[:4]) == signature(SearchIndex(docs), QUERIES[:4])


def test_symlink_in_place_of_the_store_is_not_followed(cache, corpus_dir, tmp_path):
    docs, path = _built(cache, corpus_dir)
    elsewhere = tmp_path / "elsewhere.yls"
    shutil.move(path, elsewhere)
    os.symlink(elsewhere, path)
    index = _check_recovers(docs)
    assert len(index.changes["rebuilt"]) == len(docs)
    assert not os.path.islink(path) and os.path.isfile(path)  # replaced, not written through
    assert elsewhere.read_bytes()[:8] == store.MAGIC


def test_fifo_in_place_of_the_store_does_not_block(cache, corpus_dir):
    docs, path = _built(cache, corpus_dir)
    os.unlink(path)
    os.mkfifo(path)
    t = time.monotonic()
    index = _check_recovers(docs)
    assert time.monotonic() - t < 30
    assert len(index.changes["rebuilt"]) == len(docs)
    assert os.path.isfile(path)


def test_directory_in_place_of_the_store(cache, corpus_dir):
    docs, path = _built(cache, corpus_dir)
    os.unlink(path)
    os.mkdir(path)
    index = _check_recovers(docs)
    assert any("could not write" in n for n in index.notices)


def test_unusable_cache_directory_gives_a_notice(cache, corpus_dir):
    (cache / "yuelan").mkdir(parents=True)
    (cache / "yuelan" / "search").write_text("not a directory")
    docs = load(corpus_dir)
    index = SearchIndex.build(docs)
    assert index.store_path is None
    assert any("cache directory" in n for n in index.notices)
    assert signature(index) == signature(SearchIndex(docs))


@pytest.mark.skipif(os.getuid() == 0, reason="root reads and writes a mode-000 directory anyway")
def test_unreadable_cache_directory_gives_a_notice(cache, corpus_dir):
    docs, path = _built(cache, corpus_dir)
    d = os.path.dirname(path)
    os.chmod(d, 0)
    try:
        index = SearchIndex.build(docs)
        assert index.notices
        assert signature(index) == signature(SearchIndex(docs))
    finally:
        os.chmod(d, 0o700)


def test_store_directory_is_made_private(cache, corpus_dir):
    docs, path = _built(cache, corpus_dir)
    d = os.path.dirname(path)
    os.chmod(d, 0o777)
    SearchIndex.build(docs)
    assert os.stat(d).st_mode & 0o777 == 0o700


# ------------------------------------------------------------ concurrency
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
            assert index.search("工会").total > 0, index.notices
            print(len(index.changes["reused"]), len(index.changes["rebuilt"]), index.notices, flush=True)
        """
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(ROOT), str(corpus_dir)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "unusable" not in out and "damaged" not in out, out
    docs = load(corpus_dir)
    index = SearchIndex.build(docs)
    assert index.notices == [] and index.changes["rebuilt"] == []
    assert signature(index) == signature(SearchIndex(docs))


# ------------------------------------------------------- progress, cancel
def test_progress_is_monotone_and_complete(cache, corpus_dir):
    docs = load(corpus_dir)
    calls = []
    t0 = time.monotonic()
    SearchIndex.build(docs, progress=lambda *a: calls.append(a))
    elapsed = time.monotonic() - t0
    total = sum(os.path.getsize(d.path) for d in docs)
    assert calls and calls[-1] == (len(docs), len(docs), total, total)
    for (d0, n0, b0, t0_), (d1, n1, b1, t1) in zip(calls, calls[1:]):
        assert d0 <= d1 and b0 <= b1 and n0 == n1 == len(docs) and t0_ == t1 == total
    assert len(calls) <= elapsed * 20 + 2  # throttled to about 20 a second
    # Reopening reports progress too.
    calls.clear()
    SearchIndex.build(load(corpus_dir), progress=lambda *a: calls.append(a))
    assert calls[-1] == (len(docs), len(docs), total, total)


def test_progress_is_throttled_on_many_documents(cache, tmp_path, corpus_dir):
    from tui.corpus import parse_document

    base = load(corpus_dir)
    docs = [parse_document(base[i % len(base)].text, id=f"d{i}", path=f"/nonexistent/d{i}.txt") for i in range(300)]
    calls = []
    t0 = time.monotonic()
    SearchIndex.build(docs, progress=lambda *a: calls.append(a))
    elapsed = time.monotonic() - t0
    assert calls[-1][:2] == (300, 300)
    assert len(calls) <= elapsed * 20 + 2


def test_cancel_stops_the_build_and_writes_nothing(cache, corpus_dir):
    docs = load(corpus_dir)
    with pytest.raises(BuildCancelled):
        SearchIndex.build(docs, cancelled=lambda: True)
    assert not (cache / "yuelan" / "search").exists() or not [f for f in os.listdir(cache / "yuelan" / "search") if f.endswith(".yls")]
    polls = []

    def after_two():
        polls.append(1)
        return len(polls) > 2

    with pytest.raises(BuildCancelled):
        SearchIndex.build(docs, cancelled=after_two)
    assert len(polls) == 3
    # A later build is not affected.
    index = SearchIndex.build(docs, cancelled=lambda: False)
    assert signature(index) == signature(SearchIndex(docs))


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
    # What `yuelan index` stored is what the next open reuses.
    index = SearchIndex.build(load(corpus_dir))
    assert index.changes["rebuilt"] == [] and index.search("星河观测站").total == 1


def test_temporary_files_of_killed_writers_are_swept(cache, corpus_dir):
    docs, path = _built(cache, corpus_dir)
    d = os.path.dirname(path)
    stale, fresh = os.path.join(d, ".tmp-dead.yls"), os.path.join(d, ".tmp-live.yls")
    for p in (stale, fresh):
        open(p, "wb").write(b"partial")
    from tui.corpus.cache import STALE_TMP_SECONDS

    old = time.time() - 2 * STALE_TMP_SECONDS
    os.utime(stale, (old, old))
    with open(docs[0].path, "a", encoding="utf-8") as f:
        f.write("\n\n补记一行。\n")
    SearchIndex.build(load(corpus_dir))  # a change: the store is written again
    assert not os.path.exists(stale) and os.path.exists(fresh)


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
    if not no_cache:  # and the store follows: the next open reuses everything
        again = SearchIndex.build(load(corpus_dir))
        assert again.changes["rebuilt"] == [] and again.notices == []
