"""Text layer: folding for matching and safe display of document text.

Pure Python; never imports textual or rich.
"""

from tui.text.fold import Folded, fold, fold_text, t2s_table, to_simplified
from tui.text.safe import escape_controls, escape_name, json_dumps, redecode_arg

__all__ = ["Folded", "fold", "fold_text", "t2s_table", "to_simplified", "escape_controls", "escape_name", "json_dumps", "redecode_arg"]
