"""Search benchmark: build time and query latency on the seeds and on a
synthetic corpus of about ``--mb`` megabytes (UTF-8) made from the seeds.

    .venv/bin/python benchmarks/search_bench.py [--mb 100] [--repeat 3]

The synthetic corpus: copies of the seed documents; one copy in ``--verbatim``
(default 20) is verbatim, the others have their Chinese characters permuted
(a fixed random permutation per copy), so that the text keeps a realistic
character distribution and length but phrases stay rare.  Prints figures; it
asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.corpus import load_corpus, parse_document  # noqa: E402
from tui.search import SearchIndex  # noqa: E402

QUERIES = [
    "工会",
    "工会改革",
    "工會改革",
    "心灵港湾",
    "志愿团 律师",
    "外卖行业工会",
    "xinlinggangwan",
    "xin ling gang wan",
    "xlgw",
    "G60 kczl",
    "心灵港弯",
    "10073",
    "4523万元",
    '"工会改革"',
    "工会改革 -国有",
    "鑫淼犇骉曌",
    "zg",
]


def synthetic(mb: float, verbatim_every: int):
    seeds = load_corpus().documents
    rng = random.Random(42)
    cjk = sorted({c for d in seeds for c in d.text if "\u4e00" <= c <= "\u9fff"})
    docs = []
    size = 0
    k = 0
    target = mb * 1_000_000
    while size < target:
        for d in seeds:
            if (k // len(seeds)) % verbatim_every == 0:
                text = d.text
            else:
                perm = cjk[:]
                rng.shuffle(perm)
                text = d.text.translate({ord(a): b for a, b in zip(cjk, perm)})
            docs.append(parse_document(text, id=f"{k:06d}_{d.id}", path=f"/synthetic/{k}/{d.id}.txt"))
            size += len(text.encode("utf-8"))
            k += 1
    return docs, size


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(name: str, docs, repeat: int) -> None:
    gc.collect()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    index = SearchIndex(docs)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    index.warm()
    warm = time.perf_counter() - t0
    chars = sum(len(d.text) for d in docs)
    print(f"\n== {name}: {len(docs)} documents, {index.passages} passages, {chars / 1e6:.1f} M characters")
    print(f"build {build * 1000:.0f} ms, warm (jieba+pinyin) {warm * 1000:.0f} ms, peak RSS +{rss_mb() - rss0:.0f} MB")
    print(f"{'query':<22} {'total':>7} {'first':>9} {'best':>9}")
    for q in QUERIES:
        times = []
        for _ in range(repeat):
            r = index.search(q, limit=20)
            times.append(r.elapsed_ms)
        print(f"{q:<22} {r.total:>7} {times[0]:>7.1f}ms {min(times):>7.1f}ms")
    for word in ("xinlinggangwan", "xlgw", "心灵港湾"):
        times = []
        for i in range(1, len(word) + 1):
            times.append(index.search(word[:i], limit=20).elapsed_ms)
        steps = " ".join(f"{t:.0f}" for t in times)
        print(f"typing {word!r} one key at a time (ms per key): {steps}")
    doc = docs[0]
    t0 = time.perf_counter()
    spans = index.find_in_document(doc, "工会")
    print(f"find_in_document(工会) on {doc.id}: {len(spans)} spans, {(time.perf_counter() - t0) * 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--verbatim", type=int, default=20)
    args = ap.parse_args()
    bench("seeds", load_corpus().documents, args.repeat)
    if args.mb > 0:
        t0 = time.perf_counter()
        docs, size = synthetic(args.mb, args.verbatim)
        print(f"\n(synthetic corpus: {size / 1e6:.0f} MB UTF-8, generated and parsed in {time.perf_counter() - t0:.1f} s)")
        bench(f"synthetic {size / 1e6:.0f} MB", docs, args.repeat)


if __name__ == "__main__":
    main()
