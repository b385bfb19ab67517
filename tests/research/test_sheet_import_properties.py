"""Every sheet import, fed random sheets (CSV with quotes, line breaks and ragged rows,
random bytes, small random workbooks, JSON): a refusal the command line reports in its
one-line form, or a result; never another exception. Each attempt is rolled back."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy.orm import Session

from research.cli.refusals import USER_ERRORS
from research.errors import MetadataSheetError
from research.services import interviews, respondents
from research.study import Study

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NAMES = [
    "respondent_id",
    "interview_id",
    "file",
    "transcript",
    "gender",
    "role",
    "birth_year",
    "interview_date",
    "place",
    "consent",
    "language",
    "shoe_size",
    "",
    " gender ",
]
VALUES = [
    "R1",
    "R2",
    "I1",
    "a",
    "a.txt",
    "missing.txt",
    "female",
    "robot",
    "stayed",
    "1961",
    "-3",
    "2004-06-12",
    "2023-02-30",
    "martuni",
    "yes",
    "hy;en",
    "",
    " ",
    "bad id",
    "=1+1",
    'say "hi"',
    "two\nlines",
    "ж",
]
CELL = st.sampled_from(VALUES)
HEADER = st.lists(st.sampled_from(NAMES), min_size=1, max_size=6)
BODY = st.lists(st.lists(CELL, max_size=7), max_size=5)
Service = Callable[[Session, Path], object]


class _Undo(Exception):
    """Raised to roll an attempt back."""


def services(folder: Path) -> dict[str, Service]:
    """Every service that reads a sheet, with what it needs besides the sheet."""
    return {
        "respondents add --from": lambda session, path: respondents.add_respondents_from(
            session, path
        ),
        "interviews add --from": lambda session, path: interviews.add_interviews_from(
            session, path
        ),
        "interviews import --metadata": lambda session, path: interviews.import_transcripts(
            session, [folder / "a.txt"], metadata=path
        ),
        "interviews describe": lambda session, path: interviews.describe_interviews(session, path),
    }


@pytest.fixture
def seeded(study: Study, tmp_path: Path) -> Iterator[tuple[Study, Path]]:
    """The study with one bare interview (`a`, from a.txt) to describe, and a.txt to import."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.txt").write_text("Some text.\n", encoding="utf-8")
    study.interviews.import_transcripts([folder / "a.txt"])
    yield study, folder


def attempt_each(study: Study, folder: Path, path: Path) -> None:
    """Run every sheet service on `path`; a user's error is fine, anything else fails."""
    for name, service in services(folder).items():
        try:
            with study.transaction() as session:
                service(session, path)
                raise _Undo
        except _Undo:
            pass
        except USER_ERRORS as error:
            lines = str(error).splitlines()
            if isinstance(error, MetadataSheetError) and len(error.problems) > 1:
                assert len(lines) == len(error.problems) + 1, name
            else:
                assert len(lines) == 1, (name, str(error))


def csv_text(header: list[str], body: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue()


@SETTINGS
@given(HEADER, BODY, st.sampled_from(["", "\ufeff"]), st.sampled_from(["\n", "\r\n"]))
def test_random_csv_sheets_are_imported_or_refused(
    seeded: tuple[Study, Path], header: list[str], body: list[list[str]], bom: str, newline: str
) -> None:
    study, folder = seeded
    path = folder / "sheet.csv"
    path.write_text(bom + csv_text(header, body).replace("\n", newline), encoding="utf-8")
    attempt_each(study, folder, path)


@SETTINGS
@given(st.binary(max_size=120), st.sampled_from(["sheet.csv", "sheet.xlsx", "sheet.json"]))
def test_random_bytes_are_refused_cleanly(
    seeded: tuple[Study, Path], data: bytes, name: str
) -> None:
    study, folder = seeded
    path = folder / name
    path.write_bytes(data)
    attempt_each(study, folder, path)


@SETTINGS
@given(
    HEADER,
    st.lists(
        st.lists(
            st.one_of(
                st.sampled_from([v for v in VALUES if "\n" not in v]),
                st.none(),
                st.integers(-3, 2000),
                st.booleans(),
                st.just(date(2004, 6, 12)),
            ),
            max_size=7,
        ),
        max_size=5,
    ),
)
def test_random_workbooks_are_imported_or_refused(
    seeded: tuple[Study, Path], header: list[str], body: list[list[Any]]
) -> None:
    study, folder = seeded
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    for row in [header, *body]:
        worksheet.append(row)
    path = folder / "sheet.xlsx"
    workbook.save(path)
    attempt_each(study, folder, path)


@SETTINGS
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-3, 2000) | CELL,
        lambda inner: st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(NAMES), inner, max_size=4),
        max_leaves=12,
    )
)
def test_random_json_records_are_added_or_refused(
    seeded: tuple[Study, Path], data: object
) -> None:
    study, folder = seeded
    path = folder / "records.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    attempt_each(study, folder, path)
