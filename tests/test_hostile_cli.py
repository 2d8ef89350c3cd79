"""`yuelan list`, `search` and `show` over the hostile corpus (tests/hostile.py):
they finish, exit 0, name every bad file, decode what is text, and never
print a byte a terminal could act on."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

import hostile
from conftest import ROOT
from tui.text import escape_name

# What may never reach stdout/stderr: C0 except tab/newline, DEL, C1 (as
# characters of the decoded UTF-8 stream: the bytes 0x80-0x9f are legal
# continuation bytes of Chinese), bidi overrides/isolates/marks, and line or
# paragraph separators.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]")


def assert_clean(data: bytes, what: str) -> str:
    text = data.decode("utf-8")  # strict: no stray bytes either
    bad = sorted({hex(ord(c)) for c in CONTROL.findall(text)})
    assert not bad, f"{what}: terminal-active characters {bad} in:\n{text[:3000]!r}"
    return text


# As an ordinary user: the interpreter lives under /root (pyenv), which nobody
# cannot read, so start as root, run the same command once with output thrown
# away (every lazily imported module is then loaded), drop to nobody and run it
# for real.
AS_NOBODY = """
import contextlib, io, os, sys
from tui import cli
argv = sys.argv[1:]
saved = os.environ.pop("XDG_CACHE_HOME", None)
os.environ["YUELAN_NO_CACHE"] = "1"
os.environ["YUELAN_NO_WORKERS"] = "1"  # the warm-up starts no worker processes as root
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    cli.main(list(argv))
del os.environ["YUELAN_NO_CACHE"]
del os.environ["YUELAN_NO_WORKERS"]
if saved is not None:
    os.environ["XDG_CACHE_HOME"] = saved
os.setgroups([]); os.setgid(65534); os.setuid(65534)
sys.exit(cli.main(argv))
"""


def yuelan(*args: str, user: str | None = None, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.update(env or {})
    if user == "nobody" and os.geteuid() == 0:
        argv = [sys.executable, "-c", AS_NOBODY, *args]
    else:
        argv = [sys.executable, "-m", "tui", *args]
    return subprocess.run(argv, capture_output=True, env=e, cwd=ROOT, timeout=timeout)


@pytest.fixture(scope="module")
def corpus():
    top = tempfile.mkdtemp(prefix="yuelan-hostile-cli-")
    m = hostile.build(os.path.join(top, "corpus"))
    hostile.make_world_readable(top)
    yield m
    hostile.unlock(top)
    shutil.rmtree(top)


AS_ROOT = os.geteuid() == 0


def _skipped_by_path(data: dict) -> dict[bytes, str]:
    return {os.fsencode(s["path"]): s["reason"] for s in data["skipped"]}


# --------------------------------------------------------------------- list


def test_list_json_names_every_bad_file_and_reads_every_good_one(corpus):
    r = yuelan("list", corpus.root, "--json")
    assert r.returncode == 0, r.stderr
    out = assert_clean(r.stdout, "stdout")
    assert_clean(r.stderr, "stderr")
    data = json.loads(out)
    skipped = _skipped_by_path(data)
    for e in corpus.skips(as_root=AS_ROOT):
        assert e.path in skipped, f"{e.path!r} is not in skipped: {sorted(skipped)}"
        assert e.reason.lower() in skipped[e.path].lower(), (e.path, skipped[e.path])
    docs = {os.fsencode(d["path"]): d for d in data["documents"]}
    for e in corpus.docs(as_root=AS_ROOT):
        assert e.path in docs, f"{e.path!r} was not read: {skipped.get(e.path)}"
        if e.warning:
            assert any(e.warning in w for w in docs[e.path]["warnings"]), (e.path, docs[e.path]["warnings"])
    # Nothing that is not text became a document, and every path round-trips.
    assert not set(docs) & {e.path for e in corpus.skips(as_root=AS_ROOT)}
    for p in docs:
        assert os.path.lexists(p)


def test_list_human_names_every_bad_file_escaped(corpus):
    r = yuelan("list", corpus.root)
    assert r.returncode == 0, r.stderr
    out = assert_clean(r.stdout, "stdout")
    err = assert_clean(r.stderr, "stderr")
    skipped_lines = [line for line in err.splitlines() if line.startswith("skipped: ")]
    for e in corpus.skips(as_root=AS_ROOT):
        shown = escape_name(e.str_path)
        assert any(line.startswith(f"skipped: {shown}: ") and e.reason.lower() in line.lower() for line in skipped_lines), (
            shown, skipped_lines)
    # One row per document: a name with a newline cannot fake a row.
    doc_rows = [line for line in out.splitlines() if line and not line.startswith(" ")]
    listed = json.loads(yuelan("list", corpus.root, "--json").stdout.decode("utf-8"))["documents"]
    assert len(doc_rows) == len(listed) >= len(corpus.docs(as_root=AS_ROOT))
    # The escapes document's title and the markup are printed literally.
    assert "控制序列测试文档" in out and "标记语言测试文档" in out


def test_json_paths_of_hostile_names_open_the_real_file(corpus):
    r = yuelan("list", corpus.root, "--json")
    data = json.loads(r.stdout.decode("utf-8"))
    by_path = {os.fsencode(d["path"]): d for d in data["documents"]}
    for raw in hostile.HOSTILE_NAMES:
        path = os.path.join(os.fsencode(corpus.root), b"names", raw)
        assert path in by_path, raw
        doc = by_path[path]
        n = hostile.HOSTILE_NAMES.index(raw)
        assert doc["title"] == f"第{n}号怪名文件"
        shown = yuelan("show", doc["path"])
        assert shown.returncode == 0, shown.stderr
        text = assert_clean(shown.stdout, f"show {raw!r}")
        assert f"第{n}号怪名文件" in text and "社区图书室" in text
        assert_clean(shown.stderr, "stderr")


def test_unreadable_file_and_directory_as_an_ordinary_user(corpus):
    if not AS_ROOT and os.access(corpus.locked[0], os.R_OK):
        pytest.skip("cannot make a file unreadable for this user")
    cache = tempfile.mkdtemp(prefix="yuelan-nobody-cache-")
    os.chmod(cache, 0o777)
    try:
        r = yuelan("list", corpus.root, "--json", user="nobody", env={"XDG_CACHE_HOME": cache, "HOME": cache})
    finally:
        shutil.rmtree(cache)
    assert r.returncode == 0, r.stderr
    assert_clean(r.stderr, "stderr")
    data = json.loads(assert_clean(r.stdout, "stdout"))
    skipped = _skipped_by_path(data)
    for e in corpus.skips(as_root=False):
        assert e.path in skipped, e.path
        assert e.reason.lower() in skipped[e.path].lower(), (e.path, skipped[e.path])
    assert corpus.inner not in {os.fsencode(d["path"]) for d in data["documents"]}
    read = {os.fsencode(d["path"]) for d in data["documents"]} - {e.path for e in corpus.known_bugs()}
    assert read == {e.path for e in corpus.docs(as_root=False)}


# ------------------------------------------------------------------ decoding


def test_every_encoding_decodes_exactly(corpus):
    r = yuelan("list", corpus.root, "--json")
    data = json.loads(r.stdout.decode("utf-8"))
    by_path = {os.fsencode(d["path"]): d for d in data["documents"]}
    for e in corpus.docs(as_root=AS_ROOT):
        if e.text is None:
            continue
        doc = by_path[e.path]
        shown = yuelan("show", doc["path"])
        assert shown.returncode == 0, shown.stderr
        text = assert_clean(shown.stdout, e.name)
        from tui.text import escape_controls

        expected = escape_controls(e.text)
        assert text.rstrip("\n") == expected.rstrip("\n"), (e.name, doc["encoding"], text[:80])


# --------------------------------------------------------------------- show


def test_show_the_escapes_document_prints_them_visibly(corpus):
    r = yuelan("show", "escapes", corpus.root)
    assert r.returncode == 0, r.stderr
    out = assert_clean(r.stdout, "stdout")
    assert_clean(r.stderr, "stderr")
    for label, seq in hostile.ESCAPE_LINES:
        line = next(line for line in out.splitlines() if line.startswith(label))
        # The payload of each sequence is still there, as visible text.
        visible = re.sub("[^0-9A-Za-z;=\\[\\]]", "", seq)
        assert visible in re.sub("[^0-9A-Za-z;=\\[\\]]", "", line), (label, line)
        # Each terminal-active character is replaced by something visible:
        # the line keeps its length in characters.
        assert len(line) == len(f"{label}:前文{seq}后文。这一段用于检验终端安全。".replace("\r", "\n").split("\n")[0])
    r = yuelan("show", "markup", corpus.root)
    out = assert_clean(r.stdout, "stdout")
    for snippet in hostile.MARKUP_SNIPPETS:
        assert snippet in out


def _names_every_bad_file(corpus, r) -> list[bytes]:
    """The bad files not named in stderr (escaped) or in a JSON 'skipped'."""
    err = r.stderr.decode("utf-8")
    named = set()
    for line in r.stdout.decode("utf-8").splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            named |= {os.fsencode(s["path"]) for s in obj.get("skipped", [])}
    return [e.path for e in corpus.skips(as_root=AS_ROOT) if e.path not in named and escape_name(e.str_path) not in err]


def test_show_names_every_bad_file(corpus):
    r = yuelan("show", "markup", corpus.root)
    assert r.returncode == 0
    assert _names_every_bad_file(corpus, r) == []


# ------------------------------------------------------------------- search


SEARCHES = ["图书室", "前文", "点我", "PWNED", "怪名文件", "[bold]"]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_search_finishes_and_exits_0(corpus, as_json):
    for q in SEARCHES:
        r = yuelan("search", q, corpus.root, *(["--json"] if as_json else []))
        assert r.returncode == 0, (q, r.stderr)
        out = r.stdout.decode("utf-8", "replace")
        if as_json:
            assert json.loads(out)["total"] >= 0
        assert "Traceback" not in r.stderr.decode("utf-8", "replace")


def test_search_text_prints_no_control_characters(corpus):
    for q in SEARCHES:
        r = yuelan("search", q, corpus.root)
        assert r.returncode == 0
        assert_clean(r.stdout, f"search {q}")
        assert_clean(r.stderr, f"search {q} stderr")


def test_search_json_prints_no_control_characters(corpus):
    for q in SEARCHES:
        r = yuelan("search", q, corpus.root, "--json")
        assert r.returncode == 0
        out = assert_clean(r.stdout, f"search --json {q}")
        assert_clean(r.stderr, f"search --json {q} stderr")
        for hit in json.loads(out)["results"]:
            assert os.path.exists(os.fsencode(hit["path"])), hit["path"]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_search_names_every_bad_file(corpus, as_json):
    r = yuelan("search", "图书室", corpus.root, *(["--json"] if as_json else []))
    assert r.returncode == 0
    assert _names_every_bad_file(corpus, r) == []


def test_search_finds_text_behind_the_escapes(corpus):
    """Search matches the logical text: words on both sides of a sequence."""
    r = yuelan("search", "清屏指令", corpus.root, "--json")
    data = json.loads(r.stdout.decode("utf-8"))
    assert any(h["doc"] == "escapes" for h in data["results"]), data


def test_index_finishes_names_every_bad_file_and_prints_no_controls(corpus):
    r = yuelan("index", corpus.root)
    assert r.returncode == 0, r.stderr
    out = assert_clean(r.stdout, "stdout")
    assert_clean(r.stderr, "stderr")
    for e in corpus.skips(as_root=AS_ROOT):
        assert f"skipped: {escape_name(e.str_path)}: " in out, e.path
