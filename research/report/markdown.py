"""Text from a study made safe to quote in Markdown: shown as written, never as markup.

Code titles, attribute values, coder names and notes come from people; in `report.md` and
the tables' `.md` files they must not become HTML (`<script>`, `<img onerror>`), links,
emphasis, table columns (`|`) or block structure (a leading `#`, `>`, `-` or `1.`, a line
break). CommonMark lets any ASCII punctuation be escaped with a backslash; `<`, `>` and `&`
become character references, which every Markdown renderer shows as the characters.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Always markup: code spans, emphasis, links and images, table cells, strikethrough, escapes;
# and a last `#`, which would close a heading and be dropped.
_INLINE = re.compile(r"[\\`*\[\]|~]|#$")
# An underscore between two letters or digits is never emphasis (CommonMark's flanking rule).
_UNDERSCORE = re.compile(r"_(?![^\W_])|(?<![^\W_])_")
# What starts a block when it starts a line: a heading, list item or setext underline (a
# quote's `>` and an HTML block's `<` are character references by then).
_BLOCK_START = re.compile(r"^(?:[#+=-]|\d{1,9}(?=[.)]))")
_REFERENCES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown_text(value: object) -> str:
    """`value` as Markdown text that renders as exactly its characters, on one line."""
    text = " ".join(str(value).splitlines()).strip()
    # References first: the backslashes added below must not meet a `&`.
    text = re.sub("[&<>]", lambda found: _REFERENCES[found.group()], text)
    text = _INLINE.sub(lambda found: "\\" + found.group(), text)
    text = _UNDERSCORE.sub(r"\\_", text)
    block = _BLOCK_START.match(text)
    if block is not None:
        marker = block.group()
        # `1995. ...` would be a numbered list: the full stop is escaped, not the digits.
        text = marker + "\\" + text[block.end() :] if marker.isdigit() else "\\" + text
    return text


def markdown_table(table: pd.DataFrame) -> str:
    """A table as a Markdown pipe table: text cells and column names escaped, numbers as
    tabulate formats them, a missing value (a pooled row's path, a statistic that cannot be
    computed) an empty cell, as in the CSV, not `nan`."""
    escaped = table.map(
        lambda cell: markdown_text(cell) if isinstance(cell, str) else cell, na_action="ignore"
    )
    escaped = escaped.astype(object).where(escaped.notna(), None)
    escaped.columns = [markdown_text(name) for name in escaped.columns]
    return str(escaped.to_markdown(index=False, missingval=""))
