"""Score the format extractors on ../shared/corpora/formats (gold.json).

    .venv/bin/python benchmarks/formats_score.py [DIR] [--verbose]

For each file in gold.json, the document is loaded through the real load
path (``tui.corpus.load_document``) and compared with gold as SOURCES.md
advises: Unicode NFC, markup removed (Markdown links/code), whitespace
(U+3000 and TAB too) removed for the comparison, in document order.

* title right: the title equals gold ``title`` or one of ``title_alt``;
* sections: an order-preserving match (longest common subsequence) of the
  found sections against gold, where a gold section matches by ``title``,
  ``display`` or any ``alt``; found sections equal to an ``optional``
  string are neither counted nor penalised; precision, recall and F1;
* level: the share of matched sections at gold's level;
* chrome: a title or section containing a ``boilerplate`` string.

Prints one line per file and the totals; exits 1 when a title is wrong, a
file's F1 is below 0.9 or chrome shows, so it can gate a change.
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from structure_score import lcs_pairs  # noqa: E402 - the alignment both scorers use

_MD = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|`([^`]*)`|<[^>]+>")
_WS = re.compile(r"[\s\u3000\ufeff\u200b]+")


def norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s)
    s = _MD.sub(lambda m: m.group(1) or m.group(2) or "", s)
    return _WS.sub("", s)


def _lcs(found: list[str], gold: list[set[str]]) -> list[tuple[int, int]]:
    return lcs_pairs(len(found), len(gold), lambda i, j: found[i] in gold[j])


def score(doc, gold: dict) -> dict:
    titles = {norm(gold["title"])} | {norm(t) for t in gold.get("title_alt") or []}
    optional = {norm(t) for t in gold.get("optional") or []}
    chrome = [norm(t) for t in gold.get("boilerplate") or [] if norm(t)]
    wanted = []
    for s in gold["sections"]:
        names = {norm(s["title"])} | {norm(a) for a in s.get("alt") or []}
        if s.get("display"):
            names.add(norm(s["display"]))
        wanted.append(names)
    found = [(norm(s.title), s.level) for s in doc.sections]
    counted = [(t, lv) for t, lv in found if not (t in optional and not any(t in w for w in wanted))]
    pairs = _lcs([t for t, _ in counted], wanted)
    tp = len(pairs)
    precision = tp / len(counted) if counted else (1.0 if not wanted else 0.0)
    recall = tp / len(wanted) if wanted else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    levels = sum(1 for i, j in pairs if counted[i][1] == gold["sections"][j]["level"])
    shown = [norm(doc.title)] + [t for t, _ in found]
    bad = sorted({c for c in chrome for t in shown if c and c in t})
    return {
        "title_ok": norm(doc.title) in titles,
        "title": doc.title,
        "found": len(counted),
        "gold": len(wanted),
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "level_ok": levels / tp if tp else 1.0,
        "chrome": bad,
        "missed": [gold["sections"][j]["title"] for j in range(len(wanted)) if j not in {b for _, b in pairs}],
        "extra": [doc.sections[k].title for k, (t, _) in enumerate(found) if (t, _) in counted and t not in {counted[i][0] for i, _ in pairs}],
    }


def main(argv: list[str]) -> int:
    from tui.corpus import load_document
    from tui.corpus.decode import NotText

    verbose = "--verbose" in argv
    args = [a for a in argv if not a.startswith("--")]
    base = args[0] if args else os.path.join(ROOT, "..", "shared", "corpora", "formats")
    with open(os.path.join(base, "gold.json"), encoding="utf-8") as f:
        gold = json.load(f)
    failures = 0
    totals = {"tp": 0, "found": 0, "gold": 0, "titles": 0, "files": 0, "chrome": 0}
    f1s = []
    for name, g in gold.items():
        if not isinstance(g, dict) or "sections" not in g:
            continue
        path = os.path.abspath(os.path.join(base, name))
        try:
            doc = load_document(path, id=os.path.splitext(name)[0])
        except (NotText, OSError, ValueError) as e:
            print(f"{name:42} SKIPPED: {e}")
            failures += 1
            continue
        r = score(doc, g)
        totals["files"] += 1
        totals["titles"] += r["title_ok"]
        totals["chrome"] += bool(r["chrome"])
        for k in ("tp", "found", "gold"):
            totals[k] += r[k]
        f1s.append(r["f1"])
        ok = r["title_ok"] and r["f1"] >= 0.9 and not r["chrome"]
        failures += not ok
        print(
            f"{name:42} title {'ok ' if r['title_ok'] else 'NO '} F1 {r['f1']:.2f} "
            f"(P {r['precision']:.2f} R {r['recall']:.2f}, {r['tp']}/{r['gold']} gold, {r['found']} found) "
            f"levels {r['level_ok']:.2f}" + (f" CHROME {r['chrome']}" if r["chrome"] else "")
        )
        if verbose or not ok:
            if not r["title_ok"]:
                print(f"    title: {r['title']!r} (gold {g['title']!r})")
            if r["missed"]:
                print(f"    missed: {r['missed'][:8]}")
            if r["extra"]:
                print(f"    extra:  {r['extra'][:8]}")
    p = totals["tp"] / totals["found"] if totals["found"] else 0.0
    rc = totals["tp"] / totals["gold"] if totals["gold"] else 0.0
    micro = 2 * p * rc / (p + rc) if p + rc else 0.0
    print(
        f"\n{totals['files']} files: titles {totals['titles']}/{totals['files']}, "
        f"section F1 micro {micro:.3f} (P {p:.3f} R {rc:.3f}), "
        f"macro {sum(f1s) / len(f1s) if f1s else 0:.3f}, files with F1 >= 0.9: {sum(f >= 0.9 for f in f1s)}/{len(f1s)}, "
        f"chrome shown in {totals['chrome']} files"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
