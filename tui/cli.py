"""The ``yuelan`` command line.

    yuelan [PATH...] [--no-watch]          open the app (default: the bundled seeds); it follows
                                           changes to the files unless --no-watch
    yuelan list [PATH...] [--json]         documents, sections, skipped files
    yuelan list --explain [DOC] [PATH...]  the rule behind each title and section, and near misses
    yuelan show DOC [PATH...] [--section N]
    yuelan search QUERY [PATH...] [--json] [--limit N]

``list``/``show``/``search --json`` are a public contract: change them only
compatibly.  Errors print one clear line on stderr and exit non-zero; never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from tui import __version__

EXIT_USAGE = 2
EXIT_ERROR = 1
SUBCOMMANDS = ("list", "show", "search", "index", "help")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, not a usage dump
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _setup_stdio() -> None:
    """Make output survive odd locales: LANG=C with UTF-8 coercion disabled
    gives an ASCII stdout, which cannot print Chinese."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        try:
            if enc in ("", "ascii", "us-ascii", "ansi-x3.4-1968", "latin-1", "iso8859-1", "iso-8859-1"):
                stream.reconfigure(encoding="utf-8", errors="replace")
            else:
                stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


def _add_corpus_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: the bundled seeds)")
    p.add_argument("--encoding", help="decode every file with this encoding instead of detecting it")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="yuelan",
        description="阅览 yuelan: read and search Chinese documents in the terminal.",
        epilog="Run 'yuelan [PATH...]' without a sub-command to open the reader.",
    )
    parser.add_argument("--version", action="version", version=f"yuelan {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p_list = sub.add_parser("list", help="list documents and their sections")
    _add_corpus_args(p_list)
    p_list.add_argument("--json", action="store_true", help="machine-readable output")
    p_list.add_argument(
        "--explain",
        nargs="?",
        const="",
        metavar="DOC",
        help="say which rule made the title and each section, and why lines that nearly "
        "qualified did not (all documents, or only DOC)",
    )
    p_list.set_defaults(func=cmd_list)

    p_show = sub.add_parser("show", help="print a document or one section as plain text")
    p_show.add_argument("doc", metavar="DOC", help="document id, path, or a unique part of its title")
    _add_corpus_args(p_show)
    p_show.add_argument("--section", metavar="N", help="section number as listed by 'yuelan list' (1-based)")
    p_show.set_defaults(func=cmd_show)

    p_index = sub.add_parser("index", help="build or refresh the cached index, showing progress and what changed")
    _add_corpus_args(p_index)
    p_index.set_defaults(func=cmd_index)

    try:
        from tui import cli_search
    except ImportError:
        cli_search = None
    if cli_search is not None:
        cli_search.add_parser(sub)
    return parser


def _load(args):
    from tui.corpus import PathError, load_corpus

    check_args(args)
    try:
        corpus = load_corpus(args.paths or None, encoding=getattr(args, "encoding", None), cache=True)
    except PathError as e:
        raise UsageError(str(e)) from None
    for notice in corpus.notices:
        print(f"yuelan: note: {notice}", file=sys.stderr)
    return corpus


def check_args(args) -> None:
    """Argument mistakes found before any work is done."""
    from tui.corpus.decode import NotText, text_encoding

    for p in getattr(args, "paths", None) or []:
        if p == "":
            raise UsageError("an empty path was given")
    if getattr(args, "encoding", None):
        try:
            args.encoding = text_encoding(args.encoding)
        except NotText as e:
            raise UsageError(str(e)) from None


def _safe(s: str) -> str:
    from tui.text import escape_controls

    return escape_controls(s)


def _name(s: str) -> str:
    from tui.text import escape_name

    return escape_name(s)


def report_skipped(corpus) -> None:
    """Every file that was not read, with the reason, on stderr (escaped):
    ``list``, ``show`` and ``search`` all say what they left out."""
    for s in corpus.skipped:
        print(f"skipped: {_name(s.path)}: {_safe(s.reason)}", file=sys.stderr)


def cmd_list(args) -> int:
    if getattr(args, "explain", None) and not args.paths and os.path.exists(args.explain):
        args.paths, args.explain = [args.explain], ""  # "list --explain FILE": FILE is the path
    corpus = _load(args)
    if getattr(args, "explain", None) is not None:
        return _explain(args, corpus)
    if args.json:
        from tui.text import json_dumps

        sys.stdout.write(json_dumps(corpus.to_json()) + "\n")
    else:
        for doc in corpus.documents:
            print(f"{_name(doc.id)}  {_safe(doc.title)}  [{doc.encoding}, {doc.chars} chars]")
            for n, s in enumerate(doc.sections, 1):
                print(f"  {n:>3}  {'  ' * (s.level - 1)}{_safe(s.title)}")
            for w in doc.warnings:
                print(f"  warning: {w}")
        report_skipped(corpus)
    if not corpus.documents:
        print("yuelan: no readable documents found", file=sys.stderr)
        return EXIT_ERROR
    return 0


def _explain(args, corpus) -> int:
    """``list --explain [DOC]``: the rows of tui.corpus.explain, as text or JSON."""
    from tui.corpus import DocumentNotFound
    from tui.corpus.explain import explain, lines

    try:
        docs = [corpus.find(args.explain)] if args.explain else corpus.documents
    except DocumentNotFound as e:
        raise UsageError(str(e)) from None
    if args.json:
        from tui.text import json_dumps

        data = corpus.to_json()
        data["documents"] = [{**d.to_json(), "explain": [r.to_json() for r in explain(d)]} for d in docs]
        sys.stdout.write(json_dumps(data) + "\n")
    else:
        for doc in docs:
            for line in lines(doc, explain(doc)):
                print(_safe(line))
        report_skipped(corpus)
    if not docs:
        print("yuelan: no readable documents found", file=sys.stderr)
        return EXIT_ERROR
    return 0


class _Progress:
    """A one-line progress bar on stderr (files, MB, rate, ETA), only on a terminal."""

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.start = self.clock()
        self.last = 0.0
        self.live = sys.stderr.isatty()

    def __call__(self, done: int, total: int, done_bytes: int, total_bytes: int) -> None:
        now = self.clock()
        if not self.live or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        rate = done_bytes / elapsed
        eta = (total_bytes - done_bytes) / rate if rate > 0 else 0.0
        frac = done_bytes / total_bytes if total_bytes else 1.0
        bar = "#" * int(frac * 24)
        line = (
            f"\r[{bar:<24}] {done}/{total} files  {done_bytes / 1e6:.1f}/{total_bytes / 1e6:.1f} MB"
            f"  {rate / 1e6:.1f} MB/s  ETA {eta:.0f}s "
        )
        sys.stderr.write(line)
        sys.stderr.flush()

    def finish(self) -> None:
        if self.live:
            sys.stderr.write("\r" + " " * 78 + "\r")
            sys.stderr.flush()


def cmd_index(args) -> int:
    import time

    from tui.corpus import PathError, load_corpus

    check_args(args)
    progress = _Progress()
    start = time.monotonic()
    try:
        corpus = load_corpus(args.paths or None, encoding=args.encoding, cache=True, progress=progress)
    except PathError as e:
        raise UsageError(str(e)) from None
    finally:
        progress.finish()
    elapsed = time.monotonic() - start
    for notice in corpus.notices:
        print(f"yuelan: note: {notice}", file=sys.stderr)
    ch = corpus.changes
    size = sum(len(d.text.encode("utf-8", "surrogatepass")) for d in corpus.documents)
    print(
        f"{len(corpus.documents)} documents ({size / 1e6:.1f} MB) in {elapsed:.2f}s: "
        f"{len(ch.get('new', []))} new, {len(ch.get('changed', []))} changed, "
        f"{len(ch.get('removed', []))} removed, {len(ch.get('unchanged', []))} unchanged; "
        f"{len(corpus.skipped)} skipped"
    )
    for kind in ("new", "changed", "removed"):
        for path in ch.get(kind, [])[:50]:
            print(f"  {kind}: {_name(path)}")
    for s in corpus.skipped:
        print(f"  skipped: {_name(s.path)}: {s.reason}")
    if corpus.documents:
        _index_search(corpus.documents)
    return 0 if corpus.documents else EXIT_ERROR


def _index_search(documents) -> None:
    """Build or refresh the persistent search index and say what it reused."""
    import time

    from tui.search import SearchIndex

    progress = _Progress()
    start = time.monotonic()
    try:
        index = SearchIndex.build(documents, progress=progress)
    finally:
        progress.finish()
    for notice in index.notices:
        print(f"yuelan: note: {notice}", file=sys.stderr)
    ch = index.changes
    print(
        f"search index: {len(ch['reused'])} reused, {len(ch['rebuilt'])} rebuilt"
        f" ({len(ch['removed'])} removed) in {time.monotonic() - start:.2f}s"
    )


def cmd_show(args) -> int:
    from tui.corpus import DocumentNotFound

    if not args.paths and os.path.isfile(args.doc):
        args.paths = [args.doc]  # `yuelan show some/file.txt` reads that file
    elif not os.path.exists(args.doc):
        from tui.text import redecode_arg

        args.doc = redecode_arg(args.doc)
    corpus = _load(args)
    report_skipped(corpus)
    try:
        doc = corpus.find(args.doc)
    except DocumentNotFound as e:
        raise UsageError(_safe(str(e))) from None
    if args.section is None:
        text = doc.text
    else:
        try:
            n = int(args.section)
        except ValueError:
            raise UsageError(f"--section takes a number, not {args.section!r}") from None
        if not doc.sections:
            raise UsageError(f"{doc.id} has no sections")
        if not 1 <= n <= len(doc.sections):
            raise UsageError(f"{doc.id} has sections 1 to {len(doc.sections)}, not {n}")
        text = doc.section_text(n - 1)
    out = _safe(text)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


def _run_app(argv: list[str]) -> int:
    parser = _Parser(prog="yuelan", description="Open the reader.")
    parser.add_argument("paths", nargs="*", metavar="PATH")
    parser.add_argument("--encoding")
    parser.add_argument("--no-watch", action="store_true")
    args = parser.parse_args(argv)
    for p in args.paths:
        if not os.path.lexists(p):
            raise UsageError(f"no such file or directory: {p}")
    try:
        from tui.app import run
    except ImportError:
        # The app is not installed in this build: fall back to the listing.
        return cmd_list(argparse.Namespace(paths=args.paths, encoding=args.encoding, json=False, explain=None))
    return run(args.paths or None, encoding=args.encoding, watch=not args.no_watch)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _setup_stdio()
    try:
        if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")) or argv[0] in ("--encoding", "--no-watch"):
            return _run_app(argv)
        if argv[0] == "help":
            argv = ["--help"]
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 0
        return args.func(args)
    except UsageError as e:
        print(f"yuelan: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
