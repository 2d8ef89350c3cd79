"""Parsing in worker processes gives exactly what parsing here gives."""

from __future__ import annotations

import shutil

import pytest

from conftest import SEEDS
import tui.corpus
from tui.corpus import load_corpus, parallel


def rows(corpus):
    return (
        [(d.id, d.path, d.title, d.encoding, d.text, list(d.paragraphs), list(d.sections), d.warnings)
         for d in corpus.documents],
        sorted((s.path, s.reason) for s in corpus.skipped),
    )


@pytest.fixture
def mixed(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    for f in sorted(SEEDS.iterdir()):
        shutil.copy(f, d / f.name)
    (d / "gbk.txt").write_bytes("第一章 总则\n\n工会是职工自愿结合的工人阶级群众组织。\n".encode("gbk"))
    (d / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (d / "empty.txt").write_bytes(b"")
    return d


def test_workers_parse_exactly_what_this_process_parses(mixed, monkeypatch):
    monkeypatch.setenv("YUELAN_NO_WORKERS", "1")
    here = load_corpus([str(mixed)])
    monkeypatch.delenv("YUELAN_NO_WORKERS")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    seen = []
    here_calls = []
    real_parse = tui.corpus.parse_job
    monkeypatch.setattr(tui.corpus, "parse_job", lambda *a, **k: here_calls.append(a) or real_parse(*a, **k))
    there = load_corpus([str(mixed)], progress=lambda *a: seen.append(a))
    assert here_calls == []  # every file went to a worker process
    assert rows(there) == rows(here)
    assert len(there.skipped) >= 2  # the binary and the empty file, with their reasons
    assert seen[-1][0] == seen[-1][1] == len(there.documents) + sum(1 for s in there.skipped if s.path.startswith(str(mixed)))
    assert [a[0] for a in seen] == sorted(a[0] for a in seen)


def test_a_broken_pool_falls_back_to_parsing_here(mixed, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "workers", lambda: 2)

    class Broken:
        def __init__(self, *a, **k):
            raise OSError("no processes here")

    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Broken)
    monkeypatch.setenv("YUELAN_NO_WORKERS", "")
    here_calls = []
    real_parse = tui.corpus.parse_job
    monkeypatch.setattr(tui.corpus, "parse_job", lambda *a, **k: here_calls.append(a) or real_parse(*a, **k))
    corpus = load_corpus([str(mixed)])
    assert here_calls  # parsed here after all
    monkeypatch.setenv("YUELAN_NO_WORKERS", "1")
    assert rows(corpus) == rows(load_corpus([str(mixed)]))


def test_each_document_is_announced_as_soon_as_it_is_ready(mixed, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    announced = []
    corpus = load_corpus([str(mixed)], on_document=announced.append)
    assert sorted(d.path for d in announced) == sorted(d.path for d in corpus.documents)
    assert all(any(a is d for a in announced) for d in corpus.documents)
