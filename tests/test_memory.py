"""Freed memory is handed back to the system after indexing (tui.memory)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

FREED_IN_A_THREAD = r"""
import threading
from tui.memory import give_back

def anon_mb():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon"):
            return int(line.split()[1]) // 1024

held = []
def work():
    # 200 MB in small pieces, in a thread (its own heap), half of them
    # kept alive in between: the heap cannot shrink from its top alone.
    chunks = [bytes(1000) + bytes([i % 256]) for i in range(200_000)]
    held.extend(chunks[::50])
    del chunks

t = threading.Thread(target=work)
t.start(); t.join()
before = anon_mb()
asked = give_back()
after = anon_mb()
print(asked, before, after)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RssAnon and glibc are Linux's")
def test_memory_freed_in_a_thread_goes_back_to_the_system():
    r = subprocess.run([sys.executable, "-c", FREED_IN_A_THREAD], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    asked, before, after = r.stdout.split()
    if asked != "True":
        pytest.skip("this C library has no malloc_trim")
    before, after = int(before), int(after)
    assert before > 150  # the freed pieces were still held
    assert after < before - 100, (before, after)


def test_each_commit_of_a_build_gives_memory_back(monkeypatch, tmp_path):
    import tui.search.index as index_mod
    from tui.corpus import load_corpus

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls = []
    monkeypatch.setattr(index_mod, "give_back", lambda: calls.append(1) or True)
    corpus = load_corpus(None)
    index = index_mod.SearchIndex.build(corpus.documents)
    assert index.changes["rebuilt"]  # it wrote documents, and committed them
    assert calls
