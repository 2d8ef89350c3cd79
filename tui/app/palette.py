"""The command palette: its system commands (a part of ``YuelanApp``).
The document and section providers are the main screen's
(``MainScreen.COMMANDS``, tui/app/screens/commands.py).
"""

from __future__ import annotations

from typing import Iterable

from textual.app import SystemCommand
from textual.message_pump import MessagePump
from textual.screen import Screen

from tui.app.widgets.reader import Reader

# The themes 't' cycles through: (label, Textual theme name).
THEMES = [("dark", "textual-dark"), ("light", "textual-light"), ("16-colour", "ansi-dark")]


class Palette(MessagePump):
    """Methods of ``YuelanApp``; see the module docstring.  A MessagePump so
    that Textual registers its ``@on`` handlers (it does so per class)."""

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from tui.app.screens.commands import SafeCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                SafeCommandPalette(
                    placeholder="Open a document, go to a section (pinyin ok), or a command...",
                    id="--command-palette",
                )
            )

    def search_themes(self) -> None:
        """Textual's theme picker, with an ASCII placeholder (no ambiguous glyphs)."""
        from textual.theme import ThemeProvider

        from tui.app.screens.commands import SafeCommandPalette

        self.push_screen(SafeCommandPalette(providers=[ThemeProvider], placeholder="Search for themes..."))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        main = self.get_screen_main()
        yield SystemCommand("Search", "Focus the search bar (/)", self.action_focus_search)
        yield SystemCommand("Next hit", "Go to the next hit of the search (n)", lambda: main.action_next_hit(1))
        yield SystemCommand("Previous hit", "Go to the previous hit (N)", lambda: main.action_next_hit(-1))
        yield SystemCommand("Next section", "Jump to the next section (])", lambda: main.action_section(1))
        yield SystemCommand("Previous section", "Jump to the previous section ([)", lambda: main.action_section(-1))
        yield SystemCommand("Next pane", "Switch between the list and the reader (Tab)", main.action_next_pane)
        yield SystemCommand("Back to the list", "Reader to list, results to the tree; ends a find (Esc)",
                            main.action_back)
        yield SystemCommand("Copy passage", "Copy the current passage with its citation (y)", main.action_copy)
        yield SystemCommand("Copy section", "Copy the whole section with its citation (Y)", main.action_copy_section)
        yield SystemCommand("Find in document", "Find in the open document, less-style (ctrl+f)", main.action_find)
        yield SystemCommand("Bookmark", "Bookmark the current passage, with a note (m)", main.action_bookmark)
        yield SystemCommand("Bookmarks", "List bookmarks: jump, rename, delete (')", main.action_bookmarks)
        yield SystemCommand("Back", "Back to the previous place (H, ctrl+o)", lambda: main.action_history(-1))
        yield SystemCommand("Forward", "Forward to the next place (L, ctrl+i)", lambda: main.action_history(1))
        yield SystemCommand("Export results", "Write the current results to a Markdown file (e)", main.action_export)
        reader = main.query_one(Reader)
        yield SystemCommand("Top of the document", "Scroll the reader to the top (g, Home)", reader.action_top)
        yield SystemCommand("Bottom of the document", "Scroll the reader to the end (G, End)", reader.action_bottom)
        yield SystemCommand("Page down", "Scroll the reader a page down (space, PageDown)", lambda: reader.action_page(1))
        yield SystemCommand("Page up", "Scroll the reader a page up (b, PageUp)", lambda: reader.action_page(-1))
        yield SystemCommand("Help", "Show every key (?)", self.action_help)
        yield SystemCommand("Theme", "Switch the colour theme", self.action_change_theme)
        yield SystemCommand("Next theme", "Cycle dark, light, 16-colour; the choice is kept (t)", self.action_cycle_theme)
        for label, name in THEMES:
            yield SystemCommand(f"Theme: {label}", f"Use the {label} theme", lambda n=name: self.set_theme(n))
        yield SystemCommand("Quit", "Quit yuelan (q)", self.action_quit)

