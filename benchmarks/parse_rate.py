"""Cold parse rate: load_corpus (no cache) over a folder, best of N runs.

    python benchmarks/parse_rate.py DIR [--runs 3] [--src CHECKOUT]

DIR is a corpus made by make_corpus.py (e.g. ``make_corpus.py 30MB DIR``).
Prints the on-disk size, the best wall time and MB/s (MB = 10^6 bytes).  The
files are read once before timing so the page cache makes "cold" mean CPU:
decoding and parsing, which is what a rule change costs.  Both wall time and
the process's CPU time are given: on a shared machine CPU time is the fairer
comparison.  ``--src`` times another checkout's ``tui`` (e.g. an unpacked
``git archive`` of the commit before a change) with the same script.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path



def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--src", default=str(Path(__file__).resolve().parent.parent), help="checkout holding tui/")
    args = ap.parse_args(argv)
    sys.path.insert(0, args.src)
    from tui.corpus import load_corpus

    size = 0
    for root, _, files in os.walk(args.dir):
        for f in files:
            if f.endswith(".txt"):
                p = os.path.join(root, f)
                size += os.path.getsize(p)
                with open(p, "rb") as fh:
                    fh.read()
    best = cpu = float("inf")
    for _ in range(args.runs):
        t, c = time.perf_counter(), time.process_time()
        corpus = load_corpus([args.dir], cache=False)
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    mb = size / 1e6
    print(
        f"{len(corpus.documents)} documents, {mb:.1f} MB, best of {args.runs}: "
        f"wall {best:.2f} s = {mb / best:.2f} MB/s; CPU {cpu:.2f} s = {mb / cpu:.2f} MB/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
