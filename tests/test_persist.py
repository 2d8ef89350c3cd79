"""tui.persist: the one place files are kept (cache, index, state, exports)."""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest

from tui import persist


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_private_dir_is_made_0700_and_lax_modes_are_tightened(tmp_path):
    d = persist.private_dir(str(tmp_path / "a" / "b"))
    assert mode(d) == 0o700
    lax = tmp_path / "lax"
    lax.mkdir(mode=0o777)
    os.chmod(lax, 0o777)
    persist.private_dir(str(lax))
    assert mode(lax) == 0o700


def test_private_dir_refuses_a_symlink_a_file_and_somebody_elses(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(persist.Unusable, match="symbolic link"):
        persist.private_dir(str(tmp_path / "link"))
    (tmp_path / "file").write_text("x")
    with pytest.raises((persist.Unusable, OSError)):
        persist.private_dir(str(tmp_path / "file"))
    if os.geteuid() == 0:
        theirs = tmp_path / "theirs"
        theirs.mkdir()
        os.chown(theirs, 65534, 65534)
        with pytest.raises(persist.Unusable, match="another user"):
            persist.private_dir(str(theirs))


def test_read_bytes_refuses_symlinks_fifos_big_and_foreign_files(tmp_path):
    good = tmp_path / "good"
    good.write_bytes(b"hello")
    assert persist.read_bytes(str(good)) == b"hello"
    with pytest.raises(persist.Unusable, match="too big"):
        persist.read_bytes(str(good), cap=4)
    (tmp_path / "link").symlink_to(good)
    with pytest.raises(persist.Unusable, match="symbolic link"):
        persist.read_bytes(str(tmp_path / "link"))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result: list = []

    def read_fifo():
        try:
            persist.read_bytes(str(fifo))
        except persist.Unusable as e:
            result.append(str(e))

    t = threading.Thread(target=read_fifo, daemon=True)
    t.start()
    t.join(10)
    assert result == ["not a regular file"]  # refused, not blocked on the FIFO
    with pytest.raises(FileNotFoundError):
        persist.read_bytes(str(tmp_path / "missing"))
    if os.geteuid() == 0:
        os.chown(good, 65534, 65534)
        with pytest.raises(persist.Unusable, match="another user"):
            persist.read_bytes(str(good))


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path):
    path = tmp_path / "f.json"
    persist.write_atomic(str(path), b"old")
    assert path.read_bytes() == b"old" and mode(path) == 0o600

    def chunks():
        yield b"new, half"
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        persist.write_atomic(str(path), chunks())
    assert path.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["f.json"]  # no temporary file left
    persist.write_atomic(str(path), [b"a", b"b"], durable=False)
    assert path.read_bytes() == b"ab"


def test_write_new_never_overwrites(tmp_path):
    (tmp_path / "x.md").write_text("theirs")
    p = persist.write_new(str(tmp_path), ["x.md", "x-2.md"], b"mine")
    assert os.path.basename(p) == "x-2.md" and (tmp_path / "x.md").read_text() == "theirs"
    assert mode(p) == 0o600
    with pytest.raises(FileExistsError):
        persist.write_new(str(tmp_path), ["x.md"], b"again")


def test_prune_by_age_then_size_and_stale_temporaries(tmp_path):
    now = time.time()

    def make(name, days, size=100):
        p = tmp_path / name
        p.write_bytes(b"x" * size)
        os.utime(p, (now - days * 86400, now - days * 86400))
        return str(p)

    old = make("old.c", 10)
    lru = make("lru.c", 3)
    fresh = make("fresh.c", 1)
    keep = make("keep.c", 30)
    other = make("notes.txt", 99)
    stale_tmp = make(".tmp-abc", 1)
    live_tmp = str(tmp_path / ".tmp-live")
    open(live_tmp, "wb").close()
    gone = persist.prune(str(tmp_path), ".c", max_age_days=5, max_bytes=250, keep=keep, now=now)
    assert sorted(gone) == sorted([old, lru, stale_tmp])
    assert all(os.path.exists(p) for p in (fresh, keep, other, live_tmp))


def test_the_export_directory_is_checked(tmp_path):
    from tui.export import write_export

    data = tmp_path / "data"
    data.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (data / "exports").symlink_to(elsewhere)
    with pytest.raises(persist.Unusable):
        write_export(str(data), "工会", "# report\n")
    assert os.listdir(elsewhere) == []
    (data / "exports").unlink()
    p = write_export(str(data), "工会 改革", "# report\n")
    assert os.path.dirname(p) == str(data / "exports") and mode(data / "exports") == 0o700
    assert open(p, encoding="utf-8").read() == "# report\n" and "工会-改革" in os.path.basename(p)
