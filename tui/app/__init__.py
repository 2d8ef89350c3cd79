"""The yuelan terminal app.  Light on purpose: heavy imports happen in ``run``."""

from __future__ import annotations

import os
import sys


def _utf8_streams() -> None:
    """Under LANG=C (with locale coercion off) Python writes ASCII: Textual would
    draw ``\\u4e2d`` instead of Chinese.  The terminal gets UTF-8 regardless."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        enc = (getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "")
        if stream is not None and enc != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


def _terminal_problem() -> str | None:
    term = os.environ.get("TERM", "")
    if term == "dumb":
        return "TERM=dumb: this terminal cannot show the full-screen reader"
    for stream in (sys.stdin, sys.stdout):
        try:
            if stream is None or not stream.isatty():
                return "not a terminal: the full-screen reader needs one"
        except (ValueError, OSError):
            return "not a terminal: the full-screen reader needs one"
    return None


def run(paths: list[str] | None = None, encoding: str | None = None) -> int:
    """Open the reader on ``paths`` (None: the bundled seeds); return the exit code."""
    _utf8_streams()
    problem = _terminal_problem()
    if problem:
        print(
            f"yuelan: {problem}. Use `yuelan list`, `yuelan show DOC` or `yuelan search QUERY` instead.",
            file=sys.stderr,
        )
        return 2

    # Read the corpus while Textual is being imported: the tree can then be on
    # the very first frame.
    from concurrent.futures import ThreadPoolExecutor

    def load():
        from tui.corpus import load_corpus

        return load_corpus(paths, encoding)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="yuelan-corpus")
    future = pool.submit(load)
    pool.shutdown(wait=False)

    from tui.app.app import YuelanApp

    app = YuelanApp(paths, encoding, corpus_future=future)
    app.run()
    if app.error_message:
        return app.return_code or 1
    return app.return_code or 0
