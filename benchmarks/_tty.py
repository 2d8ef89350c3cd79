"""Launch a full-screen program under a pseudo-terminal and time what it draws.

Times run from just before the process is spawned (so they include Python's
start-up and imports) to the first time a marker (a regex over the bytes the
program wrote to the terminal) appears.  The terminal is 120x40,
TERM=xterm-256color.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time
from pathlib import Path


def vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_tty(argv: list[str], markers: dict[str, bytes], *, timeout: float, cols: int = 120, rows: int = 40,
            cwd: str | None = None, extra_env: dict | None = None) -> dict:
    """Run ``argv`` in a pty until every marker was seen (or ``timeout``).

    Returns {marker name: seconds or None, "quit_s": seconds from ctrl+q to
    exit, "peak_rss_mb": VmHWM of the process before quitting, "killed": bool}.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows), LANG="C.UTF-8")
    env.pop("TEXTUAL", None)
    env.update(extra_env or {})
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, close_fds=True, start_new_session=True,
                            env=env, cwd=cwd)
    os.close(slave)
    pats = {k: re.compile(v) for k, v in markers.items()}
    seen: dict[str, float | None] = {k: None for k in markers}
    buf = bytearray()
    scan_from = 0

    def pump(wait: float) -> bool:
        nonlocal scan_from
        r, _, _ = select.select([master], [], [], wait)
        if not r:
            return True
        try:
            data = os.read(master, 65536)
        except OSError:
            return False
        if not data:
            return False
        now = time.perf_counter() - t0
        buf.extend(data)
        window = bytes(buf[max(0, scan_from - 256):])
        for k, p in pats.items():
            if seen[k] is None and p.search(window):
                seen[k] = now
        scan_from = len(buf)
        return True

    alive = True
    while alive and any(v is None for v in seen.values()) and time.perf_counter() - t0 < timeout:
        alive = pump(0.05) and proc.poll() is None
    out = dict(seen)
    out["peak_rss_mb"] = vm_hwm_mb(proc.pid)
    out["timed_out"] = any(v is None for v in seen.values())
    # Quit the way a user does, and see how long it takes.
    tq = time.perf_counter()
    killed = False
    try:
        os.write(master, b"\x11")  # ctrl+q
    except OSError:
        pass
    open_ = True
    while proc.poll() is None and time.perf_counter() - tq < 10:
        if open_:
            open_ = pump(0.05)
        else:
            time.sleep(0.02)
    if proc.poll() is None:
        proc.kill()
        killed = True
    proc.wait()
    out["quit_s"] = time.perf_counter() - tq
    out["killed"] = killed
    os.close(master)
    if out["timed_out"]:
        out["tail"] = bytes(buf[-400:]).decode("utf-8", "replace")
    return out
