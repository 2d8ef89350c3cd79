"""The persistent document cache: reuse, incremental refresh, corruption, races."""

import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.corpus import cache as cachemod
from tui.corpus import load_corpus

DOC_A = "第一份文件\n\n一、概况\n\n这里是第一份文件的正文,介绍总体情况。\n\n二、措施\n\n这里介绍具体措施,共有三条。\n"
DOC_B = "第二份文件\n\n正文第一段,内容比较简单。\n\n正文第二段,也比较简单。\n"


@pytest.fixture
def corpus_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_text(DOC_A, encoding="utf-8")
    (d / "b.txt").write_text(DOC_B, encoding="utf-8")
    (d / "bin.txt").write_bytes(b"\x00\x01\x02")
    return d


def summary(corpus):
    return {k: sorted(os.path.basename(p) for p in v) for k, v in corpus.changes.items()}


def same_documents(c1, c2):
    assert [d.to_json() for d in c1.documents] == [d.to_json() for d in c2.documents]
    for a, b in zip(c1.documents, c2.documents):
        assert a.text == b.text
        assert list(a.paragraphs) == list(b.paragraphs)
    assert c1.skipped == c2.skipped


def test_second_open_parses_nothing_and_gives_the_same_documents(corpus_dir):
    first = load_corpus([str(corpus_dir)], cache=True)
    assert summary(first)["new"] == ["a.txt", "b.txt", "bin.txt"]
    second = load_corpus([str(corpus_dir)], cache=True)
    assert summary(second) == {"new": [], "changed": [], "removed": [], "unchanged": ["a.txt", "b.txt", "bin.txt"]}
    same_documents(first, second)
    assert second.notices == []


def test_reopen_decodes_no_text_until_it_is_used(corpus_dir):
    """Reopening maps the cache: titles, sections, lengths and fingerprints
    come without decoding any text; a text is decoded when first used."""
    from tui.search.engine import fingerprint

    first = load_corpus([str(corpus_dir)], cache=True)
    second = load_corpus([str(corpus_dir)], cache=True)
    prints = [fingerprint(d) for d in second.documents]
    assert [d.chars for d in second.documents] == [len(d.text) for d in first.documents]
    assert all(d.__dict__["_text"] is None for d in second.documents)
    assert prints == [fingerprint(d) for d in first.documents]
    same_documents(first, second)  # reads every text
    assert all(d.__dict__["_text"] is not None for d in second.documents)


def test_saving_again_copies_undecoded_texts_without_decoding_them(corpus_dir):
    load_corpus([str(corpus_dir)], cache=True)
    (corpus_dir / "c.txt").write_text(DOC_B + "\n第三段。\n", encoding="utf-8")
    second = load_corpus([str(corpus_dir)], cache=True)  # saves again: c.txt is new
    assert summary(second)["new"] == ["c.txt"]
    kept = [d for d in second.documents if d.id in ("a", "b")]
    assert all(d.__dict__["_text"] is None for d in kept)
    third = load_corpus([str(corpus_dir)], cache=True)
    assert summary(third)["unchanged"] == ["a.txt", "b.txt", "bin.txt", "c.txt"]
    same_documents(second, third)


def test_a_text_damaged_in_the_cache_is_read_again_from_its_file(corpus_dir):
    first = load_corpus([str(corpus_dir)], cache=True)
    path = cachemod.cache_path([str(corpus_dir)], None)
    data = open(path, "rb").read()
    needle = "第一份文件的正文".encode()
    assert data.count(needle) == 1
    damaged = data.replace(needle, "第二份文件的正文".encode())  # same length, other characters
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(damaged)
    os.replace(tmp, path)
    again = load_corpus([str(corpus_dir)], cache=True)
    assert summary(again)["unchanged"] == ["a.txt", "b.txt", "bin.txt"]  # the structure is intact
    same_documents(first, again)  # the damaged text came from a.txt itself
    assert not os.path.exists(path)  # and the cache goes, to be written anew
    third = load_corpus([str(corpus_dir)], cache=True)
    same_documents(first, third)
    assert os.path.exists(path)


def test_only_changed_new_and_removed_files_are_redone(corpus_dir):
    load_corpus([str(corpus_dir)], cache=True)
    (corpus_dir / "a.txt").write_text(DOC_A + "\n三、补充\n\n新增加的一段内容。\n", encoding="utf-8")
    os.utime(corpus_dir / "a.txt", ns=(1, 10**18))
    (corpus_dir / "b.txt").unlink()
    (corpus_dir / "c.txt").write_text(DOC_B, encoding="utf-8")
    c = load_corpus([str(corpus_dir)], cache=True)
    assert summary(c) == {"new": ["c.txt"], "changed": ["a.txt"], "removed": ["b.txt"], "unchanged": ["bin.txt"]}
    a = next(d for d in c.documents if d.id == "a")
    assert [s.title for s in a.sections] == ["一、概况", "二、措施", "三、补充"]
    fresh = load_corpus([str(corpus_dir)], cache=False)
    same_documents(c, fresh)


def _corrupt(path, how):
    data = open(path, "rb").read()
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "empty":
        data = b""
    elif how == "garbage":
        data = os.urandom(200)
    elif how == "version":
        data = data[:8] + (99).to_bytes(4, "little") + data[12:]
    elif how == "offsets":
        data = data.replace(b'"text": [0,', b'"text": [999999999,', 1)
    elif how == "pickle":
        data = b"\x80\x04\x95" + data
    open(path, "wb").write(data)


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage", "version", "offsets", "pickle"])
def test_a_bad_cache_is_rebuilt_with_a_notice(corpus_dir, how):
    first = load_corpus([str(corpus_dir)], cache=True)
    path = cachemod.cache_path([str(corpus_dir)], None)
    _corrupt(path, how)
    again = load_corpus([str(corpus_dir)], cache=True)
    assert again.notices and "rebuilding" in again.notices[0]
    same_documents(first, again)
    # and it is valid again afterwards
    third = load_corpus([str(corpus_dir)], cache=True)
    assert third.notices == [] and summary(third)["unchanged"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=8))
def test_no_byte_flip_makes_loading_raise(corpus_dir, flips):
    load_corpus([str(corpus_dir)], cache=True)
    path = cachemod.cache_path([str(corpus_dir)], None)
    data = bytearray(open(path, "rb").read())
    for pos, val in flips:
        data[pos % len(data)] = val
    open(path, "wb").write(bytes(data))
    c = load_corpus([str(corpus_dir)], cache=True)
    assert sorted(d.id for d in c.documents) == ["a", "b"]


def test_unwritable_cache_directory_is_a_notice_not_an_error(corpus_dir, tmp_path, monkeypatch):
    ro = tmp_path / "readonly-home"
    ro.mkdir()
    (ro / "file").write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(ro / "file"))  # a file where a directory must go
    c = load_corpus([str(corpus_dir)], cache=True)
    assert len(c.documents) == 2
    assert c.notices and "cache" in c.notices[0]


def test_encoding_override_has_its_own_cache(corpus_dir):
    (corpus_dir / "g.txt").write_bytes(DOC_B.encode("gbk"))
    auto = load_corpus([str(corpus_dir)], cache=True)
    forced = load_corpus([str(corpus_dir)], cache=True, encoding="latin-1")
    g_auto = next(d for d in auto.documents if d.id == "g")
    g_forced = next(d for d in forced.documents if d.id == "g")
    assert g_auto.text == DOC_B and g_forced.text != DOC_B


WRITER = """
import sys
from tui.corpus import load_corpus
for _ in range(15):
    c = load_corpus([sys.argv[1]], cache=True)
    assert sorted(d.id for d in c.documents) == ["a", "b"], c.documents
    assert not [n for n in c.notices if "rebuilding" in n], c.notices
print("ok")
"""


def test_two_instances_on_one_corpus(corpus_dir):
    from conftest import ROOT

    env = dict(os.environ)
    procs = []
    for _ in range(2):
        procs.append(
            subprocess.Popen([sys.executable, "-c", WRITER, str(corpus_dir)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    # keep touching a file so both keep rewriting the cache
    for k in range(15):
        (corpus_dir / "b.txt").write_text(DOC_B + "补充" * k, encoding="utf-8")
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert out.strip() == "ok"


def test_cache_directory_is_private(corpus_dir):
    load_corpus([str(corpus_dir)], cache=True)
    d = cachemod.cache_dir()
    assert os.stat(d).st_mode & 0o077 == 0


def test_a_fifo_or_device_planted_as_the_cache_is_never_opened(corpus_dir):
    load_corpus([str(corpus_dir)], cache=True)
    path = cachemod.cache_path([str(corpus_dir)], None)
    os.unlink(path)
    os.mkfifo(path)
    c = load_corpus([str(corpus_dir)], cache=True)  # must not hang
    assert c.notices and "rebuilding" in c.notices[0]
    os.unlink(path)
    os.symlink("/dev/zero", path)
    c = load_corpus([str(corpus_dir)], cache=True)
    assert c.notices and "rebuilding" in c.notices[0]


@pytest.mark.parametrize(
    "old, new",
    [
        (b'"metadata": {}', b'"metadata": []'),
        (b'"chars": ', b'"chars": 1'),
        (b'"secs": [', b'"secs": [-'),
        (b'"titles": [', b'"titles": [9'),
        (b'"paras": [', b'"paras": [null, '),
    ],
)
def test_wrong_types_and_absurd_values_in_the_header(corpus_dir, old, new):
    first = load_corpus([str(corpus_dir)], cache=True)
    path = cachemod.cache_path([str(corpus_dir)], None)
    data = open(path, "rb").read()
    assert old in data
    head = data.replace(old, new, 1)
    # keep the header length field consistent so only the content is wrong
    import struct

    magic, version, hlen = struct.unpack_from("<8sIQ", data)
    head = head[:8] + struct.pack("<IQ", version, hlen + len(new) - len(old)) + head[20:]
    open(path, "wb").write(head)
    again = load_corpus([str(corpus_dir)], cache=True)
    assert again.notices and "rebuilding" in again.notices[0]
    same_documents(first, again)


def test_a_permission_change_is_noticed(corpus_dir):
    load_corpus([str(corpus_dir)], cache=True)
    os.chmod(corpus_dir / "a.txt", 0o600)  # changes ctime only
    c = load_corpus([str(corpus_dir)], cache=True)
    assert summary(c)["changed"] == ["a.txt"]


@pytest.mark.parametrize("field, value", [(0, 100_000_000), (0, 0), (1, -5), (2, 10**9), (3, 10**9), (4, 10**6), (5, -1)])
def test_absurd_section_values_in_the_blob(corpus_dir, field, value):
    """Sections live in the blob as six integers each (level, start, end,
    heading end, title offset, title length): any absurd one means rebuild."""
    import json
    import struct

    first = load_corpus([str(corpus_dir)], cache=True)
    path = cachemod.cache_path([str(corpus_dir)], None)
    data = bytearray(open(path, "rb").read())
    head = cachemod._HEAD.size
    magic, version, hlen = struct.unpack_from("<8sIQ", data)
    header = json.loads(data[head : head + hlen])
    doc = next(d for d in header["docs"] if d["path"].endswith("a.txt"))
    s_off, count = doc["secs"]
    assert count == 2
    struct.pack_into("<q", data, head + hlen + s_off + 8 * field, value)
    open(path, "wb").write(bytes(data))
    again = load_corpus([str(corpus_dir)], cache=True)
    assert again.notices and "rebuilding" in again.notices[0]
    same_documents(first, again)


def test_old_and_excess_cache_files_are_pruned(corpus_dir, tmp_path, monkeypatch):
    """One cache file per corpus opened would pile up forever: files unused
    for MAX_AGE_DAYS go, then the least recently used beyond MAX_DIR_BYTES;
    the one in use, other users' files and non-cache files are kept."""
    import time

    first = load_corpus([str(corpus_dir)], cache=True)
    assert not first.notices
    path = cachemod.cache_path([str(corpus_dir)], None)
    d = os.path.dirname(path)
    now = time.time()
    old = os.path.join(d, "0" * 20 + ".ylc")
    recent = os.path.join(d, "1" * 20 + ".ylc")
    other = os.path.join(d, "notes.txt")
    for p, age_days in ((old, cachemod.MAX_AGE_DAYS + 1), (recent, 1), (other, 400)):
        with open(p, "wb") as f:
            f.write(b"x" * 1000)
        os.utime(p, (now - age_days * 86400, now - age_days * 86400))
    os.utime(path, (now - 400 * 86400, now - 400 * 86400))  # in use, though old
    # reopening touches the cache in use; a change makes save() prune
    load_corpus([str(corpus_dir)], cache=True)
    assert os.path.getmtime(path) > now - 60
    (corpus_dir / "c.txt").write_text(DOC_B, encoding="utf-8")
    load_corpus([str(corpus_dir)], cache=True)
    assert os.path.exists(path) and os.path.exists(recent) and os.path.exists(other)
    assert not os.path.exists(old)
    # over the size budget: the least recently used goes first
    monkeypatch.setattr(cachemod, "MAX_DIR_BYTES", os.path.getsize(path) + 500)
    assert cachemod.prune(d, ".ylc", keep=path) == [recent]
    assert os.path.exists(path)
