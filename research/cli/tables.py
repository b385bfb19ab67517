"""Tables for people that fit the terminal: whole columns from the left, no cell cut into scraps.

Each shown column is at least as wide as its header and as a short cell (or all of its
cells, when they are shorter); columns that do not fit at that width are left out, from
the right, and one line says so. Space left over widens the columns whose cells are
longest. A column then too narrow for its text wraps it at spaces when it is wide enough
for every word in it, and otherwise cuts each long cell with an ellipsis: never a word
folded into five-character fragments.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

PIPED_WIDTH = 120
# Narrowest a column is made when its cells are longer (its header may make it wider).
MINIMUM_WIDTH = 12
# Narrowest column in which text is wrapped at spaces rather than cut short.
WRAPPING_WIDTH = 20
# Rich's SIMPLE_HEAD box: one space of padding each side and one between columns,
# plus the table's two edges: 3 per column and 1 more.
_PER_COLUMN = 3
_EDGES = 1


def terminal_width() -> int:
    """$COLUMNS when set, else the terminal's width, else PIPED_WIDTH (output to a pipe or file)."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if sys.stdout.isatty():
            return os.get_terminal_size(sys.stdout.fileno()).columns
    except (AttributeError, OSError, ValueError):
        pass
    return PIPED_WIDTH


def console(width: int | None = None) -> Console:
    """A console writing to standard output at ``width`` (default: ``terminal_width()``)."""
    return Console(
        file=sys.stdout, width=width or terminal_width(), highlight=False, soft_wrap=False
    )


@dataclass(frozen=True)
class ColumnLayout:
    """How one column is shown: its width, and whether long text wraps or is cut short."""

    name: str
    width: int
    wraps: bool


def layout(
    columns: Sequence[str], cells: Sequence[Sequence[str]], width: int
) -> list[ColumnLayout]:
    """Widths for the leading columns that fit in ``width`` characters; the rest are left out."""
    natural = [
        _widest(column, [row[index] for row in cells]) for index, column in enumerate(columns)
    ]
    floors = [
        min(natural[index], max(cell_len(column), MINIMUM_WIDTH))
        for index, column in enumerate(columns)
    ]
    shown = 0
    used = _EDGES
    for floor in floors:
        if shown and used + floor + _PER_COLUMN > width:
            break
        used += floor + _PER_COLUMN
        shown += 1
    widths = floors[:shown]
    # The first column alone may be wider than the terminal: cut it to fit.
    if shown == 1 and used > width:
        widths[0] = max(1, width - _EDGES - _PER_COLUMN)
    _share(widths, natural[:shown], width - used)
    return [
        ColumnLayout(
            name=columns[index],
            width=widths[index],
            wraps=widths[index] >= WRAPPING_WIDTH
            and widths[index] >= _longest_word([row[index] for row in cells]),
        )
        for index in range(shown)
    ]


def _share(widths: list[int], natural: Sequence[int], spare: int) -> None:
    """Hand spare characters out evenly to the columns narrower than their text."""
    while spare > 0:
        short = [index for index, width in enumerate(widths) if width < natural[index]]
        if not short:
            return
        portion = max(1, spare // len(short))
        for index in short:
            extra = min(portion, natural[index] - widths[index], spare)
            widths[index] += extra
            spare -= extra
            if not spare:
                return


def _widest(header: str, cells: Sequence[str]) -> int:
    lines = [line for cell in cells for line in cell.splitlines()]
    return max([cell_len(header), *(cell_len(line) for line in lines)])


def _longest_word(cells: Sequence[str]) -> int:
    return max((cell_len(word) for cell in cells for word in cell.split()), default=0)


def print_table(
    columns: Sequence[str],
    cells: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    width: int | None = None,
) -> None:
    """Print a table of text cells fitted to the width, and a line naming left-out columns."""
    width = width or terminal_width()
    shown = layout(columns, cells, width)
    table = Table(
        title=escape(title) if title else None, box=box.SIMPLE_HEAD, title_justify="left"
    )
    for column in shown:
        table.add_column(
            escape(column.name),
            width=column.width,
            no_wrap=not column.wraps,
            overflow="fold" if column.wraps else "ellipsis",
        )
    for row in cells:
        # Cells are markup-escaped: transcripts and names are data, never styling.
        table.add_row(*[escape(row[index]) for index in range(len(shown))])
    out = console(width)
    out.print(table)
    left_out = list(columns[len(shown) :])
    if left_out:
        # One line however narrow the terminal: it wraps the line, not rich.
        out.print(escape(_left_out_line(left_out, width)), soft_wrap=True)


def _left_out_line(names: Sequence[str], width: int) -> str:
    count = len(names)
    noun = "column" if count == 1 else "columns"
    advice = "--format csv or --format json shows them all"
    listed = ", ".join(names)
    line = f"{count} more {noun} not shown ({listed}): {advice}."
    if cell_len(line) <= width:
        return line
    return f"{count} more {noun} not shown: {advice}."
