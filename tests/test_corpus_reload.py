"""Live reload, corpus side: ``load_corpus(previous=...)`` and CorpusWatcher."""

import os
import threading
import time

import pytest

from tui.corpus import load_corpus
from tui.corpus.watch import CorpusWatcher

DOC_A = "第一份文件\n\n一、概况\n\n这里是第一份文件的正文,介绍总体情况。\n\n二、措施\n\n这里介绍具体措施,共有三条。\n"
DOC_B = "第二份文件\n\n正文第一段,内容比较简单。\n"


@pytest.fixture
def docs(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_text(DOC_A, encoding="utf-8")
    (d / "b.txt").write_text(DOC_B, encoding="utf-8")
    return d


def names(paths):
    return sorted(os.path.basename(p) for p in paths)


@pytest.mark.parametrize("cache", [False, True])
def test_reload_reuses_unchanged_documents_and_rereads_the_rest(docs, cache):
    first = load_corpus([str(docs)], cache=cache)
    a0 = next(d for d in first.documents if d.id == "a")
    b0 = next(d for d in first.documents if d.id == "b")
    (docs / "a.txt").write_text(DOC_A + "\n三、补充\n\n新增加的一段内容。\n", encoding="utf-8")
    os.utime(docs / "a.txt", ns=(1, 10**18))
    (docs / "c.txt").write_text("第三份文件\n\n新来的。\n", encoding="utf-8")
    second = load_corpus([str(docs)], cache=cache, previous=first)
    assert names(second.changes["changed"]) == ["a.txt"]
    assert names(second.changes["new"]) == ["c.txt"]
    assert names(second.changes["unchanged"]) == ["b.txt"]
    # the unchanged document is the very same object: nothing was re-read
    assert next(d for d in second.documents if d.id == "b") is b0
    a1 = next(d for d in second.documents if d.id == "a")
    assert a1 is not a0
    assert [s.title for s in a1.sections][-1] == "三、补充"
    (docs / "b.txt").unlink()
    third = load_corpus([str(docs)], cache=cache, previous=second)
    assert names(third.changes["removed"]) == ["b.txt"]
    assert sorted(d.id for d in third.documents) == ["a", "c"]
    # a reload ends where a fresh load ends
    fresh = load_corpus([str(docs)])
    assert [d.to_json() for d in third.documents] == [d.to_json() for d in fresh.documents]


def test_reload_does_not_read_the_cache_file(docs, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = load_corpus([str(docs)], cache=True)
    from tui.corpus import cache as cachemod

    def boom(path):
        raise AssertionError("the cache file was read on reload")

    monkeypatch.setattr(cachemod, "load", boom)
    second = load_corpus([str(docs)], cache=True, previous=first)
    assert names(second.changes["unchanged"]) == ["a.txt", "b.txt"]


def test_a_file_that_becomes_binary_is_skipped_on_reload(docs):
    first = load_corpus([str(docs)])
    (docs / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    os.utime(docs / "b.txt", ns=(1, 10**18))
    second = load_corpus([str(docs)], previous=first)
    assert [d.id for d in second.documents] == ["a"]
    assert names(s.path for s in second.skipped) == ["b.txt"]


class Collector:
    def __init__(self):
        self.batches = []
        self.errors = []
        self.event = threading.Event()

    def change(self, paths):
        self.batches.append(paths)
        self.event.set()

    def error(self, msg):
        self.errors.append(msg)
        self.event.set()

    def seen(self):
        return set().union(*self.batches) if self.batches else set()

    def covered(self, path):
        # A file created right after its directory can be reported only as
        # the directory (inotify has no watch on it yet): callers re-walk the
        # tree on any change, so a reported ancestor covers it.
        return any(path == p or path.startswith(p + os.sep) for p in self.seen())

    def wait_for(self, path, timeout=10.0):
        """True once ``path`` or a directory above it was reported."""
        deadline = time.monotonic() + timeout
        while not self.covered(path):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.event.wait(left)
            self.event.clear()
        return True

    def wait(self, timeout=10.0):
        ok = self.event.wait(timeout)
        self.event.clear()
        return ok


def _until_watching(w, timeout=10.0):
    """Wait until every watch of ``w`` is set up (a change made before
    that may go unseen)."""
    deadline = time.monotonic() + timeout
    while not w.watching:
        assert time.monotonic() < deadline, "the watch was not set up"
        time.sleep(0.01)


def _watch(roots, **kw):
    got = Collector()
    w = CorpusWatcher([str(r) for r in roots], got.change, got.error, debounce_ms=100, **kw).start()
    _until_watching(w)
    return w, got


@pytest.mark.parametrize("polling", [False, True], ids=["inotify", "polling"])
def test_watcher_reports_added_changed_and_removed_files(docs, polling):
    w, got = _watch([docs], force_polling=polling)
    try:
        (docs / "sub").mkdir()
        (docs / "sub" / "new.txt").write_text("新文件\n", encoding="utf-8")
        assert got.wait_for(str(docs / "sub" / "new.txt")), f"new file not reported: {got.batches}"
        got.batches.clear()
        # new.txt was reported from inside sub/: the watch follows sub/ now.
        (docs / "sub" / "second.txt").write_text("又一个\n", encoding="utf-8")
        assert got.wait_for(str(docs / "sub" / "second.txt")), f"file in new dir not reported: {got.batches}"
        assert str(docs / "sub" / "second.txt") in got.seen()
        got.batches.clear()
        (docs / "a.txt").unlink()
        assert got.wait_for(str(docs / "a.txt")), f"removed file not reported: {got.batches}"
        assert got.errors == []
    finally:
        w.stop()
        w.join(5)
    assert not w.running


def test_watcher_ignores_editor_temp_files_and_vcs(docs):
    w, got = _watch([docs])
    try:
        (docs / ".git").mkdir()
        (docs / ".git" / "index").write_bytes(b"x")
        (docs / "a.txt.swp").write_bytes(b"x")
        (docs / ".#a.txt").write_text("x")
        (docs / "a.txt~").write_text("x")
        assert not got.wait(1.0), f"temp files reported: {got.batches}"
        (docs / "b.txt").write_text(DOC_B + "追加。\n", encoding="utf-8")
        assert got.wait()
        assert set().union(*got.batches) == {str(docs / "b.txt")}
    finally:
        w.stop()
        w.join(5)


def test_a_named_file_is_watched_through_rename_saves(docs):
    target = docs / "a.txt"
    w, got = _watch([target])
    try:
        (docs / "b.txt").write_text("别的文件变了\n", encoding="utf-8")
        assert not got.wait(1.0), f"a sibling was reported: {got.batches}"
        tmp = docs / "a.txt.new"
        tmp.write_text(DOC_A + "追加。\n", encoding="utf-8")
        os.replace(tmp, target)  # how editors save
        assert got.wait()
        assert set().union(*got.batches) == {str(target)}
    finally:
        w.stop()
        w.join(5)


def test_a_vanished_root_is_an_error_message_not_a_crash(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    got = Collector()
    gone.rmdir()
    w = CorpusWatcher([str(gone)], got.change, got.error, debounce_ms=100)
    w.dirs = [str(gone)]  # it was a directory when the corpus was opened
    w.start()
    try:
        assert got.wait(), "no error reported"
        assert len(got.errors) == 1 and str(gone) in got.errors[0]
    finally:
        w.stop()
        w.join(5)


def test_an_exception_in_the_callback_is_reported(docs):
    errors = []
    done = threading.Event()

    def bad(paths):
        raise RuntimeError("boom")

    def err(msg):
        errors.append(msg)
        done.set()

    w = CorpusWatcher([str(docs)], bad, err, debounce_ms=100).start()
    _until_watching(w)
    try:
        (docs / "b.txt").write_text("变了\n", encoding="utf-8")
        assert done.wait(10)
        assert "boom" in errors[0]
    finally:
        w.stop()
        w.join(5)


from hypothesis import given, settings
from hypothesis import strategies as st

from tui.corpus.watch import follow_offset

PARA = ["一、总体情况\n", "今年以来,全区工会系统认真贯彻落实各项部署。\n", "二、主要做法\n", "建立心灵港湾工作室,为职工提供心理疏导。\n", "三、下一步打算\n", "继续深化工会改革,提升服务水平。\n"]


def test_follow_offset_through_edits_above_and_below():
    old = "".join(PARA)
    target = old.index("建立心灵港湾")
    # an edit below the position: nothing moves
    assert follow_offset(old, old + "四、补充\n", target) == target
    # a paragraph inserted above: the position moves with its text
    new = "前言:本报告共三部分。\n" + old
    assert new[follow_offset(old, new, target):].startswith("建立心灵港湾")
    # a paragraph deleted above
    new = old.replace(PARA[1], "")
    assert new[follow_offset(old, new, target):].startswith("建立心灵港湾")
    # the text at the position itself was rewritten: the text before it anchors
    new = old.replace("建立心灵港湾工作室", "设立职工服务站点")
    got = follow_offset(old, new, target)
    assert new[:got].endswith("二、主要做法\n")
    # everything gone: clamped, never out of range
    assert follow_offset(old, "短", target) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PARA), min_size=1, max_size=12), st.lists(st.sampled_from(PARA), max_size=12), st.data())
def test_follow_offset_stays_in_range_and_finds_kept_text(old_parts, extra, data):
    old = "".join(old_parts)
    offset = data.draw(st.integers(0, len(old)))
    new = "".join(extra) + old  # the old text survives whole, after an insertion
    got = follow_offset(old, new, offset)
    assert 0 <= got <= len(new)
    # the characters after the position are the same text, or (when the
    # insertion is indistinguishable from one below the position, as with a
    # repeated paragraph) the text above it is unchanged and it did not move
    kept = old[offset : offset + 8]
    assert new[got : got + len(kept)] == kept or (offset and new[:offset] == old[:offset] and got == offset)
