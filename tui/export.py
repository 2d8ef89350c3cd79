"""Search results as Markdown or CSV (``yuelan search --format``, the app's ``e``).

Pure Python: no Textual, no Rich.  Works on any object with the
``SearchResponse`` shape (``query``, ``total``, ``elapsed_ms``, ``results`` of
hits with ``doc_id``, ``path``, ``title``, ``section``, ``start``, ``end``,
``passage``, ``highlights``, ``score``, ``match``).

Document text is hostile until shown otherwise: control characters (ESC,
BEL...) are made visible with ``tui.text.escape_controls``; in Markdown,
characters that would start markup (``|`` `` ` `` ``*`` ``_`` ``[`` ``<``...)
are backslash-escaped and newlines become spaces, so a passage can neither
break out of its table cell nor inject links or HTML.  CSV goes through the
``csv`` module (RFC 4180 quoting); a cell that starts with ``= + - @`` is
prefixed with ``'`` so spreadsheets do not run it as a formula.
"""

from __future__ import annotations

import csv
import io
import re

from tui.text.safe import escape_controls

CSV_FIELDS = ["query", "rank", "doc", "path", "title", "section", "start", "end", "match", "score", "passage"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~])")


def md_escape(text: str) -> str:
    """One line of literal Markdown text (safe inside a table cell)."""
    text = escape_controls(text or "")
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;")
    if text[:1] in ("-", "+", "="):
        text = "\\" + text  # would start a list or a heading underline
    return text


def _highlighted(hit) -> str:
    """The passage on one line, matched words in **bold** (escaped around them)."""
    passage = hit.passage or ""
    spans = sorted((s, e) for s, e in (hit.highlights or []) if 0 <= s < e <= len(passage))
    out, pos = [], 0
    for s, e in spans:
        if s < pos:
            continue
        out.append(md_escape(passage[pos:s]))
        out.append("**" + md_escape(passage[s:e]) + "**")
        pos = e
    out.append(md_escape(passage[pos:]))
    return "".join(out).strip()


def to_markdown(resp) -> str:
    """A Markdown report: the query, a table of results, then each passage."""
    results = list(resp.results or [])
    lines = [f"# yuelan search: {md_escape(resp.query)}", ""]
    shown = len(results)
    total = getattr(resp, "total", shown)
    more = f", {shown} shown" if shown < total else ""
    lines.append(f"{total} matching passage{'s' if total != 1 else ''}{more}.")
    lines.append("")
    if not results:
        return "\n".join(lines)
    lines.append("| # | title | section | file | offsets | match |")
    lines.append("| ---: | --- | --- | --- | --- | --- |")
    for n, hit in enumerate(results, 1):
        lines.append(
            f"| {n} | {md_escape(hit.title)} | {md_escape(hit.section or '')} | {md_escape(hit.path)} "
            f"| {hit.start}-{hit.end} | {md_escape(hit.match)} |"
        )
    lines.append("")
    for n, hit in enumerate(results, 1):
        where = md_escape(hit.title) + (" \\> " + md_escape(hit.section) if hit.section else "")
        lines.append(f"## {n}. {where}")
        lines.append("")
        lines.append(f"> {_highlighted(hit)}")
        lines.append("")
    return "\n".join(lines)


def _cell(value) -> str:
    text = escape_controls(str(value) if value is not None else "")
    if text[:1] in ("=", "+", "-", "@"):
        text = "'" + text  # no spreadsheet formulas
    return text


def csv_rows(resp) -> list[list[str]]:
    rows = []
    for n, hit in enumerate(resp.results or [], 1):
        rows.append([
            _cell(resp.query), str(n), _cell(hit.doc_id), _cell(hit.path), _cell(hit.title),
            _cell(hit.section or ""), str(hit.start), str(hit.end), _cell(hit.match),
            f"{hit.score:.4f}", _cell(hit.passage),
        ])
    return rows


def to_csv(resp, header: bool = True) -> str:
    """The results as CSV, one row per passage (``header`` first)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_FIELDS)
    writer.writerows(csv_rows(resp))
    return buf.getvalue()


def write_export(data_dir: str | None, query: str, text: str) -> str:
    """Write ``text`` to a new file; return its full path.

    The user data dir's ``exports/`` is preferred: private (checked like
    every directory we keep files in: ``tui.persist.private_dir``) and never
    littering the corpus or whatever directory the app was started from.
    Without one (no usable home), a new private directory in the system temp
    dir: never the current directory, which is often the corpus itself (the
    export would appear there as a document).  Raises ``OSError`` or
    ``tui.persist.Unusable`` (a ValueError)."""
    import os
    import tempfile
    import time

    from tui import persist

    if data_dir:
        folder = persist.private_dir(os.path.join(data_dir, "exports"))
    else:
        folder = tempfile.mkdtemp(prefix="yuelan-exports-")
    slug = re.sub(r"[^\w]+", "-", query, flags=re.UNICODE).strip("-")[:24] or "results"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    names = (f"yuelan-{slug}-{stamp}{'' if n == 1 else f'-{n}'}.md" for n in range(1, 1000))
    return persist.write_new(folder, names, text.encode("utf-8", "surrogatepass"))
