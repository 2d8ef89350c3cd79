"""Time to the document tree on screen, in tmux, against a bare Textual app.

    python benchmarks/first_frame_tmux.py [--runs 9] [--size 120x36] [PATH...]

Each run starts a private tmux server with the program in it and polls the
pane (every 5 ms) until a marker is on screen: the bare app's one Static
(benchmarks/_bare_app.py), or for yuelan the first document title of the
tree.  Runs alternate bare / ours so both see the same machine load.  The
time includes Python's start-up, imports, tmux itself, the first layout and
the corpus load (from the document cache, warmed by one run not counted).
Prints the medians and the ratio (the issue's goal: <= 1.3).

yuelan's modules are byte-compiled first (``compileall``), as an install
does: Textual's are, in site-packages, and with PYTHONDONTWRITEBYTECODE set
(as on the shared build machines) every run would otherwise compile all of
``tui`` from source again, ~0.1 s that no installed copy pays.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_to(cmd: list[str], marker: str, size: tuple[int, int], timeout: float = 30.0) -> float:
    name = f"yuelan-ff-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", name]
    env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "YUELAN_NO_WATCH": "1"}
    shell = " ".join(["env", "-u", "COLUMNS", "-u", "LINES", *(shlex.quote(f"{k}={v}") for k, v in env.items()),
                      *map(shlex.quote, cmd)])
    t0 = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]), "-c", str(ROOT),
                    shell], check=True)
    try:
        while time.perf_counter() - t0 < timeout:
            out = subprocess.run([*tmux, "capture-pane", "-t", name, "-p"], capture_output=True, text=True,
                                 errors="replace").stdout
            if marker in out:
                return time.perf_counter() - t0
            time.sleep(0.005)
        raise RuntimeError(f"{marker!r} did not appear in {timeout}s:\n{out}")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--size", default="120x36")
    ap.add_argument("paths", nargs="*", help="corpus for yuelan (default: the bundled seeds)")
    args = ap.parse_args(argv)
    size = tuple(int(x) for x in args.size.split("x"))
    py = sys.executable
    bare = ([py, str(ROOT / "benchmarks" / "_bare_app.py")], "BARE-READY")
    ours_cmd = [py, "-m", "tui", "--no-watch", *args.paths]
    if args.paths:
        sys.path.insert(0, str(ROOT))
        from tui.corpus import load_corpus

        marker = load_corpus(args.paths, cache=True).documents[0].title[:8]
    else:
        marker = "上海市金山區總工會"  # a seed title in the tree
    ours = (ours_cmd, marker)
    if subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "tui")], capture_output=True).returncode:
        print("note: tui could not be byte-compiled (read-only checkout?): yuelan compiles it every run")
    load_before = os.getloadavg()[0]
    time_to(*ours, size)  # warm the caches (document cache, OS file cache)
    time_to(*bare, size)
    times: dict[str, list[float]] = {"bare": [], "yuelan": []}
    for _ in range(args.runs):
        times["bare"].append(time_to(*bare, size))
        times["yuelan"].append(time_to(*ours, size))
    b, o = statistics.median(times["bare"]), statistics.median(times["yuelan"])
    print(f"size {size[0]}x{size[1]}, {args.runs} runs each, alternating; load avg {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"bare Textual app, first frame: median {b:.3f} s  (min {min(times['bare']):.3f})")
    print(f"yuelan, tree on screen:       median {o:.3f} s  (min {min(times['yuelan']):.3f})")
    print(f"ratio {o / b:.2f} (goal <= 1.3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
