"""Compacting a study: the file shrinks to what its data needs, every row and the search stay
as they were, and a study without room on its disk or held by another writer is left alone."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from research.errors import StudyBusyError, StudyDatabaseError
from research.services import compaction
from research.storage import health
from research.study import Study, create_study, open_study
from tests.research.helpers import (
    add_interview_with_text,
    another_writer,
    busy_message,
    study_fingerprint,
)
from tests.research.test_backups import contents

# A long transcript of its own words per interview: removing most of them frees many pages.
WORDS = ["harvest", "ticket", "border", "Ереван", "деньги", "գյուղ", "winter", "factory"]


def _text(number: int) -> str:
    own = f"marker{number:03d}"
    return " ".join(f"{WORDS[i % len(WORDS)]} {own}" for i in range(4000)) + "\n"


def fill(study: Study, interviews: int) -> Study:
    """`interviews` long interviews, I000 onwards, each of its own respondent."""
    for number in range(interviews):
        add_interview_with_text(
            study, _text(number), respondent_id=f"R{number:03d}", interview_id=f"I{number:03d}"
        )
    return study


def _hits(study: Study, query: str) -> int:
    page = study.transcript_search.search_transcripts(query, include_incomplete=True)
    return int(page.interviews)


def _segments(database: Path) -> int:
    """How many segments the SQLite search index holds (FTS5's `_idx` table names each)."""
    with closing(sqlite3.connect(database)) as connection:
        query = "SELECT count(DISTINCT segid) FROM transcript_index_idx"
        return int(connection.execute(query).fetchone()[0])


@pytest.fixture
def removed(tmp_path: Path) -> Path:
    """The folder of a SQLite study of 12 long interviews, 10 of them removed again."""
    with create_study(tmp_path / "study", template="karabakh") as created:
        fill(created, 12)
        for number in range(2, 12):
            created.interviews.remove_interview(f"I{number:03d}")
    return tmp_path / "study"


@pytest.fixture
def sqlite_study(removed: Path) -> Iterator[Study]:
    with open_study(removed) as opened:
        yield opened


def test_compacting_after_removals_shrinks_the_file_and_keeps_every_row(
    sqlite_study: Study,
) -> None:
    database = sqlite_study.folder / "study.db"
    before = contents(sqlite_study)
    on_disk = database.stat().st_size
    report = sqlite_study.compact()
    assert report.database == str(database)
    assert report.bytes_before >= on_disk
    # Two of twelve transcripts are left: the file is well under half of what it was, and
    # the log beside it is emptied.
    assert report.bytes_after == database.stat().st_size < on_disk / 2
    wal = Path(f"{database}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert contents(sqlite_study) == before
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA freelist_count").fetchone() == (0,)
    # The index, merged, finds what remains and nothing of what was removed.
    assert report.index_merged
    assert _hits(sqlite_study, "marker001") == 1
    assert _hits(sqlite_study, "marker007") == 0
    assert _hits(sqlite_study, "деньги") == 2


def test_the_search_index_is_merged_into_one_segment(tmp_path: Path) -> None:
    with create_study(tmp_path / "study", template="karabakh") as study:
        fill(study, 6)
        database = study.folder / "study.db"
        assert _segments(database) > 1
        study.compact()
        assert _segments(database) == 1
        assert _hits(study, "border marker004") == 1


def test_a_disk_without_room_for_the_copy_refuses_and_changes_nothing(
    sqlite_study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's temporary folder on the study's own disk: the copy and the pages both there.
    database = sqlite_study.folder / "study.db"
    monkeypatch.setenv("SQLITE_TMPDIR", str(sqlite_study.folder))
    before = study_fingerprint(sqlite_study)
    monkeypatch.setattr(health, "free_bytes", lambda folder: 100_000)
    with pytest.raises(StudyDatabaseError) as refused:
        sqlite_study.compact()
    message = str(refused.value)
    assert message.startswith(f"{database}: compacting needs about ")
    assert message.endswith(
        f" MB free in {database.parent} (twice the study's data, for its copy and the pages); "
        "it has 0.1 MB; nothing was changed"
    )
    assert study_fingerprint(sqlite_study) == before


def test_a_temporary_folder_without_room_is_named(
    sqlite_study: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's temporary folder on a disk of its own, with too little room there alone.
    temporary = tmp_path / "small-disk"
    temporary.mkdir()
    monkeypatch.setenv("SQLITE_TMPDIR", str(temporary))
    monkeypatch.setattr(compaction, "_same_disk", lambda one, other: False)
    monkeypatch.setattr(
        health, "free_bytes", lambda folder: 5_000 if folder == temporary else 10**12
    )
    before = study_fingerprint(sqlite_study)
    with pytest.raises(StudyDatabaseError) as refused:
        sqlite_study.compact()
    assert str(refused.value).endswith(
        f" MB free in {temporary} (the study's data, for its copy); it has 0.0 MB; "
        "nothing was changed"
    )
    assert study_fingerprint(sqlite_study) == before


def test_a_study_another_writer_holds_is_refused_as_busy(
    removed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = removed / "study.db"
    monkeypatch.setattr(health, "LOCK_WAIT_SECONDS", 0.3)
    with open_study(removed) as study:
        before = contents(study)
        with another_writer(database, journal="wal"), pytest.raises(StudyBusyError) as refused:
            study.compact()
        assert str(refused.value) == busy_message(database)
        assert contents(study) == before


def test_compacting_on_the_backend_under_test_keeps_every_row(study: Study) -> None:
    # On PostgreSQL the tables are vacuumed and analysed; on SQLite the file is rewritten.
    fill(study, 3)
    study.interviews.remove_interview("I002")
    before = contents(study)
    report = study.compact()
    assert report.bytes_after > 0
    assert contents(study) == before
    assert _hits(study, "marker001") == 1
    assert _hits(study, "marker002") == 0
