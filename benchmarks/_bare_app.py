"""The baseline for time to first frame: a minimal Textual app with one Static."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Static("BARE-READY first frame")


if __name__ == "__main__":
    Bare().run()
