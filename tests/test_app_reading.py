"""Pilot tests for reading comfort (issue 7): resume, bookmarks, history, find,
the hit-density strip, copy, export, themes, and the help/palette for them."""

from __future__ import annotations

import json
import os
import unicodedata
from concurrent.futures import Future


from app_support import FakeIndex, app_plain, make_app, sample_corpus, wait_index, wait_results, wait_settled, wait_text
from tui.app.app import THEMES, YuelanApp
from tui.app.widgets.hit_strip import DENSITY, HitStrip
from tui.app.widgets.reader import Reader
from tui.app.screens.bookmarks import BookmarksScreen
from tui.app.screens.help import KEYS, HelpScreen, help_text
from tui.app.screens.note import NoteScreen
from tui.app.widgets.doc_tree import DocTree
from tui.app.widgets.inputs import FindInput
from tui.state import Roots


def data(tmp_path) -> str:
    return str(tmp_path / "data")


async def search(pilot, app, query: str) -> None:
    await pilot.press("slash")
    await pilot.press(*query)
    await wait_results(pilot, app, query)


async def open_doc(pilot, app, i: int) -> None:
    tree = app.query_one(DocTree)
    app.set_focus(tree)
    tree.move_cursor(tree.doc_nodes[i])
    await pilot.press("enter")
    await pilot.pause()


async def wait_for(pilot, cond, secs: float = 10.0) -> None:
    import time

    end = time.monotonic() + secs
    while not cond() and time.monotonic() < end:
        await pilot.pause(0.02)
    assert cond()


def messages(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


# ---------------------------------------------------------------- resume


async def test_resume_returns_to_the_last_document_and_position(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        reader = app.query_one(Reader)
        assert reader.doc.id == "001_harbour"  # nothing saved yet: the first document
        await open_doc(pilot, app, 2)
        await pilot.press("j", "j", "j", "j", "j", "space")
        top = reader.top_offset()
        assert top > 0
        await pilot.press("q")
    saved = json.load(open(os.path.join(data(tmp_path), f"state-{Roots(['/corpus']).key}.json")))
    assert saved["last"] == {"root": 0, "path": "003_g60.txt", "offset": top}

    app2 = make_app(state_dir=data(tmp_path))
    async with app2.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app2)
        reader = app2.query_one(Reader)
        assert reader.doc.id == "003_g60"
        assert reader.top_offset() == top
        assert "长三角G60科创走廊" in app_plain(app2).splitlines()[-2]


async def test_resume_while_the_corpus_loads_in_the_background(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        await open_doc(pilot, app, 1)
        await pilot.press("space")
        top = app.query_one(Reader).top_offset()
        app.reading.save_place()
    future: Future = Future()
    app2 = YuelanApp(["/corpus"], corpus_future=future, index_factory=FakeIndex, state_dir=data(tmp_path))
    async with app2.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app2.query(Reader))
        assert app2.query_one(Reader).doc is None  # still loading
        future.set_result(sample_corpus())
        await wait_for(pilot, lambda: app2.query_one(Reader).doc is not None)
        await wait_index(pilot, app2)
        reader = app2.query_one(Reader)
        assert reader.doc.id == "002_reform" and reader.top_offset() == top


async def test_resume_to_a_document_that_is_gone_starts_at_the_first(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        await open_doc(pilot, app, 2)
        await pilot.press("q")
    smaller = sample_corpus()
    smaller.documents.pop()  # 003_g60 deleted
    app2 = make_app(state_dir=data(tmp_path), corpus=smaller)
    shown = []  # every notice, also one whose 5 s ran out on a loaded machine
    notify = app2.notify
    app2.notify = lambda message, *a, **kw: (shown.append(str(message)), notify(message, *a, **kw))[1]
    async with app2.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app2)
        assert app2.query_one(Reader).doc.id == "001_harbour"
        assert any("last reading place is gone" in m for m in shown)


async def test_resume_in_a_document_that_shrank_opens_its_end(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        await open_doc(pilot, app, 2)
        await pilot.press("G")
        assert app.query_one(Reader).top_offset() > 100
        await pilot.press("q")
    smaller = sample_corpus()
    doc = smaller.documents[2]
    doc.text = doc.text[:60]  # the file was cut short since
    doc.paragraphs = [p for p in doc.paragraphs if p.end <= 60]
    doc.sections = [s for s in doc.sections if s.end <= 60]
    app2 = make_app(state_dir=data(tmp_path), corpus=smaller)
    async with app2.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app2)
        reader = app2.query_one(Reader)
        assert reader.doc.id == "003_g60"
        assert reader.top_offset() <= 60
        assert "last reading place is gone" not in messages(app2)


async def test_corrupt_state_is_set_aside_and_the_app_opens(tmp_path):
    os.makedirs(data(tmp_path))
    key = Roots(["/corpus"]).key
    with open(os.path.join(data(tmp_path), f"state-{key}.json"), "w") as f:
        f.write("[" * 100_000)
    with open(os.path.join(data(tmp_path), "settings.json"), "w") as f:
        f.write('{"theme": 42}')
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        assert app.query_one(Reader).doc.id == "001_harbour"
        text = messages(app)
        assert text.count("moved aside") == 2, text
        assert await wait_text(pilot, app, "moved aside")
    names = os.listdir(data(tmp_path))
    assert any(n.startswith(f"state-{key}.json.corrupt-") for n in names)
    assert any(n.startswith("settings.json.corrupt-") for n in names)


async def test_unusable_data_dir_still_opens_with_a_notice(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = make_app(state_dir=str(blocker / "yuelan"))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        assert app.query_one(Reader).doc is not None
        assert "not kept" in messages(app)
        await pilot.press("q")
    assert blocker.read_text() == "x"


# ------------------------------------------------------------- bookmarks


async def add_bookmark(pilot, app, note: str) -> None:
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(app.screen, NoteScreen)
    await pilot.press(*note) if note else None
    await pilot.press("enter")
    await pilot.pause()


async def test_bookmarks_add_list_jump_rename_delete_and_persist(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        reader = app.query_one(Reader)
        await open_doc(pilot, app, 2)
        await pilot.press("space", "space")
        mark_offset = reader.reading_offset()
        await add_bookmark(pilot, app, "kczl")
        assert len(app.bookmarks) == 1 and app.bookmarks[0].offset == mark_offset
        assert app.bookmarks[0].path == "003_g60.txt" and app.bookmarks[0].note == "kczl"
        assert app.bookmarks[0].excerpt and app.bookmarks[0].excerpt in " ".join(app.documents[2].text.split())
        await open_doc(pilot, app, 0)
        await add_bookmark(pilot, app, "")  # no note: the excerpt names it
        assert len(app.bookmarks) == 2
        # Esc cancels: nothing added.
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteScreen))
        assert len(app.bookmarks) == 2

        await pilot.press("apostrophe")
        await pilot.pause()
        assert isinstance(app.screen, BookmarksScreen)
        screen = app_plain(app)
        assert "kczl" in screen and "长三角G60科创走廊" in screen
        # Rename the first.
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("ctrl+u", *"renamed", "enter")
        await pilot.pause()
        assert app.bookmarks[0].note == "renamed"
        assert "renamed" in app_plain(app)
        # Jump to it.
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, BookmarksScreen)
        assert reader.doc.id == "003_g60"
        assert reader.lay.line_at(mark_offset) in range(round(reader.scroll_y),
                                                          round(reader.scroll_y) + reader.scrollable_content_region.height)
        # Delete the second.
        await pilot.press("apostrophe")
        await pilot.pause()
        await pilot.press("j", "d")
        await pilot.pause()
        assert len(app.bookmarks) == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, BookmarksScreen))
        await pilot.press("q")
    key = Roots(["/corpus"]).key
    saved = json.load(open(os.path.join(data(tmp_path), f"bookmarks-{key}.json")))
    assert [(b["path"], b["offset"], b["note"]) for b in saved["bookmarks"]] == [("003_g60.txt", mark_offset, "renamed")]
    app2 = make_app(state_dir=data(tmp_path))
    async with app2.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app2)
        assert [b.note for b in app2.bookmarks] == ["renamed"]


async def test_stale_bookmarks_are_shown_as_stale_and_never_crash(tmp_path):
    os.makedirs(data(tmp_path))
    key = Roots(["/corpus"]).key
    marks = {"version": 1, "bookmarks": [
        {"root": 0, "path": "gone.txt", "offset": 0, "excerpt": "x", "note": "deleted file"},
        {"root": 0, "path": "002_reform.txt", "offset": 10**9, "excerpt": "y", "note": "too far"},
        {"root": 0, "path": "../../etc/passwd", "offset": 0, "excerpt": "z", "note": "outside"},
        {"root": 0, "path": "002_reform.txt", "offset": 5, "excerpt": "\x1b[2J", "note": "[bold]ok[/]"},
    ]}
    with open(os.path.join(data(tmp_path), f"bookmarks-{key}.json"), "w") as f:
        json.dump(marks, f)
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        assert len(app.bookmarks) == 3  # the one outside the corpus is ignored
        await pilot.press("apostrophe")
        await pilot.pause()
        screen = app_plain(app)
        assert "deleted file" in screen and "stale: file gone" in screen
        assert "too far" in screen and "stale: offset out of range" in screen
        assert "outside" not in screen
        assert "[bold]ok[/]" in screen and "\x1b" not in screen
        await pilot.press("enter")  # a stale one: says so, stays
        await pilot.pause()
        assert "stale" in messages(app)
        assert app.query_one(Reader).doc.id == "001_harbour"
        assert app.is_running


# --------------------------------------------------------------- history


async def test_history_back_and_forward_like_a_browser():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        reader = app.query_one(Reader)
        await open_doc(pilot, app, 1)
        await open_doc(pilot, app, 2)
        await pilot.press("space")  # scroll in 003: back/forward keeps this place
        where = reader.top_offset()
        assert where > 0
        await pilot.press("H")
        assert reader.doc.id == "002_reform"
        await pilot.press("ctrl+o")
        assert reader.doc.id == "001_harbour"
        await pilot.press("ctrl+o")  # nothing earlier
        assert reader.doc.id == "001_harbour" and "No earlier place" in messages(app)
        await pilot.press("L")
        assert reader.doc.id == "002_reform"
        await pilot.press("ctrl+i")  # a terminal that tells ctrl+i from Tab
        await pilot.pause()
        assert reader.doc.id == "003_g60" and reader.top_offset() == where
        await pilot.press("H", "H")
        assert reader.doc.id == "001_harbour"
        # Opening a new place drops the forward list.
        await open_doc(pilot, app, 2)
        await pilot.press("L")
        assert reader.doc.id == "003_g60" and "No later place" in messages(app)
        await pilot.press("H")
        assert reader.doc.id == "001_harbour"


async def test_tab_still_switches_panes():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await open_doc(pilot, app, 1)
        reader = app.query_one(Reader)
        assert app.focused is reader
        await pilot.press("tab")
        assert isinstance(app.focused, DocTree) and reader.doc.id == "002_reform"


# ------------------------------------------------------------------ find


async def test_find_in_document_folds_and_steps_with_n():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "xlgw")  # a corpus search is active too
        await open_doc(pilot, app, 1)
        reader = app.query_one(Reader)
        corpus_hits = list(reader.hits)
        await pilot.press("ctrl+f")
        assert isinstance(app.focused, FindInput)
        await pilot.press(*"工会", "enter")  # Simplified finds the Traditional 工會
        await wait_for(pilot, lambda: app.finding.doc == "002_reform")
        doc = app.documents[1]
        expected = [i for i in range(len(doc.text)) if doc.text.startswith("工會", i)]
        assert [s for s, _ in reader.hits] == expected and len(expected) > 3
        assert reader.current == 0 and app.focused is reader
        assert "find '工会' 1/" in app_plain(app).splitlines()[-2]
        await pilot.press("n", "n")
        assert reader.current == 2
        await pilot.press("N")
        assert reader.current == 1
        await pilot.press("N", "N")  # wraps to the last
        assert reader.current == len(expected) - 1 and "wrapped" in messages(app)
        # Esc ends the find; n steps the corpus hits again.
        await pilot.press("escape")
        await pilot.pause()
        assert app.finding.doc is None and reader.hits == corpus_hits
        assert app.focused is reader
        await pilot.press("n")
        assert reader.current is not None and reader.hits == corpus_hits


async def test_find_bar_escape_and_not_found():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_index(pilot, app)
        await open_doc(pilot, app, 0)
        await pilot.press("ctrl+f")
        await pilot.press(*"不存在的词", "enter")
        await wait_for(pilot, lambda: "Not found" in messages(app))  # the find runs in a worker
        assert app.finding.doc is None
        await pilot.press("ctrl+f")
        assert isinstance(app.focused, FindInput)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, Reader) and not app.query_one(FindInput).display
        await pilot.press("ctrl+f", *"xinlinggangwan", "enter")  # pinyin, through the index
        await wait_for(pilot, lambda: app.finding.doc == "001_harbour")
        assert app.query_one(Reader).hits
        # Another document ends the find.
        await pilot.press("H")  # history has only one place: stays
        await open_doc(pilot, app, 2)
        assert app.finding.doc is None


# -------------------------------------------------------------- the strip


async def test_hit_density_strip_marks_hits_and_the_viewport():
    assert all(unicodedata.east_asian_width(c) == "Na" for c in DENSITY)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "九城")
        await open_doc(pilot, app, 2)
        reader = app.query_one(Reader)
        strip = app.query_one(HitStrip)
        assert strip.size.width == 1 and strip.size.height == reader.size.height
        counts, view = strip.marks(strip.size.height)
        assert sum(counts) == len(reader.hits) > 0
        assert view.start == 0 and len(view) < strip.size.height
        # Hits spread over the whole document: marks at the top and the bottom.
        assert counts[0] and counts[-1]
        await pilot.press("G")
        counts, view = strip.marks(strip.size.height)
        assert view.stop == strip.size.height
        assert strip.region.x == reader.region.right  # beside the reader
        rows = [strip.render_line(y).text for y in range(strip.size.height)]
        assert all(r in DENSITY for r in rows)
        assert sum(1 for r in rows if r != " ") == sum(1 for c in counts if c)


async def test_results_list_shows_hits_per_document():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "心灵港湾")
        # The counts come after the results (once typing pauses): wait for
        # every result document's, then for the list to show each.
        await wait_settled(pilot, app)
        assert app.searching.hits
        for doc_id, spans in app.searching.hits.items():
            n = len(spans)
            text = f"{n} hit{'s' if n != 1 else ''}"
            assert text in await wait_text(pilot, app, text), doc_id


# ------------------------------------------------------------------ copy


async def test_copy_passage_and_section_with_file_and_line(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        tree = app.query_one(DocTree)
        doc = app.documents[0]
        tree.doc_nodes[0].expand()
        await pilot.pause()
        tree.move_cursor(tree.section_nodes[0][3])  # 二、主要做法
        await pilot.press("enter")
        await pilot.pause()
        sec = doc.sections[3]
        line = doc.text[: sec.start].count("\n") + 1
        await pilot.press("Y")
        clip = app.clipboard
        assert clip.startswith(doc.text[sec.start:sec.end].strip()[:50])
        assert clip.rstrip().endswith(f"(心灵港湾服务职工纪实 \u203a 二、主要做法, 001_harbour.txt:{line})")
        assert "\x1b" not in clip  # the section holds an ESC: escaped
        await pilot.press("y")
        assert app.clipboard != clip and "001_harbour.txt:" in app.clipboard
        assert unicodedata.east_asian_width("\u203a") != "A"


async def test_help_mentions_tmux_clipboard_only_inside_tmux(monkeypatch):
    assert "set -g set-clipboard on" in help_text(tmux=True)
    assert "set-clipboard" not in help_text(tmux=False)
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    app = make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_index(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "set -g set-clipboard on" in app_plain(app)


# ---------------------------------------------------------------- export


async def test_export_writes_markdown_and_says_where(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await pilot.press("e")
        assert "No results to export" in messages(app)
        await search(pilot, app, "心灵港湾")
        app.set_focus(app.query_one(Reader))
        await pilot.press("e")
        await pilot.pause()
        folder = os.path.join(data(tmp_path), "exports")
        files = os.listdir(folder)
        assert len(files) == 1 and files[0].endswith(".md")
        path = os.path.join(folder, files[0])
        assert path in messages(app)
        text = open(path, encoding="utf-8").read()
        assert text.startswith("# yuelan search: 心灵港湾")
        assert text.count("\n## ") == len(app.searching.results)
        assert "**心灵港湾**" in text


async def test_export_without_a_data_dir_goes_to_a_private_temp_dir_not_the_cwd(tmp_path, monkeypatch):
    """The current directory is often the corpus: an export there would show
    up as a new document.  Without a data dir it goes to a new private
    directory under the temp dir, and the notification says where."""
    import stat
    import tempfile

    cwd = tmp_path / "corpus"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "九城")
        app.set_focus(app.query_one(Reader))
        await pilot.press("e")
        await pilot.pause()
        assert os.listdir(cwd) == []
        (folder,) = os.listdir(tmp)
        assert folder.startswith("yuelan-exports-")
        assert stat.S_IMODE(os.stat(tmp / folder).st_mode) == 0o700
        (name,) = os.listdir(tmp / folder)
        assert name.endswith(".md") and str(tmp / folder / name) in messages(app)


# ---------------------------------------------------------------- themes


async def test_themes_cycle_and_persist(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        names = [n for _, n in THEMES]
        assert app.theme == names[0]
        await pilot.press("t")
        assert app.theme == names[1]
        await pilot.press("t")
        assert app.theme == "ansi-dark" and app.current_theme.ansi  # the 16-colour one
        await pilot.pause()
        await pilot.press("q")
    settings = json.load(open(os.path.join(data(tmp_path), "settings.json")))
    assert settings["theme"] == "ansi-dark"
    app2 = make_app(state_dir=data(tmp_path))
    async with app2.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app2)
        assert app2.theme == "ansi-dark"
        # Chosen from the palette: kept as well.
        await pilot.press("ctrl+p", *"Theme: light")
        await wait_text(pilot, app2, "Use the light theme")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app2.theme == "textual-light")
    assert json.load(open(os.path.join(data(tmp_path), "settings.json")))["theme"] == "textual-light"


# ------------------------------------------------------- help and palette


NEW_KEYS = ["ctrl+f", "m", "'", "H / ctrl+o", "L / ctrl+i", "Y", "e", "t"]


async def test_help_and_palette_list_every_new_key():
    keys_text = "\n".join(k for _, keys in KEYS for k, _ in keys)
    for k in NEW_KEYS:
        assert k in keys_text
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await wait_index(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        screen = app_plain(app)
        for k in NEW_KEYS:
            assert k in screen, k
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for title, key in [("Find in document", "ctrl+f"), ("Bookmark", "(m)"), ("Bookmarks", "(')"),
                           ("Back", "ctrl+o"), ("Forward", "ctrl+i"), ("Copy section", "(Y)"),
                           ("Export results", "(e)"), ("Next theme", "(t)"), ("Copy passage", "(y)"),
                           ("Search", "(/)"), ("Next hit", "(n)"), ("Help", "(?)"), ("Quit", "(q)")]:
            assert key in commands[title], title
        # Every binding of the app shows up in some palette command's help.
        helps = "\n".join(commands.values())
        for b in YuelanApp.BINDINGS:
            first = b.key.split(",")[0]
            shown = {"slash": "/", "escape": "Esc", "question_mark": "?", "left_square_bracket": "[",
                     "right_square_bracket": "]", "apostrophe": "'"}.get(first, first)
            if shown:
                assert f"{shown}" in helps, b.key
        for title, key in [("Top of the document", "(g"), ("Bottom of the document", "(G"),
                           ("Page down", "(space"), ("Page up", "(b"), ("Next pane", "(Tab)"),
                           ("Back to the list", "(Esc)"), ("Previous section", "([)"), ("Next section", "(])")]:
            assert key in commands[title], title
        await pilot.press("ctrl+p", *"bookmarks")
        assert "List bookmarks" in await wait_text(pilot, app, "List bookmarks")


def _chrome(app) -> set[str]:
    text = app_plain(app)
    corpus = "".join(d.text + d.title for d in app.documents)
    return {c for c in text if c not in corpus}


async def test_new_chrome_has_no_east_asian_ambiguous_glyphs(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_index(pilot, app)
        seen = set()
        await search(pilot, app, "xlgw")
        await pilot.press("enter")
        await pilot.pause()
        seen |= _chrome(app)  # the strip, narrow
        await pilot.press("ctrl+f")
        await pilot.pause()
        seen |= _chrome(app)  # the find bar
        await pilot.press(*"职工", "enter")
        await wait_for(pilot, lambda: app.finding.doc is not None)
        seen |= _chrome(app)  # find status
        await pilot.press("m")
        await pilot.pause()
        seen |= _chrome(app)  # the note dialog
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("apostrophe")
        await pilot.pause()
        seen |= _chrome(app)  # the bookmarks list
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, BookmarksScreen))
        await pilot.press("y", "t", "t")
        await pilot.pause()
        seen |= _chrome(app)  # notifications, the 16-colour theme
        ambiguous = {c for c in seen if unicodedata.east_asian_width(c) == "A"}
        assert not ambiguous, sorted(ambiguous)
        assert "#" in seen or ":" in seen or "." in seen  # the strip was drawn


async def test_narrow_find_and_bookmark_work_from_the_list(tmp_path):
    app = make_app(state_dir=data(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_index(pilot, app)
        assert isinstance(app.focused, DocTree)  # the list pane is shown, the reader hidden
        await pilot.press("ctrl+f")  # shows the reader and its find bar
        await pilot.pause()
        assert app.get_screen_main().pane == "reader" and isinstance(app.focused, FindInput)
        await pilot.press(*"心灵港湾", "enter")
        await wait_for(pilot, lambda: app.finding.doc == "001_harbour")
        reader = app.query_one(Reader)
        assert reader.current == 0
        await pilot.press("m", *"narrow", "enter")
        await pilot.pause()
        assert app.bookmarks[-1].note == "narrow"
        assert app.bookmarks[-1].offset == reader.hits[0][0]  # the find match on screen is the passage
        await pilot.press("q")


async def test_bookmarks_from_two_instances_are_merged(tmp_path):
    a = make_app(state_dir=data(tmp_path))
    b = make_app(state_dir=data(tmp_path))
    async with a.run_test(size=(120, 36)) as pa:
        await wait_index(pa, a)
        async with b.run_test(size=(120, 36)) as pb:
            await wait_index(pb, b)
            await add_bookmark(pa, a, "from-a")
            await open_doc(pb, b, 1)
            await add_bookmark(pb, b, "from-b")  # b loaded its list before a's bookmark
            assert [m.note for m in b.bookmarks] == ["from-a", "from-b"]
            b.bookmarks.delete(0)  # deletes a's bookmark, by identity
            assert [m.note for m in b.bookmarks] == ["from-b"]
    c = make_app(state_dir=data(tmp_path))
    async with c.run_test(size=(120, 36)) as pc:
        await wait_index(pc, c)
        assert [m.note for m in c.bookmarks] == ["from-b"]


async def test_a_reloaded_corpus_keeps_the_reader_where_it_is():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await open_doc(pilot, app, 2)
        await pilot.press("space")
        reader = app.query_one(Reader)
        top = reader.top_offset()
        app._corpus_ready(sample_corpus())  # as a live reload would
        await pilot.pause()
        assert reader.doc.id == "003_g60" and reader.doc is app.documents[2]
        assert reader.top_offset() == top


def test_find_before_the_index_is_ready_still_folds():
    from tui.app.screens.reading import find_spans

    doc = sample_corpus().documents[1]
    spans = find_spans(None, doc, "工会")  # no index yet: a folded literal scan
    assert spans and all(doc.text[s:e] == "工會" for s, e in spans)
    assert spans == sorted(FakeIndex([doc]).find_in_document(doc, "工会"))
    assert find_spans(None, doc, "") == []


async def test_results_come_first_and_every_hit_in_the_documents_follows(monkeypatch):
    """The results list is on screen before the whole-document hit lists
    (find_in_document) are done; when they come, the counts and the reader's
    highlights grow and the reader's current hit stays the same passage."""
    import threading

    gate = threading.Event()
    real = FakeIndex.find_in_document

    def slow_find(self, doc, query):
        import sys

        if sys._getframe(1).f_code.co_name != "search":  # the app's own call, not FakeIndex.search's
            gate.wait(10)
        return real(self, doc, query)

    monkeypatch.setattr(FakeIndex, "find_in_document", slow_find)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_index(pilot, app)
        await search(pilot, app, "心灵港湾")  # returns while find_in_document waits
        assert app.searching.results and app.searching.response.query == "心灵港湾"
        top = app.searching.results[0]
        first_spans = list(app.searching.hits[top.doc_id])
        assert first_spans  # the passage's own highlights meanwhile
        app.get_screen_main().search.open_result(0)
        await pilot.pause()
        reader = app.query_one(Reader)
        cur = reader.hits[reader.current]
        gate.set()
        await wait_for(pilot, lambda: len(app.searching.hits[top.doc_id]) > len(first_spans))
        doc = reader.doc
        assert all(doc.text[s:e] == "心灵港湾" for s, e in app.searching.hits[top.doc_id])
        assert reader.hits == app.searching.hits[top.doc_id]
        assert reader.current is not None and reader.hits[reader.current] == cur
        text = f"{len(app.searching.hits[top.doc_id])} hits"
        assert text in await wait_text(pilot, app, text)  # the row is redrawn on the next frame
