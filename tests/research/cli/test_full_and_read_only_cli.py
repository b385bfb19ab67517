"""A full disk and a read-only study or folder: one line naming the cause and the path, and
nothing saved or half-written."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from research.errors import StudyDatabaseError
from research.storage import database, health
from research.study import Study, create_study
from tests.research.cli.conftest import Run
from tests.research.helpers import (
    MIXED_TEXT,
    add_interview_with_text,
    counts,
    folder_state,
    unwritable,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def sqlite_study(tmp_path: Path) -> Iterator[Study]:
    """A SQLite study with one interview (these faults are of files and disks)."""
    with create_study(tmp_path / "study", template="karabakh") as created:
        add_interview_with_text(created)
        yield created


def _transcript(tmp_path: Path) -> Path:
    path = tmp_path / "I02.txt"
    path.write_text(MIXED_TEXT * 2000, encoding="utf-8")
    return path


@pytest.fixture
def size_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite may not grow the study beyond its present pages (`PRAGMA max_page_count`): a
    write that needs one more page fails with SQLITE_FULL, as on a full disk."""
    configure = database._configure_sqlite

    def limited(dbapi_connection: Any, record: Any) -> None:
        configure(dbapi_connection, record)
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(database, "_configure_sqlite", limited)


def test_a_study_that_cannot_grow_refuses_the_import_and_saves_nothing(
    run: Run, sqlite_study: Study, tmp_path: Path, size_limited: None
) -> None:
    transcript = _transcript(tmp_path)
    sqlite_study.close()
    before = folder_state(sqlite_study.folder)
    result = run("interviews", "import", str(transcript), "--study", str(sqlite_study.folder))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {sqlite_study.folder / 'study.db'}: the database has reached the largest size "
        "it may take (database or disk is full)"
    )
    assert folder_state(sqlite_study.folder) == before
    assert counts(sqlite_study) == (1, 1, 0)


def test_a_full_disk_is_named_as_such(
    run: Run,
    sqlite_study: Study,
    tmp_path: Path,
    size_limited: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # SQLite's SQLITE_FULL is real (the page limit); the disk's free space is what it says.
    monkeypatch.setattr(health, "free_bytes", lambda folder: 4096)
    transcript = _transcript(tmp_path)
    sqlite_study.close()
    before = folder_state(sqlite_study.folder)
    result = run("interviews", "import", str(transcript), "--study", str(sqlite_study.folder))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {sqlite_study.folder / 'study.db'}: the disk holding {sqlite_study.folder} is "
        "full (database or disk is full)"
    )
    assert folder_state(sqlite_study.folder) == before


def test_a_read_only_study_folder_is_named(run: Run, sqlite_study: Study) -> None:
    sqlite_study.close()
    folder = sqlite_study.folder
    before = folder_state(folder)
    with unwritable(folder):
        result = run("codebook", "add", "housing", "--study", str(folder))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {folder / 'study.db'}: the study cannot be opened: ")
    assert f"the folder {folder} is read-only" in line
    assert folder_state(folder) == before


def test_a_read_only_study_file_is_read_but_not_written(run: Run, sqlite_study: Study) -> None:
    sqlite_study.close()
    folder = sqlite_study.folder
    with unwritable(folder / "study.db"):
        before = (folder / "study.db").read_bytes()
        shown = run("status", "--study", str(folder))
        added = run("codebook", "add", "housing", "--study", str(folder))
        after = (folder / "study.db").read_bytes()
    assert shown.exit_code == 0, shown.output
    assert added.exit_code == 1
    assert added.stderr.strip() == (
        f"Error: {folder / 'study.db'}: the study cannot be written: the file is read-only "
        "(attempt to write a readonly database)"
    )
    assert after == before


def test_a_database_fault_is_named_on_either_backend(study: Study) -> None:
    """PostgreSQL's disk-full error (SQLSTATE 53100), raised by the server itself; on SQLite
    a real SQLITE_FULL. Both reach the caller as one line naming the database."""
    with pytest.raises(StudyDatabaseError) as caught, study.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("DO $$ BEGIN RAISE EXCEPTION 'no space' USING ERRCODE = 'disk_full'; END $$")
            )
        else:
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
            connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
            connection.exec_driver_sql("CREATE TABLE filler (x)")
            connection.exec_driver_sql("INSERT INTO filler VALUES (zeroblob(100000))")
    if study.engine.dialect.name == "postgresql":
        expected = f"{database.masked_url(str(study.engine.url))}: the database server's disk "
        assert str(caught.value).startswith(expected)
    else:
        assert str(caught.value).startswith(f"{study.folder / 'study.db'}: the database has ")


# Files written by commands: real write failures in a process whose files may not grow ------


LIMIT_BYTES = 48 * 1024


def _limited_run(*args: str) -> subprocess.CompletedProcess[str]:
    """`research ARGS` in a process that may not write any file beyond LIMIT_BYTES: its
    writes fail with EFBIG as a full disk's fail with ENOSPC (Python ignores SIGXFSZ)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, LIMIT_BYTES))

    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("RESEARCH_STUDY", None)
    return subprocess.run(
        [sys.executable, "-c", "from research.cli.app import main; main()", *args],
        capture_output=True,
        text=True,
        env=environment,
        preexec_fn=limit,
        check=False,
        timeout=600,
    )


def _one_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ")
    return line


def test_an_export_that_cannot_be_written_leaves_the_old_file(
    demo_study: Study, tmp_path: Path
) -> None:
    out = tmp_path / "exports" / "codings.csv"
    out.parent.mkdir()
    out.write_text("the export of last week\n", encoding="utf-8")
    before = folder_state(out.parent)
    line = _one_error(
        _limited_run("export", "codings", "--out", str(out), "--study", str(demo_study.folder))
    )
    assert line == (
        f"Error: {out}: could not be written (the file would be larger than this system "
        "allows); nothing was changed"
    )
    assert folder_state(out.parent) == before


def test_a_backup_that_cannot_be_written_leaves_no_archive(
    demo_study: Study, tmp_path: Path
) -> None:
    out = tmp_path / "archives" / "study.zip"
    out.parent.mkdir()
    line = _one_error(_limited_run("backup", str(out), "--study", str(demo_study.folder)))
    if demo_study.engine.dialect.name == "sqlite":
        # The study's snapshot, larger than the archive, is the write that fails first.
        assert line.startswith(f"Error: {out}: could not be written (copying the study to ")
        assert line.endswith(" failed: disk I/O error); nothing was changed")
    else:
        assert line == (
            f"Error: {out}: could not be written (the file would be larger than this system "
            "allows); nothing was changed"
        )
    assert list(out.parent.iterdir()) == []


def test_a_report_that_cannot_be_written_leaves_the_previous_report(
    demo_study: Study, tmp_path: Path, run: Run
) -> None:
    out = tmp_path / "report"
    first = run("report", "--study", str(demo_study.folder), "--out", str(out))
    assert first.exit_code == 0, first.output
    before = folder_state(out)
    line = _one_error(_limited_run("report", "--study", str(demo_study.folder), "--out", str(out)))
    assert line.startswith(f"Error: {out}: could not be written (the file would be larger")
    assert folder_state(out) == before
    assert sorted(path.name for path in out.iterdir() if path.name.startswith(".")) == [
        ".report-files"
    ]


@pytest.mark.parametrize("kind", ["codebook", "dictionary", "settings"])
def test_an_exported_yaml_file_is_written_whole(
    run: Run, study: Study, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / f"{kind}.yaml"
    out.write_text("# edited by hand\n", encoding="utf-8")
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.move(out, folder / out.name)
    out = folder / out.name
    with unwritable(folder):
        result = run(kind, "export", "--out", str(out), "--study", str(study.folder))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {out}: could not be written (")
    assert line.endswith("); nothing was changed")
    assert out.read_text(encoding="utf-8") == "# edited by hand\n"
    assert sorted(path.name for path in folder.iterdir()) == [out.name]
