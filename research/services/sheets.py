"""Reading sheets (CSV or XLSX) into rows of text cells, every row of the wrong shape named.

One reader for every sheet a study imports: respondents and interviews added from a file,
the metadata sheet of a transcript import and the sheet that describes stored interviews.
What makes a sheet unreadable (not a sheet, not text, no header, a header naming a column
twice or leaving one unnamed between named ones, a quotation mark never closed) is refused
at once. A row of the wrong shape (fewer cells than the header names, or values in columns
the header does not name) is kept out of `Sheet.rows` and listed in `Sheet.problems`, so
that the caller reports it together with the problems of the other rows: a value is never
dropped or shifted silently.

Row numbers are those a person finds the row by: the header is row 1; in a CSV file, a row
is numbered by the line it starts on (a quoted cell may hold line breaks), in XLSX by the
worksheet's own row number.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from research.errors import MetadataSheetError, SheetProblem

SHEET_SUFFIXES = (".csv", ".xlsx", ".xlsm")
# Byte order marks a CSV file may start with, and the codec each means.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class SheetRow:
    """One data row: its row number in the sheet (the header is row 1) and its non-empty
    cells by column name, stripped of surrounding whitespace."""

    number: int
    cells: dict[str, str]


@dataclass
class Sheet:
    """A sheet read: its column names, its rows of the right shape, and the others' problems."""

    name: str
    columns: list[str]
    rows: list[SheetRow]
    problems: list[SheetProblem] = field(default_factory=list)

    def refuse_if_any(
        self, problems: Sequence[SheetProblem] = (), *, needs_confirmation: bool = False
    ) -> None:
        """Raise one error listing the sheet's own problems and `problems`, in row order,
        when there is any."""
        every = in_row_order([*self.problems, *problems])
        if every:
            raise MetadataSheetError(self.name, every, needs_confirmation=needs_confirmation)


def in_row_order(problems: Sequence[SheetProblem]) -> list[SheetProblem]:
    """Problems by row, those of the whole sheet last; the same row's in the order found."""
    return sorted(problems, key=lambda problem: (problem[0] is None, problem[0] or 0))


def read_sheet(path: Path) -> Sheet:
    """A CSV (UTF-8, or UTF-16 or UTF-32 with its byte order mark) or XLSX sheet, read and
    checked."""
    if not path.is_file():
        raise MetadataSheetError(path.name, [(None, None, f"no such file: {path}")])
    suffix = path.suffix.lower()
    uncomputed: dict[int, list[int]] = {}
    if suffix == ".csv":
        lines = _csv_rows(path)
    elif suffix in SHEET_SUFFIXES:
        lines, uncomputed = _xlsx_rows(path)
    else:
        raise MetadataSheetError(
            path.name, [(None, None, "a sheet must be .csv or .xlsx (CSV UTF-8 or Excel)")]
        )
    filled = [
        (number, cells)
        for number, cells in lines
        if any(cell.strip() for cell in cells) or number in uncomputed
    ]
    if not filled:
        raise MetadataSheetError(path.name, [(None, None, "the sheet is empty")])
    (header_number, header), *body = filled
    if header_number in uncomputed:
        raise MetadataSheetError(
            path.name, [_formula_problem(header_number, uncomputed[header_number])]
        )
    names = _column_names(path.name, header_number, header)
    sheet = Sheet(path.name, [name for name in names if name], [])
    short = suffix == ".csv"  # XLSX rows have every cell, empty or not
    for number, cells in body:
        problem = (
            _formula_problem(number, uncomputed[number])
            if number in uncomputed
            else _shape_problem(names, cells, number, short=short)
        )
        if problem is not None:
            sheet.problems.append(problem)
            continue
        values = {
            name: value.strip()
            for name, value in zip(names, cells, strict=False)
            if name and value.strip()
        }
        sheet.rows.append(SheetRow(number, values))
    return sheet


def _column_names(sheet: str, number: int, header: Sequence[str]) -> list[str]:
    """The header's names; a name given twice, or a blank between names, is refused."""
    names = [name.strip() for name in header]
    last_named = max(index for index, name in enumerate(names) if name)
    first_named = min(index for index, name in enumerate(names) if name)
    problems: list[SheetProblem] = []
    for index in range(first_named, last_named):
        if not names[index]:
            problems.append((number, None, f"column {_ordinal(index)} has no name"))
    for name in dict.fromkeys(name for name in names if name):
        places = [str(index + 1) for index, other in enumerate(names) if other == name]
        if len(places) > 1:
            problems.append(
                (number, name, f"the name is given to {len(places)} columns ({', '.join(places)})")
            )
    if problems:
        raise MetadataSheetError(sheet, problems)
    return names


def _shape_problem(
    names: Sequence[str], cells: Sequence[str], number: int, *, short: bool
) -> SheetProblem | None:
    """What is wrong with a row's shape: values under no column name, or (in CSV, where a
    row can end early) no cell at all for a named column."""
    unnamed = [
        index
        for index, value in enumerate(cells)
        if value.strip() and (index >= len(names) or not names[index])
    ]
    if unnamed:
        which = ", ".join(_ordinal(index) for index in unnamed)
        noun = "a value in column" if len(unnamed) == 1 else "values in columns"
        return (number, None, f"{noun} {which}, which the header does not name")
    missing = [name for name in names[len(cells) :] if name] if short else []
    if missing:
        shown = ", ".join(repr(name) for name in missing)
        return (
            number,
            None,
            f"{len(cells)} cell{'' if len(cells) == 1 else 's'} where the header names "
            f"{len(names)} columns; "
            f"no cell for {shown} (a value may have shifted into the wrong column)",
        )
    return None


def _formula_problem(number: int, columns: Sequence[int]) -> SheetProblem:
    """A row whose formulas were never computed: their values are unknown, not empty."""
    which = ", ".join(_ordinal(index) for index in columns)
    noun = "a formula in column" if len(columns) == 1 else "formulas in columns"
    return (
        number,
        None,
        f"{noun} {which} without a computed value (open and save the sheet in a "
        "spreadsheet program, or type the values)",
    )


def _ordinal(index: int) -> str:
    """A column by its position from 1, as a spreadsheet letters it too (1 (A), 28 (AB))."""
    letters = ""
    position = index + 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"{index + 1} ({letters})"


def read_text(path: Path) -> str:
    """A file's text: UTF-8 (with or without a byte order mark), or UTF-16 or UTF-32 with
    one; other bytes are refused with the line they are on."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problem = f"cannot read: {error.strerror or error}"
        raise MetadataSheetError(path.name, [(None, None, problem)]) from None
    codec = next((name for mark, name in _BOMS if data.startswith(mark)), "utf-8")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        before = data[: error.start].decode(codec, errors="replace")
        line = before.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        shown = "UTF-8" if codec.startswith("utf-8") else codec.upper()
        raise MetadataSheetError(
            path.name,
            [
                (
                    line,
                    None,
                    f"byte 0x{data[error.start]:02x} cannot be decoded as {shown}; "
                    "save the file as UTF-8 (in a spreadsheet: CSV UTF-8)",
                )
            ],
        ) from None
    return text  # the codec has taken off the byte order mark


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Each CSV row with the line it starts on; a quoting error is refused with its line."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    ended = 0  # the line the previous row ended on
    try:
        for cells in reader:
            rows.append((ended + 1, cells))
            ended = reader.line_num
    except csv.Error as error:
        raise MetadataSheetError(path.name, [(ended + 1, None, _quoting(error))]) from None
    return rows


def _quoting(error: csv.Error) -> str:
    """A CSV reader's complaint, said for a person."""
    reason = str(error)
    if "unexpected end of data" in reason:
        return "a quotation mark opens a cell that is never closed"
    if "expected after" in reason:
        return 'text follows a closing quotation mark (inside a quoted cell, write " as "")'
    if "field larger than field limit" in reason:
        limit = csv.field_size_limit()
        return f"a cell longer than {limit:,} characters (is a quotation mark never closed?)"
    return reason


def _xlsx_rows(path: Path) -> tuple[list[tuple[int, list[str]]], dict[int, list[int]]]:
    """Each worksheet row (of the active sheet) with its number, as text cells; and, by row,
    the columns holding a formula whose value was never computed.

    A workbook saved by a spreadsheet program stores each formula's value beside it; one
    written by a program that only stores formulas has none, and its cells would read as
    empty. The formulas are read in a second, parallel pass to tell those from empty cells.
    """
    from openpyxl import load_workbook  # heavy; only needed for XLSX sheets

    _check_workbook_archive(path)
    try:
        values = load_workbook(path, read_only=True, data_only=True)
        try:
            formulas = load_workbook(path, read_only=True, data_only=False)
        except Exception:
            values.close()
            raise
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise _unreadable(path, error) from None
    try:
        worksheet, written = values.active, formulas.active
        if not (hasattr(worksheet, "iter_rows") and hasattr(written, "iter_rows")):
            raise MetadataSheetError(path.name, [(None, None, "the workbook has no worksheet")])
        rows: list[tuple[int, list[str]]] = []
        uncomputed: dict[int, list[int]] = {}
        # Read-only worksheets give every row from row 1, and every cell from column A.
        pairs = zip(
            worksheet.iter_rows(values_only=True), written.iter_rows(values_only=True), strict=True
        )
        for number, (computed, given) in enumerate(pairs, start=1):
            rows.append((number, [_cell_text(value) for value in computed]))
            missing = [
                index
                for index, (value, formula) in enumerate(zip(computed, given, strict=False))
                if value is None and isinstance(formula, str) and formula.startswith("=")
            ]
            if missing:
                uncomputed[number] = missing
        return rows, uncomputed
    except MetadataSheetError:
        raise
    except Exception as error:  # a damaged worksheet is parsed only as it is read
        raise _unreadable(path, error) from None
    finally:
        values.close()
        formulas.close()


def _check_workbook_archive(path: Path) -> None:
    """A workbook is a zip archive: its entry count, declared sizes and expansion are checked
    (as a document transcript's are) before the spreadsheet library inflates any of it.

    Python's zip reader stops an entry at its declared size, so the declared sizes checked
    here bound what is inflated afterwards.
    """
    from interviews.archives import Archive, ArchiveLimits
    from interviews.errors import TooLargeError

    try:
        with path.open("rb") as stream:
            Archive(stream, source=path.name, kind="Excel (.xlsx)", limits=ArchiveLimits())
    except TooLargeError as error:
        entry = error.entry
        detail = error.message if entry is None else f"entry {entry} {error.message}"
        raise MetadataSheetError(path.name, [(None, None, detail)]) from None
    except ValueError:
        # A file that is not a readable zip at all is left to the workbook reader to name.
        return
    except OSError as error:
        raise MetadataSheetError(
            path.name, [(None, None, f"cannot read the file: {error.strerror}")]
        ) from None


def _unreadable(path: Path, error: Exception) -> MetadataSheetError:
    """A workbook the library could not read, its complaint on one line of a sensible length."""
    reason = " ".join(str(error).split()) or type(error).__name__
    if len(reason) > 200:
        reason = reason[:199] + "…"
    return MetadataSheetError(path.name, [(None, None, f"cannot read XLSX: {reason}")])


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
