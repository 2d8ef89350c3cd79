"""The folding used for matching, and its offset maps."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.text import escape_controls, fold, fold_text, to_simplified


def test_width_case_and_script_fold_together():
    assert fold_text("工會改革") == fold_text("工会改革") == "工会改革"
    assert fold_text("ＡＢＣ１２３（一）：") == "abc123(一):"
    assert fold_text("G60") == fold_text("Ｇ６０") == "g60"


def test_character_level_conversion_never_rewrites_simplified_text():
    # Phrase-level conversion turns 一批覆盖 into 一批复盖; the character table must not.
    assert fold_text("一批覆盖") == "一批覆盖"
    assert to_simplified("一批覆蓋") == "一批覆盖"
    assert len(to_simplified("後來發現區域會議")) == len("後來發現區域會議")


def test_expanding_characters_map_back_to_the_original_character():
    text = "第㈣条…完"
    f = fold(text)
    assert f.text == "第(四)条...完"
    i = f.text.index("四")
    assert f.span_to_orig(i, i + 1) == (1, 2)  # the whole ㈣
    j = f.text.index("完")
    assert text[slice(*f.span_to_orig(j, j + 1))] == "完"
    assert f.span_to_orig(f.text.index("."), f.text.index(".") + 3) == (3, 4)


def test_invisible_format_characters_do_not_split_words():
    text = "工\u200b会\u00ad改革"
    f = fold(text)
    assert f.text == "工会改革"
    s, e = f.span_to_orig(0, 4)
    assert text[s:e] == text


def test_identity_map_when_nothing_expands():
    f = fold("普通的简体中文文本。")
    assert f.identity
    assert f.span_to_orig(2, 4) == (2, 4)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_offset_map_round_trips(text):
    f = fold(text)
    assert f.to_orig(len(f.text)) == len(text)
    prev = 0
    for i in range(len(f.text)):
        o = f.to_orig(i)
        assert prev <= o < len(text)
        prev = o
        # Folding the original character again yields this folded character.
        s, e = f.span_to_orig(i, i + 1)
        assert f.text[i] in fold_text(text[s:e])
        assert f.from_orig(o) <= i
    for s in range(len(f.text) + 1):
        for e in range(s, min(len(f.text), s + 4) + 1):
            os_, oe = f.span_to_orig(s, e)
            assert 0 <= os_ <= oe <= len(text)
            if e > s:
                assert f.text[s:e] in fold_text(text[os_:oe])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_fold_text_agrees_with_fold(text):
    assert fold_text(text) == fold(text).text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_escape_controls_keeps_length_and_leaves_nothing_active(text):
    out = escape_controls(text)
    assert len(out) == len(text)
    for ch in out:
        cp = ord(ch)
        assert ch in "\n\t" or not (cp < 0x20 or 0x7F <= cp < 0xA0 or 0xD800 <= cp <= 0xDFFF)
        assert ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_escape_controls_makes_escape_sequences_visible():
    assert escape_controls("a\x1b]52;c;Zm9v\x07b") == "a\u241b]52;c;Zm9v\u2407b"
    assert escape_controls("中文\n\t正常") == "中文\n\t正常"


def test_fold_tables_are_kept_and_a_damaged_copy_is_ignored(tmp_path, monkeypatch):
    """A fresh process reads the tables a previous one built (building costs
    every `yuelan search` 0.2-0.6 s); the kept copy is exactly the built one,
    and a damaged copy is built again."""
    import importlib

    fold_mod = importlib.import_module("tui.text.fold")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("YUELAN_NO_CACHE", raising=False)
    assert fold_mod._kept_tables() is None
    built = fold_mod._build_tables()
    fold_mod._keep_tables(*built)
    assert fold_mod._kept_tables() == built
    path = fold_mod._tables_file()
    with open(path, "r+b") as f:
        f.seek(100)
        f.write(b"\x00garbage{")
    assert fold_mod._kept_tables() is None
