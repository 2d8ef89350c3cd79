"""Small persistent state: settings, the last reading place and bookmarks.

Pure Python (no Textual), so it can be tested on its own.  Everything lives in
small JSON files in ``platformdirs.user_data_dir("yuelan")``:

* ``settings.json``            ``{"version": 1, "theme": "..."}``
* ``state-<key>.json``         ``{"version": 1, "roots": [...], "last": PLACE|null}``
* ``bookmarks-<key>.json``     ``{"version": 1, "roots": [...], "bookmarks": [BOOKMARK...]}``
* ``history-<key>.json``       ``{"version": 1, "roots": [...], "queries": ["...", ...]}`` (oldest first)

``<key>`` is a hash of the corpus's resolved root paths, so each corpus has its
own place and bookmarks.  A PLACE is ``{"root": i, "path": rel, "offset": n}``:
the document's path relative to root ``i`` (of the sorted resolved roots) and a
character offset into its text; a BOOKMARK adds ``excerpt``, ``note`` and
``created``.

Rules:

* files are read and written through ``tui.persist``: atomic writes (a
  temporary file, fsync, ``os.replace``), mode 0600 in a 0700 directory of
  ours; no symlink, FIFO or another user's file is read;
* a file that cannot be used (not UTF-8, not JSON, nested too deep, too big,
  the wrong shape, a symlink) is renamed aside to ``NAME.corrupt-<timestamp>``
  and a notice says so; defaults are used; it is never overwritten silently;
* a place pointing outside the corpus (``..``, an absolute path, an unknown
  root) is ignored;
* no usable data directory (no HOME, read-only): state is off, with a notice.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from tui import persist

VERSION = 1
MAX_SETTINGS_BYTES = 64 * 1024
MAX_STATE_BYTES = 64 * 1024
MAX_BOOKMARKS_BYTES = 2 * 1024 * 1024
MAX_BOOKMARKS = 2000
MAX_EXCERPT = 120
MAX_NOTE = 500
MAX_THEME = 64
MAX_HISTORY_BYTES = 256 * 1024
MAX_QUERIES = 100
MAX_QUERY = 500


class Corrupt(ValueError):
    """A state file's content cannot be used."""


# ------------------------------------------------------------------- roots


class Roots:
    """The resolved root paths of a corpus, and document paths relative to them."""

    def __init__(self, paths: list[str]) -> None:
        self.roots: list[str] = sorted({os.path.realpath(os.path.abspath(p)) for p in paths})
        digest = hashlib.sha256("\0".join(self.roots).encode("utf-8", "surrogateescape"))
        self.key = digest.hexdigest()[:32]

    def locate(self, path: str) -> tuple[int, str] | None:
        """``(root index, relative path)`` of a document path, or None if outside."""
        real = os.path.realpath(os.path.abspath(path))
        for i, root in enumerate(self.roots):
            if real == root:  # a file given as a root
                return i, os.path.basename(root)
            if real.startswith(root.rstrip(os.sep) + os.sep):
                return i, os.path.relpath(real, root)
        return None

    def resolve(self, root: int, rel: str) -> str | None:
        """The absolute path of a stored place, or None when it points outside."""
        if not (0 <= root < len(self.roots)) or not rel or os.path.isabs(rel) or "\0" in rel:
            return None
        base = self.roots[root]
        if os.path.basename(base) == rel and not os.path.isdir(base):
            return base  # a file root
        candidate = os.path.normpath(os.path.join(base, rel))
        if not candidate.startswith(base.rstrip(os.sep) + os.sep):
            return None
        return candidate


# ------------------------------------------------------------------ records


@dataclass
class Place:
    """A reading place: a document (root index and path under it) and an offset in its text."""

    root: int
    path: str
    offset: int

    def to_json(self) -> dict:
        return {"root": self.root, "path": self.path, "offset": self.offset}


@dataclass
class Bookmark:
    """A bookmarked place with its excerpt, the user's note and when it was made."""

    root: int
    path: str
    offset: int
    excerpt: str = ""
    note: str = ""
    created: float = field(default_factory=time.time)

    def to_json(self) -> dict:
        return {"root": self.root, "path": self.path, "offset": self.offset,
                "excerpt": self.excerpt, "note": self.note, "created": self.created}


def _int(v: Any, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise Corrupt(f"{what} is not a non-negative integer")
    return v


def _str(v: Any, what: str, cap: int) -> str:
    if not isinstance(v, str):
        raise Corrupt(f"{what} is not a string")
    return v[:cap]


def _dict(v: Any, what: str) -> dict:
    if not isinstance(v, dict):
        raise Corrupt(f"{what} is not an object")
    return v


def _version(d: dict) -> None:
    v = d.get("version", VERSION)
    if isinstance(v, bool) or not isinstance(v, int):
        raise Corrupt("version is not an integer")


def parse_place(v: Any, what: str = "place") -> Place:
    d = _dict(v, what)
    return Place(_int(d.get("root"), f"{what}.root"), _str(d.get("path"), f"{what}.path", 4096),
                 _int(d.get("offset"), f"{what}.offset"))


def parse_settings(v: Any) -> dict:
    d = _dict(v, "settings")
    _version(d)
    out: dict = {}
    if "theme" in d and d["theme"] is not None:
        out["theme"] = _str(d["theme"], "theme", MAX_THEME)
    return out


def parse_state(v: Any) -> Place | None:
    d = _dict(v, "state")
    _version(d)
    last = d.get("last")
    return None if last is None else parse_place(last, "last")


def parse_bookmarks(v: Any) -> list[Bookmark]:
    d = _dict(v, "bookmarks file")
    _version(d)
    items = d.get("bookmarks", [])
    if not isinstance(items, list):
        raise Corrupt("bookmarks is not a list")
    out = []
    for n, item in enumerate(items[:MAX_BOOKMARKS]):
        p = parse_place(item, f"bookmark {n}")
        created = item.get("created", 0.0)
        if isinstance(created, bool) or not isinstance(created, (int, float)):
            raise Corrupt(f"bookmark {n}.created is not a number")
        out.append(Bookmark(p.root, p.path, p.offset,
                            _str(item.get("excerpt", ""), f"bookmark {n}.excerpt", MAX_EXCERPT),
                            _str(item.get("note", ""), f"bookmark {n}.note", MAX_NOTE),
                            float(created)))
    return out


def parse_history(v: Any) -> list[str]:
    d = _dict(v, "history")
    _version(d)
    items = d.get("queries", [])
    if not isinstance(items, list):
        raise Corrupt("queries is not a list")
    return [_str(q, f"query {n}", MAX_QUERY) for n, q in enumerate(items[-MAX_QUERIES:])]


# -------------------------------------------------------------------- store


class StateStore:
    """Reads and writes the JSON files of one data directory.

    ``notices`` collects what the user should be told (a file set aside,
    state turned off); the app shows and clears them."""

    def __init__(self, directory: str | None = None, *, enabled: bool = True) -> None:
        self.notices: list[str] = []
        self.dir: str | None = None
        self._blocked: set[str] = set()  # files that could not be set aside: never written
        self._write_failed = False
        if not enabled:
            return
        directory = directory or persist.user_data_dir()
        if directory is None:
            self.notices.append("no home directory: bookmarks, history and settings are not kept")
            return
        try:
            self.dir = persist.private_dir(directory)
        except (OSError, persist.Unusable) as e:
            reason = getattr(e, "strerror", None) or str(e)
            self.notices.append(f"cannot use {directory} ({reason}): bookmarks, resume and settings are not kept")

    @property
    def enabled(self) -> bool:
        return self.dir is not None

    def path(self, name: str) -> str:
        assert self.dir is not None
        return os.path.join(self.dir, name)

    # ------------------------------------------------------------- reading

    def read(self, name: str, parse: Callable[[Any], Any], cap: int, default: Any = None) -> Any:
        """The parsed content of ``name``, or ``default`` (missing or set aside)."""
        if self.dir is None:
            return default
        path = self.path(name)
        try:
            try:
                data = persist.read_bytes(path, cap)
            except FileNotFoundError:
                return default
            except persist.Unusable as e:
                raise Corrupt(str(e)) from None
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise Corrupt("not UTF-8") from None
            try:
                value = json.loads(text)
            except RecursionError:
                raise Corrupt("nested too deeply") from None
            except ValueError as e:
                raise Corrupt(f"not valid JSON: {e}") from None
            try:
                return parse(value)
            except RecursionError:
                raise Corrupt("nested too deeply") from None
        except Corrupt as e:
            self._set_aside(name, str(e))
            return default
        except OSError as e:
            self.notices.append(f"cannot read {path}: {e.strerror or e}")
            self._blocked.add(name)
            return default

    def _set_aside(self, name: str, reason: str) -> None:
        path = self.path(name)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        target = f"{path}.corrupt-{stamp}"
        n = 1
        while os.path.lexists(target):
            n += 1
            target = f"{path}.corrupt-{stamp}-{n}"
        try:
            os.rename(path, target)
        except OSError as e:
            self._blocked.add(name)
            self.notices.append(f"{path} is unusable ({reason}) and could not be moved aside ({e.strerror or e}); "
                                "it is left as it is and not written")
            return
        self.notices.append(f"{path} was unusable ({reason}); moved aside to {os.path.basename(target)}, "
                            "defaults used")

    # ------------------------------------------------------------- writing

    def write(self, name: str, value: Any) -> bool:
        """Write ``value`` as JSON to ``name`` atomically; False if it was not written."""
        if self.dir is None or name in self._blocked:
            return False
        path = self.path(name)
        data = json.dumps(value, ensure_ascii=True, indent=1).encode("ascii") + b"\n"
        try:
            persist.write_atomic(path, data)
            return True
        except OSError as e:
            if not self._write_failed:
                self._write_failed = True
                self.notices.append(f"cannot save {path}: {e.strerror or e}")
            return False

    def take_notices(self) -> list[str]:
        out, self.notices = self.notices, []
        return out

    # ------------------------------------------------------- the three files

    def load_settings(self) -> dict:
        return self.read("settings.json", parse_settings, MAX_SETTINGS_BYTES, {})

    def save_settings(self, settings: dict) -> bool:
        return self.write("settings.json", {"version": VERSION, **settings})

    def load_place(self, roots: Roots) -> Place | None:
        place = self.read(f"state-{roots.key}.json", parse_state, MAX_STATE_BYTES, None)
        if place is None or roots.resolve(place.root, place.path) is None:
            return None  # none, or pointing outside the corpus
        return place

    def save_place(self, roots: Roots, place: Place | None) -> bool:
        return self.write(f"state-{roots.key}.json",
                          {"version": VERSION, "roots": roots.roots, "last": place.to_json() if place else None})

    def load_bookmarks(self, roots: Roots) -> list[Bookmark]:
        marks = self.read(f"bookmarks-{roots.key}.json", parse_bookmarks, MAX_BOOKMARKS_BYTES, [])
        return [b for b in marks if roots.resolve(b.root, b.path) is not None]

    def save_bookmarks(self, roots: Roots, marks: list[Bookmark]) -> bool:
        return self.write(f"bookmarks-{roots.key}.json",
                          {"version": VERSION, "roots": roots.roots,
                           "bookmarks": [b.to_json() for b in marks[:MAX_BOOKMARKS]]})

    def load_history(self, roots: Roots) -> list[str]:
        """The corpus's past search queries, oldest first."""
        return self.read(f"history-{roots.key}.json", parse_history, MAX_HISTORY_BYTES, [])

    def save_history(self, roots: Roots, queries: list[str]) -> bool:
        return self.write(f"history-{roots.key}.json",
                          {"version": VERSION, "roots": roots.roots, "queries": list(queries[-MAX_QUERIES:])})


def excerpt(text: str, offset: int, length: int = 40) -> str:
    """A short one-line excerpt of ``text`` from ``offset``."""
    piece = text[offset : offset + length * 3]
    piece = " ".join(piece.split())
    return piece[:length]
