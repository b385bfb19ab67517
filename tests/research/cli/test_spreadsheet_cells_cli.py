"""Every CSV and XLSX the toolkit writes holds no cell a spreadsheet would evaluate: the
report's tables and workbook, `code list`, `codebook list`, `respondents list` and
`export codings`, for a study whose code titles, attribute values and quotes begin with each
character that starts a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from codebook import operations
from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.helpers import INTERVIEW, RESPONDENT, transcript
from tests.research.small_study import coded_study

# OWASP's CSV Injection list and the full-width forms, written out here so that a change to
# the rule fails these tests. A carriage return cannot start a quote: canonical text has none.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TITLE = '=HYPERLINK("http://evil","click")'
OCCUPATION = "@SUM(1+1)*cmd|' /C calc'!A0"
LINES = [
    "=1+2 was chalked on the door",
    "+7 days on the road",
    "-the border was closed",
    "@home they waited",
    "\tthen the letters stopped",
    "\uff1dfull-width equals",
    "\uff20full-width at",
]
HOSTILE_TEXT = "\n".join(LINES) + "\n"


@pytest.fixture
def hostile(study: Study) -> Study:
    """The small coded study, with a hostile code title, attribute value and quotes."""
    coded_study(study)
    study.codebooks.run_operation(
        operations.update_code, "unemployment", title=TITLE, changed_by="test"
    )
    study.respondents.add_respondent("R9", {**RESPONDENT, "occupation_before": OCCUPATION})
    study.interviews.add_interview(
        respondent_id="R9",
        interview_id="I9",
        values=INTERVIEW,
        transcript=transcript(HOSTILE_TEXT, "i9.txt"),
    )
    for line in LINES:
        start = HOSTILE_TEXT.index(line)
        study.codings.add_coding(
            interview_id="I9",
            code="unemployment",
            start_offset=start,
            end_offset=start + len(line),
            coder="ana",
            memo="-" + line,
        )
    return study


def csv_cells(text: str) -> list[str]:
    """Every cell of a CSV text, header included."""
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_inert_csv(text: str) -> list[str]:
    """Every cell that starts with a trigger is a number; returns the cells."""
    cells = csv_cells(text)
    for cell in cells:
        if cell[:1] in TRIGGERS:
            float(cell)  # a number (a negative one) is no formula; text would fail here
    return cells


def assert_inert_xlsx(path: Path) -> list[openpyxl.cell.cell.Cell]:
    """No formula in any sheet, no text cell starting with a trigger; returns the cells."""
    workbook = openpyxl.load_workbook(path)
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    for cell in cells:
        if isinstance(cell.value, str):
            assert cell.data_type == "s"
            assert cell.value[:1] not in TRIGGERS, (cell.coordinate, cell.value)
    return cells


def test_the_reports_tables_and_workbook_hold_no_live_formula(
    run: Run, hostile: Study, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = run("report", "--out", str(out), "--study", str(hostile.folder))
    assert result.exit_code == 0, result.stderr
    tables = sorted((out / "tables").glob("*.csv"))
    assert tables
    quoted = [cell for path in tables for cell in assert_inert_csv(path.read_text("utf-8"))]
    assert "'" + TITLE in quoted
    assert TITLE not in quoted
    cells = assert_inert_xlsx(out / "tables" / "report.xlsx")
    values = [cell.value for cell in cells]
    assert "'" + TITLE in values
    # Numbers stay numbers.
    assert [cell for cell in cells if cell.data_type == "n" and isinstance(cell.value, int)]


def test_code_list_csv_makes_each_quote_and_memo_inert(run: Run, hostile: Study) -> None:
    result = run(
        "code", "list", "--interview", "I9", "--format", "csv", "--study", str(hostile.folder)
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(row["quote"] for row in rows) == sorted("'" + line for line in LINES)
    assert sorted(row["memo"] for row in rows) == sorted("'-" + line for line in LINES)
    assert all(row["start_offset"].isdigit() for row in rows)
    assert_inert_csv(result.stdout)


def test_codebook_and_respondent_lists_make_text_inert(run: Run, hostile: Study) -> None:
    folder = str(hostile.folder)
    codebook = run("codebook", "show", "--format", "csv", "--study", folder)
    assert "'" + TITLE in assert_inert_csv(codebook.stdout)
    respondents = run("respondents", "list", "--format", "csv", "--study", folder)
    assert "'" + OCCUPATION in assert_inert_csv(respondents.stdout)


def test_exported_codings_are_inert_in_csv_and_xlsx(
    run: Run, hostile: Study, tmp_path: Path
) -> None:
    folder = str(hostile.folder)
    exported = run("export", "codings", "--interview", "I9", "--study", folder)
    assert exported.exit_code == 0, exported.stderr
    cells = assert_inert_csv(exported.stdout)
    assert "'" + OCCUPATION in cells and "'" + LINES[0] in cells
    out = tmp_path / "codings.xlsx"
    assert run("export", "codings", "--out", str(out), "--study", folder).exit_code == 0
    values = [cell.value for cell in assert_inert_xlsx(out)]
    assert "'" + LINES[1] in values and "'" + OCCUPATION in values
