"""`yuelan search`: the public command-line contract."""

from __future__ import annotations

import argparse
import json

import pytest

from conftest import run_cli
from tui import cli_search

KEYS = {"query", "elapsed_ms", "total", "results"}
HIT_KEYS = {"doc", "path", "title", "section", "start", "end", "passage", "highlights", "score", "match"}


def check_json(obj, query):
    assert set(obj) == KEYS
    assert obj["query"] == query
    assert isinstance(obj["elapsed_ms"], float) and isinstance(obj["total"], int)
    for r in obj["results"]:
        assert set(r) == HIT_KEYS
        assert r["match"] in ("exact", "folded", "pinyin", "fuzzy")
        assert r["end"] - r["start"] == len(r["passage"])
        for s, e in r["highlights"]:
            assert 0 <= s < e <= len(r["passage"])


def test_json_single_query_via_python_m_tui():
    out = run_cli("search", "xlgw", "--json", "--limit", "3")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    check_json(obj, "xlgw")
    top = obj["results"][0]
    assert top["match"] == "pinyin"
    s, e = top["highlights"][0]
    assert top["passage"][s:e] == "心灵港湾"
    with open(top["path"], encoding="utf-8") as f:
        assert f.read()[top["start"] : top["end"]] == top["passage"]


def test_stdin_one_json_line_per_query_in_order(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("标题\n\n心灵港湾项目启动。\n\n工会改革推进。\n", encoding="utf-8")
    queries = ["工会改革", "", "xlgw", "不存在的词语", "-工会"]
    out = run_cli("search", "--stdin", str(tmp_path), "--json", "--limit", "5", input="\n".join(queries) + "\n")
    assert out.returncode == 0, out.stderr
    objs = [json.loads(line) for line in out.stdout.splitlines()]
    assert [o["query"] for o in objs] == queries
    for o, q in zip(objs, queries):
        check_json(o, q)
    assert objs[0]["total"] == 1 and objs[2]["total"] == 1
    assert objs[1]["total"] == 0 and objs[3]["total"] == 0 and objs[4]["total"] == 0
    assert "exclude" in out.stderr  # the only-exclusions query is explained, not fatal
    assert "Traceback" not in out.stderr


def test_plain_output_when_piped_has_no_escape_codes(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("标题\n\n危险\x1b]0;pwned\x07心灵港湾\x1b[2J。\n", encoding="utf-8")
    out = run_cli("search", "心灵港湾", str(doc))
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
    assert "心灵港湾" in out.stdout and "1 passage" in out.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["search", "工会", "/no/such/path"], "no such file"),
        (["search", "工会", "--limit", "many"], "--limit"),
        (["search", "工会", "--limit", "-1"], "--limit"),
        (["search"], "QUERY"),
    ],
)
def test_errors_are_one_line_without_traceback(args, message):
    out = run_cli(*args)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def ns(**kw):
    base = dict(query=None, paths=[], json=False, limit="20", stdin=False, encoding=None, color="never")
    base.update(kw)
    return argparse.Namespace(**base)


def test_run_in_process_colour_and_limit(capsys):
    assert cli_search.run(ns(query="工会改革", color="always", limit="2")) == 0
    out = capsys.readouterr().out
    assert "\x1b[1;33m工会改革\x1b[0m" in out
    assert "showing 2" in out
    assert cli_search.run(ns(query="鑫淼犇骉曌")) == 0
    assert "no results" in capsys.readouterr().out


def test_run_in_process_json_limit_zero_means_all(capsys):
    assert cli_search.run(ns(query="工会", json=True, limit="0")) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["total"] > 50
    assert sum(r.get("count", 1) for r in obj["results"]) == obj["total"]


def test_add_parser_registers_search():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    cli_search.add_parser(sub)
    args = parser.parse_args(["search", "--stdin", "seeds", "--json", "--limit", "3"])
    assert args.func is cli_search.run and args.stdin and args.json and args.limit == "3"
