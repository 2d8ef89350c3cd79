"""yuelan (阅览): read and search a corpus of Chinese documents in the terminal.

Nothing heavy is imported here: ``import tui`` must stay cheap.
"""

__version__ = "0.1.0"
