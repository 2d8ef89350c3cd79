"""The PDF reader's worker process: PDFium's text layer, page by page, as lines with boxes.

Run by file name (``python -I pdf_worker.py K N``: pages K, K+N, ...), never
imported by the worker as part of ``tui``: importing the package would load
the whole corpus layer (0.2 s of a 0.4 s start measured under load) for
nothing the work needs.  So this file imports only the standard library and
pypdfium2, and the parent (``pdf.py``) does the layout.  ``-I`` keeps the
worker from reading ``PYTHON*`` variables, the user's site directory and this
directory as a place to import from (its ``html.py`` would hide the standard
library's).

The PDF comes on stdin; one JSON object goes to stdout: the page count, the
pages' lines ``[text, x0, x1, bottom, top, size]`` (points, two decimals),
and for worker 0 the bookmarks and the metadata title; or ``{"error": ...}``.
The address space is limited to ``YUELAN_PDF_MEMORY`` bytes beyond what the
interpreter and PDFium take once loaded; the parent limits the time.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata


def _page_lines(textpage) -> list[list]:
    text = textpage.get_text_range()
    lines: list[list] = []
    pos = 0
    for raw_line in text.split("\n"):
        length = len(raw_line) + 1
        line = raw_line.rstrip("\r")
        stripped = line.strip()
        if stripped:
            first = pos + (len(line) - len(line.lstrip()))
            last = pos + len(line.rstrip()) - 1
            x0, b0, _, t0 = textpage.get_charbox(first, loose=True)
            _, b1, x1, t1 = textpage.get_charbox(last, loose=True)
            # The loose box is the font's height at its size; the nominal
            # size is often 1 with the scale in the text matrix.
            size = round(max(t0 - b0, t1 - b1), 1)
            box = [round(v, 2) for v in (x0, x1, min(b0, b1), max(t0, t1))]
            lines.append([unicodedata.normalize("NFC", stripped), *box, size])
        pos += length
    return lines


def work(data: bytes, k: int = 0, n: int = 1) -> dict:
    """Worker ``k`` of ``n``: the lines of pages k, k+n, ...; the first worker
    also gives the page count, the bookmarks and the metadata title."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            return {"error": "encrypted"}
        return {"error": f"not a readable PDF ({e})"}
    out: dict = {"count": len(pdf), "pages": [], "toc": [], "title": None}
    for index in range(k, len(pdf), n):
        page = pdf[index]
        textpage = page.get_textpage()
        out["pages"].append([index, _page_lines(textpage)])
        textpage.close()
        page.close()
    if k == 0:
        out["toc"] = _toc(pdf)
        try:
            out["title"] = pdf.get_metadata_dict().get("Title")
        except Exception:
            out["title"] = None
    return out


def _toc(pdf) -> list[list]:
    """[title, level, page index, top of the view or None] per bookmark."""
    entries = []
    try:
        for item in pdf.get_toc(max_depth=8):
            if len(entries) >= 5000:
                break
            dest = item.get_dest()
            index = dest.get_index() if dest is not None else None
            if index is None:
                continue
            top = None
            try:
                _, view = dest.get_view()
                top = view[1] if len(view) > 1 else None
            except Exception:
                top = None
            entries.append([item.get_title() or "", item.level, index, top])
    except Exception:
        pass
    return entries


def _limit_memory() -> None:
    """Allow the work ``YUELAN_PDF_MEMORY`` bytes of address space beyond
    what the interpreter and PDFium take once loaded."""
    try:
        import resource

        extra = int(os.environ.get("YUELAN_PDF_MEMORY", "0"))
        if not extra:
            return
        with open("/proc/self/statm") as f:
            now = int(f.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (now + extra, now + extra))
    except (ImportError, ValueError, OSError):
        pass


def _main(argv: list[str]) -> int:
    import pypdfium2  # noqa: F401  (loaded before the limit: it is not the work)

    k, n = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (0, 1)
    data = sys.stdin.buffer.read()
    _limit_memory()
    try:
        out = work(data, k, n)
    except MemoryError:
        out = {"error": "too large to extract within the memory limit"}
    except RecursionError:
        out = {"error": "too deeply nested to parse"}
    except Exception as e:  # PDFium's own errors on a malformed file
        out = {"error": f"not a readable PDF ({type(e).__name__}: {str(e)[:80]})"}
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
