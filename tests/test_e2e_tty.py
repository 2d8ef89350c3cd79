"""End to end: the real app in a real terminal (tmux), driven like a user.

Skipped when tmux is missing (.ci/run installs it).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.tty,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Terminal:
    def __init__(self, cols: int, rows: int, env: dict[str, str]) -> None:
        self.name = f"yuelan-e2e-{uuid.uuid4().hex[:8]}"
        # A private tmux server: its buffers (OSC 52 copies) are ours alone.
        self.tmux = ["tmux", "-L", self.name]
        # Each terminal has its own data dir unless the test gives one: a
        # reading place kept by another test would open the reader instead of
        # the tree (a restart shows the kept place at any size).
        import tempfile

        own = {} if "XDG_DATA_HOME" in env else {"XDG_DATA_HOME": tempfile.mkdtemp(prefix="yuelan-e2e-data-")}
        self.own_dirs = list(own.values())
        envs = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **own, **env}
        cmd = " ".join(
            # pytest exports COLUMNS, which Textual would take over the real size.
            ["env", "-u", "COLUMNS", "-u", "LINES", *(shlex.quote(f"{k}={v}") for k, v in envs.items()),
             shlex.quote(sys.executable), "-m", "tui"]
        )
        # Never redirect the app's stderr: Textual draws there.
        subprocess.run(
            [*self.tmux, "new-session", "-d", "-s", self.name, "-x", str(cols), "-y", str(rows), "-c", str(ROOT),
             f"{cmd}; echo; echo '[exited with' $?']'; sleep 600"],
            check=True,
        )
        subprocess.run([*self.tmux, "set-option", "-g", "set-clipboard", "on"], check=True)

    def buffer(self) -> str:
        out = subprocess.run([*self.tmux, "show-buffer"], capture_output=True, text=True, errors="replace")
        return out.stdout

    def screen(self, escapes: bool = False) -> str:
        args = [*self.tmux, "capture-pane", "-t", self.name, "-p"] + (["-e"] if escapes else [])
        return subprocess.run(args, capture_output=True, text=True, errors="replace").stdout

    def wait(self, text: str, secs: float = 20.0, unless: str | None = None) -> str:
        end = time.monotonic() + secs
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen and (unless is None or unless not in screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {secs}s; the screen:\n{self.screen()}")

    def type(self, text: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", "--", text], check=True)

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def stop(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)
        for d in self.own_dirs:
            shutil.rmtree(d, ignore_errors=True)


ENVS = {  # name: (size, environment)
    "utf8": ((100, 30), {}),
    "lang_c_80x24": ((80, 24), {"LANG": "C", "LC_ALL": "C"}),
    "posix_no_coercion": ((100, 30), {"LANG": "C", "LC_ALL": "POSIX", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}),
}


@pytest.mark.parametrize("env", list(ENVS))
def test_pinyin_search_open_result_and_quit(env):
    size, variables = ENVS[env]
    term = Terminal(*size, variables)
    try:
        term.wait("上海市金山區總工會")  # the document list is up
        term.wait("5 documents")  # the index is ready
        term.type("/")
        term.type("xlgw")  # 心灵港湾 by pinyin initials
        term.wait("results in")
        term.keys("Enter")  # opens the top result
        screen = term.wait("hit 1/", unless="laying out")
        assert "心灵港湾" in screen
        coloured = term.screen(escapes=True)
        # The current hit is drawn in reverse video (SGR 7) right before the word.
        assert re.search(r"\x1b\[[0-9;]*\b7m(\x1b\[[0-9;]*m)*心灵港湾", coloured), coloured
        assert "\\u" not in screen  # no escaped Chinese under LANG=C
        # y copies the passage with its citation through OSC 52.
        assert term.buffer() == ""
        term.keys("y")
        end = time.monotonic() + 10
        while "心灵港湾" not in term.buffer() and time.monotonic() < end:
            time.sleep(0.1)
        copied = term.buffer()
        assert "心灵港湾" in copied and "\u203a" in copied, copied
        term.keys("q")
        term.wait("[exited with 0]", 10)
    finally:
        term.stop()


def right_of(line: str, cells: int) -> str:
    """What a screen line shows right of column ``cells`` (CJK takes two)."""
    import unicodedata

    col = 0
    for i, ch in enumerate(line):
        if col >= cells:
            return line[i:].strip()
        col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return ""


def test_bookmark_and_resume_survive_a_restart(tmp_path):
    """Open a document, scroll, bookmark with a note, quit; start again: the
    same place is on screen and the bookmark is listed (and jumps there)."""
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    term = Terminal(100, 30, env)
    try:
        term.wait("上海市金山區總工會")
        term.wait("5 documents")
        term.type("/")
        term.type("xlgw")
        term.wait("results in")
        term.keys("Enter")  # the top result: 松江...心灵港湾
        term.wait("hit 1/", unless="laying out")
        term.wait("tab List")  # the reader has the focus
        # Each key waits for what it does to show: a key sent while the one
        # before is unread can merge with it (ESC then q reads as alt+q).
        term.keys("Escape")
        term.wait("tab Reader")  # back in the list
        term.keys("Escape")  # search cleared, back to the tree; the reader keeps the place
        term.wait("search: Chinese or pinyin")  # the empty search bar's placeholder
        term.keys("Tab")  # into the reader
        term.wait("tab List")
        start_top = right_of(term.screen().splitlines()[1], 41)
        term.keys("C-d")  # half a page down: one key, one move
        deadline = time.monotonic() + 10
        while right_of(term.screen().splitlines()[1], 41) == start_top and time.monotonic() < deadline:
            time.sleep(0.1)
        before = term.screen().splitlines()
        reader_top = right_of(before[1], 41)  # the reader's first line (right of the 40-cell list)
        assert reader_top, before
        term.keys("m")
        term.wait("Bookmark this passage")
        term.type("e2e-note")
        term.keys("Enter")
        term.wait("Bookmarked: e2e-note")
        term.keys("q")
        term.wait("[exited with 0]", 10)
    finally:
        term.stop()
    saved = list((tmp_path / "data" / "yuelan").glob("state-*.json"))
    assert len(saved) == 1, list((tmp_path / "data").rglob("*"))

    term = Terminal(100, 30, env)
    try:
        term.wait("5 documents")
        screen = term.wait(reader_top, 10)
        assert right_of(screen.splitlines()[1], 41) == reader_top, screen
        term.keys("'")
        screen = term.wait("e2e-note")
        assert "Bookmarks" in screen and "stale" not in screen
        term.keys("Escape")
        term.wait("tab Reader", unless="Bookmarks")  # the dialog is gone; the list has the focus
        term.keys("Tab")  # into the reader
        term.wait("tab List")  # the footer offers the way back: the reader has the focus
        term.keys("G")  # move away, then jump back with the bookmark
        term.wait("100%")
        assert right_of(term.screen().splitlines()[1], 41) != reader_top
        term.keys("'")
        term.wait("e2e-note")
        term.keys("Enter")
        end = time.monotonic() + 10
        while right_of(term.screen().splitlines()[1], 41) != reader_top and time.monotonic() < end:
            time.sleep(0.1)
        assert right_of(term.screen().splitlines()[1], 41) == reader_top, term.screen()
        term.keys("q")
        term.wait("[exited with 0]", 10)
    finally:
        term.stop()


def test_moving_down_the_results_changes_the_reader():
    """The live preview in a real terminal: Down in the results shows each
    passage in the reader beside the list; Enter goes into it, Esc back to
    the same result, n steps the hits."""
    term = Terminal(120, 36, {"YUELAN_NO_WATCH": "1"})
    try:
        term.wait("5 documents")
        term.type("/")
        term.type("gonghui")  # 工会 by full pinyin
        term.wait(" docs")  # the answer: "78 results (top 18 in 4 docs), 12 ms"
        term.wait("hit 1/", unless="laying out")  # the top result is previewed at once

        def reader_view() -> tuple[str, list[str]]:
            lines = term.screen().splitlines()
            # The reader is right of the list (~45 % of 120 columns).
            return lines[-2], [right_of(line, 56) for line in lines[1:-2]]

        first = reader_view()
        term.keys("Down")  # into the list
        seen = [first]
        for _ in range(8):
            term.keys("Down")
            end = time.monotonic() + 5
            while reader_view() == seen[-1] and time.monotonic() < end:
                time.sleep(0.05)
            seen.append(reader_view())
        statuses = {status for status, _ in seen}
        texts = {tuple(text) for _, text in seen}
        assert len(statuses) >= 4 and len(texts) >= 3, seen  # the reader followed the cursor
        assert "tab Reader" in term.screen()  # the focus stayed in the list
        status = seen[-1][0]
        term.keys("Enter")  # into the reader, at the same passage
        term.wait("tab List")
        assert reader_view()[0] == status
        term.keys("n")
        end = time.monotonic() + 5
        while reader_view()[0] == status and time.monotonic() < end:
            time.sleep(0.05)
        assert reader_view()[0] != status  # n moved to the next hit
        term.keys("Escape")
        term.wait("tab Reader")  # back in the list, at the same result: the ESC was read alone
        term.keys("q")
        term.wait("[exited with 0]", 10)
    finally:
        term.stop()
