"""Transcript import: encodings, formats, metadata sheets with row errors, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from interviews.errors import TranscriptError
from research.errors import MetadataSheetError
from research.study import Study
from tests.research.helpers import RESPONDENT, counts

HEADER = (
    "file,respondent_id,interview_id,gender,birth_year,role,interview_date,place,"
    "interviewer,language,consent,consent_scope\n"
)


def write_sheet(folder: Path, rows: list[str]) -> Path:
    sheet = folder / "sheet.csv"
    sheet.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return sheet


# The values of a sheet's row, in its columns' order: the respondent's, then the interview's.
RESPONDENT_VALUES = {"gender": "female", "birth_year": "1960", "role": "stayed"}
INTERVIEW_VALUES = {
    "interview_date": "2004-05-01",
    "place": "martuni",
    "interviewer": "Interviewer B",
    "language": "hy;ru",
    "consent": "yes",
    "consent_scope": "interview",
}


def row(file: str, respondent: str, interview: str = "", **changes: str) -> str:
    values = {**RESPONDENT_VALUES, **INTERVIEW_VALUES, **changes}
    return ",".join([file, respondent, interview, *values.values()])


def test_import_with_sheet_creates_respondents_and_interviews(study: Study, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Мы уехали в 1996 году.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Ի՞նչ անեինք։\r\n".encode("utf-16"))
    sheet = write_sheet(tmp_path, [row("a.txt", "R01", "A1"), row("b.txt", "R01", "")])
    report = study.interviews.import_transcripts(
        [tmp_path / "a.txt", tmp_path / "b.txt"], metadata=sheet
    )
    assert report.interviews_created == ["A1", "b"]
    assert report.respondents_created == ["R01"]
    assert study.interviews.get_interview("b").transcript == "Ի՞նչ անեինք։\n"
    assert counts(study) == (1, 2, 0)


def test_legacy_encoding_is_decoded_when_named(study: Study, tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_bytes("Работы нет.\n".encode("cp1251"))
    sheet = write_sheet(tmp_path, [row("c.txt", "R01")])
    study.interviews.import_transcripts([tmp_path / "c.txt"], metadata=sheet, encoding="cp1251")
    assert study.interviews.get_interview("c").transcript == "Работы нет.\n"


def test_undecodable_file_is_refused_with_line_and_column(study: Study, tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_bytes("first line\nРабота\n".encode("cp1251"))
    sheet = write_sheet(tmp_path, [row("c.txt", "R01")])
    with pytest.raises(TranscriptError) as raised:
        study.interviews.import_transcripts([tmp_path / "c.txt"], metadata=sheet)
    assert "c.txt" in str(raised.value)
    assert "line 2" in str(raised.value)
    assert counts(study) == (0, 0, 0)


def test_row_errors_name_row_and_column_and_nothing_is_saved(study: Study, tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text("Some text.\n", encoding="utf-8")
    sheet = write_sheet(
        tmp_path,
        [
            row("a.txt", "R01"),
            row("b.txt", "R02", birth_year="1700"),
            row("c.txt", "R03", interview_date="2023-02-30"),
        ],
    )
    files = [tmp_path / n for n in ("a.txt", "b.txt", "c.txt")]
    with pytest.raises(MetadataSheetError) as raised:
        study.interviews.import_transcripts(files, metadata=sheet)
    message = str(raised.value)
    assert "row 3, column 'birth_year'" in message
    assert "row 4, column 'interview_date'" in message
    assert counts(study) == (0, 0, 0)


def test_unknown_column_is_reported(study: Study, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some text.\n", encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("file,respondent_id,shoe_size\na.txt,R01,42\n", encoding="utf-8")
    with pytest.raises(MetadataSheetError, match="row 2, column 'shoe_size'"):
        study.interviews.import_transcripts([tmp_path / "a.txt"], metadata=sheet)


def test_file_without_a_row_is_reported(study: Study, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some text.\n", encoding="utf-8")
    (tmp_path / "z.txt").write_text("Other text.\n", encoding="utf-8")
    sheet = write_sheet(tmp_path, [row("a.txt", "R01")])
    with pytest.raises(MetadataSheetError, match="no row for file 'z.txt'"):
        study.interviews.import_transcripts(
            [tmp_path / "a.txt", tmp_path / "z.txt"], metadata=sheet
        )
    assert counts(study) == (0, 0, 0)


def test_existing_respondent_with_contradicting_sheet_values_is_reported(
    study: Study, tmp_path: Path
) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    (tmp_path / "a.txt").write_text("Some text.\n", encoding="utf-8")
    sheet = write_sheet(tmp_path, [row("a.txt", "R01", gender="male")])
    with pytest.raises(MetadataSheetError, match="column 'gender'"):
        study.interviews.import_transcripts([tmp_path / "a.txt"], metadata=sheet)
    assert counts(study) == (1, 0, 0)


def test_xlsx_sheet_is_read_with_typed_cells(study: Study, tmp_path: Path) -> None:
    from datetime import datetime

    (tmp_path / "a.txt").write_text("Some text.\n", encoding="utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "a.txt",
            "R01",
            "X1",
            "female",
            1960,
            "stayed",
            datetime(2004, 5, 1),
            "martuni",
            "Interviewer B",
            "hy",
            "yes",
            "interview",
        ]
    )
    workbook.save(tmp_path / "sheet.xlsx")
    study.interviews.import_transcripts([tmp_path / "a.txt"], metadata=tmp_path / "sheet.xlsx")
    record = study.interviews.get_interview("X1")
    assert record.interview_date.isoformat() == "2004-05-01"
    assert record.respondent_attributes["birth_year"] == 1960


def test_import_without_sheet_attaches_to_the_interview_named_by_the_file(
    study: Study, tmp_path: Path
) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    study.interviews.add_interview(
        respondent_id="R01",
        interview_id="I7",
        values={
            "interview_date": "2004-01-02",
            "place": "moscow",
            "interviewer": "B",
            "language": "ru",
            "consent": "yes",
            "consent_scope": "interview",
        },
    )
    (tmp_path / "I7.md").write_text("# Notes\r\nТекст.\r\n", encoding="utf-8-sig")
    study.interviews.import_transcripts([tmp_path / "I7.md"])
    assert study.interviews.get_interview("I7").transcript == "# Notes\nТекст.\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"abc\x00def\n", "NUL"), (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG")],
)
def test_empty_nul_and_binary_files_are_refused(
    study: Study, tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "a.txt").write_bytes(content)
    sheet = write_sheet(tmp_path, [row("a.txt", "R01")])
    with pytest.raises(TranscriptError, match=message):
        study.interviews.import_transcripts([tmp_path / "a.txt"], metadata=sheet)
    assert counts(study) == (0, 0, 0)


def test_bad_ids_in_the_sheet_are_reported_by_row(study: Study, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some text.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Other text.\n", encoding="utf-8")
    sheet = write_sheet(tmp_path, [row("a.txt", "Anna Petrosyan"), row("b.txt", "R2", "bad id")])
    with pytest.raises(MetadataSheetError) as raised:
        study.interviews.import_transcripts(
            [tmp_path / "a.txt", tmp_path / "b.txt"], metadata=sheet
        )
    message = str(raised.value)
    assert "row 2, column 'respondent_id'" in message
    assert "row 3, column 'interview_id'" in message
    assert counts(study) == (0, 0, 0)
