"""Deterministic synthetic corpus of Chinese documents for the benchmarks.

    .venv/bin/python benchmarks/make_corpus.py SIZE DIR [--seed N] [--single-mb M]

SIZE is the total on-disk size: ``1MB``, ``10MB``, ``100MB``, ``500KB`` (MB =
10^6 bytes; a bare number means MB; ``0`` writes no corpus, only the single
file when ``--single-mb`` is given).  DIR is created; existing ``*.txt`` files
in it are replaced.

How the text is made (same seed -> byte-identical files, on any machine with
the same Python minor version and OpenCC tables):

* the pool: the paragraphs of the bundled seeds (``seeds/*.txt``), folded to
  Simplified with OpenCC's TSCharacters; short lines without sentence
  punctuation become the pool of headings and titles;
* each file (5-20 KB on disk) gets a stand-alone title line, sometimes a
  date/source line, then sections headed in one of several real styles
  (``一、`` with ``(一)`` below, ``1、``, a bare number on its own line followed
  by a title line, stand-alone title lines, or no headings), each with
  paragraphs drawn from the pool;
* every paragraph has its sentences shuffled and ~10 % of its Chinese
  characters swapped for other common characters (drawn by frequency), so no
  text repeats verbatim.  The words of the benchmark query mix
  (``PROTECTED``) are never perturbed, so the queries find real hits; a rare
  word (``NEEDLE``) is planted in about one file in a thousand;
* ~10 % of files are converted to Traditional script (OpenCC STCharacters,
  keeping only characters whose TSCharacters mapping leads back, so folding
  finds them); ~8 % are written in GBK, ~4 % in UTF-16 (with BOM), ~5 % use
  CRLF line endings, the rest UTF-8.

Each file is generated from its own ``random.Random(seed, file number)``, so a
smaller corpus is a prefix of a larger one with the same seed.  ``--single-mb
M`` also writes ``single_<M>MB.txt`` (one document of M MB, UTF-8, many
sections) into DIR.  A ``manifest.json`` lists the files, encodings and sizes.

Needs only the standard library and OpenCC's data files (from the
``opencc-python-reimplemented`` dependency); it never imports ``tui`` so the
corpus does not change when the library does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seeds"

# Words of the benchmark query mix: never perturbed (see benchmarks/queries.py).
PROTECTED = [
    "工会改革",
    "工会",
    "心灵港湾",
    "志愿团",
    "律师",
    "外卖行业",
    "科创走廊",
    "产业工人",
    "乡村振兴",
    "职工",
    "4523万元",
    "10073",
    "G60",
    "国有",
]
NEEDLE = "琉璃灯塔"  # planted in ~1 file in 1000: a rare word
NEEDLE_EVERY = 997

PERTURB = 0.10  # share of CJK characters swapped for other common ones
COMMON = 2000  # swap candidates: the most frequent characters of the pool
MIN_KB, MAX_KB = 5, 20

_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENT = re.compile(r"(?<=[。！？；!?;])")
_PUNCT = re.compile(r"[。！？；，,;!?：:]")


# ----------------------------------------------------------------- tables
def _opencc(name: str) -> list[tuple[str, str]]:
    data = resources.files("opencc").joinpath(f"dictionary/{name}")
    out = []
    for line in data.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2:
            src, first = parts[0], parts[1].split(" ")[0]
            if len(src) == 1 and len(first) == 1 and src != first:
                out.append((src, first))
    return out


@lru_cache(maxsize=1)
def t2s() -> dict[int, int]:
    return {ord(a): ord(b) for a, b in _opencc("TSCharacters.txt")}


@lru_cache(maxsize=1)
def s2t() -> dict[int, int]:
    """Simplified -> Traditional by character, only where T -> S leads back."""
    back = t2s()
    return {ord(s): ord(t) for s, t in _opencc("STCharacters.txt") if back.get(ord(t)) == ord(s)}


# ------------------------------------------------------------------- pool
class Pool:
    def __init__(self) -> None:
        paras: list[str] = []
        heads: list[str] = []
        table = t2s()
        for path in sorted(SEED_DIR.glob("*.txt")):
            text = path.read_bytes().decode("utf-8", errors="replace").translate(table)
            for line in text.replace("\r\n", "\n").split("\n"):
                line = line.strip(" \t\u3000\xa0").replace("\ufffd", "")
                if not line or not _CJK.search(line):
                    continue
                n = len(_CJK.findall(line))
                if n >= 40:
                    paras.append(line)
                elif 4 <= len(line) <= 24 and not _PUNCT.search(line) and not line[0].isdigit():
                    heads.append(line)
        if not paras:
            raise SystemExit(f"no paragraphs found in {SEED_DIR}")
        # Long seed paragraphs are cut into pieces at sentence ends, so that
        # one seed paragraph does not dominate a file.
        self.paras: list[str] = []
        for p in paras:
            sents = [s for s in _SENT.split(p) if s]
            cur = ""
            for s in sents:
                cur += s
                if len(cur) >= 300:
                    self.paras.append(cur)
                    cur = ""
            if cur:
                self.paras.append(cur)
        self.heads = sorted(set(heads)) or ["工作情况"]
        freq = Counter(c for p in self.paras for c in _CJK.findall(p))
        top = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:COMMON]
        self.common = [c for c, _ in top]
        self.cum = list(accumulate(n for _, n in top))
        self.protect = re.compile("|".join(re.escape(w) for w in sorted(PROTECTED + [NEEDLE], key=len, reverse=True)))


def perturb(pool: Pool, rng: random.Random, text: str, rate: float = PERTURB) -> str:
    """Swap ``rate`` of the CJK characters (outside protected words) for others."""
    chars = list(text)
    protected = set()
    for m in pool.protect.finditer(text):
        protected.update(range(m.start(), m.end()))
    slots = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff" and i not in protected]
    k = int(len(slots) * rate + rng.random())
    if k <= 0:
        return text
    picked = rng.sample(slots, min(k, len(slots)))
    repl = rng.choices(pool.common, cum_weights=pool.cum, k=len(picked))
    for i, c in zip(picked, repl):
        chars[i] = c
    return "".join(chars)


def paragraph(pool: Pool, rng: random.Random) -> str:
    p = rng.choice(pool.paras)
    sents = [s for s in _SENT.split(p) if s]
    if len(sents) > 1:
        rng.shuffle(sents)
    return perturb(pool, rng, "".join(sents))


def heading_text(pool: Pool, rng: random.Random) -> str:
    return perturb(pool, rng, rng.choice(pool.heads), 0.15)


CN = "一二三四五六七八九十"


def cn_num(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    if n < 20:
        return "十" + CN[n - 11]
    return CN[n // 10 - 1] + "十" + (CN[n % 10 - 1] if n % 10 else "")


STYLES = ["cn_nested", "cn", "num", "bare", "standalone", "none"]


def document(pool: Pool, rng: random.Random, target_chars: int, *, needle: bool) -> str:
    """One document of about ``target_chars`` characters."""
    style = rng.choice(STYLES)
    out: list[str] = [heading_text(pool, rng)]
    if rng.random() < 0.4:
        y, m, d = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
        src = rng.choice(["工人日报", "本站原创", "区总工会", "新华网", "自采"])
        out.append(f"时间:{y}-{m:02d}-{d:02d}  来源:{src}")
    indent = "\u3000\u3000" if rng.random() < 0.3 else ""
    size = sum(len(x) for x in out)
    sec = sub = 0
    while size < target_chars:
        if style != "none" and (sec == 0 or rng.random() < 0.35):
            sec += 1
            sub = 0
            title = heading_text(pool, rng)
            if style in ("cn", "cn_nested"):
                head = [f"{cn_num(sec)}、{title}"]
            elif style == "num":
                head = [f"{sec}、{title}"]
            elif style == "bare":
                head = [str(sec), title]
            else:
                head = [title]
            out.extend(head)
            size += sum(len(h) for h in head)
        elif style == "cn_nested" and rng.random() < 0.3:
            sub += 1
            paren = "（{}）" if rng.random() < 0.5 else "({})"
            h = paren.format(cn_num(sub)) + heading_text(pool, rng)
            out.append(h)
            size += len(h)
        p = indent + paragraph(pool, rng)
        out.append(p)
        size += len(p)
    if needle:
        i = rng.randrange(1, len(out))
        line = out[i]
        j = rng.randrange(0, len(line) + 1)
        out[i] = line[:j] + NEEDLE + line[j:]
    return "\n\n".join(out) + "\n"


# ------------------------------------------------------------------ files
def encode_file(rng: random.Random, text: str) -> tuple[bytes, str, str]:
    """(bytes, encoding, script) for one document."""
    script = "simplified"
    if rng.random() < 0.10:
        text = text.translate(s2t())
        script = "traditional"
    if rng.random() < 0.05:
        text = text.replace("\n", "\r\n")
    r = rng.random()
    if r < 0.08 and script == "simplified":
        try:
            # Legacy GBK tools write no NBSP (web copy-paste has them).
            return text.replace("\xa0", " ").encode("gbk"), "gbk", script
        except UnicodeEncodeError:
            pass
    elif r < 0.12:
        return b"\xff\xfe" + text.encode("utf-16-le"), "utf-16", script
    return text.encode("utf-8"), "utf-8", script


def bytes_per_char(encoding: str) -> float:
    return {"gbk": 2.0, "utf-16": 2.0}.get(encoding, 2.9)


def make_file(pool: Pool, seed: int, n: int) -> tuple[bytes, str, str]:
    rng = random.Random(seed * 1_000_003 + n)
    target = rng.randint(MIN_KB * 1000, MAX_KB * 1000)
    enc_rng = random.Random(seed * 1_000_003 + n + 500_000_000)
    # Decide the encoding first, so the character count meets the byte size.
    probe = enc_rng.getstate()
    _, enc, _ = encode_file(enc_rng, "样本")
    enc_rng.setstate(probe)
    chars = int(target / bytes_per_char(enc))
    text = document(pool, rng, chars, needle=(n % NEEDLE_EVERY == 13))
    return encode_file(enc_rng, text)


def make_single(pool: Pool, seed: int, mb: float) -> bytes:
    """One long document (UTF-8): a report of many chapters."""
    rng = random.Random(seed * 7_919 + 17)
    target = int(mb * 1_000_000)
    out = [f"超长文档 SINGLEDOC 合订本({mb:g} MB)", "BODYMARK 这是一份用于基准测试的超长文档的第一段正文。"]
    size = sum(len(x.encode()) for x in out)
    ch = 0
    while size < target:
        ch += 1
        part = [f"第{cn_num((ch - 1) % 99 + 1)}章 {heading_text(pool, rng)}"]
        for s in range(1, rng.randint(3, 8)):
            part.append(f"{cn_num(s)}、{heading_text(pool, rng)}")
            part.extend(paragraph(pool, rng) for _ in range(rng.randint(2, 6)))
        chunk = "\n\n".join(part)
        out.append(chunk)
        size += len(chunk.encode()) + 2
    return ("\n\n".join(out) + "\n").encode("utf-8")


def parse_size(s: str) -> int:
    m = re.fullmatch(r"\s*([\d.]+)\s*([kKmMgG]?)[bB]?\s*", s)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {s!r} (e.g. 1MB, 500KB)")
    mult = {"": 10**6, "k": 10**3, "m": 10**6, "g": 10**9}[m.group(2).lower()]
    return int(float(m.group(1)) * mult)


def make_corpus(size: int, out: Path, seed: int = 1, single_mb: float = 0.0, quiet: bool = False) -> dict:
    pool = Pool()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    files = []
    total = 0
    n = 0
    digest = hashlib.sha256()
    while total < size:
        data, enc, script = make_file(pool, seed, n)
        name = f"doc_{n:05d}.txt"
        (out / name).write_bytes(data)
        digest.update(name.encode() + b"\0" + data)
        files.append({"name": name, "bytes": len(data), "encoding": enc, "script": script})
        total += len(data)
        n += 1
    single = None
    if single_mb > 0:
        data = make_single(pool, seed, single_mb)
        name = f"single_{single_mb:g}MB.txt"
        (out / name).write_bytes(data)
        digest.update(name.encode() + b"\0" + data)
        single = {"name": name, "bytes": len(data), "encoding": "utf-8"}
    manifest = {
        "seed": seed,
        "size_requested": size,
        "bytes": total,
        "files": len(files),
        "encodings": dict(sorted(Counter(f["encoding"] for f in files).items())),
        "traditional": sum(f["script"] == "traditional" for f in files),
        "needle": NEEDLE,
        "needle_files": [f["name"] for i, f in enumerate(files) if i % NEEDLE_EVERY == 13],
        "single": single,
        "sha256": digest.hexdigest(),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "list": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if not quiet:
        print(
            f"{out}: {len(files)} files, {total / 1e6:.2f} MB, encodings {manifest['encodings']}, "
            f"{manifest['traditional']} Traditional"
            + (f", single {single['bytes'] / 1e6:.1f} MB" if single else "")
            + f", sha256 {manifest['sha256'][:16]}"
        )
    return manifest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", type=parse_size, help="total size: 1MB, 10MB, 100MB, 500KB, 0")
    ap.add_argument("dir", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--single-mb", type=float, default=0.0, help="also write one document of this many MB")
    args = ap.parse_args(argv)
    make_corpus(args.size, args.dir, args.seed, args.single_mb)


if __name__ == "__main__":
    main()
