"""Cold parse rate: load_corpus (no cache) over a folder, best of N runs.

    python benchmarks/parse_rate.py DIR [--runs 3]

DIR is a corpus made by make_corpus.py (e.g. ``make_corpus.py 30MB DIR``).
Prints the on-disk size, the best wall time and MB/s (MB = 10^6 bytes).  The
files are read once before timing so the page cache makes "cold" mean CPU:
decoding and parsing, which is what a rule change costs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.corpus import load_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    size = 0
    for root, _, files in os.walk(args.dir):
        for f in files:
            if f.endswith(".txt"):
                p = os.path.join(root, f)
                size += os.path.getsize(p)
                with open(p, "rb") as fh:
                    fh.read()
    best = float("inf")
    for _ in range(args.runs):
        t = time.perf_counter()
        corpus = load_corpus([args.dir], cache=False)
        best = min(best, time.perf_counter() - t)
    mb = size / 1e6
    print(f"{len(corpus.documents)} documents, {mb:.1f} MB: best of {args.runs} {best:.2f} s = {mb / best:.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
