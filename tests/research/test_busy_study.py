"""A SQLite study kept locked by another writer past the wait (a long import, say): refused
in one line naming the file and why, 503 with Retry-After on the web, nothing changed, and
the same write going through once the other writer is done."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from research.errors import StudyBusyError
from research.storage import health
from research.study import create_study, open_study
from research.web import create_app
from tests.research.helpers import add_interview_with_text, another_writer, busy_message, counts
from tests.research.web.conftest import BASE_URL

WAIT = 0.3
CODING = {
    "interview_id": "I01",
    "code": "unemployment",
    "start_offset": 0,
    "end_offset": 6,
    "coder": "lusine",
}


@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands wait `WAIT` seconds for the lock instead of 30 (read when a study opens)."""
    monkeypatch.setattr(health, "LOCK_WAIT_SECONDS", WAIT)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A SQLite study with one interview, closed: nothing of this process holds it open."""
    with create_study(tmp_path / "study", template="karabakh") as created:
        add_interview_with_text(created)
    return tmp_path / "study"


@pytest.mark.usefixtures("short_wait")
def test_a_write_waiting_past_the_lock_is_refused_as_busy_and_changes_nothing(
    folder: Path,
) -> None:
    database = folder / "study.db"
    with open_study(folder) as study:
        before = counts(study)
        with another_writer(database, journal="wal"), pytest.raises(StudyBusyError) as refused:
            study.codings.add_coding(**CODING)
        assert str(refused.value) == busy_message(database)
        assert refused.value.waited == WAIT
        assert counts(study) == before
        # The other writer gone, the same write goes through.
        study.codings.add_coding(**CODING)
        assert counts(study)[2] == before[2] + 1


@pytest.mark.usefixtures("short_wait")
def test_a_study_opened_during_another_bulk_write_waits_then_is_refused_as_busy(
    folder: Path,
) -> None:
    # The other writer has the study in its rollback journal, as a bulk import does: a new
    # connection waits for it to end before taking up the log, and then gives up.
    database = folder / "study.db"
    with another_writer(database, journal="delete"), pytest.raises(StudyBusyError) as refused:
        open_study(folder)
    assert str(refused.value) == busy_message(database)
    with open_study(folder) as study:
        # The other writer's change was rolled back; what was stored before is all there.
        assert not study.summary().name.endswith("!")
        assert counts(study)[1] == 1


@pytest.mark.usefixtures("short_wait")
def test_the_web_app_answers_503_with_retry_after_while_another_writer_holds_the_study(
    folder: Path,
) -> None:
    database = folder / "study.db"
    with open_study(folder) as study, TestClient(create_app(study), base_url=BASE_URL) as client:
        client.headers["X-CSRF-Token"] = client.get("/api/session").json()["csrf_token"]
        client.post("/api/session/coder", json={"name": "ani"}).raise_for_status()
        with another_writer(database, journal="wal"):
            response = client.post("/api/codebook/codes", json={"name": "housing"})
        assert response.status_code == 503
        assert response.json() == {"detail": busy_message(database)}
        assert response.headers["Retry-After"] == "1"
        assert client.post("/api/codebook/codes", json={"name": "housing"}).status_code == 201


@pytest.mark.usefixtures("short_wait")
def test_the_quick_read_of_a_locked_study_is_refused_as_busy_not_tried_again(
    folder: Path,
) -> None:
    # A writer holding the whole file (rollback journal, exclusive lock): the quick read of
    # `status` and `code apply` waits once and says so, rather than falling back to the
    # full open, which would wait as long again.
    from research.services import study_facts

    database = folder / "study.db"
    with closing(sqlite3.connect(database, isolation_level=None)) as holder:
        holder.execute("PRAGMA journal_mode = DELETE")
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StudyBusyError) as refused:
                study_facts.summarise_file(database)
            assert str(refused.value) == busy_message(database)
        finally:
            holder.execute("ROLLBACK")
            holder.execute("PRAGMA journal_mode = WAL")
