"""The one sheet reader: rows numbered as a person finds them, blank rows and unnamed empty
columns tolerated, and no value dropped: a row of the wrong shape is a problem, not a row.
Property tests feed it random CSV text, random bytes and random workbooks."""

from __future__ import annotations

import csv
import io
import string
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from research.errors import MetadataSheetError
from research.services.sheets import Sheet, read_sheet

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Text that exercises CSV: separators, quotes, line breaks of every kind, spaces, letters.
CSV_TEXT = st.text(
    alphabet=st.sampled_from([*'a,",\n\r \t', "b", "1", "ж", "\ufeff", "\u2028", "é"]), max_size=60
)
# Cells openpyxl can write (no control characters) and Python values it stores typed.
XLSX_TEXT = st.text(alphabet=st.sampled_from([*"ab ,\"'=1", "ж", "é"]), max_size=6)
XLSX_CELL = st.one_of(
    st.none(),
    XLSX_TEXT,
    st.integers(-5, 3000),
    # Quarters: exact in binary and short in decimal, so the workbook's text keeps them whole.
    st.integers(-4000, 4000).map(lambda number: number / 4),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
)


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def test_rows_are_numbered_by_the_line_they_start_on(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", b'\n\nid,note\nR1,"two\nlines"\n\nR2,plain\n')
    sheet = read_sheet(path)
    assert sheet.columns == ["id", "note"]
    assert [(row.number, row.cells) for row in sheet.rows] == [
        (4, {"id": "R1", "note": "two\nlines"}),
        (7, {"id": "R2", "note": "plain"}),
    ]
    assert sheet.problems == []


def test_unnamed_empty_columns_and_blank_cells_are_no_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", b" id , note ,,\nR1, ,,\nR2,x, ,\n")
    sheet = read_sheet(path)
    assert [row.cells for row in sheet.rows] == [{"id": "R1"}, {"id": "R2", "note": "x"}]
    assert sheet.problems == []


def test_an_xlsx_header_may_start_below_and_to_the_right(tmp_path: Path) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet["C3"], worksheet["D3"] = "id", "born"
    worksheet["C4"], worksheet["D4"] = "R1", datetime(1961, 5, 1)
    worksheet["C6"], worksheet["D6"], worksheet["A6"] = "R2", 1960.0, "stray"
    workbook.save(tmp_path / "s.xlsx")
    sheet = read_sheet(tmp_path / "s.xlsx")
    assert [(row.number, row.cells) for row in sheet.rows] == [
        (4, {"id": "R1", "born": "1961-05-01"})
    ]
    assert sheet.problems == [
        (6, None, "a value in column 1 (A), which the header does not name")
    ]


def test_problems_are_refused_together_in_row_order(tmp_path: Path) -> None:
    sheet = Sheet("s.csv", ["id"], [], [(5, None, "short")])
    with pytest.raises(MetadataSheetError) as caught:
        sheet.refuse_if_any([(None, "file", "no row"), (2, "id", "bad")])
    assert str(caught.value).splitlines() == [
        "3 problems in s.csv; nothing was imported:",
        "  s.csv, row 2, column 'id': bad",
        "  s.csv, row 5: short",
        "  s.csv, column 'file': no row",
    ]
    Sheet("s.csv", ["id"], []).refuse_if_any()  # nothing to refuse


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".txt", ""])
def test_other_files_are_not_sheets(tmp_path: Path, suffix: str) -> None:
    with pytest.raises(MetadataSheetError, match=r"s.*: a sheet must be \.csv or \.xlsx"):
        read_sheet(write(tmp_path, "s" + suffix, b"id\nR1\n"))


def assert_clean(error: MetadataSheetError) -> None:
    """A refusal is one headline and one line per problem, never a stray line break."""
    lines = str(error).splitlines()
    assert len(lines) == (1 if len(error.problems) == 1 else len(error.problems) + 1)


def assert_nothing_dropped(sheet: Sheet, records: list[tuple[int, list[str]]]) -> None:
    """Every data row is a row holding exactly its non-blank values, or a problem."""
    filled = [(number, cells) for number, cells in records if any(c.strip() for c in cells)]
    body = filled[1:]
    problem_rows = [problem[0] for problem in sheet.problems]
    assert len(sheet.rows) + len(problem_rows) == len(body)
    rows = {row.number: row for row in sheet.rows}
    for number, cells in body:
        if number in problem_rows:
            assert number not in rows
            continue
        assert sorted(rows[number].cells.values()) == sorted(c.strip() for c in cells if c.strip())


def csv_records(text: str) -> list[tuple[int, list[str]]]:
    """An independent reading of the CSV: each record with the line it starts on."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    records, ended = [], 0
    for cells in reader:
        records.append((ended + 1, cells))
        ended = reader.line_num
    return records


@SETTINGS
@given(CSV_TEXT)
def test_any_csv_text_is_read_whole_or_refused(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "s.csv", text.encode("utf-8"))
    try:
        sheet = read_sheet(path)
    except MetadataSheetError as error:
        assert_clean(error)
        return
    assert_nothing_dropped(sheet, csv_records(text))
    for row in sheet.rows:
        assert set(row.cells) <= set(sheet.columns)
        assert all(value == value.strip() and value for value in row.cells.values())


@SETTINGS
@given(st.binary(max_size=80), st.sampled_from(["s.csv", "s.xlsx"]))
def test_any_bytes_are_read_or_refused(tmp_path: Path, data: bytes, name: str) -> None:
    try:
        read_sheet(write(tmp_path, name, data))
    except MetadataSheetError as error:
        assert_clean(error)


@SETTINGS
@given(st.lists(st.lists(XLSX_CELL, max_size=5), max_size=5))
def test_any_small_workbook_is_read_whole_or_refused(
    tmp_path: Path, grid: list[list[object]]
) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    for row in grid:
        worksheet.append(row)
    workbook.save(tmp_path / "s.xlsx")
    try:
        sheet = read_sheet(tmp_path / "s.xlsx")
    except MetadataSheetError as error:
        assert_clean(error)
        return
    records = [
        (number, ["" if cell is None else _shown(cell) for cell in row])
        for number, row in enumerate(grid, start=1)
    ]
    assert_nothing_dropped(sheet, records)


def _shown(value: object) -> str:
    """A cell as the reader gives it (dates in ISO form, whole floats without `.0`)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_a_header_of_only_digits_and_letters_is_read(tmp_path: Path) -> None:
    names = list(string.ascii_lowercase[:5])
    path = write(tmp_path, "s.csv", (",".join(names) + "\n1,2,3,4,5\n").encode())
    assert read_sheet(path).rows[0].cells == dict(zip(names, "12345", strict=True))


def test_a_formula_never_computed_is_a_problem_not_an_empty_cell(tmp_path: Path) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.append(["id", "born"])
    worksheet.append(["R1", "=1900+61"])  # openpyxl stores the formula, not its value
    worksheet.append(["R2", 1960])
    workbook.save(tmp_path / "s.xlsx")
    sheet = read_sheet(tmp_path / "s.xlsx")
    assert [row.cells for row in sheet.rows] == [{"id": "R2", "born": "1960"}]
    assert sheet.problems == [
        (
            2,
            None,
            "a formula in column 2 (B) without a computed value (open and save the sheet in a "
            "spreadsheet program, or type the values)",
        )
    ]


def test_an_xlsx_sheet_that_would_expand_like_a_zip_bomb_is_refused_before_it_is_read(
    tmp_path: Path,
) -> None:
    import zipfile

    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet["A1"], worksheet["A2"] = "id", "R1"
    path = tmp_path / "bomb.xlsx"
    workbook.save(path)
    # An entry of 4 MB of one byte deflates to a few kilobytes: a thousandfold expansion.
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (4 << 20))
    with pytest.raises(MetadataSheetError) as refused:
        read_sheet(path)
    [problem] = refused.value.problems
    assert problem[2].startswith("entry xl/media/padding.bin expands")
    assert "an entry may expand at most 100 times" in problem[2]
    assert "bomb.xlsx" in str(refused.value).splitlines()[0]


def test_a_row_of_one_cell_under_a_longer_header_is_counted_in_the_singular(
    tmp_path: Path,
) -> None:
    sheet = read_sheet(write(tmp_path, "r.csv", b"id,gender\nr1,f\nr2\n"))
    assert [problem[2] for problem in sheet.problems] == [
        "1 cell where the header names 2 columns; no cell for 'gender' "
        "(a value may have shifted into the wrong column)"
    ]
