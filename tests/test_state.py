"""tui.state: atomic JSON files, corruption set aside, places inside the corpus only."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from tui import state as st
from tui.state import Bookmark, Place, Roots, StateStore


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("甲" * 50, encoding="utf-8")
    (root / "sub" / "b.txt").write_text("乙" * 50, encoding="utf-8")
    return root


@pytest.fixture
def store(tmp_path):
    return StateStore(str(tmp_path / "data"))


def test_roots_key_is_stable_and_order_free(corpus, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    a = Roots([str(corpus), str(other)])
    b = Roots([str(other), str(corpus) + "/"])
    assert a.key == b.key and len(a.key) == 32
    assert Roots([str(corpus)]).key != a.key


def test_roots_locate_and_resolve(corpus, tmp_path):
    roots = Roots([str(corpus)])
    assert roots.locate(str(corpus / "sub" / "b.txt")) == (0, os.path.join("sub", "b.txt"))
    assert roots.resolve(0, "sub/b.txt") == str(corpus / "sub" / "b.txt")
    assert roots.locate(str(tmp_path / "elsewhere.txt")) is None
    for bad in ("../x.txt", "/etc/passwd", "sub/../../x", "", "a\0b"):
        assert roots.resolve(0, bad) is None, bad
    assert roots.resolve(1, "a.txt") is None
    # A file given as a root.
    froot = Roots([str(corpus / "a.txt")])
    assert froot.locate(str(corpus / "a.txt")) == (0, "a.txt")
    assert froot.resolve(0, "a.txt") == str(corpus / "a.txt")


def test_round_trip_and_permissions(store, corpus):
    roots = Roots([str(corpus)])
    assert store.enabled
    assert store.save_place(roots, Place(0, "sub/b.txt", 12))
    assert store.load_place(roots) == Place(0, "sub/b.txt", 12)
    marks = [Bookmark(0, "a.txt", 3, "甲甲", "note \x1b[2J", 1.5)]
    assert store.save_bookmarks(roots, marks)
    assert store.load_bookmarks(roots) == marks
    assert store.save_settings({"theme": "textual-light"})
    assert store.load_settings() == {"theme": "textual-light"}
    assert stat.S_IMODE(os.stat(store.dir).st_mode) == 0o700
    for name in os.listdir(store.dir):
        assert stat.S_IMODE(os.stat(os.path.join(store.dir, name)).st_mode) == 0o600, name
    assert not [n for n in os.listdir(store.dir) if n.endswith(".tmp")]
    assert store.take_notices() == []


def test_write_is_atomic_a_failed_write_keeps_the_old_file(store, corpus, monkeypatch):
    roots = Roots([str(corpus)])
    store.save_place(roots, Place(0, "a.txt", 1))
    path = store.path(f"state-{roots.key}.json")
    before = open(path, "rb").read()

    def boom(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(st.os, "fsync", boom)
    assert not store.save_place(roots, Place(0, "a.txt", 2))
    monkeypatch.undo()
    assert open(path, "rb").read() == before
    assert not [n for n in os.listdir(store.dir) if n.endswith(".tmp")]
    assert any("No space left" in n for n in store.take_notices())
    assert store.load_place(roots) == Place(0, "a.txt", 1)


def test_write_uses_replace_from_a_temp_file_in_the_same_dir(store, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append((os.path.dirname(src), dst))
        assert os.path.exists(src) and src != dst
        return real(src, dst)

    monkeypatch.setattr(st.os, "replace", spy)
    store.save_settings({"theme": "x"})
    assert seen and seen[0][0] == store.dir and seen[0][1] == store.path("settings.json")


CORRUPT = {
    "truncated": b'{"version": 1, "last": {"root": 0, "pa',
    "not_json": b"hello",
    "not_utf8": b'{"theme": "\xff\xfe"}',
    "deep": b"[" * 100_000,
    "deep_objects": b'{"a":' * 50_000,
    "wrong_top": b"[1, 2, 3]",
    "wrong_field": b'{"version": 1, "last": {"root": "0", "path": "a.txt", "offset": 1}}',
    "negative": b'{"version": 1, "last": {"root": 0, "path": "a.txt", "offset": -5}}',
    "bool_offset": b'{"version": 1, "last": {"root": 0, "path": "a.txt", "offset": true}}',
    "empty": b"",
    "nul": b"\x00" * 100,
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_corrupt_state_is_set_aside_with_a_notice(store, corpus, case):
    roots = Roots([str(corpus)])
    name = f"state-{roots.key}.json"
    with open(store.path(name), "wb") as f:
        f.write(CORRUPT[case])
    assert store.load_place(roots) is None
    notices = store.take_notices()
    assert len(notices) == 1 and "moved aside" in notices[0], notices
    aside = [n for n in os.listdir(store.dir) if n.startswith(name + ".corrupt-")]
    assert len(aside) == 1
    assert open(store.path(aside[0]), "rb").read() == CORRUPT[case]  # kept as it was
    # The next save writes a fresh file; the set-aside copy stays.
    assert store.save_place(roots, Place(0, "a.txt", 4))
    assert store.load_place(roots) == Place(0, "a.txt", 4)
    assert os.path.exists(store.path(aside[0]))


def test_huge_file_is_set_aside_without_reading_it_all(store):
    with open(store.path("settings.json"), "wb") as f:
        f.write(b'{"theme": "' + b"x" * (st.MAX_SETTINGS_BYTES + 10) + b'"}')
    assert store.load_settings() == {}
    assert "too big" in store.take_notices()[0]


def test_wrong_typed_bookmarks_file_is_set_aside(store, corpus):
    roots = Roots([str(corpus)])
    name = f"bookmarks-{roots.key}.json"
    for content in (b'{"bookmarks": {"a": 1}}', b'{"bookmarks": [1]}',
                    b'{"bookmarks": [{"root": 0, "path": "a.txt", "offset": 1, "note": 5}]}'):
        with open(store.path(name), "wb") as f:
            f.write(content)
        assert store.load_bookmarks(roots) == []
        assert "moved aside" in store.take_notices()[0]


def test_symlinked_state_file_is_not_followed(store, tmp_path):
    target = tmp_path / "secret.json"
    target.write_text('{"theme": "textual-light"}')
    os.symlink(target, store.path("settings.json"))
    assert store.load_settings() == {}
    assert "not a regular file" in store.take_notices()[0]
    assert target.read_text() == '{"theme": "textual-light"}'


def test_places_outside_the_corpus_are_ignored(store, corpus):
    roots = Roots([str(corpus)])
    marks = {"version": 1, "bookmarks": [
        {"root": 0, "path": "a.txt", "offset": 1},
        {"root": 0, "path": "../../etc/passwd", "offset": 1},
        {"root": 0, "path": "/etc/passwd", "offset": 1},
        {"root": 7, "path": "a.txt", "offset": 1},
    ]}
    with open(store.path(f"bookmarks-{roots.key}.json"), "w") as f:
        json.dump(marks, f)
    assert [b.path for b in store.load_bookmarks(roots)] == ["a.txt"]
    with open(store.path(f"state-{roots.key}.json"), "w") as f:
        json.dump({"version": 1, "last": {"root": 0, "path": "../x", "offset": 0}}, f)
    assert store.load_place(roots) is None
    assert store.take_notices() == []  # well-formed: ignored, not set aside


def test_unremovable_corrupt_file_is_never_overwritten(store, monkeypatch):
    with open(store.path("settings.json"), "wb") as f:
        f.write(b"garbage")

    def no_rename(a, b):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(st.os, "rename", no_rename)
    assert store.load_settings() == {}
    assert "could not be moved aside" in store.take_notices()[0]
    assert not store.save_settings({"theme": "x"})
    assert open(store.path("settings.json"), "rb").read() == b"garbage"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_data_dir_turns_state_off(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        store = StateStore(str(ro / "yuelan"))
        assert not store.enabled
        assert "not kept" in store.take_notices()[0]
        store2 = StateStore(str(ro))
        assert not store2.enabled and store2.take_notices()
        assert not store2.save_settings({"theme": "x"})
        assert store2.load_settings() == {}
    finally:
        ro.chmod(0o700)


def test_data_dir_that_cannot_exist_turns_state_off(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for path in (blocker, blocker / "yuelan"):
        store = StateStore(str(path))
        assert not store.enabled
        assert "not kept" in store.take_notices()[0]
        assert not store.save_place(Roots([str(tmp_path)]), Place(0, "a", 0))
    assert blocker.read_text() == "x"


def test_unusable_home_turns_state_off(tmp_path):
    # HOME below a regular file: nothing can be created there, not even by root.
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = "import tui.state as s; st = s.StateStore(); print(st.enabled); print(st.take_notices())"
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_DATA_HOME")}
    env["HOME"] = str(blocker / "home")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "False"
    assert "not kept" in out.stdout
    assert blocker.read_text() == "x"


def test_disabled_store_reads_defaults_and_writes_nothing(tmp_path):
    store = StateStore(enabled=False)
    assert not store.enabled
    assert store.load_settings() == {} and not store.save_settings({"theme": "x"})


def test_state_does_not_import_textual():
    code = "import sys, tui.state, tui.export; print('textual' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False False", out.stderr


def test_excerpt_is_one_short_line():
    assert st.excerpt("第一段\n\n  第二段  很长" * 20, 0, 10) == "第一段 第二段 很长"


def test_unwritable_data_dir_turns_state_off_even_as_root(tmp_path, monkeypatch):
    # Root ignores mode bits, so simulate what os.access says for a read-only mount.
    monkeypatch.setattr(st.os, "access", lambda path, mode: False)
    store = StateStore(str(tmp_path / "data"))
    assert not store.enabled
    assert "not writable" in store.take_notices()[0]


def test_an_existing_open_data_dir_is_made_private(tmp_path):
    d = tmp_path / "data"
    d.mkdir(mode=0o755)
    d.chmod(0o755)
    StateStore(str(d))
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
