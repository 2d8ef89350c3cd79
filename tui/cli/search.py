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

import os
import sys

from tui.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, UsageError, err, load_indexed, report_skipped

_HL_ON = "\x1b[1;33m"  # bold yellow
_HL_OFF = "\x1b[0m"
_DIM = "\x1b[2m"

HELP = "search passages (Chinese in any script, pinyin, typos)"
DESCRIPTION = (
    "Search the documents for QUERY: space-separated terms (all required), "
    '"exact phrase", -term to exclude; Chinese in Simplified or Traditional, '
    "pinyin (xinlinggangwan, xlgw), one typo per term tolerated."
)


def configure(p) -> None:
    """The arguments of ``search`` on the parser ``p``."""
    p.add_argument("query", nargs="?", metavar="QUERY", help="the query (omit with --stdin)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: the bundled seeds)")
    p.add_argument("--json", action="store_true", help="one JSON object per query")
    p.add_argument("--format", metavar="FORMAT", default=None,
                   help="output format: text (default), json (same as --json), md (Markdown) or csv")
    p.add_argument("--limit", metavar="N", default="20", help="results per query (default 20; 0: all of them)")
    p.add_argument("--stdin", action="store_true", help="read one query per line from standard input")
    p.add_argument("--encoding", help="decode every file with this encoding instead of detecting it")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="highlight hits in colour")
    p.set_defaults(func=run)


def _parse_limit(value) -> int | None:
    try:
        n = int(str(value).strip())
    except ValueError:
        return None
    return n if n >= 0 else None


FORMATS = ("text", "json", "md", "csv")


def _output_format(args) -> str:
    """The chosen format; ``UsageError`` when it is unusable."""
    fmt = args.format
    if fmt is None:
        return "json" if args.json else "text"
    fmt = str(fmt).strip().lower()
    if fmt == "markdown":
        fmt = "md"
    if fmt not in FORMATS:
        raise UsageError(f"--format takes one of {', '.join(FORMATS)}, not {args.format!r}")
    if args.json and fmt != "json":
        raise UsageError(f"--json and --format {fmt} disagree; use one of them")
    return fmt


def run(args) -> int:
    """Run ``yuelan search`` with parsed ``args``; returns the exit status.

    ``UsageError`` for a mistake in the arguments (``main`` prints it)."""
    fmt = _output_format(args)
    limit = _parse_limit(args.limit)
    if limit is None:
        raise UsageError(f"--limit takes a number of results (0 or more), not {args.limit!r}")
    paths = list(args.paths or [])
    query = args.query
    if args.stdin:
        if query is not None:
            paths.insert(0, query)  # with --stdin every positional is a path
            query = None
    elif query is None:
        raise UsageError("search needs a QUERY (or --stdin to read queries, one per line)")
    else:
        from tui.text import redecode_arg

        query = redecode_arg(query)  # typed Chinese under LC_ALL=C arrives as surrogates
    args.paths = paths
    # From the persistent index: a second search on the same corpus does not
    # index it again.
    try:
        corpus, index = load_indexed(args)
    except OSError as e:
        err(f"cannot read the documents: {e}")
        return EXIT_ERROR
    report_skipped(corpus)
    if index is None:  # no documents
        err("no readable documents found")
        return EXIT_ERROR
    as_json = fmt == "json"
    color = _want_color(args.color)
    emitted = [0]

    def _emit(resp) -> None:
        if fmt in ("md", "csv"):
            from tui.export import to_csv, to_markdown

            if fmt == "md":
                sys.stdout.write(("\n" if emitted[0] else "") + to_markdown(resp) + "\n")
            else:
                sys.stdout.write(to_csv(resp, header=not emitted[0]))
            emitted[0] += 1
            return
        _emit_plain(resp, as_json, color)

    if not args.stdin:
        resp = index.search(query, limit=limit)
        _emit(resp)
        _settle(index)
        if resp.error:
            err(resp.error)
            return EXIT_USAGE
        return EXIT_OK
    index.warm()  # a batch: load jieba and pinyin once, up front
    for line in sys.stdin:
        q = line.rstrip("\r\n")
        resp = index.search(q, limit=limit)
        _emit(resp)
        if resp.error:
            err(f"{q!r}: {resp.error}")
        sys.stdout.flush()
    _settle(index)
    return EXIT_OK


def _settle(index) -> None:
    """After the results are out: when this process wrote to the index,
    leave it merged for the next search (``SearchIndex.settle``)."""
    if index.changes["rebuilt"] or index.changes["removed"]:
        sys.stdout.flush()
        index.settle()


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
