"""The command palette (ctrl+p): its providers (documents, sections, by
title or pinyin) read the documents through ``PaletteSource`` (the main
screen, whose ``COMMANDS`` they are) and announce ``OpenDocument`` to it;
``SafeCommandPalette`` guards Textual's palette.  Imported when the palette
first opens."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Protocol, Sequence, runtime_checkable

from textual import on
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widgets import Input

from tui.app.messages import OpenDocument
from tui.app.widgets.display import SEP, clip, safe

if TYPE_CHECKING:
    from tui.corpus.model import Document


def _fold(s: str) -> str:
    """Lower-case and Simplified, one character for one (positions stay valid)."""
    from tui.text import to_simplified

    return to_simplified(s).lower()


@lru_cache(maxsize=4096)
def _readings(s: str) -> tuple[tuple[str, ...], ...] | None:
    """Every toneless reading of each character of ``s`` (a character
    without one stands for itself, lower-cased), from the search layer's
    lazy pinyin tables: one pinyin source for search, find and palette,
    polyphonic characters included.  None if the tables cannot load."""
    try:
        from tui.search.lang import pinyin

        table = pinyin().readings
    except Exception:  # noqa: BLE001 - pinyin matching is a bonus
        return None
    return tuple(table.get(ch) or (ch.lower(),) for ch in s)


def _initials_at(q: str, syll: tuple[tuple[str, ...], ...]) -> int:
    """Where ``q`` reads as the initials of consecutive characters, or -1."""
    for j in range(len(syll) - len(q) + 1):
        if all(any(r[0] == c for r in syll[j + k]) for k, c in enumerate(q)):
            return j
    return -1


def _spelled_from(q: str, syll: tuple[tuple[str, ...], ...], k: int) -> list[int] | None:
    """Characters from ``k`` on whose readings spell ``q`` (the last one
    may be a syllable still being typed), or None."""
    if k >= len(syll):
        return None
    for r in syll[k]:
        if r.startswith(q):
            return [k]
        if q.startswith(r):
            rest = _spelled_from(q[len(r):], syll, k + 1)
            if rest is not None:
                return [k, *rest]
    return None


def match(query: str, candidate: str) -> tuple[float, list[int]]:
    """Score ``candidate`` for ``query``: substring > pinyin > subsequence."""
    q = _fold(query.strip())
    if not q:
        return 0.0, []
    c = _fold(candidate)
    i = c.find(q)
    if i >= 0:
        return 1.0 - min(0.3, i / 200), list(range(i, i + len(q)))
    q_nospace = q.replace(" ", "")
    if q_nospace.isascii() and q_nospace.isalnum():
        syll = _readings(candidate)
        if syll is not None:
            j = _initials_at(q_nospace, syll) if len(q_nospace) >= 2 else -1
            if j >= 0:
                return 0.8, list(range(j, j + len(q_nospace)))
            # Full pinyin: the query must start at a syllable.
            for start in range(len(syll)):
                pos = _spelled_from(q_nospace, syll, start)
                if pos is not None:
                    return 0.85, pos
    # Subsequence.
    pos = []
    k = 0
    for idx, ch in enumerate(c):
        if k < len(q) and ch == q[k]:
            pos.append(idx)
            k += 1
    if k == len(q):
        spread = (pos[-1] - pos[0] + 1) if pos else 1
        return 0.3 * len(q) / spread, pos
    return 0.0, []


def _display(text: str, positions: list[int], width: int = 70) -> Content:
    shown = clip(safe(text), width)
    content = Content(shown)
    limit = len(shown)
    for p in positions:
        if p < limit:
            content = content.stylize("bold underline", p, p + 1)
    return content


@runtime_checkable
class PaletteSource(Protocol):
    """All the providers read: the screen the palette is opened over (the
    main screen, whose ``COMMANDS`` they are) answers these two, and
    decides what an ``OpenDocument`` posted to it means."""

    def palette_documents(self) -> Sequence[Document]:
        """The open documents; an ``OpenDocument`` names one by its index here."""
        ...

    def palette_current(self) -> int | None:
        """The index of the document in the reader, if any."""
        ...


class CorpusProvider(Provider):
    """A provider over the documents of the screen it serves."""

    @property
    def source(self) -> PaletteSource:
        return self.screen  # type: ignore[return-value] - the main screen's COMMANDS: it is one

    def announce(self, doc: int, offset: int = 0):
        """The command: ask the screen served to open ``doc`` at ``offset``."""
        screen = self.screen

        def go() -> None:
            screen.post_message(OpenDocument(doc, offset))

        return go


class DocumentsProvider(CorpusProvider):
    """Open a document by (part of) its title, or its pinyin."""

    async def discover(self) -> Hits:
        for i, doc in enumerate(self.source.palette_documents()[:200]):
            yield DiscoveryHit(
                _display("Open: " + (doc.title or doc.id), []),
                self.announce(i),
                text="Open: " + safe(doc.title or doc.id),
                help=f"{len(doc.sections)} sections, {len(doc.text)} characters",
            )

    async def search(self, query: str) -> Hits:
        for i, doc in enumerate(self.source.palette_documents()):
            title = doc.title or doc.id
            score, pos = match(query, title[:80])
            if score <= 0:
                score, pos = match(query, doc.id)
                pos = []
            if score > 0:
                yield Hit(
                    score,
                    _display("Open: " + title, [p + 6 for p in pos]),
                    self.announce(i),
                    text="Open: " + safe(title),
                    help=f"{len(doc.sections)} sections",
                )


class SectionsProvider(CorpusProvider):
    """Jump to a section: those of the open document first, then all others."""

    def _candidates(self):
        docs = self.source.palette_documents()
        current = self.source.palette_current()
        order = ([current] if current is not None else []) + [i for i in range(len(docs)) if i != current]
        for di in order:
            doc = docs[di]
            for sec in doc.sections[:2000]:
                yield di, doc, sec

    async def discover(self) -> Hits:
        current = self.source.palette_current()
        if current is None:
            return
        for di, doc, sec in self._candidates():
            if di != current:
                break
            yield DiscoveryHit(
                _display("Section: " + sec.title, []),
                self.announce(di, sec.start),
                text="Section: " + safe(sec.title),
                help=clip(safe(doc.title), 60),
            )

    async def search(self, query: str) -> Hits:
        shown = 0
        current = self.source.palette_current()
        for di, doc, sec in self._candidates():
            score, pos = match(query, sec.title[:80])
            if score <= 0:
                continue
            if di != current:
                score *= 0.9
            yield Hit(
                score,
                _display("Section: " + sec.title, [p + 9 for p in pos]),
                self.announce(di, sec.start),
                text="Section: " + safe(sec.title),
                help=clip(safe(doc.title) + SEP + safe(sec.title), 80),
            )
            shown += 1
            if shown >= 300:
                return


class SafeCommandPalette(CommandPalette):
    """Textual's command palette, guarded against two crashes the soak test
    found in Textual 8.2.8:

    * Enter twice in one burst (a fast double press, one SSH packet): the
      first Enter runs the command and dismisses the palette, the second
      dismisses it again and raises ScreenStackError, killing the app.
    * Page keys while the list is being refilled (the palette searches as
      you type) raise KeyError in ``OptionList._move_page``.
    """

    @on(Input.Submitted)
    def _ignore_when_closed(self, event: Input.Submitted) -> None:
        if not self.is_current:
            # Already dismissed: this Enter was typed behind the one that ran
            # the command. The base class handler must not dismiss again.
            event.stop()
            event.prevent_default()

    def _select_or_command(self, event=None) -> None:
        # Reached directly (not only through the handler above) when an
        # option is selected with the mouse or a second Enter: once the
        # palette is closed, nothing more is run or dismissed.
        if not self.is_current:
            if event is not None:
                event.stop()
            return
        super()._select_or_command(event)

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except KeyError:
            pass  # the list is being refilled; the next key works
