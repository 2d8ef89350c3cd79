"""``yuelan search``: the search sub-command (a public contract).

    yuelan search QUERY [PATH...] [--json | --format text|json|md|csv] [--limit N]
    yuelan search --stdin [PATH...] --json [--limit N]

``--json`` prints one object per query:
``{"query", "elapsed_ms", "total", "results": [{"doc", "path", "title",
"section", "start", "end", "passage", "highlights", "score", "match"}]}``;
``elapsed_ms`` is the search alone.  With ``--stdin`` every input line is a
query and the corpus is loaded and indexed once.

``--format md`` prints a Markdown report per query and ``--format csv`` one CSV
row per passage (a header once, then a ``query`` column tells the queries
apart); see ``tui.export``.  ``--format json`` is ``--json``; ``--format text``
is the default output.

Errors print one line on stderr and exit non-zero; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

_HL_ON = "\x1b[1;33m"  # bold yellow
_HL_OFF = "\x1b[0m"
_DIM = "\x1b[2m"


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``search`` on an argparse sub-parsers object."""
    p = subparsers.add_parser(
        "search",
        help="search passages (Chinese in any script, pinyin, typos)",
        description=(
            "Search the documents for QUERY: space-separated terms (all required), "
            '"exact phrase", -term to exclude; Chinese in Simplified or Traditional, '
            "pinyin (xinlinggangwan, xlgw), one typo per term tolerated."
        ),
    )
    p.add_argument("query", nargs="?", metavar="QUERY", help="the query (omit with --stdin)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: the bundled seeds)")
    p.add_argument("--json", action="store_true", help="one JSON object per query")
    p.add_argument("--format", metavar="FORMAT", default=None,
                   help="output format: text (default), json (same as --json), md (Markdown) or csv")
    p.add_argument("--limit", metavar="N", default="20", help="results per query (default 20)")
    p.add_argument("--stdin", action="store_true", help="read one query per line from standard input")
    p.add_argument("--encoding", help="decode every file with this encoding instead of detecting it")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="highlight hits in colour")
    p.set_defaults(func=run)
    return p


def _err(msg: str) -> None:
    print(f"yuelan: {msg}", file=sys.stderr)


def _parse_limit(value) -> int | None:
    try:
        n = int(str(value).strip())
    except ValueError:
        return None
    return n if n >= 0 else None


FORMATS = ("text", "json", "md", "csv")


def _output_format(args) -> str | None:
    """The chosen format, or None (after a one-line error) when it is unusable."""
    fmt = getattr(args, "format", None)
    as_json = bool(getattr(args, "json", False))
    if fmt is None:
        return "json" if as_json else "text"
    fmt = str(fmt).strip().lower()
    if fmt == "markdown":
        fmt = "md"
    if fmt not in FORMATS:
        _err(f"--format takes one of {', '.join(FORMATS)}, not {getattr(args, 'format', None)!r}")
        return None
    if as_json and fmt != "json":
        _err(f"--json and --format {fmt} disagree; use one of them")
        return None
    return fmt


def run(args) -> int:
    """Run ``yuelan search`` with parsed ``args``; returns the exit status."""
    fmt = _output_format(args)
    if fmt is None:
        return EXIT_USAGE
    limit = _parse_limit(getattr(args, "limit", 20))
    if limit is None:
        _err(f"--limit takes a number of results (0 or more), not {getattr(args, 'limit', None)!r}")
        return EXIT_USAGE
    paths = list(getattr(args, "paths", None) or [])
    query = getattr(args, "query", None)
    if query is not None and not getattr(args, "stdin", False):
        from tui.text import redecode_arg

        query = redecode_arg(query)  # typed Chinese under LC_ALL=C arrives as surrogates
    use_stdin = bool(getattr(args, "stdin", False))
    if use_stdin:
        if query is not None:
            paths.insert(0, query)  # with --stdin every positional is a path
            query = None
    elif query is None:
        _err("search needs a QUERY (or --stdin to read queries, one per line)")
        return EXIT_USAGE
    for p in paths:
        if not os.path.lexists(p):
            _err(f"no such file or directory: {p}")
            return EXIT_USAGE
    encoding = getattr(args, "encoding", None)
    if encoding:
        from tui.corpus.decode import NotText, text_encoding

        try:
            encoding = text_encoding(encoding)
        except NotText as e:
            _err(str(e))
            return EXIT_USAGE

    from tui.corpus import PathError, load_corpus

    try:
        corpus = load_corpus(paths or None, encoding=encoding, cache=True)
    except PathError as e:
        _err(str(e))
        return EXIT_USAGE
    except OSError as e:
        _err(f"cannot read the documents: {e}")
        return EXIT_ERROR
    for notice in corpus.notices:
        _err(f"note: {notice}")
    from tui.cli import report_skipped

    report_skipped(corpus)
    if not corpus.documents:
        _err("no readable documents found")
        return EXIT_ERROR

    from tui.search import SearchIndex

    # From the persistent index: a second search on the same corpus does not
    # index it again.
    index = SearchIndex.build(corpus.documents)
    for notice in index.notices:
        _err(f"note: {notice}")
    as_json = fmt == "json"
    color = _want_color(getattr(args, "color", "auto"))
    emitted = [0]

    def _emit(resp, as_json: bool, color: bool) -> None:
        if fmt in ("md", "csv"):
            from tui.export import to_csv, to_markdown

            if fmt == "md":
                sys.stdout.write(("\n" if emitted[0] else "") + to_markdown(resp) + "\n")
            else:
                sys.stdout.write(to_csv(resp, header=not emitted[0]))
            emitted[0] += 1
            return
        _emit_plain(resp, as_json, color)

    if not use_stdin:
        resp = index.search(query, limit=limit)
        _emit(resp, as_json, color)
        if resp.error:
            _err(resp.error)
            return EXIT_USAGE
        return EXIT_OK
    status = EXIT_OK
    index.warm()  # a batch: load jieba and pinyin once, up front
    for line in sys.stdin:
        q = line.rstrip("\r\n")
        resp = index.search(q, limit=limit)
        _emit(resp, as_json, color)
        if resp.error:
            _err(f"{q!r}: {resp.error}")
        sys.stdout.flush()
    return status


def _want_color(mode: str) -> bool:
    if mode == "always":
        return True
    if mode == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return sys.stdout.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):
        return False


def _emit_plain(resp, as_json: bool, color: bool) -> None:
    if as_json:
        from tui.text import json_dumps

        # Not json.dumps: it leaves DEL, C1 (CSI) and bidi overrides raw.
        sys.stdout.write(json_dumps(resp.to_json()) + "\n")
        return
    sys.stdout.write(format_response(resp, color) + "\n")


def format_response(resp, color: bool = False) -> str:
    """A readable ranked list; hits in colour when ``color``."""
    from tui.text import escape_controls, escape_name

    lines = []
    q = escape_controls(resp.query)
    if not resp.results:
        lines.append(f"no results for {q!r} ({resp.elapsed_ms:.1f} ms)")
        return "\n".join(lines)
    shown = len(resp.results)
    more = f", showing {shown}" if shown < resp.total else ""
    lines.append(f"{resp.total} passage{'s' if resp.total != 1 else ''} match {q!r}{more} ({resp.elapsed_ms:.1f} ms)")
    width = len(str(shown))
    for n, hit in enumerate(resp.results, 1):
        where = escape_controls(hit.title)
        if hit.section and hit.section != hit.title:
            where += " › " + escape_controls(hit.section)
        meta = f"{escape_name(hit.doc_id)}:{hit.start}-{hit.end}  {hit.match}  {hit.score:.2f}"
        if color:
            meta = f"{_DIM}{meta}{_HL_OFF}"
        lines.append("")
        lines.append(f"{n:>{width}}. {where}")
        lines.append(f"{' ' * (width + 2)}{meta}")
        lines.append(f"{' ' * (width + 2)}{_passage_line(hit, color)}")
    return "\n".join(lines)


def _passage_line(hit, color: bool) -> str:
    from tui.text import escape_controls

    # escape_controls keeps lengths, so highlight offsets stay valid.
    text = escape_controls(hit.passage).replace("\n", " ").replace("\t", " ")
    if not color:
        return text
    out = []
    pos = 0
    for s, e in hit.highlights:
        out.append(text[pos:s])
        out.append(_HL_ON + text[s:e] + _HL_OFF)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m tui.cli_search``), for tests and scripts."""

    class _P(argparse.ArgumentParser):
        def error(self, message):  # one line, no usage dump
            raise SystemExit(_usage(message))

    parser = _P(prog="yuelan")
    sub = parser.add_subparsers(dest="command")
    add_parser(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "search":
        argv.insert(0, "search")
    args = parser.parse_args(argv)
    return run(args)


def _usage(message: str) -> int:
    _err(message)
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
