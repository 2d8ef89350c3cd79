"""A deterministic hostile corpus, built at test time into a directory.

``build(root)`` writes every kind of file issue 6 lists (documents that try
to act on the terminal, Rich/Textual markup, hostile file names, legacy
encodings, mojibake, binaries that claim to be text, sparse and
whitespace-only files, FIFOs, sockets, symlink loops, symlinks out of the
root, unreadable files and directories) and returns a ``Manifest`` saying
what the safe behaviour is for each: read as a document (with the exact text
expected after decoding, or a warning expected), or skipped with a reason.

Nothing here is random and nothing is big: the whole corpus is a few
hundred KiB on disk (the sparse file is holes).  The text is written for
these tests; it is not seed text.
"""

from __future__ import annotations

import os
import socket
import stat
from dataclasses import dataclass, field

# --------------------------------------------------------------------- text

BODY = (
    "关于推进社区图书室建设的情况通报\n\n"
    "一、总体进展\n\n"
    "全市已建成社区图书室三百一十二个,藏书总量超过八十万册,年接待读者六十余万人次。\n\n"
    "二、存在不足\n\n"
    "部分图书室开放时间偏短,新书补充不及时,志愿者队伍不够稳定。\n\n"
    "三、下一步安排\n\n"
    "完善经费保障机制,推动图书室与学校、文化站资源共享。\n"
)
TITLE = "关于推进社区图书室建设的情况通报"

TRAD_BODY = (
    "關於推進社區圖書室建設的情況通報\n\n"
    "一、總體進展\n\n"
    "全市已建成社區圖書室三百一十二個,藏書總量超過八十萬冊,年接待讀者六十餘萬人次。\n\n"
    "二、存在不足\n\n"
    "部分圖書室開放時間偏短,新書補充不及時,志願者隊伍不夠穩定。\n"
)

JA_BODY = "日本語の文書です。これは試験のための文章であり、中国語ではありません。ひらがなとカタカナを含みます。\n" * 3
KO_BODY = "한국어 문서입니다. 이것은 시험을 위한 문장이며 중국어가 아닙니다. 한글을 포함합니다.\n" * 3

# Sequences a terminal acts on.  Each one is in the escapes document; the
# safe behaviour is that they are shown as visible text and never reach the
# terminal.
OSC_TITLE_0 = "\x1b]0;PWNED-TITLE-0\x07"
OSC_TITLE_2 = "\x1b]2;PWNED-TITLE-2\x1b\\"
OSC_52 = "\x1b]52;c;SEFDS0VELUNMSVBCT0FSRA==\x07"  # base64 of HACKED-CLIPBOARD
OSC_52_C1 = "\x9d52;c;SEFDS0VELUMx\x9c"  # the same through C1 OSC/ST
CLEAR = "\x1b[2J\x1b[H"
CSI_C1 = "\x9b31m"
BIDI = "\u202eevil\u202c \u2066iso\u2069 \u200f"
BELL_BS_DEL = "\x07\x08\x7f\r"
SCREEN_RENAME = "\x1bkPWNED-WINDOW\x1b\\"  # screen/tmux window name
ESCAPE_LINES = [
    ("标题设置零", OSC_TITLE_0),
    ("标题设置二", OSC_TITLE_2),
    ("窗口改名", SCREEN_RENAME),
    ("剪贴板写入", OSC_52),
    ("剪贴板写入丙一", OSC_52_C1),
    ("清屏指令", CLEAR),
    ("丙一控制", CSI_C1),
    ("双向覆盖", BIDI),
    ("响铃退格", BELL_BS_DEL),
]
ESCAPES_TEXT = (
    "控制序列测试文档\n\n"
    + "\n\n".join(f"{label}:前文{seq}后文。这一段用于检验终端安全。" for label, seq in ESCAPE_LINES)
    + "\n"
)

MARKUP_SNIPPETS = ["[bold]不是粗体[/bold]", "a[i]", "[link=https://x]链接[/link]", "[@click=app.quit]点我[/]", "[/]", "[red on blue]颜色[/]"]
MARKUP_TEXT = (
    "标记语言测试文档\n\n"
    + "\n\n".join(f"第{n}段:{s} 必须原样显示。" for n, s in enumerate(MARKUP_SNIPPETS, 1))
    + "\n"
)

# The four characters a terminal may act on, as they may be shown (the
# visible stand-ins of tui.text.safe are one option; any visible form is).
TERMINAL_ACTIVE = "\x1b\x07\x08\x7f\x9b\x9c\x9d\u202e\u202c\u2066\u2069\u200f"


# ----------------------------------------------------------------- manifest


@dataclass
class Entry:
    path: bytes  # absolute, as the file system has it
    expect: str  # "doc" or "skip"
    reason: str = ""  # for skips: a word the reason must contain
    text: str | None = None  # for docs: the exact decoded text, when known
    warning: str = ""  # for docs: a word one warning must contain
    needs_non_root: bool = False  # the expectation holds only without root's powers
    known_bug: str = ""  # the safe behaviour is not there yet (see the xfail test that says so)

    @property
    def name(self) -> str:
        return os.fsdecode(os.path.basename(self.path))

    @property
    def str_path(self) -> str:
        return os.fsdecode(self.path)


@dataclass
class Manifest:
    root: str
    entries: list[Entry] = field(default_factory=list)

    def docs(self, as_root: bool = False) -> list[Entry]:
        return [e for e in self.entries if e.expect == "doc" and self._applies(e, as_root)]

    def skips(self, as_root: bool = False) -> list[Entry]:
        return [e for e in self.entries if e.expect == "skip" and self._applies(e, as_root)]

    def known_bugs(self) -> list[Entry]:
        return [e for e in self.entries if e.known_bug]

    @staticmethod
    def _applies(e: Entry, as_root: bool) -> bool:
        return not e.known_bug and not (e.needs_non_root and as_root)

    def by_name(self, name: str) -> Entry:
        (e,) = [e for e in self.entries if e.name == name]
        return e


HOSTILE_NAMES: list[bytes] = [
    b"bad-utf8-\xff\xfe.txt",
    "esc-\x1b]0;NAME-TITLE\x07-\x1b[2J.txt".encode(),
    "new\nline.txt".encode(),
    "tab\tname.txt".encode(),
    "rtl-\u202egnp.txt".encode(),
    b"[bold]x[/bold][@click=app.quit][link=https:x]y[/].txt",
    "c1-\u009b31m-\u009d0;t\u009c.txt".encode(),
]

MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64),
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(32, 120)),
    "gzip": b"\x1f\x8b\x08\x00" + bytes(range(1, 100)),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(128, 256)),
    "elf": b"\x7fELF\x02\x01\x01" + bytes(64),
}


def _write(root: bytes, rel: bytes, data: bytes) -> bytes:
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def build(root: str, *, specials: bool = True, sparse_mb: int = 64) -> Manifest:
    """Write the hostile corpus under ``root`` (created if missing).

    ``specials``: also the FIFO, socket, symlinks and unreadable entries
    (leave them out for corpora that get copied or served to a pseudo-user).
    """
    os.makedirs(root, exist_ok=True)
    broot = os.fsencode(os.path.abspath(root))
    m = Manifest(os.path.abspath(root))
    add = m.entries.append

    def doc(rel: bytes | str, data: bytes, text: str | None = None, warning: str = "") -> None:
        rel = rel if isinstance(rel, bytes) else rel.encode()
        add(Entry(_write(broot, rel, data), "doc", text=text, warning=warning))

    def skip(rel: bytes | str, data: bytes, reason: str) -> None:
        rel = rel if isinstance(rel, bytes) else rel.encode()
        add(Entry(_write(broot, rel, data), "skip", reason=reason))

    # Documents that try to act on the terminal, and markup.
    doc("escapes.txt", ESCAPES_TEXT.encode("utf-8"), text=ESCAPES_TEXT.replace("\r", "\n"))
    doc("markup.txt", MARKUP_TEXT.encode("utf-8"), text=MARKUP_TEXT)
    # Hostile names, ordinary content (each with its own first line so that
    # titles differ).
    for n, raw in enumerate(HOSTILE_NAMES):
        body = f"第{n}号怪名文件\n\n" + BODY
        doc(b"names/" + raw, body.encode("utf-8"), text=body)
    # Legacy and Unicode encodings: decoded exactly.
    doc("enc/gbk.txt", BODY.encode("gbk"), text=BODY)
    doc("enc/gb18030.txt", (BODY + "𠀀𪚥\n").encode("gb18030"), text=BODY + "𠀀𪚥\n")
    doc("enc/big5.txt", TRAD_BODY.encode("big5"), text=TRAD_BODY)
    doc("enc/utf16le-bom.txt", BODY.encode("utf-16"), text=BODY)
    doc("enc/utf16be-nobom.txt", BODY.encode("utf-16-be"), text=BODY)
    doc("enc/utf16le-nobom.txt", BODY.encode("utf-16-le"), text=BODY)
    doc("enc/shift_jis.txt", JA_BODY.encode("shift_jis"), text=JA_BODY)
    doc("enc/euc-kr.txt", KO_BODY.encode("euc-kr"), text=KO_BODY)
    doc("enc/crlf.txt", BODY.replace("\n", "\r\n").encode("gbk"), text=BODY)
    # Mojibake: repaired when lossless, flagged when not.
    doc("moji/gbk-as-latin1.txt", BODY.encode("gbk").decode("latin-1").encode("utf-8"), text=BODY, warning="repaired")
    doc("moji/kunjinkao.txt", ("标题\n\n正文锟斤拷锟斤拷内容,烫烫烫烫屯屯屯。\n" * 3).encode("utf-8"), warning="suspect")
    doc(
        "moji/utf8-as-gbk.txt",
        BODY.encode("utf-8").decode("gbk", errors="replace").encode("utf-8"),
        warning="suspect",
    )
    # Binary by content, whatever the name says.
    for kind, data in MAGIC.items():
        skip(f"bin/{kind}-named.txt", data, kind.upper() if kind != "gzip" else "gzip")
    skip("bin/nul.txt", b"\xe6\xad\xa3\xe6\x96\x87\x00\x00\x01\x02" * 20, "binary")
    skip("bin/bin-\x1b[2J-[bold].txt".encode(), b"\x00ESC-named binary\x00", "binary")
    sparse = os.path.join(broot, b"bin/sparse.txt")
    with open(sparse, "wb") as f:
        f.truncate(sparse_mb * 1024 * 1024)
    add(Entry(sparse, "skip", reason="NUL"))
    # Empty and whitespace-only: no phantom documents or sections.
    skip("blank/empty.txt", b"", "empty")
    skip("blank/ideographic-space.txt", "\u3000\u3000\n\u3000\n".encode("utf-8"), "empty")
    skip("blank/nbsp-zwsp.txt", "\xa0 \u200b\n\u200b\u200b\n\t\n".encode("utf-8"), "empty")
    skip("blank/ideographic-space-gbk.txt", "\u3000 \u3000\r\n\r\n".encode("gbk"), "empty")
    skip("blank/ideographic-space-big5.txt", "\u3000\u3000\r\n\u3000\r\n".encode("big5"), "empty")
    if specials:
        _specials(broot, m)
    return m


def _specials(broot: bytes, m: Manifest) -> None:
    add = m.entries.append
    sp = os.path.join(broot, b"special")
    os.makedirs(sp, exist_ok=True)
    fifo = os.path.join(sp, b"fifo.txt")
    os.mkfifo(fifo)
    add(Entry(fifo, "skip", reason="FIFO"))
    # A socket file stays after the socket is closed.  Bind by a relative
    # name: AF_UNIX paths are limited to ~108 bytes and tmp paths are long.
    sock_path = os.path.join(sp, b"sock.txt")
    cwd = os.getcwd()
    s = socket.socket(socket.AF_UNIX)
    try:
        os.chdir(sp)
        s.bind("sock.txt")
    finally:
        os.chdir(cwd)
        s.close()
    assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)
    add(Entry(sock_path, "skip", reason="socket"))
    a, b = os.path.join(sp, b"loop_a"), os.path.join(sp, b"loop_b")
    os.symlink(b, a)
    os.symlink(a, b)
    add(Entry(a, "skip", reason="loop"))
    add(Entry(b, "skip", reason="loop"))
    self_loop = os.path.join(sp, b"self_dir_link")
    os.symlink(b".", self_loop)  # a directory symlink back to where it is
    add(Entry(self_loop, "skip", reason="loop"))
    root_link = os.path.join(sp, b"root_link")
    os.symlink(b"/", root_link)
    add(Entry(root_link, "skip", reason="outside"))
    zero = os.path.join(sp, b"zero.txt")
    os.symlink(b"/dev/zero", zero)
    add(Entry(zero, "skip", reason="outside"))
    dangling = os.path.join(sp, b"dangling.txt")
    os.symlink(b"no-such-target.txt", dangling)
    add(Entry(dangling, "skip", reason="vanished"))
    # Unreadable file and directory: only a non-root user sees them fail.
    locked = _write(broot, b"perm/locked.txt", BODY.encode("utf-8"))
    os.chmod(locked, 0)
    add(Entry(locked, "skip", reason="permission", needs_non_root=True))
    locked_dir = os.path.join(broot, b"perm/locked_dir")
    inner = _write(broot, b"perm/locked_dir/inner.txt", BODY.encode("utf-8"))
    os.chmod(locked_dir, 0)
    add(Entry(locked_dir, "skip", reason="permission", needs_non_root=True))
    m.locked = [locked, locked_dir]  # type: ignore[attr-defined]
    m.inner = inner  # type: ignore[attr-defined]


def make_world_readable(root: str) -> None:
    """Let another user (nobody) walk to and read everything except the
    deliberately locked entries; parents of ``root`` too."""
    broot = os.fsencode(os.path.abspath(root))
    for dirpath, dirnames, filenames in os.walk(broot):
        for d in dirnames:
            p = os.path.join(dirpath, d)
            if not os.path.islink(p) and os.stat(p).st_mode & 0o777:
                os.chmod(p, 0o755)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if os.path.islink(p):
                continue
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode) and st.st_mode & 0o777:
                os.chmod(p, 0o644)
    p = broot
    while p not in (b"/", b""):
        st = os.stat(p)
        if not st.st_mode & 0o005:
            os.chmod(p, st.st_mode | 0o005)
        p = os.path.dirname(p)


def unlock(root: str) -> None:
    """Undo the locks so that the directory can be removed."""
    broot = os.fsencode(os.path.abspath(root))
    for dirpath, dirnames, _ in os.walk(broot):
        for d in dirnames:
            p = os.path.join(dirpath, d)
            if not os.path.islink(p):
                os.chmod(p, 0o755)
    for p in (os.path.join(broot, b"perm/locked.txt"), os.path.join(broot, b"perm/locked_dir")):
        if os.path.lexists(p):
            os.chmod(p, 0o755)
