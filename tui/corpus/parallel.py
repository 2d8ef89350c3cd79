"""Parsing files in worker processes, on every core.

A first open of a large corpus is dominated by decoding and parsing, one
file after another, while the other core idles.  Files are parsed in a pool
of worker processes (``forkserver``: started from a clean process, never
forked from the app's threads); each returns its document compact: the
paragraphs and sections as flat integer arrays (``cache._Paragraphs``, the
same rows the document cache keeps), so that sending it back costs little
more than its text.  Small jobs are parsed in this process: starting workers
costs more than it saves.

A failure of the pool itself (no processes can be started, a worker killed)
is not an error: the remaining files are parsed here.
"""

from __future__ import annotations

import gc
import itertools
import os
from collections import deque
from typing import Callable, Iterator, NamedTuple

PARALLEL_MIN_BYTES = 4 << 20  # below this, parse in this process
CHUNK_FILES = 8
AHEAD_CHUNKS = 4  # chunks parsed or waiting per worker, ahead of the caller
_pools: set = set()  # the pools parsing now (stop_workers)


class Job(NamedTuple):
    path: str
    ident: str
    encoding: str | None
    nofollow: bool
    size: int


class Result(NamedTuple):
    job: Job
    document: object | None  # Document
    reason: str | None  # why the file was skipped
    content_skip: bool  # the reason is the file's content (cached), not a passing failure
    stat: os.stat_result | None


def _init_worker() -> None:
    gc.disable()  # short-lived, allocation-heavy: collections only cost time


def _parse_chunk(parse: Callable[[Job], Result], jobs: list[Job]) -> list[Result]:
    """In a worker: a chunk of jobs, parsed one after another."""
    return [parse(job) for job in jobs]


def workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, 4))


def stop_workers() -> None:
    """Kill the worker processes of every pool still parsing: a program that
    leaves with ``os._exit`` meanwhile (the app quitting during a first
    open) would leave them waiting forever on a pipe they hold both ends of."""
    for pool in list(_pools):
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                proc.kill()
            except Exception:  # noqa: BLE001 - already gone
                pass


def prepare() -> None:
    """Start the helper process the pool needs (multiprocessing's resource
    tracker) now, while ``sys.stderr`` is a real file: the tracker is given
    its descriptor, and under Textual (which replaces stderr) starting it
    fails with "bad value(s) in fds_to_keep", so parsing would fall back to
    this process.  A caller that parses while Textual runs calls this first
    (before Textual is imported)."""
    if workers() < 2 or os.environ.get("YUELAN_NO_WORKERS"):
        return
    try:
        import concurrent.futures.process  # noqa: F401 - imported now, not beside Textual's imports
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except Exception:  # noqa: BLE001 - the pool falls back to this process
        pass


def parse_all(jobs: list[Job], here: Callable[[Job], Result], there: Callable[[Job], Result]) -> Iterator[Result]:
    """A result for each job, in order: ``there`` (a module-level function,
    sent to the workers by name) in worker processes when there is enough to
    parse, else ``here`` in this process."""
    n = workers()
    if n < 2 or len(jobs) < 2 or sum(j.size for j in jobs) < PARALLEL_MIN_BYTES or os.environ.get("YUELAN_NO_WORKERS"):
        for job in jobs:
            yield here(job)
        return
    done = 0
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tui.corpus"])
        pool = ProcessPoolExecutor(n, mp_context=ctx, initializer=_init_worker)
        _pools.add(pool)
        chunks = (jobs[i : i + CHUNK_FILES] for i in range(0, len(jobs), CHUNK_FILES))
        pending: deque = deque()
        try:
            # A few chunks ahead of the caller, never the whole corpus: the
            # workers can parse faster than a caller indexes, and every
            # document parsed ahead waits in memory with its text and fold
            # (``map`` submitted every file: with a caller taking 8 ms a
            # document, 3 000 files peaked at 84 MB, 33 MB now).
            for chunk in itertools.islice(chunks, AHEAD_CHUNKS * n):
                pending.append(pool.submit(_parse_chunk, there, chunk))
            while pending:
                results = pending.popleft().result()
                chunk = next(chunks, None)
                if chunk is not None:
                    pending.append(pool.submit(_parse_chunk, there, chunk))
                for r in results:
                    done += 1
                    yield r
        finally:
            # Left early (the caller stopped): the files not begun are dropped.
            pool.shutdown(wait=True, cancel_futures=True)
            _pools.discard(pool)
    except Exception:  # noqa: BLE001 - any failure of the pool: parse the rest here
        # (BrokenProcessPool, no processes allowed, or the forkserver cannot
        # start: under Textual, stdout and stderr are not real files and
        # passing their descriptors fails with "bad value(s) in fds_to_keep").
        for job in jobs[done:]:
            yield here(job)
