"""Sheet imports refuse rows of the wrong shape and list every problem with its row and
column, storing nothing: `respondents add --from`, `interviews add --from`, `interviews
import --metadata` and `interviews describe`, from CSV, XLSX and JSON. Each refusal is
checked as a user meets it (the first line the command prints) and against the study's
bytes before and after."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import Workbook

from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.helpers import INTERVIEW, RESPONDENT, counts, study_fingerprint

HEADER = "respondent_id,gender,role,birth_year"


@pytest.fixture
def refused(run: Run, study: Study) -> Iterator[Run]:
    """Run a command that must be refused; afterwards the study is checked unchanged."""
    before = study_fingerprint(study)
    yield run
    assert study_fingerprint(study) == before
    assert counts(study) == (0, 0, 0)


def headline(result: Result) -> str:
    """The one line a refusal starts with (without `Error: `); no traceback anywhere."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output + result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("Error: ")
    return first.removeprefix("Error: ")


def add_respondents(run: Run, study: Study, path: Path) -> Result:
    return run("respondents", "add", "--from", str(path), "--study", str(study.folder))


def sheet(tmp_path: Path, *lines: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_row_with_an_extra_cell_is_refused(refused: Run, study: Study, tmp_path: Path) -> None:
    path = sheet(tmp_path, HEADER, "R1,female,stayed,1961", "R2,male,migrant,1960,Moscow")
    assert headline(add_respondents(refused, study, path)) == (
        "r.csv, row 3: a value in column 5 (E), which the header does not name"
    )


def test_a_row_with_a_missing_cell_is_refused(refused: Run, study: Study, tmp_path: Path) -> None:
    path = sheet(tmp_path, HEADER, "R1,female,1961")
    assert headline(add_respondents(refused, study, path)) == (
        "r.csv, row 2: 3 cells where the header names 4 columns; no cell for 'birth_year' "
        "(a value may have shifted into the wrong column)"
    )


def test_every_problem_is_listed_with_its_row_and_column(
    refused: Run, study: Study, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path,
        HEADER,
        "R1,female,stayed,1961,extra",
        'R2,female,"stayed',  # a quoted cell running over two lines: rows count lines
        'and waited",1961',
        "R3,robot,stayed,1961",
        "R4,male",
        "R5,female,stayed,1961",
        "bad id,male,migrant,1960",
    )
    result = add_respondents(refused, study, path)
    assert headline(result) == "5 problems in r.csv; nothing was imported:"
    assert result.stderr.splitlines()[1:] == [
        "  r.csv, row 2: a value in column 5 (E), which the header does not name",
        "  r.csv, row 3, column 'role': 'stayed\\nand waited' is not one of: migrant, stayed, "
        "returnee, non_migrant (or their labels)",
        "  r.csv, row 5, column 'gender': 'robot' is not one of: female, male, other, "
        "not_stated (or their labels)",
        "  r.csv, row 6: 2 cells where the header names 4 columns; no cell for 'role', "
        "'birth_year' (a value may have shifted into the wrong column)",
        "  r.csv, row 8, column 'respondent_id': String should match pattern "
        "'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' (letters, digits, '.', '_', '-'; at most 64)",
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "respondent_id,gender,role,gender",
            "r.csv, row 1, column 'gender': the name is given to 2 columns (2, 4)",
        ),
        ("respondent_id,,role", "r.csv, row 1: column 2 (B) has no name"),
        (" respondent_id , respondent_id", "r.csv, row 1, column 'respondent_id': "),
    ],
)
def test_a_header_naming_a_column_twice_or_not_at_all_is_refused(
    refused: Run, study: Study, tmp_path: Path, header: str, message: str
) -> None:
    path = sheet(tmp_path, header, "R1,female,stayed,female")
    assert headline(add_respondents(refused, study, path)).startswith(message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "r.csv: the sheet is empty"),
        (b"\n \n,,\n", "r.csv: the sheet is empty"),
        (HEADER.encode() + b"\n", "r.csv: the file holds no records"),
        (
            HEADER.encode() + b"\nR1,female,stayed,1961\nR2," + "женщина".encode("cp1251"),
            "r.csv, row 3: byte 0xe6 cannot be decoded as UTF-8; save the file as UTF-8 "
            "(in a spreadsheet: CSV UTF-8)",
        ),
        (
            HEADER.encode() + b'\nR1,"female,stayed,1961\nR2,male,migrant,1960\n',
            "r.csv, row 2: a quotation mark opens a cell that is never closed",
        ),
        (
            HEADER.encode() + b'\nR1,"fem"ale,stayed,1961\n',
            'r.csv, row 2: text follows a closing quotation mark (inside a quoted cell, write " '
            'as "")',
        ),
    ],
)
def test_an_empty_or_unreadable_csv_is_refused_with_its_line(
    refused: Run, study: Study, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    assert headline(add_respondents(refused, study, path)) == message


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),  # with its byte order mark
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8 with bom", "utf-16", "crlf"],
)
def test_a_sheet_with_a_byte_order_mark_or_crlf_is_read(
    run: Run, study: Study, tmp_path: Path, encode: object
) -> None:
    path = tmp_path / "r.csv"
    text = f"{HEADER},,\nR1,female,stayed,1961,,\nR2,женский,stayed,,,\n"
    path.write_bytes(encode(text))  # type: ignore[operator]
    result = add_respondents(run, study, path)
    assert headline(result) == (
        "r.csv, row 3, column 'gender': 'женский' is not one of: female, male, other, "
        "not_stated (or their labels)"
    )
    path.write_bytes(encode(text.replace("женский", "female")))  # type: ignore[operator]
    result = add_respondents(run, study, path)
    assert result.exit_code == 0, result.stderr
    assert study.respondents.get_respondent("R1").attributes["birth_year"] == 1961
    assert study.respondents.get_respondent("R2").attributes["gender"] == "female"


def test_an_xlsx_sheet_with_values_beyond_its_header_is_refused(
    refused: Run, study: Study, tmp_path: Path
) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.append([None])  # a blank row above the header
    worksheet.append(HEADER.split(","))
    worksheet.append(["R1", "female", "stayed", 1961])
    worksheet.append(["R2", "male", "migrant", 1960, None, "Moscow"])
    worksheet.append(["R3", "robot", "stayed", 1961])
    workbook.save(tmp_path / "r.xlsx")
    result = add_respondents(refused, study, tmp_path / "r.xlsx")
    assert headline(result) == "2 problems in r.xlsx; nothing was imported:"
    assert "r.xlsx, row 4: a value in column 6 (F), which the header does not name" in (
        result.stderr
    )
    assert "r.xlsx, row 5, column 'gender': 'robot'" in result.stderr


def test_an_xlsx_sheet_is_read(run: Run, study: Study, tmp_path: Path) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.append(HEADER.split(","))
    worksheet.append(["R1", "female", "stayed", 1961])
    workbook.save(tmp_path / "r.xlsx")
    result = add_respondents(run, study, tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.stderr
    assert study.respondents.get_respondent("R1").attributes["birth_year"] == 1961


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook", "r.xlsx: cannot read XLSX"),
        (b"PK\x05\x06" + bytes(18), "r.xlsx: cannot read XLSX"),
    ],
)
def test_a_damaged_xlsx_is_refused(
    refused: Run, study: Study, tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "r.xlsx").write_bytes(content)
    assert headline(add_respondents(refused, study, tmp_path / "r.xlsx")).startswith(message)


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ('[{"respondent_id": "R1", "gender": "male", "gender": "female"}]',
         "r.json: the field 'gender' is given twice in one record"),
        ("[" * 100_000, "r.json: nested too deeply"),
        ('[{"respondent_id": "R1"', "r.json, line 1, column 24: Expecting ',' delimiter"),
        ("[]", "r.json: the file holds no records"),
        (
            json.dumps([{"respondent_id": "R1", **RESPONDENT}, "R2"]),
            "r.json, record 2: expected an object of field names and values",
        ),
    ],
)
def test_a_bad_json_file_of_records_is_refused(
    refused: Run, study: Study, tmp_path: Path, records: str, message: str
) -> None:
    (tmp_path / "r.json").write_text(records, encoding="utf-8")
    assert headline(add_respondents(refused, study, tmp_path / "r.json")) == message


def test_interviews_from_a_sheet_list_shape_and_transcript_problems_with_the_hint(
    run: Run, study: Study, tmp_path: Path
) -> None:
    study.respondents.add_respondent("R1", RESPONDENT)
    before = study_fingerprint(study)
    (tmp_path / "good.txt").write_text("Some text.\n", encoding="utf-8")
    (tmp_path / "legacy.txt").write_bytes("Работы нет.\n".encode("cp1251"))
    path = sheet(
        tmp_path,
        "respondent_id,interview_id,transcript,interview_date,place,interviewer,language,consent",
        "R1,I1,legacy.txt,2004-06-12,martuni,A,hy,yes",
        "R1,I2,good.txt,2004-06-13,martuni,A,hy,yes,extra",
        "R1,I3,good.txt,2004-06-14,martuni",
        name="interviews.csv",
    )
    result = run("interviews", "add", "--from", str(path), "--study", str(study.folder))
    assert headline(result) == "3 problems in interviews.csv; nothing was imported:"
    lines = result.stderr.splitlines()
    assert lines[1].startswith("  interviews.csv, row 2: legacy.txt, line 1, column 1: byte 0x")
    assert lines[2].startswith("  interviews.csv, row 3: a value in column 9 (I)")
    assert lines[3].startswith("  interviews.csv, row 4: 5 cells where the header names 8")
    assert "(name its encoding: --encoding cp1251" in lines[-1]
    assert study_fingerprint(study) == before


def test_a_metadata_sheet_with_a_ragged_row_imports_nothing(
    run: Run, study: Study, tmp_path: Path
) -> None:
    before = study_fingerprint(study)
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Some text.\n", encoding="utf-8")
    columns = [*RESPONDENT, *INTERVIEW]
    values = [str(RESPONDENT.get(name, INTERVIEW.get(name))) for name in columns]
    metadata = sheet(
        tmp_path,
        ",".join(["file", "respondent_id", *columns]),
        ",".join(["a.txt", "R1", *values]),
        ",".join(["b.txt", "R2", *values, "1960"]),
        name="meta.csv",
    )
    result = run(
        "interviews",
        "import",
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.txt"),
        "--metadata",
        str(metadata),
        "--study",
        str(study.folder),
    )
    position = len(columns) + 3
    assert headline(result) == (
        f"meta.csv, row 3: a value in column {position} ({chr(ord('A') + position - 1)}), "
        "which the header does not name"
    )
    assert study_fingerprint(study) == before
    assert counts(study) == (0, 0, 0)


def test_a_describing_sheet_with_a_short_row_changes_nothing(
    run: Run, study: Study, tmp_path: Path
) -> None:
    (tmp_path / "one.txt").write_text("Some text.\n", encoding="utf-8")
    assert run("interviews", "import", str(tmp_path / "one.txt"), "--study", str(study.folder))
    before = study_fingerprint(study)
    later = sheet(tmp_path, "interview_id,place,interviewer", "one,martuni", name="later.csv")
    result = run("interviews", "describe", str(later), "--study", str(study.folder))
    assert headline(result) == (
        "later.csv, row 2: 2 cells where the header names 3 columns; no cell for "
        "'interviewer' (a value may have shifted into the wrong column)"
    )
    assert study_fingerprint(study) == before


def test_the_fingerprint_sees_what_a_command_stores(run: Run, study: Study, tmp_path: Path) -> None:
    before = study_fingerprint(study)
    assert study_fingerprint(study) == before
    path = sheet(tmp_path, HEADER, "R1,female,stayed,1961")
    assert add_respondents(run, study, path).exit_code == 0
    assert study_fingerprint(study) != before
