"""Cells a spreadsheet would evaluate, made inert: the one rule for every CSV and XLSX written.

OWASP's CSV Injection guidance names the characters that make Excel, LibreOffice or Google
Sheets read a cell as a formula: a leading `=`, `+`, `-`, `@`, tab or carriage return. The
full-width forms `＝`, `＋`, `－` and `＠` are treated the same way, since some spreadsheet
programs (and input methods that convert them on entry) evaluate them too; text rarely
begins with one, so the cost of guarding them is an apostrophe now and then. A risky text
cell gets a leading apostrophe, which spreadsheets read as "this is text" and CSV readers
keep, so the change is visible and nothing is lost.

Only text is changed: numbers, dates and yes/no values carry no formula and keep their
types (a negative number stays a number). XLSX is written with xlsxwriter's guessing off
(`XLSX_OPTIONS`), so text is never stored as a formula, a link or a number.

`inert_text` is the rule; `inert_cell` and `inert_frame` apply it to values and pandas
tables, `inert_strings` to a pyarrow array of text (the exports' million-row path).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

FORMULA_TRIGGERS = "=+-@\t\r" + "\uff1d\uff0b\uff0d\uff20"
# The same set as a regular expression (RE2, for pyarrow's vectorised match).
FORMULA_START = "^[=+\\-@\\t\\r\uff1d\uff0b\uff0d\uff20]"
PREFIX = "'"

# xlsxwriter's options that keep text as text: never a formula, a link or a number.
XLSX_OPTIONS: dict[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def inert_text(text: str) -> str:
    """`text` as a spreadsheet cell that is shown, never evaluated."""
    if text and text[0] in FORMULA_TRIGGERS:
        return PREFIX + text
    return text


def inert_cell(value: Any) -> Any:
    """A value as a spreadsheet cell: text made inert, anything else as it is."""
    return inert_text(value) if isinstance(value, str) else value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose text cells and column names are inert; numbers stay numbers."""
    import pandas as pd

    safe = frame.copy()
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        safe.isetitem(position, column.map(inert_cell, na_action="ignore"))
    safe.columns = safe.columns.map(inert_cell)
    return safe


def inert_strings(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A pyarrow array of text made inert, all at once (nulls stay null)."""
    import pyarrow.compute as pc

    risky = pc.match_substring_regex(values, FORMULA_START)
    return pc.if_else(risky, pc.binary_join_element_wise(PREFIX, values, ""), values)
