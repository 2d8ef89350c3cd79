"""Start-up: what the app does before its first frame.

The first frame (the document tree) must come within 1.3x of a bare Textual
app's (benchmarks/first_frame_tmux.py measures it); these tests keep the
parts of that which can regress silently.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path

from tui.gcpause import gc_paused, pause_gc, resume_gc


def test_gc_pauses_overlapping_in_threads_resume_when_the_last_ends():
    """The app's start-up pauses collections while the corpus loads beside it
    in a thread, under its own pause: whichever ends first must not turn
    collections back on under the other."""
    assert gc.isenabled()
    started, release = threading.Event(), threading.Event()

    def load():
        with gc_paused():
            started.set()
            release.wait(10)

    pause_gc()  # the start-up
    loader = threading.Thread(target=load)
    loader.start()
    try:
        assert started.wait(10)
        resume_gc()  # the start-up ends first: the load still runs
        assert not gc.isenabled()
    finally:
        release.set()
        loader.join()
    assert gc.isenabled()


def test_gc_pause_keeps_collections_off_when_they_were_off():
    gc.disable()
    try:
        with gc_paused():
            with gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_what_waits_for_the_first_frame_runs_once_when_it_is_drawn():
    """run() keeps collections paused until the first frame is on screen, via
    the app's after_first_frame (see tui.app.run)."""
    from app_support import wait_for
    from conftest import SEEDS
    from tui.app.app import YuelanApp

    calls = []
    app = YuelanApp([str(SEEDS)], state_dir=False)
    app.after_first_frame = lambda: calls.append(app.query_one("#tree").is_mounted)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: calls, "the first frame")
        await pilot.press("down", "down")
        await pilot.pause()
    assert calls == [True] and app.after_first_frame is None


def test_dataclasses_loaded_before_the_first_frame_have_docstrings():
    """Without a docstring, ``@dataclass`` works one out at import time from
    ``inspect.signature`` (~0.6 ms a class, ~10 ms of the start-up over the
    18 it found).  Checked in a fresh interpreter over every ``tui`` module
    the app imports before its first frame, and those a fresh ``yuelan
    search`` imports before its answer."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import dataclasses, inspect, json, sys\n"
        "import tui.corpus.cache, tui.session, tui.cli, tui.cli.search, tui.search.index, tui.app, tui.app.app\n"
        "out = []\n"
        "for name, mod in list(sys.modules.items()):\n"
        "    if not name.startswith('tui') or mod is None: continue\n"
        "    for obj in vars(mod).values():\n"
        "        if inspect.isclass(obj) and obj.__module__ == name and dataclasses.is_dataclass(obj):\n"
        "            doc = obj.__dict__.get('__doc__') or ''\n"
        "            out.append([name, obj.__name__, doc.startswith(obj.__name__ + '(')])\n"
        "print(json.dumps(out))\n"
    )
    root = Path(__file__).resolve().parent.parent
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120)
    assert res.returncode == 0, res.stderr
    found = json.loads(res.stdout)
    assert len(found) >= 10  # the model, the cache, the app's messages and state
    assert [f"{m}.{c}" for m, c, auto in found if auto] == []


def test_the_command_line_leaves_collections_on_whatever_the_command(capsys, tmp_path):
    """``main`` pauses collections while it parses and imports; every way
    out (a command, a usage error, --help, a missing path) resumes them."""
    from tui.cli import main

    seeds = str(Path(__file__).resolve().parent.parent / "seeds")
    cases = [["list", "--json", seeds], ["search", "--json", "工会", seeds], ["list", "--no-such-option"],
             ["--help"], [str(tmp_path / "missing")]]
    for argv in cases:
        assert gc.isenabled()
        try:
            main(argv)
        except SystemExit:
            pass
        assert gc.isenabled(), argv
        capsys.readouterr()
