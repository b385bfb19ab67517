"""Bulk transactions on SQLite: a rollback journal while nobody else has the study open, the
write-ahead log again afterwards, and all-or-nothing either way."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from research.services import codings, interviews, search_index
from research.services.bulk import writes_in_bulk
from research.study import Study, create_study, open_study
from tests.research.helpers import counts

RESPONDENT = (
    "INSERT INTO respondents (respondent_id, attributes, created_at, updated_at) "
    "VALUES ('{}', '{{}}', '2026-01-01', '2026-01-01')"
)


@pytest.fixture
def sqlite_study(tmp_path: Path) -> Iterator[Study]:
    """A study in its own SQLite file, whatever database the suite runs on."""
    with create_study(tmp_path / "study", template="blank") as created:
        yield created


def _journal(session: Session) -> str:
    return str(session.connection().exec_driver_sql("PRAGMA journal_mode").scalar())


def _file_journal(study: Study) -> str:
    """The journal mode the database file itself is in, seen by a connection of its own."""
    connection = sqlite3.connect(study.folder / "study.db")
    try:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        connection.close()


def _add_respondent(session: Session, respondent_id: str) -> None:
    session.execute(text(RESPONDENT.format(respondent_id)))


def test_imports_and_bulk_codings_are_the_services_that_write_in_bulk() -> None:
    assert writes_in_bulk(interviews.import_transcripts)
    assert writes_in_bulk(codings.add_codings)
    assert not writes_in_bulk(codings.add_coding)
    assert not writes_in_bulk(interviews.add_interview)


def test_a_bulk_transaction_on_a_study_nobody_else_has_open_uses_a_rollback_journal(
    sqlite_study: Study,
) -> None:
    with sqlite_study.transaction(bulk=True) as session:
        assert _journal(session) == "delete"
        assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        _add_respondent(session, "R1")
    assert counts(sqlite_study) == (1, 0, 0)
    assert _file_journal(sqlite_study) == "wal"
    with sqlite_study.transaction() as session:
        assert _journal(session) == "wal"
        assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_an_import_through_the_study_runs_in_a_bulk_transaction(
    sqlite_study: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    original = search_index.store_passages

    def spying(connection: Connection, *args: Any) -> None:
        seen.append(str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()))
        original(connection, *args)

    monkeypatch.setattr(search_index, "store_passages", spying)
    path = tmp_path / "a.txt"
    path.write_text("Мы уехали в 1996 году.\n", encoding="utf-8")
    sqlite_study.interviews.import_transcripts([path])
    assert seen == ["delete"]
    assert _file_journal(sqlite_study) == "wal"
    assert counts(sqlite_study)[1] == 1


def test_a_bulk_transaction_keeps_the_log_while_another_connection_has_the_study_open(
    sqlite_study: Study,
) -> None:
    reader = sqlite3.connect(sqlite_study.folder / "study.db")
    try:
        reader.execute("SELECT count(*) FROM respondents").fetchone()
        with sqlite_study.transaction(bulk=True) as session:
            assert _journal(session) == "wal"
            _add_respondent(session, "R1")
        assert reader.execute("SELECT count(*) FROM respondents").fetchone() == (1,)
    finally:
        reader.close()
    assert _file_journal(sqlite_study) == "wal"


def test_a_study_opened_during_a_bulk_transaction_reads_and_the_log_comes_back(
    sqlite_study: Study,
) -> None:
    with sqlite_study.transaction(bulk=True) as session:
        _add_respondent(session, "R1")
        # Another process's study opens and reads what was committed before the transaction.
        with open_study(sqlite_study.folder) as other:
            assert counts(other) == (0, 0, 0)
            assert _journal(session) == "delete"
    with open_study(sqlite_study.folder) as other:
        assert counts(other) == (1, 0, 0)
    assert _file_journal(sqlite_study) == "wal"


def test_a_bulk_transaction_that_fails_stores_nothing_and_takes_up_the_log_again(
    sqlite_study: Study,
) -> None:
    with pytest.raises(RuntimeError), sqlite_study.transaction(bulk=True) as session:
        _add_respondent(session, "R1")
        raise RuntimeError("refused halfway")
    assert counts(sqlite_study) == (0, 0, 0)
    assert _file_journal(sqlite_study) == "wal"


def test_a_bulk_transaction_cut_short_by_a_dead_process_leaves_nothing(
    sqlite_study: Study,
) -> None:
    with sqlite_study.transaction() as session:
        _add_respondent(session, "R0")
    sqlite_study.close()
    # Enough rows that SQLite writes pages into the database before the commit, the state
    # a crash in the middle of a long import leaves behind.
    script = f"""
import os
from sqlalchemy import Connection, text
from research.study import open_study
study = open_study({str(sqlite_study.folder)!r})
with study.transaction(bulk=True) as session:
    session.connection().exec_driver_sql("PRAGMA cache_size = 10")
    for number in range(1, 3000):
        session.execute(text({RESPONDENT!r}.format(f"R{{number}}-" + "x" * 500)))
    session.flush()
    os._exit(3)
"""
    died = subprocess.run([sys.executable, "-c", script], check=False)
    assert died.returncode == 3
    journal = sqlite_study.folder / "study.db-journal"
    assert journal.exists() and journal.stat().st_size > 0
    with open_study(sqlite_study.folder) as reopened:
        assert counts(reopened) == (1, 0, 0)
        with reopened.transaction() as session:
            assert session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert _journal(session) == "wal"
    assert not journal.exists()
