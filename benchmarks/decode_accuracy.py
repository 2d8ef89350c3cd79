"""How often decoding picks the right encoding: the seeds re-encoded, whole
and as random prefixes cut at arbitrary bytes (as a truncated download is).

    .venv/bin/python benchmarks/decode_accuracy.py [--prefixes N] [--seed S]

Prints one line per encoding and the total; exits 0 (a measurement, not a test).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.corpus.decode import NotText, decode_bytes  # noqa: E402
from tui.text import to_simplified  # noqa: E402

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "gbk", "big5"]


def truth(data: bytes, enc: str) -> str:
    codec = {"utf-16": "utf-16", "utf-8-sig": "utf-8-sig"}.get(enc, enc)
    if codec.startswith(("utf-16", "utf-32")):
        unit = 4 if "32" in codec else 2
        data = data[: len(data) // unit * unit]
    return data.decode(codec, errors="ignore")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prefixes", type=int, default=16, help="random prefixes per file and encoding")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
    ok: Counter = Counter()
    total: Counter = Counter()
    failures: list[str] = []
    for name, text in texts.items():
        traditional = to_simplified(text) != text and sum(a != b for a, b in zip(text, to_simplified(text))) > 50
        for enc in ENCODINGS:
            source = text
            if enc == "big5" and not traditional:
                continue  # Big5 is for Traditional text
            try:
                data = source.encode(enc)
            except UnicodeEncodeError:
                continue  # this text cannot be written in this encoding
            samples = [data] + [data[: rng.randint(20, min(len(data), 4000))] for _ in range(args.prefixes)]
            for sample in samples:
                expect = truth(sample, enc).replace("\r\n", "\n")
                total[enc] += 1
                try:
                    got = decode_bytes(sample).text
                except NotText as e:
                    got = f"<not text: {e}>"
                # A cut last character may be dropped; nothing else may differ.
                good = got == expect or (expect.startswith(got) and len(expect) - len(got) <= 1) or got == expect.lstrip("\ufeff")
                if not expect.strip():
                    good = True
                ok[enc] += good
                if not good and len(failures) < 12:
                    failures.append(f"{name} {enc} {len(sample)} bytes -> {got[:30]!r}")
    print(f"{'encoding':<11} {'right':>6} {'of':>5}")
    for enc in ENCODINGS:
        if total[enc]:
            print(f"{enc:<11} {ok[enc]:>6} {total[enc]:>5}  {100 * ok[enc] / total[enc]:5.1f}%")
    all_ok, all_n = sum(ok.values()), sum(total.values())
    print(f"{'total':<11} {all_ok:>6} {all_n:>5}  {100 * all_ok / all_n:5.1f}%")
    for f in failures:
        print("  wrong:", f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
