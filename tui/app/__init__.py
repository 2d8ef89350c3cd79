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


def locale_warning(environ=None) -> str | None:
    """A notice when the locale names a legacy Chinese encoding (GB18030, GBK,
    Big5...): the app always draws in UTF-8 (Textual cannot do otherwise),
    which such a terminal would show as garbage.  Many such setups have a
    UTF-8 terminal all the same (the locale is only for old programs), so
    the app still opens; the notice is ASCII, which every one of these
    encodings shows correctly."""
    env = os.environ if environ is None else environ
    name = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    charset = name.partition(".")[2].partition("@")[0].lower().replace("-", "").replace("_", "")
    if charset in ("gb18030", "gbk", "gb2312", "euccn", "big5", "big5hkscs", "euctw"):
        return (
            f"The locale is {name}, but yuelan draws in UTF-8. If Chinese looks garbled, "
            "use a UTF-8 locale (LANG=zh_CN.UTF-8) in a UTF-8 terminal, or run it under luit."
        )
    return None


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


def start_loading(paths: list[str] | None, encoding: str | None):
    """Start reading the corpus in the background, before the app is built;
    returns ``(future, stream)`` for ``YuelanApp(corpus_future=...,
    corpus_stream=...)``, one of them None.  On a first open (no document
    cache) a ``CorpusStream`` shows and indexes documents as they are parsed;
    otherwise a thread loads the corpus from its cache into the future."""
    # Read the corpus while Textual is being imported: the tree can then be on
    # the very first frame.  A daemon thread, not an executor: executor threads
    # are joined at exit, so quitting would wait for a 100 MB load to finish.
    import threading
    from concurrent.futures import Future

    # Import the corpus layer here, not in the thread: two threads importing
    # the same modules (typing, dataclasses...) while Textual is imported can
    # hit Python's import-deadlock breaker, which hands one of them a
    # partially initialised module ("module 'typing' has no attribute ...").
    import tui.corpus.cache  # noqa: F401
    from tui.session import CorpusStream, needs_parsing, open_corpus

    if needs_parsing(paths, encoding):
        # A first open: documents are shown and indexed as they are parsed.
        import tui.search.index  # noqa: F401 - imported here for the same reason

        return None, CorpusStream(paths, encoding).start()
    future: Future = Future()

    def load() -> None:
        try:
            future.set_result(open_corpus(paths, encoding))  # its notices: shown by the app
        except BaseException as exc:  # noqa: BLE001 - reported by the app
            future.set_exception(exc)

    threading.Thread(target=load, name="yuelan-corpus", daemon=True).start()
    return future, None


def run(paths: list[str] | None = None, encoding: str | None = None, watch: bool = True) -> int:
    """Open the reader on ``paths`` (None: the bundled seeds); return the exit code."""
    _utf8_streams()
    problem = _terminal_problem()
    if problem:
        print(
            f"yuelan: {problem}. Use `yuelan list`, `yuelan show DOC` or `yuelan search QUERY` instead.",
            file=sys.stderr,
        )
        return 2

    # No cyclic garbage collection until the app is built: the imports make
    # tens of thousands of objects that all live on, and the collector walked
    # them over and over (~140 collections before the first frame, 55-66 ms
    # of CPU, measured with gc.callbacks in tmux; 13-21 ms now).  Then they
    # are frozen: later collections skip them.  A corpus load still running
    # keeps its own pause.
    from tui.gcpause import pause_gc, resume_gc

    pause_gc()

    future, stream = start_loading(paths, encoding)
    import gc

    import asyncio

    from tui.app.app import YuelanApp

    app = YuelanApp(paths, encoding, corpus_future=future, corpus_stream=stream, watch_files=watch)
    app.startup_notices.extend(filter(None, [locale_warning()]))

    def first_frame_drawn() -> None:
        gc.freeze()
        resume_gc()

    # Collections stay off until the first frame is on screen (81 more
    # collections of young objects ran between the app built and the frame).
    app.after_first_frame = first_frame_drawn
    # Like app.run(), but without asyncio.run()'s final wait for the default
    # executor: Textual's thread workers (index build, search) run there and
    # cannot be interrupted, so q would hang until they finished.  The app has
    # restored the terminal when run_async returns; nothing else is pending.
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(app.run_async())
    finally:
        asyncio.set_event_loop(None)
    if stream is not None and not stream.done.is_set():
        from tui.corpus import parallel

        stream.cancel()
        parallel.stop_workers()  # os._exit would leave them behind
    if app.error_message:
        code = app.return_code or 1
    else:
        code = app.return_code or 0
    _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """Leave without joining worker threads (see run)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (ValueError, OSError):
            pass
    os._exit(code)
