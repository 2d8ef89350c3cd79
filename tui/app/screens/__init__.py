"""The app's screens: ``main`` (the one full screen) and the dialogs over it
(``help``, ``bookmarks``, ``note``, ``commands``: the command palette).
Dialogs show what they are given and announce what the user asks
(``tui.app.messages``); they call no domain method of the app."""
