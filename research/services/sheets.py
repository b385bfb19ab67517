"""Reading metadata sheets (CSV or XLSX) into rows of text cells with their row numbers."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from research.errors import MetadataSheetError


@dataclass(frozen=True)
class SheetRow:
    """One data row: its 1-based row number in the sheet (header is row 1) and its cells."""

    number: int
    cells: dict[str, str]


def read_sheet(path: Path) -> list[SheetRow]:
    """Rows of a CSV (UTF-8, BOM allowed) or XLSX sheet; empty cells are left out."""
    if not path.is_file():
        raise MetadataSheetError(path.name, [(None, None, f"no such file: {path}")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, body = _read_csv(path)
    elif suffix in {".xlsx", ".xlsm"}:
        header, body = _read_xlsx(path)
    else:
        raise MetadataSheetError(
            path.name, [(None, None, "a metadata sheet must be .csv or .xlsx")]
        )
    names = [name.strip() for name in header]
    if not names or not any(names):
        raise MetadataSheetError(path.name, [(1, None, "the first row must name the columns")])
    duplicates = sorted({name for name in names if name and names.count(name) > 1})
    if duplicates:
        raise MetadataSheetError(path.name, [(1, duplicates[0], "column appears more than once")])
    rows = []
    for number, values in body:
        cells = {
            name: value.strip()
            for name, value in zip(names, values, strict=False)
            if name and value.strip()
        }
        if cells:
            rows.append(SheetRow(number, cells))
    return rows


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
    except UnicodeDecodeError as error:
        raise MetadataSheetError(
            path.name, [(None, None, f"not UTF-8 text (byte {error.start}); save it as CSV UTF-8")]
        ) from error
    except csv.Error as error:
        raise MetadataSheetError(path.name, [(None, None, str(error))]) from error
    if not lines:
        raise MetadataSheetError(path.name, [(None, None, "the sheet is empty")])
    return lines[0], [(index, line) for index, line in enumerate(lines[1:], start=2)]


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook  # heavy; only needed for XLSX sheets

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise MetadataSheetError(path.name, [(None, None, f"cannot read XLSX: {error}")]) from error
    try:
        rows = [
            [_cell_text(value) for value in row]
            for row in workbook.active.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    if not rows:
        raise MetadataSheetError(path.name, [(None, None, "the sheet is empty")])
    return rows[0], [(index, row) for index, row in enumerate(rows[1:], start=2)]


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
