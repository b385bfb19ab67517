"""Small builders for research tests: a valid respondent and interview, counts of stored rows,
and a fingerprint of a whole study."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import MetaData, func, select

from interviews.importers import Transcript
from research.services.respondents import add_respondent
from research.settings import DATABASE_FILE
from research.storage.revisions import MIGRATIONS_DIR
from research.storage.tables import CodingRow, InterviewRow, RespondentRow
from research.study import Study
from tests.research.study_files import file_digest

RESPONDENT: dict[str, Any] = {
    "gender": "female",
    "birth_year": "1961",
    "role": "stayed",
    "marital_status": "married",
    "household_size": "4",
    "migration_era": "after_1994",
    "remittances": "irregular",
    "relatives_abroad": "yes",
}
INTERVIEW: dict[str, Any] = {
    "interview_date": "2004-06-12",
    "place": "martuni",
    "interviewer": "Interviewer A",
    "language": "hy;en",
    "consent": "yes",
    "consent_scope": "interview;quotation",
}
MIXED_TEXT = (
    "Մենք ապրում էինք Մարտունիում. 🙏 Он сказал: «Работы нет».\n"
    "There was no work at all, so he went to Moscow in 1996.\n"
)


def transcript(text: str, name: str = "t.txt") -> Transcript:
    """A transcript as an importer would return it."""
    return Transcript(text=text, source_name=name, encoding="utf-8", format="txt")


def add_interview_with_text(
    study: Study, text: str = MIXED_TEXT, *, respondent_id: str = "R01", interview_id: str = "I01"
) -> str:
    """Store a respondent (if new) and an interview with `text`; returns the interview id."""
    with study.transaction() as session:
        if session.get(RespondentRow, respondent_id) is None:
            add_respondent(session, respondent_id, RESPONDENT)
    study.interviews.add_interview(
        respondent_id=respondent_id,
        interview_id=interview_id,
        values=INTERVIEW,
        transcript=transcript(text),
    )
    return interview_id


# Where MIXED_TEXT says there was no work: 17 characters, "There was no work".
WORK = MIXED_TEXT.index("There was no work")


def code_work(study: Study, coder: str, *, start: int = WORK, layer: str = "coder") -> None:
    """Code 17 characters of interview I01 from `start` (the "no work" sentence) as
    unemployment, by `coder`, in `layer`."""
    study.codings.add_coding(
        interview_id="I01",
        code="unemployment",
        start_offset=start,
        end_offset=start + 17,
        coder=coder,
        layer=layer,
    )


def counts(study: Study) -> tuple[int, int, int]:
    """(respondents, interviews, codings) stored."""
    with study.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(RespondentRow)) or 0,
            session.scalar(select(func.count()).select_from(InterviewRow)) or 0,
            session.scalar(select(func.count()).select_from(CodingRow)) or 0,
        )


def folder_state(folder: Path) -> dict[str, str]:
    """Every file under `folder` (its path inside) with the SHA-256 of its bytes.

    Compared before and after a refused command, it shows that nothing was written: no
    byte of the study changed (`study_files.file_digest`) and no journal, log or backup
    appeared beside it.
    """
    return {
        str(path.relative_to(folder)): file_digest(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """`path` (a file or a folder) made unwritable for this process, root included.

    Root passes permission bits by, so as root the file system's immutable flag is set
    (`chattr +i`), or else the path is bound read-only onto itself; as anyone else its
    write permissions are taken away. A probe write then proves that writing really fails,
    so that a test using this cannot pass without meeting a read-only path.
    """
    mode = path.stat().st_mode
    undo: list[list[str]] = []
    if os.geteuid() == 0:
        if _run(["chattr", "+i", str(path)]):
            undo.append(["chattr", "-i", str(path)])
        elif _run(["mount", "--bind", str(path), str(path)]):
            undo.append(["umount", str(path)])
            if not _run(["mount", "-o", "remount,bind,ro", str(path)]):
                _run(["umount", str(path)])
                raise AssertionError(f"could not make {path} read-only (remount failed)")
        else:
            raise AssertionError(f"could not make {path} read-only: neither chattr nor mount")
    else:
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        _assert_unwritable(path)
        yield
    finally:
        for command in undo:
            _run(command)
        path.chmod(mode)


@contextmanager
def another_writer(database: Path, *, journal: str) -> Iterator[None]:
    """Another connection in the middle of a write to a SQLite study, holding its write lock
    in `journal` mode ("delete" as a bulk import that has the study to itself, "wal" as any
    other write); its change (a "!" after the study's name) is rolled back at the end."""
    with closing(sqlite3.connect(database, isolation_level=None)) as connection:
        connection.execute(f"PRAGMA journal_mode = {journal}")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE study_info SET value = value || '!' WHERE key = 'name'")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.execute("PRAGMA journal_mode = WAL")


def busy_message(database: Path) -> str:
    """The refusal of a study another writer kept locked past the wait."""
    return (
        f"{database}: the study is busy: another command or the web app is writing to it (a "
        "long import, say); nothing was changed, try again when it has finished (database is "
        "locked)"
    )


def _run(command: list[str]) -> bool:
    try:
        return subprocess.run(command, capture_output=True, check=False).returncode == 0
    except OSError:
        return False


def _assert_unwritable(path: Path) -> None:
    try:
        if path.is_dir():
            (path / ".probe").touch()
        else:
            path.open("r+b").close()
    except OSError:
        return
    raise AssertionError(f"{path} is still writable")


def study_fingerprint(study: Study) -> str:
    """A SHA-256 digest of a study as stored, to show that a refusal changed nothing.

    On SQLite it digests the bytes of `study.db` (`study_files.file_digest`) and of
    `study.db-wal` when there is one (`-shm` is left out: an index of the log that each
    opener rebuilds). The test's own connections are released first: SQLite folds the
    write-ahead log into the database file when the last connection closes, so before and
    after a command (which opens and closes a connection of its own) the study is, in the
    same state, the same bytes; a command that commits, or writes pages it then rolls
    back, changes them. On PostgreSQL, where there is no file, it digests every table's
    rows (`alembic_version` included), each table's rows sorted.
    """
    study.close()
    digest = hashlib.sha256()
    if study.location.is_sqlite:
        database = study.folder / DATABASE_FILE
        for path in (database, database.with_name(database.name + "-wal")):
            if path.exists():
                digest.update(path.name.encode() + b"\0" + file_digest(path).encode())
        return digest.hexdigest()
    metadata = MetaData()
    with study.engine.connect() as connection:
        metadata.reflect(connection)
        for table in metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            digest.update(table.name.encode() + repr(rows).encode())
    study.close()
    return digest.hexdigest()


def shipped_revision(file_name: str) -> ModuleType:
    """A revision file of the shipped migrations, loaded as a module (its own constants and
    functions, as that revision used them)."""
    spec = importlib.util.spec_from_file_location(
        f"revision_{file_name}", MIGRATIONS_DIR / "versions" / f"{file_name}.py"
    )
    assert spec is not None and spec.loader is not None
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    return revision
