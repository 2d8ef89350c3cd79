"""One measurement in a fresh process (called by ``run.py``; not for humans).

    _child.py MODE PATH --out FILE [--rounds N]

Modes: ``index`` (cold load+index, search latency, brute force, peak RSS),
``reopen`` (time to searchable in a new process), ``keys`` (keystroke to
results in the app, headless), ``single`` (load and layout of one big
document), ``profile`` (cProfile of load, index and one round of queries).
Writes one JSON object to FILE.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import time
from pathlib import Path

T_START = time.perf_counter()
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from queries import CADENCE, QUERIES, TYPED, TYPED_KEY_BY_KEY, brute_terms  # noqa: E402


def proc_status(pid: int | str = "self") -> dict[str, float]:
    """VmRSS / VmHWM in MB (kernel figures: HWM is the peak RSS)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return out


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def stats(values: list[float]) -> dict:
    return {"p50": pct(values, 50), "p95": pct(values, 95), "max": max(values) if values else float("nan"), "n": len(values)}


def corpus_bytes(docs) -> int:
    total = 0
    for d in docs:
        try:
            total += os.path.getsize(d.path)
        except OSError:
            pass
    return total


# ------------------------------------------------------------ persistence
def persistent_api():
    """The reopen path: (label, open(paths) -> index with ``.corpus``)."""
    from tui.search import SearchIndex

    return "SearchIndex.open(paths)", SearchIndex.open


def load_with_cache(path: str, res: dict):
    """``load_corpus([path])``, through the persistent document cache when
    ``tui.corpus`` has one (``load_corpus(..., cache=True)``).  run.py points
    XDG_CACHE_HOME at a directory of its own, empty before the cold run."""
    import inspect

    from tui.corpus import load_corpus

    if "cache" in inspect.signature(load_corpus).parameters and not os.environ.get("YUELAN_NO_CACHE"):
        corpus = load_corpus([path], cache=True)
        res["doc_cache"] = True
        res["cache_notices"] = list(getattr(corpus, "notices", []) or [])
        changes = getattr(corpus, "changes", None) or {}
        res["cache_changes"] = {k: len(v) for k, v in changes.items()}
    else:
        corpus = load_corpus([path])
        res["doc_cache"] = False
    return corpus


# ------------------------------------------------------------------ modes
def mode_index(path: str, rounds: int) -> dict:
    res: dict = {"mode": "index"}
    t0 = time.perf_counter()
    from tui.search import SearchIndex

    res["import_s"] = time.perf_counter() - t0
    res["rss_after_import_mb"] = proc_status().get("VmRSS")
    gc.collect()
    t0 = time.perf_counter()
    try:
        from tui.session import open_indexed
    except ImportError:  # before it: parse everything, then index
        open_indexed = None
    if open_indexed is not None:
        # `yuelan index`'s path: on a first open each file is indexed as it
        # is parsed, so reading and indexing overlap (load_s is both).
        corpus, index = open_indexed([path])
        res["doc_cache"] = True
        res["streamed"] = True
        t1 = t2 = time.perf_counter()
        docs = list(corpus.documents)
    else:
        corpus = load_with_cache(path, res)
        t1 = time.perf_counter()
        docs = list(corpus.documents)
        index = SearchIndex.build(docs, roots=[path])  # kept in the cache dir, named as the reopen child and the CLI name it
        t2 = time.perf_counter()
    if hasattr(index, "settle"):
        index.settle()  # as `yuelan index` does: wait for the segment merges
    ts = time.perf_counter()
    index.warm()
    t3 = time.perf_counter()
    res.update(
        load_s=t1 - t0,
        build_s=t2 - t1,
        settle_s=ts - t2,
        warm_s=t3 - ts,
        cold_s=t3 - t0,
        documents=len(docs),
        skipped=len(corpus.skipped),
        bytes=corpus_bytes(docs),
        chars=sum(d.chars if hasattr(d, "chars") else len(d.text) for d in docs),  # decoding no text again
        passages=getattr(index, "passages", None),
    )
    res["cold_mb_s"] = res["bytes"] / 1e6 / res["cold_s"]
    res["rss_after_index_mb"] = proc_status().get("VmRSS")

    per_query: dict[str, dict] = {}
    wall: list[float] = []
    first_round: list[float] = []
    for r in range(rounds):
        for kind, q, expect in QUERIES:
            t = time.perf_counter()
            resp = index.search(q, limit=20)
            ms = (time.perf_counter() - t) * 1000
            wall.append(ms)
            if r == 0:
                first_round.append(ms)
            e = per_query.setdefault(q, {"kind": kind, "expect": expect, "wall_ms": [], "elapsed_ms": []})
            e["wall_ms"].append(ms)
            e["elapsed_ms"].append(getattr(resp, "elapsed_ms", float("nan")))
            e["total"] = resp.total
            e["error"] = getattr(resp, "error", None)
            e["match"] = resp.results[0].match if resp.results else None
    res["search"] = stats(wall)
    res["search_first_round"] = stats(first_round)
    st = proc_status()
    res["peak_rss_mb"] = st.get("VmHWM")
    res["rss_after_search_mb"] = st.get("VmRSS")

    # Brute force: every term of every query, str.find over the joined texts.
    big = "\n".join(d.text for d in docs)
    bwall: list[float] = []
    for _ in range(rounds):
        for kind, q, expect in QUERIES:
            t = time.perf_counter()
            found = 0
            for term in brute_terms(q):
                i = big.find(term)
                while i >= 0:
                    found += 1
                    i = big.find(term, i + len(term))
            ms = (time.perf_counter() - t) * 1000
            bwall.append(ms)
            e = per_query[q]
            e.setdefault("brute_ms", []).append(ms)
            e["brute_found"] = found
    res["brute"] = stats(bwall)
    for q, e in per_query.items():
        e["wall_p50"] = pct(e["wall_ms"], 50)
        e["brute_p50"] = pct(e["brute_ms"], 50)
        e["ok"] = (e["total"] > 0) == (e["expect"] == "hits") and not e["error"]
    res["queries"] = per_query
    del big

    res["persistent"] = "SearchIndex.build (tantivy, kept per corpus)"
    if index.store_path:
        res["index_disk_bytes"] = sum(
            os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(index.store_path) for f in fs)
    res["index_notices"] = list(index.notices)
    index.close()
    return res


def mode_reopen(path: str) -> dict:
    res: dict = {"mode": "reopen"}
    t0 = time.perf_counter()
    api = persistent_api()
    index = None
    if api is not None:
        label, fn = api
        try:
            index = fn([path])
            res["how"] = f"persistent index: {label}"
        except Exception as exc:  # noqa: BLE001
            res["persistent_error"] = f"{label}: {type(exc).__name__}: {exc}"
            index = None
    if index is None:
        from tui.search import SearchIndex

        t = time.perf_counter()
        corpus = load_with_cache(path, res)
        t1 = time.perf_counter()
        index = SearchIndex(corpus.documents)
        t2 = time.perf_counter()
        res.update(load_s=t1 - t, build_s=t2 - t1)
        if res.get("doc_cache") and res.get("cache_changes", {}).get("unchanged"):
            res["how"] = "documents from the persistent document cache, search index built again (no persistent search index yet)"
        else:
            res["how"] = "no persistent index yet: load + index again (fresh process)"
    warm = getattr(index, "warm", None)
    t = time.perf_counter()
    if warm is not None:
        warm()
    res["warm_s"] = time.perf_counter() - t
    res["reopen_s"] = time.perf_counter() - t0  # searchable
    t = time.perf_counter()
    resp = index.search("琉璃灯塔", limit=20)
    res["first_search_ms"] = (time.perf_counter() - t) * 1000
    res["process_s"] = time.perf_counter() - T_START
    res["first_search_total"] = resp.total
    res["peak_rss_mb"] = proc_status().get("VmHWM")
    return res


def composited_frames() -> list[tuple[float, float]]:
    """Every frame the screen composites from now on: (start, end).  Results
    are "on screen" when the first frame that starts after they were stored
    has been composited (the headless driver's write is all that is left of
    it)."""
    from textual.screen import Screen

    frames: list[tuple[float, float]] = []
    composite = Screen._compositor_refresh

    def timed_composite(self) -> None:
        t = time.perf_counter()
        composite(self)
        frames.append((t, time.perf_counter()))

    Screen._compositor_refresh = timed_composite
    return frames


@contextlib.asynccontextmanager
async def indexed_app(path: str):
    """The app on ``path`` under ``run_test`` (120x40), once its index is
    complete (not only searchable while a long build runs): (app, pilot,
    the frames it composites from its start, seconds until indexed)."""
    import asyncio

    from tui.app.app import YuelanApp

    frames = composited_frames()
    try:  # as `yuelan` starts it: a first open streams its documents
        from tui.app import start_loading
    except ImportError:
        app = YuelanApp([path])
    else:
        future, stream = start_loading([path], None)
        app = YuelanApp([path], corpus_future=future, corpus_stream=stream)
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        while (app.index is None or app._index_partial) and app.index_error is None:
            await asyncio.sleep(0.01)
            if time.perf_counter() - t0 > 1200:
                raise TimeoutError("index not ready after 20 min")
        yield app, pilot, frames, time.perf_counter() - t0


def mode_keys(path: str, rounds: int) -> dict:
    import asyncio

    res: dict = {"mode": "keys"}

    async def main() -> None:
        from tui.app.screens import search as search_screen

        async with indexed_app(path) as (app, pilot, frames, indexed_s):
            res["app_searchable_s"] = indexed_s
            search = app.query_one("#search")
            await pilot.press("slash")

            async def until(query: str, limit: float = 120.0) -> float:
                start = time.perf_counter()
                while True:
                    r = app.searching.response
                    if r is not None and r.query == query:
                        return time.perf_counter()
                    if time.perf_counter() - start > limit:
                        raise TimeoutError(f"no results for {query!r} after {limit} s")
                    await asyncio.sleep(0.0005)

            async def until_painted(query: str) -> tuple[float, float]:
                stored = await until(query)
                while True:
                    done = [end for start, end in frames if start >= stored]
                    if done:
                        return stored, done[0]
                    if time.perf_counter() - stored > 30:
                        raise TimeoutError(f"results for {query!r} never painted")
                    await asyncio.sleep(0.0005)

            # A typed key, not a burst: the app coalesces keys that arrive
            # within DEBOUNCE of the one before (one SSH packet, a paste).
            gap = 2 * search_screen.DEBOUNCE

            lat: list[float] = []
            per: dict[str, list] = {}
            for _ in range(rounds):
                for q in TYPED:
                    prefix, last = q[:-1], q[-1]
                    typed_at = time.perf_counter()
                    search.value = prefix
                    search.cursor_position = len(prefix)
                    if prefix.strip():
                        await until_painted(prefix.strip())
                    while time.perf_counter() - typed_at < gap:
                        await asyncio.sleep(0.002)
                    await pilot.pause()
                    waiter = asyncio.ensure_future(until_painted(q))
                    t = time.perf_counter()
                    await pilot.press(last)
                    stored, painted = await waiter
                    ms = (painted - t) * 1000
                    lat.append(ms)
                    resp = app.searching.response
                    per.setdefault(q, []).append(
                        {"ms": ms, "stored_ms": (stored - t) * 1000, "search_ms": getattr(resp, "elapsed_ms", None),
                         "total": resp.total, "shown": len(app.searching.results)}
                    )
            res["keys"] = stats(lat)
            res["keys_stored"] = stats([x["stored_ms"] for v in per.values() for x in v])
            res["typed"] = per
            res["debounce_s"] = search_screen.DEBOUNCE
            res["gap_s"] = gap
            res["peak_rss_mb"] = proc_status().get("VmHWM")

    asyncio.run(main())
    return res


def mode_single(path: str) -> dict:
    res: dict = {"mode": "single", "bytes": os.path.getsize(path)}
    t0 = time.perf_counter()
    from tui.corpus import load_document

    t1 = time.perf_counter()
    doc = load_document(path, id="single")
    t2 = time.perf_counter()
    from tui.app.layout import layout

    t3 = time.perf_counter()
    lay = layout(doc, 78)
    t4 = time.perf_counter()
    res.update(
        import_s=t1 - t0,
        load_document_s=t2 - t1,
        layout_s=t4 - t3,
        chars=len(doc.text),
        paragraphs=len(doc.paragraphs),
        sections=len(doc.sections),
        lines=len(lay),
        peak_rss_mb=proc_status().get("VmHWM"),
    )
    return res


def mode_profile(path: str, out_prefix: str) -> dict:
    import cProfile
    import pstats

    from tui.corpus import load_corpus
    from tui.search import SearchIndex

    res: dict = {"mode": "profile", "files": {}}
    holder: dict = {}

    def load():
        holder["docs"] = list(load_corpus([path]).documents)

    def build():
        ix = SearchIndex(holder["docs"])
        ix.warm()
        holder["index"] = ix

    def search():
        for _, q, _ in QUERIES:
            holder["index"].search(q, limit=20)

    def app_search():
        # What the app does after each search: find_in_document per result doc.
        ix = holder["index"]
        for _, q, _ in QUERIES:
            resp = ix.search(q, limit=50)
            seen = set()
            for hit in resp.results:
                if hit.doc_id not in seen:
                    seen.add(hit.doc_id)
                    ix.find_in_document(hit.doc, q)

    phases = [("load", load), ("index", build), ("search", search), ("app_search", app_search)]

    def slowest() -> None:
        # The slowest queries of the mix, each profiled on its own (3 runs).
        ix = holder["index"]
        timed = []
        for _, q, _ in QUERIES:
            t = time.perf_counter()
            ix.search(q, limit=20)
            timed.append((time.perf_counter() - t, q))
        timed.sort(reverse=True)
        res["slowest"] = [{"query": q, "wall_ms": w * 1000} for w, q in timed[:3]]
        for i, (_, q) in enumerate(timed[:3]):
            phases.append((f"q{i + 1}", lambda q=q: [ix.search(q, limit=20) for _ in range(3)]))

    i = 0
    while i < len(phases):
        name, fn = phases[i]
        i += 1
        if name == "app_search":
            phases.insert(i, ("_slowest", slowest))
        if name.startswith("_"):
            fn()
            continue
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        fn()
        prof.disable()
        wall = time.perf_counter() - t
        fname = f"{out_prefix}-{name}.txt"
        with open(fname, "w", encoding="utf-8") as fh:
            st = pstats.Stats(prof, stream=fh)
            st.sort_stats("tottime").print_stats(25)
            st.sort_stats("cumulative").print_stats(25)
        st = pstats.Stats(prof)
        rows = []
        for (file, line, func), (cc, nc, tt, ct, _) in st.stats.items():  # type: ignore[attr-defined]
            rows.append((tt, ct, nc, f"{Path(file).name}:{line}({func})"))
        rows.sort(reverse=True)
        total = sum(r[0] for r in rows) or 1.0
        res["files"][name] = fname
        cum = sorted(
            ((ct, nc, f"{Path(file).name}:{line}({func})") for (file, line, func), (cc, nc, tt, ct, _) in st.stats.items()  # type: ignore[attr-defined]
             if "/tui/" in file),
            reverse=True,
        )
        res[name] = {
            "wall_s_profiled": wall,
            "top_cumtime_tui": [{"func": f, "cumtime_s": ct, "calls": nc} for ct, nc, f in cum[:12]],
            "top_tottime": [
                {"func": f, "tottime_s": tt, "share": tt / total, "cumtime_s": ct, "calls": nc} for tt, ct, nc, f in rows[:12]
            ],
        }
    return res


def mode_typing(path: str, rounds: int) -> dict:
    """Pinyin typed whole, one key every CADENCE seconds: each key's time to
    its results on screen (the first frame composited after its answer was
    stored), every prefix on the way included.  A key whose answer never
    came (overtaken by the next key) counts as the time to the next one's."""
    import asyncio
    import threading

    res: dict = {"mode": "typing", "cadence_s": CADENCE}

    async def main() -> None:
        from textual import events

        async with indexed_app(path) as (app, pilot, frames, _):
            # jieba and the pinyin tables warmed (the keys benchmark types
            # while they load; this one measures typing itself).
            while any(t.name == "yuelan-search-warm" and t.is_alive() for t in threading.enumerate()):
                await asyncio.sleep(0.05)
            search = app.query_one("#search")
            await pilot.press("slash")
            answered: dict[str, float] = {}

            async def watch() -> None:
                while True:
                    r = app.searching.response
                    if r is not None and r.query not in answered:
                        answered[r.query] = time.perf_counter()
                    await asyncio.sleep(0.0005)

            watcher = asyncio.ensure_future(watch())
            per: dict[str, list] = {}
            lat: list[float] = []
            for _ in range(rounds):
                for word in TYPED_KEY_BY_KEY:
                    search.value = ""
                    await asyncio.sleep(0.5)
                    answered.clear()
                    pressed: list[tuple[str, float]] = []
                    for i, ch in enumerate(word):
                        t = time.perf_counter()
                        pressed.append((word[: i + 1], t))
                        # As the terminal sends it; not Pilot.press, which
                        # waits for the app to be idle (the search done)
                        # before it returns, so keys never came faster
                        # than their answers.
                        key = events.Key(ch, ch)
                        key.set_sender(app)
                        app._driver.send_message(key)
                        await asyncio.sleep(0)
                        rest = CADENCE - (time.perf_counter() - t)
                        if rest > 0:
                            await asyncio.sleep(rest)
                    while word not in answered and time.perf_counter() - pressed[-1][1] < 30:
                        await asyncio.sleep(0.001)
                    await asyncio.sleep(0.2)  # the last answer's frame
                    keys = []
                    for k, (q, t) in enumerate(pressed):
                        # Its own answer, or (overtaken) the next one that came.
                        later = [answered[q2] for q2, _ in pressed[k:] if q2 in answered]
                        if not later:
                            continue
                        stored = later[0]
                        shown = next((end for start, end in frames if start >= stored), None)
                        if shown is not None:
                            keys.append(round((shown - t) * 1000, 1))
                    per.setdefault(word, []).append(keys)
                    lat.extend(keys)
            watcher.cancel()
            res["keys"] = stats(lat)
            res["typed"] = per
            res["peak_rss_mb"] = proc_status().get("VmHWM")

    asyncio.run(main())
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["index", "reopen", "keys", "typing", "single", "profile"])
    ap.add_argument("path")
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if args.mode == "index":
        res = mode_index(args.path, args.rounds)
    elif args.mode == "reopen":
        res = mode_reopen(args.path)
    elif args.mode == "keys":
        res = mode_keys(args.path, args.rounds)
    elif args.mode == "typing":
        res = mode_typing(args.path, args.rounds)
    elif args.mode == "single":
        res = mode_single(args.path)
    else:
        res = mode_profile(args.path, str(Path(args.out).with_suffix("")))
    res["process_s"] = time.perf_counter() - T_START
    Path(args.out).write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
