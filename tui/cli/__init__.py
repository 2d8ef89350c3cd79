"""The ``yuelan`` command line.

    yuelan [PATH...] [--no-watch]          open the app (default: the bundled seeds); it follows
                                           changes to the files unless --no-watch
    yuelan list [PATH...] [--json]         documents, sections, skipped files
    yuelan show DOC [PATH...] [--section N]
    yuelan search QUERY [PATH...] [--json | --format F] [--limit N]
    yuelan index [PATH...]

Options go anywhere on every sub-command (``yuelan search 心灵港湾 --format md
seeds``): each sub-command is parsed on its own with
``parse_intermixed_args``, which argparse does not allow under sub-parsers.

One module per sub-command family (``corpus``: list, show, index;
``search``), with what they share in ``common``; this module only dispatches.
``list``/``show``/``search --json`` are a public contract: change them only
compatibly.  Errors print one clear line on stderr and exit non-zero; never a
traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Callable

from tui import __version__, gcpause

__all__ = ["main", "build_parser"]


def _commands():
    """name -> (help, description, configure): the one list of sub-commands."""
    from tui.cli import corpus, search

    return {
        "list": ("list documents and their sections", None, corpus.configure_list),
        "show": ("print a document or one section as plain text", None, corpus.configure_show),
        "search": (search.HELP, search.DESCRIPTION, search.configure),
        "index": ("build or refresh the cached index, showing progress and what changed", None,
                  corpus.configure_index),
    }


SUBCOMMANDS = ("list", "show", "search", "index", "help")


def build_parser() -> Parser:
    """The whole command line, for ``yuelan --help``."""
    from tui.cli.common import Parser

    parser = Parser(
        prog="yuelan",
        description="阅览 yuelan: read and search Chinese documents in the terminal.",
        epilog="Run 'yuelan [PATH...]' without a sub-command to open the reader.",
    )
    parser.add_argument("--version", action="version", version=f"yuelan {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for name, (help_, description, configure) in _commands().items():
        configure(sub.add_parser(name, help=help_, description=description or help_))
    return parser


def _parse_command(name: str, argv: list[str]):
    from tui.cli.common import Parser

    help_, description, configure = _commands()[name]
    parser = Parser(prog=f"yuelan {name}", description=description or help_)
    configure(parser)
    return parser.parse_intermixed_args(argv)


def _app_command(argv: list[str]) -> Callable[[], int]:
    from tui.cli.common import Parser, UsageError

    parser = Parser(prog="yuelan", description="Open the reader.")
    parser.add_argument("paths", nargs="*", metavar="PATH")
    parser.add_argument("--encoding")
    parser.add_argument("--no-watch", action="store_true")
    args = parser.parse_intermixed_args(argv)
    for p in args.paths:
        if not os.path.lexists(p):
            raise UsageError(f"no such file or directory: {p}")
    try:
        from tui.app import run
    except ImportError:
        # The app is not installed in this build: fall back to the listing.
        import argparse

        from tui.cli.corpus import cmd_list

        return lambda: cmd_list(argparse.Namespace(paths=args.paths, encoding=args.encoding, json=False, explain=None))
    return lambda: run(args.paths or None, encoding=args.encoding, watch=not args.no_watch)


def _command(argv: list[str]) -> Callable[[], int]:
    """What ``argv`` asks for, parsed and with its modules imported: a call
    that runs it and returns the exit status."""
    if not argv or argv[0] not in SUBCOMMANDS and (not argv[0].startswith("-") or argv[0] in ("--encoding", "--no-watch")):
        return _app_command(argv)
    if argv[0] == "help" or argv[0] in ("-h", "--help", "--version") or argv[0] not in SUBCOMMANDS:
        parser = build_parser()
        parser.parse_args(["--help"] if argv[0] == "help" else argv)
        return lambda: parser.print_help() or 0
    args = _parse_command(argv[0], argv[1:])
    return lambda: args.func(args)


def main(argv: list[str] | None = None) -> int:
    # No cyclic garbage collection while the command line is parsed and the
    # command's modules are imported (~20 collections of objects that all
    # live on, 5-14 ms before the app's first frame); the command itself
    # runs with collections on (the app pauses them again until its first
    # frame).
    with gcpause.gc_paused():
        from tui.cli.common import EXIT_USAGE, UsageError, setup_stdio

    argv = list(sys.argv[1:] if argv is None else argv)
    setup_stdio()
    try:
        with gcpause.gc_paused():
            command = _command(argv)
        return command()
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
