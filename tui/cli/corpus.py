"""``yuelan list``, ``yuelan show`` and ``yuelan index``: the corpus sub-commands.

    yuelan list [PATH...] [--json]         documents, sections, skipped files
    yuelan list --explain [DOC] [PATH...]  the rule behind each title and section, and near misses
    yuelan show DOC [PATH...] [--section N]
    yuelan index [PATH...]                 build or refresh the caches, say what changed

``list --json`` is a public contract: change it only compatibly.
"""

from __future__ import annotations

import os
import sys

from tui.cli.common import (
    EXIT_ERROR,
    Progress,
    UsageError,
    add_corpus_args,
    load,
    load_indexed,
    name,
    note,
    report_skipped,
    safe,
)


def configure_list(p) -> None:
    add_corpus_args(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--explain",
        nargs="?",
        const="",
        metavar="DOC",
        help="say which rule made the title and each section, and why lines that nearly "
        "qualified did not (all documents, or only DOC)",
    )
    p.set_defaults(func=cmd_list)


def configure_show(p) -> None:
    p.add_argument("doc", metavar="DOC", help="document id, path, or a unique part of its title")
    add_corpus_args(p)
    p.add_argument("--section", metavar="N", help="section number as listed by 'yuelan list' (1-based)")
    p.set_defaults(func=cmd_show)


def configure_index(p) -> None:
    add_corpus_args(p)
    p.set_defaults(func=cmd_index)


def cmd_list(args) -> int:
    explain = getattr(args, "explain", None)
    if explain and not args.paths and os.path.exists(explain):
        args.paths, args.explain = [explain], ""  # "list --explain FILE": FILE is the path
    corpus = load(args)
    if getattr(args, "explain", None) is not None:
        return _explain(args, corpus)
    if args.json:
        from tui.text import json_dumps

        sys.stdout.write(json_dumps(corpus.to_json()) + "\n")
    else:
        for doc in corpus.documents:
            print(f"{name(doc.id)}  {safe(doc.title)}  [{doc.encoding}, {doc.chars} chars]")
            for n, s in enumerate(doc.sections, 1):
                print(f"  {n:>3}  {'  ' * (s.level - 1)}{safe(s.title)}")
            for w in doc.warnings:
                print(f"  warning: {w}")
        report_skipped(corpus)
    if not corpus.documents:
        print("yuelan: no readable documents found", file=sys.stderr)
        return EXIT_ERROR
    return 0


def _explain(args, corpus) -> int:
    """``list --explain [DOC]``: the rows of tui.corpus.explain, as text or JSON."""
    from tui.corpus import DocumentNotFound
    from tui.corpus.explain import explain, lines

    try:
        docs = [corpus.find(args.explain)] if args.explain else corpus.documents
    except DocumentNotFound as e:
        raise UsageError(safe(str(e))) from None
    if args.json:
        from tui.text import json_dumps

        data = corpus.to_json()
        data["documents"] = [{**d.to_json(), "explain": [r.to_json() for r in explain(d)]} for d in docs]
        sys.stdout.write(json_dumps(data) + "\n")
    else:
        for doc in docs:
            for line in lines(doc, explain(doc)):
                print(safe(line))
        report_skipped(corpus)
    if not docs:
        print("yuelan: no readable documents found", file=sys.stderr)
        return EXIT_ERROR
    return 0


def cmd_index(args) -> int:
    import time

    bar = Progress()
    bars: list[Progress] = []  # the index's own bar, when indexing follows loading
    read = [0.0]  # when the last file was read

    def progress(*counts: int) -> None:
        read[0] = time.monotonic()
        bar(*counts)

    def indexed(*counts: int) -> None:
        if not bars:
            bar.finish()
            bars.append(Progress())
        bars[0](*counts)

    start = time.monotonic()
    notices: list[str] = []  # after the progress line, not through it
    try:
        corpus, index = load_indexed(args, progress=progress, notify=notices.append, indexed=indexed)
        if index is not None:
            index.settle()
    finally:
        (bars or [bar])[0].finish()
    # On a first open the index is written while the files are read: its
    # time is the whole command's.
    elapsed = time.monotonic() - start
    reading = (read[0] or start + elapsed) - start
    for notice in notices:
        note(notice)
    ch = corpus.changes
    size = sum(d.utf8_size for d in corpus.documents)
    print(
        f"{len(corpus.documents)} documents ({size / 1e6:.1f} MB) in {reading:.2f}s: "
        f"{len(ch.get('new', []))} new, {len(ch.get('changed', []))} changed, "
        f"{len(ch.get('removed', []))} removed, {len(ch.get('unchanged', []))} unchanged; "
        f"{len(corpus.skipped)} skipped"
    )
    for kind in ("new", "changed", "removed"):
        for path in ch.get(kind, [])[:50]:
            print(f"  {kind}: {name(path)}")
    for s in corpus.skipped:
        print(f"  skipped: {name(s.path)}: {s.reason}")
    if index is not None:
        ich = index.changes
        print(
            f"search index: {len(ich['reused'])} reused, {len(ich['rebuilt'])} rebuilt"
            f" ({len(ich['removed'])} removed) in {elapsed:.2f}s"
        )
    return 0 if corpus.documents else EXIT_ERROR


def _skipped_reason(corpus, ref: str) -> str | None:
    """Why the file ``ref`` names was not read, if it was set aside."""
    if not os.path.lexists(ref):
        return None
    real = os.path.realpath(ref)
    for s in corpus.skipped:
        if s.path == ref or os.path.realpath(s.path) == real:
            return s.reason
    return None


def cmd_show(args) -> int:
    from tui.corpus import DocumentNotFound

    if not args.paths and os.path.isfile(args.doc):
        args.paths = [args.doc]  # `yuelan show some/file.txt` reads that file
    elif not os.path.exists(args.doc):
        from tui.text import redecode_arg

        args.doc = redecode_arg(args.doc)
    corpus = load(args)
    report_skipped(corpus)
    try:
        doc = corpus.find(args.doc)
    except DocumentNotFound as e:
        reason = _skipped_reason(corpus, args.doc)
        if reason is not None:
            raise UsageError(f"{name(args.doc)} was not read: {safe(reason)}") from None
        raise UsageError(safe(str(e))) from None
    if args.section is None:
        text = doc.text
    else:
        try:
            n = int(args.section)
        except ValueError:
            raise UsageError(f"--section takes a number, not {args.section!r}") from None
        if not doc.sections:
            raise UsageError(f"{doc.id} has no sections")
        if not 1 <= n <= len(doc.sections):
            raise UsageError(f"{doc.id} has sections 1 to {len(doc.sections)}, not {n}")
        text = doc.section_text(n - 1)
    out = safe(text)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0
