"""Bulk transactions on SQLite: a rollback journal while nobody else has the study open, the
write-ahead log again afterwards, and all-or-nothing either way."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
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


def test_a_study_opened_during_a_bulk_transaction_waits_for_it_then_takes_up_the_log(
    sqlite_study: Study,
) -> None:
    # A connection that read in rollback-journal mode meanwhile would hold locks the bulk
    # writer must wait for at its commit: a new one waits for the transaction instead.
    started, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def bulk() -> None:
        try:
            with sqlite_study.transaction(bulk=True) as session:
                assert _journal(session) == "delete"
                _add_respondent(session, "R1")
                started.set()
                release.wait(10)
        except BaseException as error:  # noqa: BLE001 (reported by the test below)
            failures.append(error)
            started.set()

    writer = threading.Thread(target=bulk)
    writer.start()
    assert started.wait(10)
    threading.Timer(0.5, release.set).start()
    with open_study(sqlite_study.folder) as other:
        # Opened while the transaction ran: it waited, and reads what the bulk committed.
        assert counts(other) == (1, 0, 0)
        with other.transaction() as session:
            assert _journal(session) == "wal"
    writer.join(10)
    assert not failures
    assert _file_journal(sqlite_study) == "wal"


def test_an_interrupted_bulk_transaction_gives_its_connection_back_and_leaves_the_log(
    sqlite_study: Study,
) -> None:
    # Ctrl-C (or a lost connection) invalidates the connection inside the transaction.
    for _ in range(3):
        with pytest.raises(KeyboardInterrupt), sqlite_study.transaction(bulk=True) as session:
            _add_respondent(session, "R1")
            session.connection().invalidate()
            raise KeyboardInterrupt
    assert sqlite_study.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert counts(sqlite_study) == (0, 0, 0)
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


def test_a_study_whose_import_died_in_its_commit_opens_as_it_was_before(
    sqlite_study: Study, tmp_path: Path
) -> None:
    # A commit in rollback-journal mode writes page 1 (its header counts the new pages)
    # before the pages that follow: a process killed in between leaves a file shorter than
    # its header says, with the journal that puts it back beside it.
    with sqlite_study.transaction() as session:
        _add_respondent(session, "R0")
    sqlite_study.close()
    folder = sqlite_study.folder
    writer = sqlite3.connect(folder / "study.db", isolation_level=None)
    writer.execute("PRAGMA journal_mode = DELETE")
    writer.execute("PRAGMA cache_size = 10")  # pages spill into the file before the commit
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("PRAGMA user_version = 7")  # page 1 changes, so the journal holds it
    for number in range(1, 400):
        writer.execute(RESPONDENT.format(f"R{number}-" + "x" * 400))
    crashed = tmp_path / "crashed"
    shutil.copytree(folder, crashed)  # the files as the dead process left them
    writer.execute("ROLLBACK")
    writer.close()
    database = crashed / "study.db"
    content = bytearray(database.read_bytes())
    pages = len(content) // int.from_bytes(content[16:18], "big")
    content[28:32] = (pages + 1000).to_bytes(4, "big")
    database.write_bytes(bytes(content))
    assert (crashed / "study.db-journal").stat().st_size > 0
    with open_study(crashed) as reopened:
        assert counts(reopened) == (1, 0, 0)
        with reopened.transaction() as session:
            assert session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert session.connection().exec_driver_sql("PRAGMA user_version").scalar() == 0
    assert not (crashed / "study.db-journal").exists()
