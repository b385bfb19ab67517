"""Whether a database is a sound study, checked before it is opened; its faults, named.

Before a study is opened, `check_study` looks at what the path or URL holds without writing
a byte: a SQLite file's 100-byte header (SQLite's magic string, a possible page size, and a
size at least the pages its header counts), then its tables through a read-only connection
(`mode=ro`, and `immutable=1` when no write-ahead log is open beside it, since a read-only
connection would otherwise create `-wal` and `-shm` files it cannot remove). A file that is
not SQLite, a damaged or truncated one and a database that is not a study (no
`alembic_version` or `study_info`, or tables a study does not have) are each refused in one
line naming the file and the cause. `PRAGMA quick_check` reads every page, which costs
about a second per 1.5 GB warm and ten cold, so it runs only where a study is about to be
changed wholesale or copied: before an upgrade, on a backup's snapshot, after a restore,
and when asked (`thorough=True`).

At run time, SQLite and PostgreSQL faults (a damaged page, a full disk, a read-only file or
folder, a file that cannot be opened) reach every caller through the engine's
`handle_error` hook as `StudyDatabaseError`: one line naming the database and the cause, in
place of the driver's exception.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from research.errors import StudyBusyError, StudyDatabaseError

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
# Tables of SQLite's own (sqlite_sequence, sqlite_stat1, ...) belong to any database.
SQLITE_INTERNAL = "sqlite_"
# Free space below which an I/O error while writing is put down to a full disk.
NEARLY_FULL_BYTES = 1 << 20


@dataclass(frozen=True)
class StudyFacts:
    """What a database holds, as far as opening it as a study goes."""

    revision: str | None
    tables: frozenset[str]


# Checks before opening -----------------------------------------------------------------


def check_sqlite_file(path: Path, *, is_study_table: Callable[[str], bool]) -> StudyFacts:
    """The facts of the SQLite study at `path`, or StudyDatabaseError naming what is wrong.

    Nothing is written: the header is read as bytes and the tables through a read-only
    connection that creates no file beside the database.
    """
    facts = read_sqlite_facts(path)
    check_facts(str(path), facts, is_study_table=is_study_table)
    return facts


def read_sqlite_facts(path: Path) -> StudyFacts:
    """The tables and revision of a SQLite file, read without writing; StudyDatabaseError for a
    file that is not SQLite or whose header says it is damaged."""
    # A transaction cut short in rollback-journal mode may leave the header counting pages
    # its commit had not written yet: the journal puts the file back before it is judged.
    _roll_back_cut_short(path)
    _check_header(path)
    return _read_only(path, _facts)  # type: ignore[no-any-return]


def quick_check_sqlite(path: Path) -> None:
    """Refuse (StudyDatabaseError) a SQLite file whose pages `PRAGMA quick_check` finds damaged."""
    _roll_back_cut_short(path)
    found = _read_only(path, lambda connection: connection.execute("PRAGMA quick_check").fetchall())
    # Each problem on one line, without the heading SQLite puts before the first.
    problems = [
        " ".join(str(row[0]).replace("*** in database main ***", "").split())
        for row in found
        if row and row[0] != "ok"
    ]
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise StudyDatabaseError(
            str(path), f"the database is damaged ({problems[0]}{more}); restore it from a backup"
        )


def check_facts(where: str, facts: StudyFacts, *, is_study_table: Callable[[str], bool]) -> None:
    """Refuse a database (SQLite or PostgreSQL) that holds no study, or more than a study."""
    tables = {name for name in facts.tables if not name.startswith(SQLITE_INTERNAL)}
    if not tables:
        raise StudyDatabaseError(where, "not a study: the database holds no tables")
    missing = sorted({"alembic_version", "study_info"} - tables)
    if missing:
        raise StudyDatabaseError(
            where,
            f"not a study: it has no {' or '.join(missing)} table (it holds {_listed(tables)})",
        )
    foreign = {name for name in tables if not is_study_table(name)}
    if foreign:
        raise StudyDatabaseError(
            where, f"not a study: it holds tables a study does not have: {_listed(foreign)}"
        )
    if facts.revision is None:
        raise StudyDatabaseError(where, "not a study: its schema revision is not recorded")


def _listed(names: set[str]) -> str:
    ordered = sorted(names)
    return ", ".join(ordered[:5]) + (f" and {len(ordered) - 5} more" if len(ordered) > 5 else "")


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite, or whose header says it was cut short."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(HEADER_BYTES)
    except FileNotFoundError:
        raise StudyDatabaseError(
            str(path), "no such file: the study's database is missing"
        ) from None
    except OSError as error:
        raise StudyDatabaseError(str(path), f"cannot be read ({error.strerror})") from None
    if size == 0:
        raise StudyDatabaseError(str(path), "not a study: the file is empty")
    if not header.startswith(SQLITE_MAGIC):
        raise StudyDatabaseError(str(path), "not a study: the file is not a SQLite database")
    if len(header) < HEADER_BYTES:
        raise StudyDatabaseError(
            str(path),
            f"the database is damaged: truncated to {size:,} bytes, shorter than its header",
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    if page_size < 512 or page_size > 65_536 or page_size & (page_size - 1):
        raise StudyDatabaseError(
            str(path), f"the database is damaged: its header gives a page size of {page_size}"
        )
    if _open_log(path):
        # Pages the log still holds may be written to the file at its next checkpoint.
        return
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96] and pages > 0
    if counted and size < pages * page_size:
        raise StudyDatabaseError(
            str(path),
            f"the database is damaged: truncated to {size:,} bytes, but its header counts "
            f"{pages:,} pages of {page_size:,} bytes ({pages * page_size:,} bytes)",
        )
    if size % page_size:
        raise StudyDatabaseError(
            str(path),
            f"the database is damaged: {size:,} bytes is not a whole number of "
            f"{page_size:,}-byte pages (the file was cut short)",
        )


def _open_log(path: Path) -> bool:
    """Whether a write-ahead log with content lies beside the file (it is open, or was left)."""
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        return False


def _write_ahead_logged(path: Path) -> bool:
    """Whether the header says the file is in WAL mode (its read and write versions are 2)."""
    try:
        with path.open("rb") as handle:
            handle.seek(18)
            return handle.read(2) == b"\x02\x02"
    except OSError:
        return False


def _read_only(path: Path, read: Any) -> Any:
    """Run `read(connection)` on a connection that cannot write and creates no file (the
    caller first lets SQLite roll back a transaction cut short, `_roll_back_cut_short`)."""
    # In WAL mode with no log beside it, nobody has the file open: read it as immutable, or
    # SQLite would create -wal and -shm files that a read-only connection cannot remove. A
    # file in rollback mode is read with its locks (another program may be writing it).
    alone = _write_ahead_logged(path) and not Path(f"{path}-wal").exists()
    immutable = "&immutable=1" if alone else ""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro{immutable}"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=LOCK_WAIT_SECONDS)
    except sqlite3.Error as error:
        raise study_error(error, path) from None
    try:
        return read(connection)
    except sqlite3.Error as error:
        raise study_error(error, path) from None
    finally:
        connection.close()


# How long a connection waits for SQLite's lock held by another (`database.make_engine`),
# and a new connection for another connection's bulk transaction to end.
LOCK_WAIT_SECONDS = 30.0


def use_the_log(dbapi_connection: sqlite3.Connection) -> None:
    """Put a new SQLite connection in write-ahead-log mode, waiting for a bulk transaction
    of another connection (in rollback-journal mode) to end first.

    SQLite refuses the switch at once while another connection holds the study in its
    rollback journal. A connection that went on without the log would read holding locks
    that a bulk writer must wait for at its commit: a long read could make the import
    fail. So a new connection waits, up to the time writers wait for each other, and then
    takes up the log itself.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    pause = 0.01
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def _roll_back_cut_short(path: Path) -> None:
    """Let SQLite roll back a transaction cut short in rollback-journal mode (a bulk import
    whose process died leaves its journal beside the file), as any connection that may
    write does when it first reads: a read-only one could not, and would refuse the file.

    SQLite rolls back only a journal that no live writer holds; a writer still at work is
    waited for, or left alone.
    """
    try:
        if Path(f"{path}-journal").stat().st_size == 0:
            return
    except OSError:
        return
    try:
        connection = sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS)
    except sqlite3.Error as error:
        raise study_error(error, path) from None
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        raise study_error(error, path) from None
    finally:
        connection.close()


def _facts(connection: sqlite3.Connection) -> StudyFacts:
    tables = frozenset(
        str(name)
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    )
    revision = None
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = None if row is None else str(row[0])
    return StudyFacts(revision=revision, tables=tables)


# Faults at run time ----------------------------------------------------------------------


# SQLite's primary result codes that are the file's or the disk's fault (their extended
# codes, SQLITE_IOERR_WRITE and the like, start with them).
_FILE_FAULTS = (
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_FULL",
    "SQLITE_READONLY",
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    # Not the file's fault, but as much beyond the command: another kept the study locked.
    "SQLITE_BUSY",
)


def sqlite_fault(error: BaseException, path: Path) -> StudyDatabaseError | None:
    """A SQLite error that is the file's or the disk's fault (or a lock another connection
    kept past the time a command waits), as the StudyDatabaseError naming its cause in
    words; None for any other error (a constraint, a mistake in a statement)."""
    if not isinstance(error, sqlite3.Error):
        return None
    if _error_name(error).startswith(_FILE_FAULTS) or "malformed" in str(error):
        return study_error(error, path)
    return None


def busy(error: BaseException) -> bool:
    """Whether a SQLite error says another connection holds the study (SQLITE_BUSY)."""
    return isinstance(error, sqlite3.Error) and _error_name(error).startswith("SQLITE_BUSY")


def full(error: BaseException) -> bool:
    """Whether a SQLite error says the disk or the database is full (SQLITE_FULL)."""
    return isinstance(error, sqlite3.Error) and _error_name(error).startswith("SQLITE_FULL")


def study_error(error: sqlite3.Error, path: Path) -> StudyDatabaseError:
    """The error naming the study's file and the cause of a SQLite error, in words."""
    if busy(error):
        return StudyBusyError(str(path), _cause(error, path), waited=LOCK_WAIT_SECONDS)
    return StudyDatabaseError(str(path), _cause(error, path))


def _error_name(error: sqlite3.Error) -> str:
    return str(getattr(error, "sqlite_errorname", "") or "")


def _cause(error: sqlite3.Error, path: Path) -> str:
    name = _error_name(error)
    text = str(error)
    if name.startswith("SQLITE_NOTADB") or "file is not a database" in text:
        return f"not a study: the file is not a SQLite database, or it is damaged ({text})"
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return f"the database is damaged ({text}); restore it from a backup"
    if name.startswith("SQLITE_FULL"):
        return f"{_no_space(path)} ({text})"
    if name.startswith("SQLITE_READONLY"):
        return f"the study cannot be written: {_why_unwritable(path)} ({text})"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"the study cannot be opened: {_why_not_opened(path)} ({text})"
    if name.startswith("SQLITE_IOERR"):
        return f"{_why_io_failed(path)} ({text}, {name})"
    if name.startswith("SQLITE_BUSY"):
        # Said without a time: a lock held past the wait and a writer that changed the study
        # under a reader's feet (SQLITE_BUSY_SNAPSHOT, at once) both end here.
        return (
            "the study is busy: another command or the web app is writing to it (a long "
            f"import, say); nothing was changed, try again when it has finished ({text})"
        )
    return text


def _no_space(path: Path) -> str:
    free = free_bytes(path.parent)
    if free is not None and free < NEARLY_FULL_BYTES:
        return f"the disk holding {path.parent} is full"
    return "the database has reached the largest size it may take"


def _why_io_failed(path: Path) -> str:
    free = free_bytes(path.parent)
    if free is not None and free < NEARLY_FULL_BYTES:
        return f"the disk holding {path.parent} is full"
    unwritable = _unwritable(path)
    if unwritable is not None:
        return unwritable
    return "the disk reported an error reading or writing the study"


def _why_unwritable(path: Path) -> str:
    return _unwritable(path) or "SQLite could not open it for writing"


def _why_not_opened(path: Path) -> str:
    if path.exists() and not os.access(path, os.R_OK):
        return "the file cannot be read (permission denied)"
    return _unwritable(path) or "SQLite could not open the file"


def _unwritable(path: Path) -> str | None:
    """Why the file or its folder cannot be written (SQLite writes its log beside the file)."""
    folder = path.parent
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if _read_only_file_system(folder):
        return f"the folder {folder} is on a read-only file system"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} is read-only (SQLite writes its log beside the study)"
    return None


def _read_only_file_system(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def free_bytes(folder: Path) -> int | None:
    """The bytes free on the disk holding `folder`; None when it cannot be told."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def postgresql_fault(error: BaseException) -> str | None:
    """The cause of a PostgreSQL error that is the server's disk or storage, in words."""
    state = getattr(error, "sqlstate", None)
    causes = {
        "53100": "the database server's disk is full; nothing was saved",
        "25006": "the database is read-only (a read-only transaction or a standby server)",
        "XX001": "the database server reports damaged data; restore the study from a backup",
        "XX002": "the database server reports a damaged index; rebuild it (REINDEX)",
    }
    return causes.get(str(state)) if state else None
