"""Textual's parsed CSS, kept between runs.

Every start parses the CSS of the app and of each widget class it mounts
(Textual's ``Stylesheet._parse_rules``): 25 sources, 25-35 ms of the first
frame at 120x36, the biggest share of what yuelan adds to a bare Textual
app's start.  The answer depends only on the CSS text, where it was read
from, its flags, the theme's variables and the Textual release, so it is
kept in one file in the user cache dir (``<cache>/yuelan/css``), named by
the Textual install and the Python release, and looked up by a digest of
everything else.  Reading an entry back (``pickle``) takes a tenth of parsing it.

The file is written (atomically, 0600, in the private cache dir that holds
the document cache and the index) after the first frame and again at exit
when new CSS was parsed meanwhile (a dialog, the palette).  A missing,
unreadable or foreign file is a miss: the CSS is parsed as before.  A
parse that fails is never kept; Textual reports it as it always does.
``YUELAN_NO_CACHE`` turns it off, as it does the other caches.
"""

from __future__ import annotations

import os
import pickle
import sys
from hashlib import blake2b

from textual.css.stylesheet import Stylesheet

FORMAT = 1
MAX_BYTES = 8 << 20  # a bigger file is not ours
MAX_ENTRIES = 400  # beyond this, only what the last run used is written back

_parse_rules = Stylesheet._parse_rules  # Textual's own


class _Kept:
    """The entries of the cache file, read on the first parse."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.loaded = False
        self.entries: dict[bytes, bytes] = {}  # digest -> pickled rules
        self.used: set[bytes] = set()
        self.new = False
        self.hits = 0
        self.parsed = 0

    def load(self) -> None:
        self.loaded = True
        if os.environ.get("YUELAN_NO_CACHE"):
            return
        from tui.persist import private_cache_dir, read_bytes

        base = private_cache_dir("css")
        release = _textual_release()
        if base is None or release is None:
            return
        self.path = os.path.join(base, f"textual-{release}.pickle")
        try:
            data = pickle.loads(read_bytes(self.path, cap=MAX_BYTES))
        except FileNotFoundError:
            return
        except Exception:  # noqa: BLE001 - unreadable, not ours, another format: parse as before
            self.new = True  # written anew
            return
        if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("entries"), dict):
            self.entries = data["entries"]
        else:
            self.new = True

    def save(self) -> None:
        """Write the entries back when this run parsed CSS that was not kept."""
        if not self.new or self.path is None:
            return
        self.new = False
        entries = self.entries
        if len(entries) > MAX_ENTRIES:
            entries = {k: v for k, v in entries.items() if k in self.used}
        from tui.persist import write_atomic

        try:
            write_atomic(self.path, pickle.dumps({"format": FORMAT, "entries": entries}, protocol=5), durable=False)
        except OSError:
            pass  # parsed again next time
        directory, own = os.path.split(self.path)
        try:
            for name in os.listdir(directory):  # other Textual or Python releases
                if name.startswith("textual-") and name.endswith(".pickle") and name != own:
                    os.unlink(os.path.join(directory, name))
        except OSError:
            pass


KEPT = _Kept()


def _textual_release() -> str | None:
    """Names the Textual install and Python release the entries were made by:
    the size and time of the modules that parse CSS and build its objects.
    (``textual.__version__`` reads the package metadata through
    ``importlib.metadata``: 10-15 ms of imports on the way to the first
    frame.)"""
    import textual.css

    h = blake2b(repr(sys.version_info).encode(), digest_size=8)
    folder = os.path.dirname(textual.css.__file__)
    try:
        for name in ("parse.py", "tokenize.py", "tokenizer.py", "model.py", "styles.py", "stylesheet.py", "types.py"):
            st = os.stat(os.path.join(folder, name))
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    except OSError:
        return None
    return h.hexdigest()


def _variables_digest(stylesheet: Stylesheet) -> bytes:
    variables = stylesheet._variables
    held = getattr(stylesheet, "_yuelan_variables", None)
    if held is not None and held[0] is variables:
        return held[1]
    digest = blake2b(repr(sorted(variables.items())).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    stylesheet._yuelan_variables = (variables, digest)
    return digest


def _parse_rules_kept(
    self: Stylesheet, css: str, read_from, is_default_rules: bool = False, tie_breaker: int = 0, scope: str = ""
):
    cache_key = (css, read_from, is_default_rules, tie_breaker, scope)
    if cache_key in self._parse_cache:
        return _parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
    if not KEPT.loaded:
        KEPT.load()
    h = blake2b(_variables_digest(self), digest_size=20)
    h.update(repr((read_from, is_default_rules, tie_breaker, scope)).encode("utf-8", "surrogatepass"))
    h.update(css.encode("utf-8", "surrogatepass"))
    digest = h.digest()
    blob = KEPT.entries.get(digest)
    if blob is not None:
        try:
            rules = pickle.loads(blob)
        except Exception:  # noqa: BLE001 - a damaged entry: parse it
            rules = None
        if isinstance(rules, list):
            KEPT.used.add(digest)
            KEPT.hits += 1
            self._parse_cache[cache_key] = rules
            return rules
    rules = _parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)  # raises on bad CSS
    KEPT.parsed += 1
    if any(rule.errors for rule in rules):
        return rules  # Textual reports these; never kept
    try:
        KEPT.entries[digest] = pickle.dumps(rules, protocol=5)
    except Exception:  # noqa: BLE001 - something in the rules that cannot be kept: parse it every time
        return rules
    KEPT.used.add(digest)
    KEPT.new = True
    return rules


def install() -> None:
    """Route Textual's CSS parsing through the kept entries; done when
    ``tui.app.app`` is imported, before the app parses any CSS."""
    Stylesheet._parse_rules = _parse_rules_kept


def save() -> None:
    KEPT.save()


install()
