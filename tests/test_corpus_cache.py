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


def test_a_parsed_text_is_written_out_at_once_and_can_leave_memory(corpus_dir):
    """A first open does not hold the corpus twice over: each text parsed
    is written out as its document arrives, so that the document can drop
    it (``release_text``, once it is indexed) and read the same text back
    when next used: from the cache file once the load has written it."""
    first = load_corpus([str(corpus_dir)], cache=True)
    texts = {d.path: d.text for d in first.documents}
    assert texts == {str(corpus_dir / "a.txt"): DOC_A, str(corpus_dir / "b.txt"): DOC_B}
    assert all(d.release_text() for d in first.documents)
    # Its size is known without decoding it again.
    assert [d.utf8_size for d in first.documents] == [len(DOC_A.encode()), len(DOC_B.encode())]
    assert all(d.__dict__["_text"] is None for d in first.documents)
    assert all(d.__dict__["_text"] is None for d in first.documents)
    assert {d.path: d.text for d in first.documents} == texts
    assert all(d.release_text() for d in first.documents)
    # Damaged in the cache file itself (in place: the mapping sees it): the
    # document reads its text from there, finds it damaged, reads its file
    # again and drops the cache, to be written anew.
    path = cachemod.cache_path([str(corpus_dir)], None)
    needle = "第一份文件的正文".encode()
    data = open(path, "rb").read()
    assert data.count(needle) == 1
    with open(path, "r+b") as f:
        f.seek(data.index(needle))
        f.write("第二份文件的正文".encode())
    assert {d.path: d.text for d in first.documents} == texts
    assert not os.path.exists(path)


def test_a_text_damaged_where_it_was_written_out_is_read_again_from_its_file(corpus_dir):
    """Before the cache is written, a dropped text is read back from where
    the load wrote it out; damaged there, it comes from its file again."""
    seen = {}

    def arrived(doc):
        seen[doc.path] = doc.text
        spill, off, length = doc._source[:3]
        os.pwrite(spill._fd, b"\xff" * 3, off)  # no longer that text (nor UTF-8)
        assert doc.release_text()
        assert doc.text == seen[doc.path]

    corpus = load_corpus([str(corpus_dir)], cache=True, on_document=arrived)
    assert sorted(seen) == sorted(d.path for d in corpus.documents) and len(seen) == 2


def test_without_a_cache_parsed_documents_keep_their_texts(corpus_dir, monkeypatch):
    monkeypatch.setenv("YUELAN_NO_CACHE", "1")
    corpus = load_corpus([str(corpus_dir)], cache=True)
    assert len(corpus.documents) == 2
    assert not any(d.release_text() for d in corpus.documents)
    assert all(d.text for d in corpus.documents)


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


class Parsed:
    """A cache file taken apart (magic, version, JSON header, blob), to be
    changed and written back with a valid header length and CRC: what a
    change then trips is the check that it targets, not the checksum."""

    def __init__(self, path):
        import json
        import struct

        self.path = path
        data = open(path, "rb").read()
        self.magic, self.version, hlen, _ = cachemod._HEAD.unpack_from(data)
        start = cachemod._HEAD.size
        self.header = json.loads(data[start : start + hlen])
        self.blob = bytearray(data[start + hlen :])
        self.struct = struct

    def row(self, name):
        return self.header["paths"].index(next(p for p in self.header["paths"] if p.endswith(name)))

    def set_number(self, name, field, value):
        """One of the entry's numbers (see cachemod._NUMS): field 6 is its
        text's offset, 8-13 its paragraphs', sections' and titles' offsets
        and counts."""
        self.struct.pack_into("<q", self.blob, 8 * (cachemod._NUMS * self.row(name) + field), value)

    def write(self, header_bytes=None):
        import json
        import zlib

        head = header_bytes if header_bytes is not None else json.dumps(self.header, ensure_ascii=False).encode()
        region = self.header.get("region", 0) if isinstance(self.header.get("region"), int) else 0
        crc = zlib.crc32(bytes(self.blob[:region]), zlib.crc32(head))
        with open(self.path, "wb") as f:
            f.write(cachemod._HEAD.pack(self.magic, self.version, len(head), crc) + head + bytes(self.blob))


def _corrupt(path, how):
    if how == "offsets":  # a text beyond the end of the file, with a valid checksum
        c = Parsed(path)
        c.set_number("a.txt", 6, 999999999)
        c.write()
        return
    data = open(path, "rb").read()
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "empty":
        data = b""
    elif how == "garbage":
        data = os.urandom(200)
    elif how == "version":
        data = data[:8] + (99).to_bytes(4, "little") + data[12:]
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
    "column, change",
    [
        ("metadata", lambda col: [[] if m is not None else m for m in col]),  # a list for a dict
        ("ids", lambda col: col[:-1]),  # a column shorter than the entries
        ("paths", lambda col: [7 if p is not None else p for p in col]),  # a number for a path
        ("count", lambda n: -1),
        ("count", lambda n: n + 1),
        ("region", lambda r: "x"),
        ("warnings", lambda col: [None] * len(col)),
    ],
)
def test_wrong_types_and_absurd_values_in_the_header(corpus_dir, column, change):
    first = load_corpus([str(corpus_dir)], cache=True)
    path = cachemod.cache_path([str(corpus_dir)], None)
    c = Parsed(path)
    assert column in c.header
    c.header[column] = change(c.header[column])
    c.write()
    again = load_corpus([str(corpus_dir)], cache=True)
    assert again.notices and "rebuilding" in again.notices[0]
    same_documents(first, again)


@pytest.mark.parametrize(
    "field, value",
    [
        (4, 10**6),  # more characters than the text has bytes
        (7, 10**9),  # a text running past the end of the file
        (8, -8),  # paragraphs before the structure region
        (9, 10**9),  # more paragraphs than the region holds
        (10, 10**12),  # sections far beyond the region
        (12, 0),  # titles over the entries' numbers
        (13, 10**9),  # titles running past the region
    ],
)
def test_absurd_numbers_in_the_blob(corpus_dir, field, value):
    """Each entry's offsets and lengths are range-checked when read, even
    where the checksum is right (a file written by something else)."""
    first = load_corpus([str(corpus_dir)], cache=True)
    path = cachemod.cache_path([str(corpus_dir)], None)
    c = Parsed(path)
    c.set_number("a.txt", field, value)
    c.write()
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
    first = load_corpus([str(corpus_dir)], cache=True)
    path = cachemod.cache_path([str(corpus_dir)], None)
    c = Parsed(path)
    row = cachemod._NUMS * c.row("a.txt")
    s_off, count = c.struct.unpack_from("<2q", c.blob, 8 * (row + 10))
    assert count == 2
    c.struct.pack_into("<q", c.blob, s_off + 8 * field, value)
    # Not rewritten: the checksum says the structure was changed.
    data = open(path, "rb").read()
    open(path, "wb").write(data[: len(data) - len(c.blob)] + bytes(c.blob))
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
