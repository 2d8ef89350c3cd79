"""Cyclic garbage collection paused around allocation-heavy work.

Its own small module: ``python -m tui`` and ``yuelan`` pause collections
before their first import (tui.cli's argparse, the corpus layer, Textual:
~20 collections, 5-14 ms, before the app's first frame), and the corpus
and search layers pause them around parsing and indexing.
"""

from __future__ import annotations

import contextlib
import gc
import threading

_gc_lock = threading.Lock()
_gc_pauses = 0  # pauses in force: nested, or in several threads at once
_gc_resume = False  # collections ran when the first of them began


def pause_gc() -> None:
    """No cyclic garbage collection until the matching ``resume_gc()``.
    Parsing, indexing and a query over 100 000 candidates make millions of
    small objects, and each collection walks all of them (a million-line
    file: 22.7 s with collections, 16.3 s without); the app's start-up
    makes tens of thousands that all live on.  Process-wide, so only around
    such work.  Pauses nest and overlap across threads (the app's start-up
    and the corpus load beside it): collections resume when the last one
    ends, if they ran when the first began."""
    global _gc_pauses, _gc_resume
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_pauses += 1


def resume_gc() -> None:
    """End a ``pause_gc()``."""
    global _gc_pauses
    with _gc_lock:
        _gc_pauses -= 1
        if _gc_pauses == 0 and _gc_resume:
            gc.enable()


@contextlib.contextmanager
def gc_paused():
    """``pause_gc()`` for the duration of a ``with`` block."""
    pause_gc()
    try:
        yield
    finally:
        resume_gc()


@contextlib.contextmanager
def kept_for_good():
    """``gc_paused()``, then the objects made meanwhile are frozen
    (``gc.freeze``): for work whose objects live until the process ends,
    such as a command's corpus and index.  No collection walks them again:
    at 100 MB, the first collection after loading the corpus walked its
    hundred thousand objects (40-50 ms of a 0.9 s ``yuelan search``)."""
    pause_gc()
    try:
        yield
        gc.freeze()
    finally:
        resume_gc()
