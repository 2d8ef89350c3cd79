"""What every ``yuelan`` sub-command shares: the parser class, usage errors,
stdio set-up, corpus arguments, loading through the session core, escaping
and the progress line.

Imports nothing from the sub-command modules (they import this one), so the
package has no import cycle.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A mistake in the command line: one line on stderr, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, not a usage dump
        raise UsageError(f"{message} (see '{self.prog} --help')")


def setup_stdio() -> None:
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


def err(msg: str) -> None:
    print(f"yuelan: {msg}", file=sys.stderr)


def note(notice: str) -> None:
    """A corpus or index notice, on stderr."""
    err(f"note: {notice}")


def add_corpus_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: the bundled seeds)")
    p.add_argument("--encoding", help="decode every file with this encoding instead of detecting it")


def check_args(args) -> None:
    """Argument mistakes found before any work is done: an empty path, an
    encoding that is not one.  (A missing path is ``PathError``, on loading.)"""
    from tui.corpus.decode import NotText
    from tui.session import check_encoding

    for p in getattr(args, "paths", None) or []:
        if p == "":
            raise UsageError("an empty path was given")
    try:
        args.encoding = check_encoding(getattr(args, "encoding", None))
    except NotText as e:
        raise UsageError(str(e)) from None


def _opened(args, opener, **kwargs):
    """``opener(paths, encoding, **kwargs)`` for the corpus ``args`` names,
    what it makes kept until the command ends; a path that cannot be used
    is a ``UsageError``."""
    from tui.corpus import PathError
    from tui.gcpause import kept_for_good

    check_args(args)
    try:
        with kept_for_good():
            return opener(args.paths, args.encoding, **kwargs)
    except PathError as e:
        raise UsageError(str(e)) from None


def load(args, progress=None, notify=note):
    """The corpus named by ``args`` (its notices on stderr unless ``notify``
    says otherwise)."""
    from tui.session import open_corpus

    return _opened(args, open_corpus, notify=notify, progress=progress)


def load_indexed(args, progress=None, notify=note, indexed=None):
    """The corpus named by ``args`` and its search index (None when it has
    no documents); on a first open the files are indexed as they are parsed
    (``tui.session.open_indexed``)."""
    from tui.session import open_indexed

    return _opened(args, open_indexed, notify=notify, progress=progress, indexed=indexed)


def safe(s: str) -> str:
    from tui.text import escape_controls

    return escape_controls(s)


def name(s: str) -> str:
    from tui.text import escape_name

    return escape_name(s)


def report_skipped(corpus) -> None:
    """Every file that was not read, with the reason, on stderr (escaped):
    ``list``, ``show`` and ``search`` all say what they left out."""
    for s in corpus.skipped:
        print(f"skipped: {name(s.path)}: {safe(s.reason)}", file=sys.stderr)


class Progress:
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
