"""Discovery and decoding on files made at test time: encodings, line endings,
and files that are not what they claim."""

import os
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.corpus import PathError, load_corpus
from tui.corpus.decode import NotText, decode_bytes

# Written for these tests; not seed text.
SIMPLIFIED = """关于加强社区养老服务的调研报告

一、基本情况

全区现有社区养老服务中心二十八家,日间照料机构四十六家,助餐点一百一十个,基本实现街道全覆盖。

二、主要问题

（一）服务供给不均衡

中心城区服务设施相对集中,远郊地区设施不足,老年人步行可达的服务点偏少。

（二）专业人才短缺

护理人员年龄偏大,持证上岗率不高,流动性较强。

三、对策建议

进一步完善养老服务网络,加大专业人才培养力度。
"""

TRADITIONAL = """關於加強社區養老服務的調研報告

一、基本情況

全區現有社區養老服務中心二十八家,日間照料機構四十六家,助餐點一百一十個,基本實現街道全覆蓋。

二、主要問題

（一）服務供給不均衡

中心城區服務設施相對集中,遠郊地區設施不足,老年人步行可達的服務點偏少。

三、對策建議

進一步完善養老服務網絡,加大專業人才培養力度。
"""


def _outline(doc):
    return [(s.title, s.level) for s in doc.sections]


def test_gbk_with_crlf(write):
    path = write("报告.txt", SIMPLIFIED.replace("\n", "\r\n").encode("gbk"))
    (doc,) = load_corpus([path]).documents
    assert doc.encoding == "gb18030"
    assert "\r" not in doc.text
    assert doc.text == SIMPLIFIED
    assert doc.title == "关于加强社区养老服务的调研报告"
    assert _outline(doc)[:3] == [("一、基本情况", 1), ("二、主要问题", 1), ("（一）服务供给不均衡", 2)]


def test_utf8_bom_traditional(write):
    path = write("報告.txt", "\ufeff" + TRADITIONAL, "utf-8")
    (doc,) = load_corpus([path]).documents
    assert doc.encoding == "utf-8-sig"
    assert not doc.text.startswith("\ufeff")
    assert doc.title == "關於加強社區養老服務的調研報告"
    assert [t for t, _ in _outline(doc)] == ["一、基本情況", "二、主要問題", "（一）服務供給不均衡", "三、對策建議"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32(write, encoding):
    path = write(f"doc-{encoding}.txt", SIMPLIFIED, encoding)
    (doc,) = load_corpus([path]).documents
    assert doc.text == SIMPLIFIED
    assert doc.title == "关于加强社区养老服务的调研报告"


def test_big5_is_not_mistaken_for_gb18030(write):
    path = write("big5.txt", TRADITIONAL.encode("big5"))
    (doc,) = load_corpus([path]).documents
    assert doc.encoding == "big5"
    assert doc.text == TRADITIONAL


def test_lone_cr_line_endings(write):
    path = write("mac.txt", SIMPLIFIED.replace("\n", "\r"))
    (doc,) = load_corpus([path]).documents
    assert doc.text == SIMPLIFIED


def test_utf8_cut_mid_character(write):
    data = SIMPLIFIED.rstrip("\n").encode("utf-8")
    cut = data[: len(data) - 1]  # the last character (。) loses a byte
    (doc,) = load_corpus([write("cut.txt", cut)]).documents
    assert doc.encoding == "utf-8"
    assert doc.text == SIMPLIFIED.rstrip("\n")[:-1]
    assert doc.warnings


def test_encoding_override(write):
    path = write("x.txt", SIMPLIFIED.encode("gbk"))
    (doc,) = load_corpus([path], encoding="gbk").documents
    assert doc.text == SIMPLIFIED


def test_japanese_and_korean_are_not_shown_as_chinese(write):
    ja = "日本語の文書です。これは試験のための文章であり、中国語ではありません。ひらがなとカタカナを含みます。" * 3
    ko = "한국어 문서입니다. 이것은 시험을 위한 문장이며 중국어가 아닙니다. 한글을 포함합니다." * 3
    c = load_corpus([write("ja.txt", ja.encode("shift_jis")), write("ko.txt", ko.encode("euc-kr"))])
    texts = {os.path.basename(d.path): d.text for d in c.documents}
    assert texts["ja.txt"] == ja
    assert texts["ko.txt"] == ko


def test_binary_empty_and_odd_files_are_skipped_with_reasons(tmp_path, write):
    write("good.txt", SIMPLIFIED)
    write("image.png", b"\x89PNG\r\n\x1a\n" + bytes(100))
    write("image-named.txt", b"\x89PNG\r\n\x1a\n" + bytes(100))
    write("blob", b"\x00\x01\x02binary\x00")
    write("pdf-named.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)))
    write("empty.txt", b"")
    write("blank.txt", "  \n\u3000\u3000\n\xa0\u200b\n")
    write("blank-gbk.txt", "\u3000 \u3000\r\n\r\n\u3000".encode("gbk"))
    write("blank-big5.txt", "\u3000\u3000\n\u3000\n".encode("big5"))
    write(".hidden/secret.txt", SIMPLIFIED)
    os.mkfifo(tmp_path / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.txt"))
    os.symlink(tmp_path / "loop_a", tmp_path / "loop_b")
    os.symlink(tmp_path / "loop_b", tmp_path / "loop_a")
    os.symlink("/", tmp_path / "root_link")
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    try:
        corpus = load_corpus([str(tmp_path)])  # must not hang on the FIFO or /dev/zero
    finally:
        sock.close()
    assert [os.path.basename(d.path) for d in corpus.documents] == ["good.txt"]
    reasons = {os.path.basename(s.path): s.reason for s in corpus.skipped}
    assert reasons["image.png"] == "not a text file type (.png)"
    assert "PNG" in reasons["image-named.txt"]
    assert "binary" in reasons["blob"]
    assert "PDF" in reasons["pdf-named.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "empty" in reasons["blank.txt"]
    assert "empty" in reasons["blank-gbk.txt"]  # ideographic spaces as A1 A1, not Johab
    assert "empty" in reasons["blank-big5.txt"]
    assert "FIFO" in reasons["pipe.txt"]
    assert "socket" in reasons["sock.txt"]
    assert "loop" in reasons["loop_a"] and "loop" in reasons["loop_b"]
    assert "outside" in reasons["root_link"]
    assert "outside" in reasons["zero.txt"]
    assert "secret.txt" not in str(corpus.to_json())


def test_named_fifo_and_device_are_never_opened(tmp_path):
    os.mkfifo(tmp_path / "p")
    corpus = load_corpus([str(tmp_path / "p"), "/dev/null"])
    assert corpus.documents == []
    assert {s.reason for s in corpus.skipped} == {"not a regular file (FIFO)", "not a regular file (character device)"}


def test_symlinked_directory_inside_the_root_is_walked_once(tmp_path, write):
    write("a/doc.txt", SIMPLIFIED)
    os.symlink(tmp_path / "a", tmp_path / "link_to_a")
    corpus = load_corpus([str(tmp_path)])
    assert len(corpus.documents) == 1


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(PathError):
        load_corpus([str(tmp_path / "nope")])


# The child drops to nobody, who may not read the checkout (a clone in a 0700
# directory) nor the virtualenv inside it: everything it will need is loaded
# before, by importing the corpus and text layers whole and reading a
# readable twin of the tree (the same kinds of files) first.  No list of
# modules to keep in step with the code's lazy imports.
AS_NOBODY = """
import json, os, pkgutil, importlib, sys
import encodings.gb18030, encodings.big5hkscs, encodings.gb2312, encodings.big5, encodings.utf_16, encodings.utf_32
import tui.corpus, tui.text
for pkg in (tui.text, tui.corpus):
    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        try:
            importlib.import_module(m.name)
        except ImportError:  # an optional dependency missing: nobody lacks it too
            pass
tui.corpus.load_corpus([sys.argv[2]])
if os.geteuid() == 0:  # root ignores permission bits: drop to nobody first
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
c = tui.corpus.load_corpus([sys.argv[1]])
print(json.dumps({"docs": [os.path.basename(d.path) for d in c.documents],
                  "skipped": {os.path.basename(s.path): s.reason for s in c.skipped}}))
"""


def test_unreadable_file_and_directory_as_an_ordinary_user():
    import json
    import subprocess
    import sys
    import tempfile

    from conftest import ROOT

    top = tempfile.mkdtemp(prefix="yuelan-perm-")
    twin = tempfile.mkdtemp(prefix="yuelan-perm-twin-")  # the same files, readable
    for name in ("ok.txt", "locked.txt", "locked_dir/inner.txt"):
        os.makedirs(os.path.dirname(os.path.join(twin, name)), exist_ok=True)
        with open(os.path.join(twin, name), "w", encoding="utf-8") as f:
            f.write(SIMPLIFIED)
    try:
        os.chmod(top, 0o755)
        for name in ("ok.txt", "locked.txt"):
            with open(os.path.join(top, name), "w", encoding="utf-8") as f:
                f.write(SIMPLIFIED)
            os.chmod(os.path.join(top, name), 0o644)
        os.chmod(os.path.join(top, "locked.txt"), 0)
        locked_dir = os.path.join(top, "locked_dir")
        os.mkdir(locked_dir)
        with open(os.path.join(locked_dir, "inner.txt"), "w", encoding="utf-8") as f:
            f.write(SIMPLIFIED)
        os.chmod(locked_dir, 0)
        r = subprocess.run([sys.executable, "-c", AS_NOBODY, top, twin], capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
    finally:
        for dirpath, dirnames, filenames in os.walk(top):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
        import shutil

        os.chmod(locked_dir, 0o755)
        shutil.rmtree(top)
        shutil.rmtree(twin)
    assert out["docs"] == ["ok.txt"]
    assert out["skipped"] == {"locked.txt": "permission denied", "locked_dir": "permission denied"}


def test_ids_are_file_names_made_unique(write):
    write("a/report.txt", SIMPLIFIED)
    write("b/report.txt", TRADITIONAL)
    p = write("b/other.md", SIMPLIFIED)
    corpus = load_corpus([os.path.dirname(os.path.dirname(p))])
    ids = sorted(d.id for d in corpus.documents)
    assert ids == ["a/report", "b/report", "other"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", ".", "..", "b.c", "工会", " ", "~", "x."]), min_size=1, max_size=6).map("".join),
       st.sampled_from(["/d/", "/d.e/", "", "/"]))
def test_a_document_id_is_the_file_name_without_its_extension(name, folder):
    from tui.corpus import _stem

    path = folder + name
    assert _stem(path) == (os.path.splitext(os.path.basename(path))[0] or os.path.basename(path))


def test_extensionless_text_is_read_and_other_extensions_skipped(write):
    p = write("notes", SIMPLIFIED)
    write("data.csv", "a,b\n1,2\n")
    corpus = load_corpus([os.path.dirname(p)])
    assert [d.id for d in corpus.documents] == ["notes"]
    assert any(s.reason.startswith("not a text file type") for s in corpus.skipped)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decoding_never_raises_anything_but_not_text(data):
    try:
        decoded = decode_bytes(data)
    except NotText:
        return
    assert isinstance(decoded.text, str)
    assert "\r" not in decoded.text


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=200), st.sampled_from(["utf-8", "utf-16", "gb18030", "utf-8-sig", "utf-32"]))
def test_round_trip_of_encodable_text(text, encoding):
    data = text.encode(encoding, errors="replace")
    try:
        decoded = decode_bytes(data)
    except NotText:
        return
    assert isinstance(decoded.text, str)


def test_mojibake_is_repaired_only_when_lossless(write):
    gbk_as_latin1 = SIMPLIFIED.encode("gbk").decode("latin-1")
    utf8_as_latin1 = SIMPLIFIED.encode("utf-8").decode("latin-1")
    lossy = SIMPLIFIED.encode("utf-8").decode("cp1252", errors="replace")
    utf8_as_gbk = SIMPLIFIED.encode("utf-8").decode("gbk", errors="replace")
    c = load_corpus(
        [
            write("a.txt", gbk_as_latin1),
            write("b.txt", utf8_as_latin1),
            write("c.txt", lossy),
            write("d.txt", utf8_as_gbk),
            write("e.txt", "标题\n\n正文锟斤拷锟斤拷内容,烫烫烫烫。\n"),
            write("f.txt", SIMPLIFIED),
        ]
    )
    docs = {os.path.basename(d.path): d for d in c.documents}
    assert docs["a.txt"].text == SIMPLIFIED and "repaired" in docs["a.txt"].warnings[0]
    assert docs["b.txt"].text == SIMPLIFIED and "repaired" in docs["b.txt"].warnings[0]
    for name in ("c.txt", "d.txt", "e.txt"):
        assert docs[name].warnings and "suspect" in docs[name].warnings[0], name
    assert docs["c.txt"].text == lossy  # nothing rewritten when it cannot be exact
    assert docs["f.txt"].warnings == []


def test_sparse_file_is_not_read_to_its_end(tmp_path):
    path = tmp_path / "sparse.txt"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # 200 MB of holes
    corpus = load_corpus([str(path)])
    assert corpus.documents == []
    assert "NUL" in corpus.skipped[0].reason


def test_hostile_file_names_are_opened_by_their_bytes(tmp_path):
    names = [b"bad-\xff\xfe.txt", "esc-\x1b]0;x\x07.txt".encode(), "new\nline.txt".encode(), "rtl-\u202egnp.txt".encode(), b"[bold]x[i][@click=app.quit].txt"]
    for raw in names:
        with open(os.path.join(os.fsencode(str(tmp_path)), raw), "wb") as f:
            f.write(SIMPLIFIED.encode("utf-8"))
    corpus = load_corpus([str(tmp_path)])
    assert len(corpus.documents) == len(names)
    assert all(d.title == "关于加强社区养老服务的调研报告" for d in corpus.documents)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16", "utf-32", "big5"])
def test_file_cut_mid_character_in_any_encoding(write, encoding):
    source = TRADITIONAL if encoding == "big5" else SIMPLIFIED
    data = source.rstrip("\n").encode(encoding)
    cut = data[: len(data) - 1]
    (doc,) = load_corpus([write("cut.txt", cut)]).documents
    assert doc.text == source.rstrip("\n")[:-1]
    assert "\ufffd" not in doc.text


def test_files_that_vanish_or_change_while_loading(tmp_path):
    paths = []
    for n in range(6):
        p = tmp_path / f"{n}.txt"
        p.write_text(SIMPLIFIED, encoding="utf-8")
        paths.append(p)

    def meddle(done, total, done_bytes, total_bytes):
        # after the first file: remove one, truncate one, replace one with a FIFO
        if done == 1:
            paths[1].unlink()
            paths[2].write_bytes(b"")
            paths[3].unlink()
            os.mkfifo(paths[3])
            with open(paths[4], "ab") as f:
                f.write("追加的内容。".encode())

    corpus = load_corpus([str(tmp_path)], progress=meddle)
    names = sorted(os.path.basename(d.path) for d in corpus.documents)
    assert names == ["0.txt", "4.txt", "5.txt"]
    reasons = {os.path.basename(s.path): s.reason for s in corpus.skipped}
    assert "vanished" in reasons["1.txt"]
    assert "empty" in reasons["2.txt"]
    assert "FIFO" in reasons["3.txt"]


def test_two_thousand_files_in_one_directory(tmp_path):
    for n in range(2000):
        (tmp_path / f"{n:04d}.txt").write_text(f"第{n}号文件\n\n正文内容,编号{n}。\n", encoding="utf-8")
    corpus = load_corpus([str(tmp_path)])
    assert len(corpus.documents) == 2000
    assert corpus.documents[0].id == "0000" and corpus.documents[-1].id == "1999"


def test_one_bad_byte_does_not_make_a_legacy_file_unreadable(write):
    data = SIMPLIFIED.encode("gbk")
    cut = data.index(b",") + 1  # a stray byte between two characters
    data = data[:cut] + b"\xff" + data[cut:]
    (doc,) = load_corpus([write("gbk-bad.txt", data)]).documents
    assert doc.encoding == "gb18030"
    assert doc.title == "关于加强社区养老服务的调研报告"
    assert doc.text.count("\ufffd") == 1 and doc.warnings
    big5 = TRADITIONAL.encode("big5")
    cut = big5.index(b",") + 1
    big5 = big5[:cut] + b"\xff" + big5[cut:]
    (doc,) = load_corpus([write("big5-bad.txt", big5)]).documents
    assert doc.encoding == "big5" and doc.title == "關於加強社區養老服務的調研報告"


def test_very_deep_directories(tmp_path):
    d = str(tmp_path)
    for n in range(1100):  # deeper than Python's recursion limit
        d = os.path.join(d, "d")
        os.mkdir(d)
    with open(os.path.join(d, "deep.txt"), "w", encoding="utf-8") as f:
        f.write(SIMPLIFIED)
    try:
        corpus = load_corpus([str(tmp_path)])
    finally:
        # Python 3.11's rmtree recurses: remove the tower bottom-up here.
        os.unlink(os.path.join(d, "deep.txt"))
        while d != str(tmp_path):
            os.rmdir(d)
            d = os.path.dirname(d)
    assert [doc.title for doc in corpus.documents] == ["关于加强社区养老服务的调研报告"]


@pytest.mark.parametrize("name", ["rot13", "base64", "idna", "punycode", "no-such-codec"])
def test_non_text_encodings_are_refused(name):
    from tui.corpus.decode import text_encoding

    with pytest.raises(NotText):
        text_encoding(name)


def test_a_file_swapped_for_a_symlink_after_listing_is_not_followed(tmp_path, write):
    import importlib

    disc = importlib.import_module("tui.corpus.discover")

    p = write("doc.txt", SIMPLIFIED)
    outside = tmp_path.parent / (tmp_path.name + "-outside.txt")
    outside.write_text("外面的秘密文件内容,不应被读取。\n", encoding="utf-8")
    (cand,), _ = disc.discover([str(tmp_path)])
    os.unlink(p)
    os.symlink(outside, p)
    with pytest.raises(ValueError, match="symlink"):
        disc.read_bounded(cand.path, nofollow=cand.nofollow)
