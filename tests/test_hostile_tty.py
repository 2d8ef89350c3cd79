"""The real app in a real terminal (tmux) against hostile documents and
hostile environments.

* A document full of escape sequences and markup: shown as visible text,
  while the terminal's clipboard (tmux buffers, ``set-clipboard on``), pane
  title and window name (``allow-rename on``, ``set-titles on``) stay
  untouched.
* HOME missing or read-only: the app still opens on the tree, no traceback,
  and says that nothing can be cached.
* A GB18030 locale (generated into a tmp dir with localedef): the CLI
  writes GB18030, the app shows Chinese.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

import hostile
from conftest import ROOT, SEEDS
from test_e2e_tty import Terminal

pytestmark = [
    pytest.mark.tty,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class HostileTerminal(Terminal):
    """tmux with clipboard, renaming and titles on, configured before the
    program starts; ``yuelan ARGS`` starts only when ``go()`` is called, so
    the title and name can be read first."""

    def __init__(self, cols: int, rows: int, args: list[str], env: dict[str, str] | None = None,
                 unset: tuple[str, ...] = ()) -> None:
        self.name = f"yuelan-hostile-{uuid.uuid4().hex[:8]}"
        self.own_dirs: list[str] = []  # Terminal.stop removes these; the tests here give their own dirs
        self.tmux = ["tmux", "-L", self.name, "-f", "/dev/null"]
        self.gate = tempfile.mktemp(prefix="yuelan-tty-go-")
        envs = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **(env or {})}
        unsets = ["-u", "COLUMNS", "-u", "LINES"] + [a for v in unset for a in ("-u", v)]
        cmd = " ".join(["env", *unsets, *(shlex.quote(f"{k}={v}") for k, v in envs.items()),
                        shlex.quote(sys.executable), "-m", "tui", *(shlex.quote(a) for a in args)])
        wait = f"while [ ! -e {shlex.quote(self.gate)} ]; do sleep 0.05; done"
        subprocess.run(
            [*self.tmux, "start-server", ";",
             "set-option", "-g", "set-clipboard", "on", ";",
             "set-option", "-g", "allow-rename", "on", ";",
             "set-option", "-g", "set-titles", "on", ";",
             "set-option", "-g", "automatic-rename", "off", ";",
             "new-session", "-d", "-s", self.name, "-n", "yuelan-win", "-x", str(cols), "-y", str(rows),
             "-c", str(ROOT), f"{wait}; {cmd}; echo; echo '[exited with' $?']'; sleep 600"],
            check=True,
        )

    def go(self) -> None:
        open(self.gate, "w").close()

    def fmt(self, f: str) -> str:
        return subprocess.run([*self.tmux, "display-message", "-p", "-t", self.name, f],
                              capture_output=True, text=True, errors="replace").stdout.rstrip("\n")

    def buffers(self) -> str:
        return subprocess.run([*self.tmux, "list-buffers"], capture_output=True, text=True, errors="replace").stdout

    def stop(self) -> None:
        super().stop()
        if os.path.exists(self.gate):
            os.unlink(self.gate)


@pytest.fixture
def escapes_corpus(tmp_path):
    m = hostile.build(str(tmp_path / "corpus"), specials=False)
    return m


def test_escape_sequences_and_markup_are_shown_not_obeyed(escapes_corpus):
    root = escapes_corpus.root
    seen_all = []
    # Each document alone: the first document opens in the reader at start.
    for name, title in [("escapes.txt", "控制序列测试文档"), ("markup.txt", "标记语言测试文档")]:
        term = HostileTerminal(110, 40, [os.path.join(root, name)])
        try:
            before = {f: term.fmt(f) for f in ("#{pane_title}", "#{window_name}", "#{session_name}")}
            assert before["#{window_name}"] == "yuelan-win"
            term.go()
            screens = [term.wait(title, 30), term.wait("1 document", 30)]
            # Focus the reader and scroll through the whole document and back.
            term.keys("Tab")
            screens.append(term.wait("tab List"))
            term.keys("j", "j", "space", "space", "G", "g", "b", "G")
            # Keys are handled in order: once Tab has taken the focus back to
            # the list, every scroll key before it has been handled and drawn.
            term.keys("Tab")
            screens.append(term.wait("tab Reader"))
            seen = "\n".join(screens)
            seen_all.append(seen)
            # The terminal obeyed nothing.
            after = {f: term.fmt(f) for f in before}
            assert after == before, (before, after)
            assert "PWNED" not in term.fmt("#{pane_title} #{window_name} #{client_termname}")
            assert term.buffer() == "" and term.buffers() == "", term.buffers()
            assert "[exited with" not in term.screen() and "Traceback" not in seen
            term.keys("q")
            term.wait("[exited with 0]", 10)
        finally:
            term.stop()
    escapes, markup = seen_all
    # Every sequence is on the screen as text: its printable payload...
    for payload in ["]0;PWNED-TITLE-0", "]2;PWNED-TITLE-2", "kPWNED-WINDOW", "]52;c;SEFDS0VELUNMSVBCT0FSRA==",
                    "52;c;SEFDS0VELUMx", "[2J", "31m", "evil"]:
        assert payload in escapes, f"{payload!r} is not visible; the screens:\n{escapes}"
    # ...and the ESC itself is drawn as a visible stand-in.
    assert "\u241b" in escapes
    # Markup is literal text.
    for snippet in hostile.MARKUP_SNIPPETS:
        assert snippet in markup, f"{snippet!r} is not shown literally:\n{markup}"


# ------------------------------------------------------------- HOME problems


HOMES = {
    # A home that does not exist and cannot be created (not even by root).
    "missing": "/proc/yuelan-no-such-home",
    # A home that exists and cannot be written (sysfs: not even by root).
    "read-only": "/sys",
}
XDG = ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


def _open_with_home(home: str) -> tuple[HostileTerminal, list[str]]:
    term = HostileTerminal(110, 32, [str(SEEDS)], env={"HOME": home}, unset=XDG)
    term.go()
    screens = []
    end = time.monotonic() + 30
    # Until search is ready and the user has been told that nothing is kept
    # (the notice may come a little later than the index, and go away again).
    while time.monotonic() < end:
        s = term.screen()
        screens.append(s)
        seen = "\n".join(screens)
        if "[exited with" in s or ("5 documents" in s and "built every time" in seen):
            break
        time.sleep(0.1)
    return term, screens


@pytest.mark.parametrize("home", list(HOMES))
def test_app_opens_without_a_usable_home(home):
    term, screens = _open_with_home(HOMES[home])
    try:
        seen = "\n".join(screens)
        assert "Traceback" not in seen and "[exited with" not in seen, seen[-3000:]
        last = screens[-1]
        assert "上海市金山區總工會" in last, last  # the tree is there
        assert "5 documents" in last  # and search is ready
        assert "no writable cache directory" in seen and "built every time" in seen, seen[-3000:]
        term.type("/")
        term.type("xlgw")
        term.wait("results in", 20)
        term.keys("Escape")  # alone: ESC and q in one read would be alt+q
        term.wait("/ Search")  # the list has the focus: the ESC was read on its own
        term.keys("q")
        term.wait("[exited with 0]", 10)
    finally:
        term.stop()


@pytest.mark.parametrize("home", list(HOMES))
def test_app_says_when_nothing_can_be_cached(home):
    term, screens = _open_with_home(HOMES[home])
    try:
        seen = "\n".join(screens)
        assert "cache" in seen.lower(), screens[-1]
    finally:
        term.stop()


# --------------------------------------------------------------- GB18030


@pytest.fixture(scope="module")
def gb18030_locale():
    if shutil.which("localedef") is None:
        pytest.skip("localedef is not installed")
    top = tempfile.mkdtemp(prefix="yuelan-locale-")
    r = subprocess.run(["localedef", "-i", "zh_CN", "-f", "GB18030", os.path.join(top, "zh_CN.GB18030")],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0 or not os.path.isdir(os.path.join(top, "zh_CN.GB18030")):
        shutil.rmtree(top)
        pytest.skip(f"localedef could not build zh_CN.GB18030: {r.stderr.strip()[:200]}")
    env = {"LOCPATH": top, "LANG": "zh_CN.GB18030", "LC_ALL": "zh_CN.GB18030"}
    check = subprocess.run([sys.executable, "-c", "import locale; print(locale.getpreferredencoding())"],
                           capture_output=True, text=True, env={**os.environ, **env})
    if check.stdout.strip().lower().replace("-", "") != "gb18030":
        shutil.rmtree(top)
        pytest.skip(f"the generated locale is not used by Python here ({check.stdout.strip()})")
    yield env
    shutil.rmtree(top)


def test_cli_under_a_gb18030_locale(gb18030_locale, escapes_corpus):
    env = {**os.environ, **gb18030_locale}
    for args, expect in [
        (["list"], "上海市金山區總工會"),
        (["show", "金山區總工會"], "金山"),
        (["search", "心灵港湾"], "心灵港湾"),
        (["list", escapes_corpus.root], "控制序列测试文档"),
    ]:
        # Typed in a GB18030 terminal, arguments arrive as GB18030 bytes.
        argv = [a.encode("gb18030") for a in args]
        r = subprocess.run([sys.executable, "-m", "tui", *argv], capture_output=True, env=env, cwd=ROOT, timeout=120)
        assert r.returncode == 0, (args, r.stderr.decode("gb18030", "replace"))
        out = r.stdout.decode("gb18030")  # strict: every byte is GB18030
        assert expect in out, (args, out[:500])
        assert "\x1b" not in out
        err = r.stderr.decode("gb18030")
        assert "Traceback" not in err
        # The same text is not what a UTF-8 decoder would make of it: the
        # output really is in the locale's encoding.
        if any(ord(c) > 127 for c in expect):
            assert expect.encode("gb18030") in r.stdout
    # JSON too: Chinese as GB18030, valid JSON once decoded.
    import json

    r = subprocess.run([sys.executable, "-m", "tui", "list", "--json"], capture_output=True, env=env, cwd=ROOT, timeout=120)
    data = json.loads(r.stdout.decode("gb18030"))
    assert any("金山" in d["title"] for d in data["documents"])


def test_app_under_a_gb18030_locale(gb18030_locale):
    term = HostileTerminal(110, 32, [str(SEEDS)], env=gb18030_locale)
    try:
        term.go()
        screen = term.wait("5 documents", 30)
        assert "上海市金山區總工會" in screen
        assert "\\u" not in screen and "Traceback" not in screen
        # it says that it draws in UTF-8, for a terminal that really is GB18030
        assert "yuelan draws in" in term.wait("yuelan draws in", 10)
        term.type("/")
        term.type("xlgw")
        screen = term.wait("results in", 20)
        assert "心灵港湾" in screen
        term.keys("Escape")  # alone: ESC and q in one read would be alt+q
        term.wait("/ Search")  # the list has the focus: the ESC was read on its own
        term.keys("q")
        term.wait("[exited with 0]", 10)
    finally:
        term.stop()
