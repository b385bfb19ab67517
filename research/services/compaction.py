"""Compacting a study: the space that deleted rows and replaced transcripts left behind given
back to the disk, and the search index merged.

On SQLite the index's segments are merged into one (FTS5 `optimize`), then `VACUUM` copies
the study into as few pages as its data needs and the log is emptied, so that the file
shrinks (revision 0014, which stopped keeping a second copy of every transcript, frees about
half the pages of a large study, but a file keeps the pages it once had). `VACUUM` builds
the new copy in a temporary file (in SQLite's temporary folder) and writes it back through
the log beside the study, so it needs the study's data free in each (twice on one disk):
that is checked first, and a study that cannot be compacted is left as it was. Readers may
go on meanwhile; a writer is waited for as every write waits (`health.LOCK_WAIT_SECONDS`),
then the study is refused as busy.

On PostgreSQL `VACUUM (ANALYZE)` of every study table makes dead rows' space reusable and
refreshes the planner's statistics (the search's plans depend on them); the server keeps
the files' size.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from research.errors import StudyDatabaseError
from research.services import search_index
from research.services.records import Record
from research.storage import database, health
from research.storage.revisions import VERSION_TABLE
from research.storage.tables import Base

# Where SQLite (on Unix) puts a temporary file: the first of these that is a folder it may
# write in (SQLite's own order; the two environment variables first).
_TEMPORARY_FOLDERS = ("SQLITE_TMPDIR", "TMPDIR", "/var/tmp", "/usr/tmp", "/tmp", ".")


class CompactReport(Record):
    """What compacting a study did: its size on disk (or the server) before and after."""

    database: str
    bytes_before: int
    bytes_after: int
    index_merged: bool


def compact_study(engine: Engine) -> CompactReport:
    """Compact the study at `engine` (see the module's docstring); how much it shrank."""
    path = database.sqlite_path(engine.url)
    if path is not None:
        return _compact_sqlite(engine, path)
    return _compact_postgresql(engine)


def _compact_sqlite(engine: Engine, path: Path) -> CompactReport:
    before = _on_disk(path)
    merged = False
    # The write lock first, as every writing transaction of a study takes it.
    writing = engine.connect().execution_options(**{database.IMMEDIATE: True})
    with writing as connection, connection.begin():
        page_size, pages, free_pages = (
            int(connection.exec_driver_sql(f"PRAGMA {name}").scalar() or 0)
            for name in ("page_size", "page_count", "freelist_count")
        )
        _check_room(path, data=(pages - free_pages) * page_size)
        if search_index.has_fts(connection):
            connection.exec_driver_sql(
                f"INSERT INTO {search_index.INDEX} ({search_index.INDEX}) VALUES ('optimize')"
            )
            merged = True
    with engine.connect() as connection:
        # VACUUM runs outside any transaction: on the driver's connection, which SQLAlchemy
        # has not begun one on (it begins only when a statement is executed through it).
        raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        try:
            raw.execute("VACUUM")
            # The log held the new pages; written back, it is emptied (if no reader holds
            # it, else it is reused from the start).
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error as error:
            if health.full(error):
                raise StudyDatabaseError(
                    str(path),
                    f"compacting ran out of disk space (beside the study, or in "
                    f"{_temporary_folder()} where SQLite writes its copy); nothing was changed",
                ) from error
            raise health.study_error(error, path) from error
    return CompactReport(
        database=str(path),
        bytes_before=before,
        bytes_after=_on_disk(path),
        index_merged=merged,
    )


def _compact_postgresql(engine: Engine) -> CompactReport:
    tables = [*Base.metadata.tables, VERSION_TABLE]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        present = [name for name in tables if _exists(connection, name)]
        before = _relation_bytes(connection, present)
        for name in present:
            connection.exec_driver_sql(f'VACUUM (ANALYZE) "{name}"')
        after = _relation_bytes(connection, present)
    return CompactReport(
        database=engine.url.render_as_string(hide_password=True),
        bytes_before=before,
        bytes_after=after,
        index_merged=False,
    )


def _exists(connection: Connection, name: str) -> bool:
    found = connection.execute(text("SELECT to_regclass(:name)"), {"name": name}).scalar()
    return found is not None


def _relation_bytes(connection: Connection, tables: list[str]) -> int:
    """The bytes the tables take on the server, their indexes and TOAST included."""
    total = 0
    for name in tables:
        size = connection.execute(
            text("SELECT pg_total_relation_size(to_regclass(:name))"), {"name": name}
        ).scalar()
        total += int(size or 0)
    return total


def _on_disk(path: Path) -> int:
    """The study's bytes on disk: its file and the log beside it."""
    files = (path, Path(f"{path}-wal"))
    return sum(file.stat().st_size for file in files if file.exists())


def _check_room(path: Path, *, data: int) -> None:
    """Refuse, before anything is written, when VACUUM's copy of `data` bytes (in SQLite's
    temporary folder) and the copied pages (in the log beside the study) would not fit."""
    temporary = _temporary_folder()
    needs = {
        path.parent: (data, "the study's data, for the copied pages"),
        temporary: (data, "the study's data, for its copy"),
    }
    if _same_disk(path.parent, temporary):
        needs = {path.parent: (2 * data, "twice the study's data, for its copy and the pages")}
    for folder, (needed, why) in needs.items():
        free = health.free_bytes(folder)
        if free is not None and free < needed:
            raise StudyDatabaseError(
                str(path),
                f"compacting needs about {megabytes(needed)} free in {folder} ({why}); it has "
                f"{megabytes(free)}; nothing was changed",
            )


def _temporary_folder() -> Path:
    for candidate in _TEMPORARY_FOLDERS:
        folder = os.environ.get(candidate) if candidate.isupper() else candidate
        if folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return Path(folder)
    return Path(".")


def _same_disk(one: Path, other: Path) -> bool:
    try:
        return one.stat().st_dev == other.stat().st_dev
    except OSError:
        return True


def megabytes(count: int) -> str:
    """A number of bytes in megabytes (1,000,000 bytes), one decimal."""
    return f"{count / 1e6:,.1f} MB"
