"""tui.export (Markdown, CSV) and ``yuelan search --format``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from conftest import SEEDS, run_cli
from tui.corpus.model import Document, Section
from tui.export import CSV_FIELDS, md_escape, to_csv, to_markdown
from tui.search.results import Hit, SearchResponse

HOSTILE = 'a|b `code` *em* _u_ [link](http://x) <script>\n| fake | row |\r\n"quoted" \x1b]52;c;AAAA\x07 \x1b[2J end'


def response() -> SearchResponse:
    text = "标题\n\n" + HOSTILE + "\n\n工会第二段，心灵港湾。"
    doc = Document("d1", "/c/weird|name.txt", "Title | with `ticks`", "utf-8", text,
                   sections=[Section("sec *one*", 1, 0, len(text), 2)])
    p1 = text.index("a|b")
    p2 = text.index("工会")
    hits = [
        Hit(doc, p1, p1 + len(HOSTILE), [(0, 3)], 2.5, "exact", 0),
        Hit(doc, p2, len(text), [(0, 2), (6, 10)], 1.25, "folded", 0),
    ]
    return SearchResponse("工会 |x", total=5, elapsed_ms=1.0, results=hits)


def test_markdown_escapes_everything_hostile():
    md = to_markdown(response())
    assert "\x1b" not in md and "\x07" not in md and "\r" not in md
    assert "\u241b\\]52;c;AAAA\u2407" in md  # controls made visible (and ] escaped)
    assert "<script>" not in md and "\\<script\\>" in md
    assert "[link]" not in md and "\\`code\\`" in md
    lines = md.splitlines()
    table = [l for l in lines if l.startswith("| ") and not l.startswith("| #") and not l.startswith("| ---")]
    assert len(table) == 2
    for row in table:
        # Exactly the 7 unescaped pipes of a 6-column row.
        unescaped = [i for i, c in enumerate(row) if c == "|" and (i == 0 or row[i - 1] != "\\")]
        assert len(unescaped) == 7, row
    # The passage stays on one quoted line: the fake row cannot start a line.
    assert not any(l.startswith("| fake") for l in lines)
    quotes = [l for l in lines if l.startswith("> ")]
    assert len(quotes) == 2
    assert "**a\\|b**" in quotes[0]  # the highlight, escaped inside
    assert "**工会**" in quotes[1] and "**心灵港湾**" in quotes[1]
    assert lines[0] == "# yuelan search: 工会 \\|x"
    assert "5 matching passages, 2 shown." in md


def test_md_escape_leading_list_marker_and_entities():
    assert md_escape("- item") == "\\- item"
    assert md_escape("&lt;") == "&amp;lt;"
    assert md_escape("普通文字") == "普通文字"


def test_csv_round_trips_through_the_csv_module():
    resp = response()
    out = to_csv(resp)
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == CSV_FIELDS
    assert len(rows) == 3
    first = dict(zip(CSV_FIELDS, rows[1]))
    assert first["query"] == "工会 |x" and first["rank"] == "1"
    assert first["path"] == "/c/weird|name.txt" and first["title"] == "Title | with `ticks`"
    assert "\n| fake | row |" in first["passage"] and '"quoted"' in first["passage"]
    assert "\x1b" not in out and "\u241b" in first["passage"]
    assert first["score"] == "2.5000" and first["match"] == "exact"
    assert to_csv(resp, header=False).count("\r\n") < out.count("\r\n")


def test_csv_defuses_spreadsheet_formulas():
    resp = response()
    resp.results[0].doc.title = "=HYPERLINK(\"http://evil\")"
    rows = list(csv.reader(io.StringIO(to_csv(resp), newline="")))
    assert rows[1][4].startswith("'=")


def test_empty_response():
    resp = SearchResponse("无", total=0)
    assert "0 matching passages." in to_markdown(resp)
    assert to_csv(resp).strip() == ",".join(CSV_FIELDS)


# -------------------------------------------------------------------- CLI


def test_cli_format_md_and_csv():
    md = run_cli("search", "工会", str(SEEDS), "--format", "md", "--limit", "3")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# yuelan search: 工会\n")
    assert md.stdout.count("\n## ") == 3 and "**工会**" in md.stdout
    out = run_cli("search", "工会", str(SEEDS), "--format", "csv", "--limit", "3")
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout, newline="")))
    assert rows[0] == CSV_FIELDS and len(rows) == 4
    assert all(r[0] == "工会" for r in rows[1:])
    js = json.loads(run_cli("search", "工会", str(SEEDS), "--json", "--limit", "3").stdout)
    assert [int(r[6]) for r in rows[1:]] == [r["start"] for r in js["results"]]


def test_cli_format_json_is_json_and_text_is_the_default():
    a = run_cli("search", "工会", str(SEEDS), "--json", "--limit", "2")
    b = run_cli("search", "工会", str(SEEDS), "--format", "json", "--limit", "2")
    strip = lambda s: {k: v for k, v in json.loads(s).items() if k != "elapsed_ms"}
    assert strip(a.stdout) == strip(b.stdout)
    t1 = run_cli("search", "工会", str(SEEDS), "--limit", "2", "--color", "never")
    t2 = run_cli("search", "工会", str(SEEDS), "--limit", "2", "--color", "never", "--format", "text")
    cut = lambda s: [l for l in s.splitlines()[1:]]  # the first line has the timing
    assert cut(t1.stdout) == cut(t2.stdout) and len(cut(t1.stdout)) > 4


@pytest.mark.parametrize("args", [["--format", "xml"], ["--format", ""], ["--json", "--format", "md"]])
def test_cli_bad_format_is_one_line_and_exit_2(args):
    out = run_cli("search", "工会", str(SEEDS), *args)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("yuelan: ")
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_cli_stdin_csv_has_one_header():
    out = run_cli("search", "--stdin", str(SEEDS), "--format", "csv", "--limit", "2", input="工会\n心灵港湾\n")
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout, newline="")))
    assert rows.count(CSV_FIELDS) == 1
    assert {r[0] for r in rows[1:]} == {"工会", "心灵港湾"}


def test_export_module_is_pure():
    code = "import sys, tui.export; print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]"
