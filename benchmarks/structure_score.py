"""Score titles and outlines against a folder of real documents with gold.json.

    python benchmarks/structure_score.py [DIR] [--verbose] [--src CHECKOUT]

DIR (default ../shared/corpora/real beside the checkout) holds text files and
a ``gold.json`` (conventions in that folder's SOURCES.md).  The documents are
parsed the way a user sees them: ``yuelan list --json DIR`` in a subprocess,
with a fresh cache directory so no stale parse is scored; ``--src`` scores
another checkout's ``tui`` (e.g. an unpacked ``git archive`` of an older commit).

Printed: titles right (n/N), section precision / recall / F1, level agreement
(matched headings at the gold level), and boilerplate shown as the title or a
section.  Strings are compared after NFKC and whitespace normalisation
(Markdown ``#`` and trailing ``…`` dropped).  A detected section matches a gold
heading when they are equal, or when the detected one starts with the gold one
(run-in headings: the gold title is the lead phrase).  Gold ``optional``
headings are neither rewarded nor penalised: a detected section that matches
no gold heading but contains an optional one is left out of the count.  Where the text has no title line
(``title_in_text: false``), the file name is accepted too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = HERE.parent.parent / "shared" / "corpora" / "real"


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = s.lstrip("#").strip().rstrip("…").strip()
    return s


def squash(s: str) -> str:
    return re.sub(r"\s+", "", norm(s))


def matches(detected: str, gold: str) -> bool:
    d, g = squash(detected), squash(gold)
    return bool(g) and (d == g or d.startswith(g))


def align(detected: list[dict], gold: list[dict]) -> list[tuple[int, int]]:
    """Pairs (detected index, gold index) of a longest in-order matching."""
    return lcs_pairs(len(detected), len(gold), lambda i, j: matches(detected[i]["title"], gold[j]["title"]))


def lcs_pairs(n: int, m: int, ok) -> list[tuple[int, int]]:
    """Pairs (i, j), i < n and j < m, of a longest in-order matching where
    ``ok(i, j)`` says whether item i may stand for item j (both scorers)."""
    hit = [[ok(i, j) for j in range(m)] for i in range(n)]
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + 1 if hit[i][j] else 0)
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if hit[i][j] and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def run_list(folder: Path, src: Path = HERE.parent) -> dict:
    with tempfile.TemporaryDirectory(prefix="yuelan-score-") as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=tmp, XDG_DATA_HOME=tmp, XDG_CONFIG_HOME=tmp, XDG_STATE_HOME=tmp)
        env["PYTHONPATH"] = str(src) + os.pathsep + env.get("PYTHONPATH", "")
        out = subprocess.run(
            [sys.executable, "-m", "tui", "list", "--json", str(folder)],
            capture_output=True,
            env=env,
            cwd=src,  # python -m puts the working directory first on the path
            check=True,
        )
    return json.loads(out.stdout)


def score(folder: Path, verbose: bool = False, src: Path = HERE.parent) -> dict:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    listing = run_list(folder, src)
    by_name = {os.path.basename(d["path"]): d for d in listing["documents"]}
    totals = {"docs": 0, "titles": 0, "tp": 0, "det": 0, "gold": 0, "level_ok": 0, "boiler": 0}
    for name, g in sorted(gold.items()):
        doc = by_name.get(name)
        totals["docs"] += 1
        if doc is None:
            print(f"{name}: MISSING from the listing")
            totals["gold"] += len(g["sections"])
            continue
        accepted = [g["title"], *g.get("title_alt", [])]
        if g.get("title_in_text") is False:
            accepted.append(os.path.splitext(name)[0])
        title_ok = any(squash(doc["title"]) == squash(t) for t in accepted)
        totals["titles"] += title_ok
        optional = [squash(o) for o in g.get("optional", [])]
        found = align(doc["sections"], g["sections"])
        hit = {i for i, _ in found}
        det = [
            s
            for i, s in enumerate(doc["sections"])
            if i in hit or not any(o and o in squash(s["title"]) for o in optional)
        ]
        pairs = align(det, g["sections"])
        totals["tp"] += len(pairs)
        totals["det"] += len(det)
        totals["gold"] += len(g["sections"])
        level_ok = sum(det[i]["level"] == g["sections"][j]["level"] for i, j in pairs)
        totals["level_ok"] += level_ok
        shown = [doc["title"]] + [s["title"] for s in doc["sections"]]
        boiler = [b for b in g.get("boilerplate", []) if any(squash(b) and squash(b) in squash(t) for t in shown)]
        totals["boiler"] += len(boiler)
        line = (
            f"{name}: title {'ok' if title_ok else 'WRONG'}; sections {len(pairs)}/{len(g['sections'])} found, "
            f"{len(det) - len(pairs)} extra; levels {level_ok}/{len(pairs)}; boilerplate {len(boiler)}"
        )
        print(line)
        if verbose:
            if not title_ok:
                print(f"    title: {doc['title']!r}  want {g['title']!r}")
            hit_d = {i for i, _ in pairs}
            hit_g = {j for _, j in pairs}
            for i, s in enumerate(det):
                if i not in hit_d:
                    print(f"    extra  L{s['level']} {s['title']!r}")
            for j, s in enumerate(g["sections"]):
                if j not in hit_g:
                    print(f"    missed L{s['level']} {s['title']!r}")
            for i, j in pairs:
                if det[i]["level"] != g["sections"][j]["level"]:
                    print(f"    level  {det[i]['title']!r}: {det[i]['level']} want {g['sections'][j]['level']}")
            for b in boiler:
                print(f"    boilerplate shown: {b!r}")
    p = totals["tp"] / totals["det"] if totals["det"] else 1.0
    r = totals["tp"] / totals["gold"] if totals["gold"] else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    lv = totals["level_ok"] / totals["tp"] if totals["tp"] else 1.0
    print()
    print(f"titles right        {totals['titles']}/{totals['docs']}")
    print(f"sections            precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}  ({totals['tp']} matched, {totals['det']} listed, {totals['gold']} gold)")
    print(f"levels              {lv:.3f}  ({totals['level_ok']}/{totals['tp']})")
    print(f"boilerplate shown   {totals['boiler']}")
    return {"titles": totals["titles"], "docs": totals["docs"], "precision": p, "recall": r, "f1": f1, "levels": lv, "boilerplate": totals["boiler"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR), help="folder with documents and gold.json")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    ap.add_argument("--src", default=str(HERE.parent), help="checkout whose tui/ is scored")
    args = ap.parse_args(argv)
    folder = Path(args.dir)
    if not (folder / "gold.json").is_file():
        print(f"structure_score: no gold.json in {folder}", file=sys.stderr)
        return 2
    score(folder, args.verbose, Path(args.src))
    return 0


if __name__ == "__main__":
    sys.exit(main())
