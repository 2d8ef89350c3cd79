"""The public command line: yuelan list/show, errors, odd locales."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SEEDS, run_cli


def test_list_json_contract():
    r = run_cli("list", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    ids = [d["id"] for d in data["documents"]]
    assert ids == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for d in data["documents"]:
        assert os.path.isabs(d["path"])
        assert d["chars"] > 0 and d["title"]
    assert data["skipped"] == []


def test_list_human_readable_lists_sections():
    r = run_cli("list")
    assert r.returncode == 0
    assert "长三角G60科创走廊" in r.stdout
    assert "上海市金山區總工會" in r.stdout


def test_list_reports_skipped_files_in_json(tmp_path):
    (tmp_path / "good.txt").write_text("标题\n\n正文内容,一段完整的话。\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary")
    r = run_cli("list", str(tmp_path), "--json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert [d["id"] for d in data["documents"]] == ["good"]
    assert data["skipped"][0]["path"].endswith("bad.txt")


def test_show_whole_document_and_section():
    r = run_cli("show", "003")
    assert r.returncode == 0
    assert "姜堰" in r.stdout
    whole = (SEEDS / "000_cb8706ff714103f6.txt").read_text(encoding="utf-8")
    r = run_cli("show", "000_cb8706ff714103f6", "--section", "2")
    assert r.returncode == 0
    assert r.stdout.startswith("2\n")
    assert "深化工会改革" in r.stdout and "长三角G60科创走廊" not in r.stdout
    assert r.stdout.strip() in whole


def test_show_by_title_substring_and_path():
    assert "金山" in run_cli("show", "金山區總工會").stdout
    assert run_cli("show", str(SEEDS / "003_2425f2be23dd344c.txt")).returncode == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "没有这个文档"], "no document matches"),
        (["show", "000", "--section", "99"], "has sections 1 to"),
        (["show", "000", "--section", "abc"], "takes a number"),
        (["list", "/no/such/path"], "no such file or directory"),
        (["list", "--bogus"], "unrecognized arguments"),
        (["list", "--encoding", "nonsense-enc"], "unknown encoding"),
        (["show", "0"], "matches 5 documents"),
    ],
)
def test_errors_are_one_clear_line(args, message):
    r = run_cli(*args)
    assert r.returncode != 0
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_nothing_readable_is_an_error(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"\x00")
    r = run_cli("list", str(tmp_path))
    assert r.returncode != 0
    assert "no readable documents" in r.stderr


def test_ascii_locale_still_prints_chinese():
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""}
    r = run_cli("list", env=env)
    assert r.returncode == 0, r.stderr
    assert "长三角G60科创走廊" in r.stdout


def test_control_characters_never_reach_the_output(tmp_path):
    (tmp_path / "evil.txt").write_text("标题\x1b]0;pwned\x07\n\n正文\x1b[2J内容,一段话。\x9b\n", encoding="utf-8")
    for args in (["list", str(tmp_path)], ["list", str(tmp_path), "--json"], ["show", "evil", str(tmp_path)]):
        r = run_cli(*args)
        assert r.returncode == 0
        assert "\x1b" not in r.stdout and "\x07" not in r.stdout and "\x9b" not in r.stdout


def test_broken_pipe_is_quiet():
    p = subprocess.run(
        f"{sys.executable} -m tui show 002 | head -c 10",
        shell=True,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert b"Traceback" not in p.stderr


def test_undecodable_file_names_round_trip_through_json(tmp_path):
    raw = b"bad-\xff\xfe"
    with open(os.path.join(os.fsencode(str(tmp_path)), raw + b".txt"), "wb") as f:
        f.write("标题\n\n正文内容,一段完整的话。\n".encode())
    r = run_cli("list", str(tmp_path), "--json")
    assert r.returncode == 0
    (doc,) = json.loads(r.stdout)["documents"]
    assert os.fsencode(doc["path"]).endswith(raw + b".txt")
    assert os.path.exists(os.fsencode(doc["path"]))
    shown = run_cli("show", doc["path"])
    assert shown.returncode == 0 and "正文内容" in shown.stdout


def test_index_reports_what_changed(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("标题甲\n\n正文内容,一段完整的话。\n", encoding="utf-8")
    r = run_cli("index", str(docs))
    assert r.returncode == 0, r.stderr
    assert "1 new" in r.stdout and "new: " in r.stdout
    r = run_cli("index", str(docs))
    assert "0 new, 0 changed, 0 removed, 1 unchanged" in r.stdout
    (docs / "b.txt").write_text("标题乙\n\n正文。\n", encoding="utf-8")
    (docs / "a.txt").unlink()
    r = run_cli("index", str(docs))
    assert "1 new, 0 changed, 1 removed, 0 unchanged" in r.stdout


def test_chinese_arguments_under_an_ascii_locale():
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""}
    r = run_cli("show", "金山區總工會", env=env)
    assert r.returncode == 0, r.stderr
    assert "金山" in r.stdout
    r = run_cli("search", "心灵港湾", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["total"] > 0


def test_file_names_with_newlines_cannot_fake_rows(tmp_path):
    (tmp_path / "bad\nname\tx.txt").write_text("标题\n\n正文内容,一段完整的话。\n", encoding="utf-8")
    r = run_cli("list", str(tmp_path))
    assert r.returncode == 0
    assert len(r.stdout.strip().splitlines()) == 1  # one document row, no section rows
    assert "\u2424" in r.stdout


def test_locale_warning_names_legacy_chinese_encodings_only():
    from tui.app import locale_warning

    for name in ("zh_CN.GB18030", "zh_CN.gbk", "zh_TW.Big5", "zh_CN.GB2312", "zh_HK.big5-hkscs"):
        msg = locale_warning({"LANG": name})
        assert msg is not None and name in msg and msg.isascii()
    for name in ("zh_CN.UTF-8", "C.UTF-8", "C", "POSIX", "", "en_US.utf8"):
        assert locale_warning({"LANG": name}) is None
    # LC_ALL wins over LANG, as in the C library
    assert locale_warning({"LC_ALL": "zh_CN.UTF-8", "LANG": "zh_CN.GB18030"}) is None
    assert locale_warning({"LC_ALL": "zh_CN.GB18030", "LANG": "zh_CN.UTF-8"}) is not None


def test_options_anywhere_on_every_subcommand(tmp_path):
    """Options before, between and after the positionals, on every sub-command."""
    (tmp_path / "a.txt").write_text("标题\n\n第一章 总则\n\n心灵港湾项目启动。\n", encoding="utf-8")
    listed = run_cli("list", "--json", str(tmp_path))
    assert listed.returncode == 0, listed.stderr
    assert [d["id"] for d in json.loads(listed.stdout)["documents"]] == ["a"]
    r = run_cli("show", "--section", "1", "a", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "第一章" in r.stdout and "标题" not in r.stdout
    r2 = run_cli("show", "a", "--section", "1", str(tmp_path), "--encoding", "utf-8")
    assert r2.returncode == 0 and r2.stdout == r.stdout, r2.stderr
    r = run_cli("index", "--encoding", "utf-8", str(tmp_path))
    assert r.returncode == 0 and r.stdout.startswith("1 documents"), r.stderr


def test_show_of_a_skipped_file_names_the_reason(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 20)
    r = run_cli("show", str(bad))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert "bad.txt was not read" in last and "no document matches" not in last
    listed = json.loads(run_cli("list", "--json", str(tmp_path)).stdout)
    assert listed["skipped"][0]["reason"] in last
