"""tui.text.safe on arbitrary text: nothing a terminal acts on survives,
lengths are kept (offsets stay valid), and JSON round-trips exactly."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

import hostile
from tui.text import escape_controls, escape_name, json_dumps

# Independent of safe.py's own table: what a terminal may act on.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\ud800-\udfff]")

# Text biased towards the dangerous ranges, plus anything else.
DANGEROUS = st.sampled_from(
    list("\x1b\x07\x08\x7f\x9b\x9c\x9d\x85\u202e\u202c\u2066\u2069\u200f\u061c\u2028\u2029\udcff\ud800\t\n\r")
    + ["\x1b]0;t\x07", "\x1b]52;c;QQ==\x07", "\x1b[2J", "[bold]", "[/]", "中文", "a[i]"]
)
TEXT = st.lists(st.one_of(DANGEROUS, st.text(max_size=8)), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_escape_controls_leaves_nothing_active_and_keeps_length(text):
    out = escape_controls(text)
    assert len(out) == len(text)
    assert not ACTIVE.search(out), [hex(ord(c)) for c in ACTIVE.findall(out)]
    # Only the active characters change.
    for a, b in zip(text, out):
        assert a == b or ACTIVE.match(a)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_escape_name_is_one_line(text):
    out = escape_name(text)
    assert "\n" not in out and "\t" not in out and not ACTIVE.search(out)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=5), st.one_of(TEXT, st.lists(TEXT, max_size=3)), max_size=4))
def test_json_dumps_is_terminal_safe_and_exact(obj):
    out = json_dumps(obj)
    assert not ACTIVE.search(out), [hex(ord(c)) for c in ACTIVE.findall(out)]
    # Exact for anything a file name or a decoded document can hold: lone
    # *low* surrogates (surrogateescape) included.  A lone high surrogate
    # followed by a low one cannot be told from a pair in JSON at all.
    if not re.search("[\ud800-\udbff]", json.dumps(obj, ensure_ascii=False)):
        assert json.loads(out) == obj
    out.encode("utf-8")  # no lone surrogates: any UTF-8 stream can carry it


def test_hostile_names_round_trip_through_json():
    import os

    for raw in hostile.HOSTILE_NAMES:
        name = os.fsdecode(raw)
        out = json_dumps({"path": name})
        assert not ACTIVE.search(out)
        assert os.fsencode(json.loads(out)["path"]) == raw
