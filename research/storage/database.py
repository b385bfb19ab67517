"""Engines and migrations: every database is created and upgraded by Alembic, not create_all."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, ExceptionContext, make_url

from research.errors import StudyDatabaseError, StudyExistsError
from research.storage import health
from research.storage.revisions import (
    MIGRATIONS_DIR,
    VERSION_TABLE,
    is_search_index,
    shipped_revisions,
    stated_head,
)

if TYPE_CHECKING:
    from alembic.config import Config


def make_engine(url: str) -> Engine:
    """An engine for a study database; SQLite gets foreign keys on and write-ahead logging.

    A fault of the database's file or disk (damaged, full, read-only, out of reach) leaves
    any statement as a StudyDatabaseError naming the database and the cause.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Writers queue for SQLite's lock; 30 s covers a large upload decoded by another writer.
        # One kept longer is refused as a busy study (StudyBusyError), nothing changed.
        engine = create_engine(url, connect_args={"timeout": health.LOCK_WAIT_SECONDS})
        event.listen(engine, "connect", _configure_sqlite)
        # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN.
        event.listen(engine, "begin", _begin_sqlite)
        event.listen(engine, "checkin", _back_to_the_log)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "handle_error", _name_the_fault)
    return engine


def _name_the_fault(context: ExceptionContext) -> None:
    """Turn a fault of the database's file or disk into one line naming the study."""
    if context.engine is not None:
        raise_named_fault(context.engine, context.original_exception)


def raise_named_fault(engine: Engine, original: BaseException) -> None:
    """Raise StudyDatabaseError for a driver's error that is the file's or the disk's fault
    (damaged, full, read-only, unreachable), StudyBusyError for a SQLite study another
    connection kept locked past the wait; return for any other error."""
    if engine.url.get_backend_name() == "sqlite":
        path = sqlite_path(engine.url)
        fault = health.sqlite_fault(original, path) if path is not None else None
        if fault is not None:
            raise fault from original
        return
    cause = health.postgresql_fault(original)
    if cause is not None:
        where = engine.url.render_as_string(hide_password=True)
        raise StudyDatabaseError(where, cause) from original


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL; None for another backend or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def study_table(name: str) -> bool:
    """Whether a table of this name belongs to a study (at any revision)."""
    from research.storage.tables import Base

    return name == VERSION_TABLE or name in Base.metadata.tables or is_search_index(name)


def open_engine(url: str, *, thorough: bool = False) -> Engine:
    """An engine on the existing study at `url`, checked, and upgraded (after a backup) if older.

    Refused with StudyDatabaseError before anything is written: a file that is not SQLite
    or is damaged, a database that is not a study, a study newer than this toolkit.
    `PRAGMA quick_check` reads every page of a SQLite study when `thorough` and before an
    upgrade; at other times damage is named when SQLite meets it.
    """
    path = sqlite_path(url)
    if path is not None:
        facts = health.check_sqlite_file(path, is_study_table=study_table)
        _check_revision(str(path), facts.revision)
        if thorough or facts.revision != head_revision():
            health.quick_check_sqlite(path)
        engine = make_engine(url)
    else:
        engine = make_engine(url)
        try:
            facts = _facts(engine)
            where = masked_url(url)
            health.check_facts(where, facts, is_study_table=study_table)
            _check_revision(where, facts.revision)
        except BaseException:
            engine.dispose()
            raise
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def check_empty(url: str) -> None:
    """Refuse, before anything is written, to create a study in a database that holds tables
    or in a file that is not SQLite (an empty file, or none yet, is fine)."""
    path = sqlite_path(url)
    if path is not None:
        if not path.is_file() or path.stat().st_size == 0:
            return
        tables = health.read_sqlite_facts(path).tables
        where = str(path)
    else:
        engine = make_engine(url)
        try:
            tables = _facts(engine).tables
        finally:
            engine.dispose()
        where = masked_url(url)
    if tables:
        raise StudyExistsError(f"the database {where} is not empty; use an empty database")


def _facts(engine: Engine) -> health.StudyFacts:
    with engine.connect() as connection:
        tables = frozenset(inspect(connection).get_table_names())
        revision = None
        if VERSION_TABLE in tables:
            found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            revision = next(iter(found.scalars()), None)
    return health.StudyFacts(revision=revision, tables=tables)


def _check_revision(where: str, revision: str | None) -> None:
    shipped = shipped_revisions()
    if revision is not None and shipped is not None and revision not in shipped:
        raise StudyDatabaseError(
            where,
            f"the study is at schema revision {revision!r}, which this version of the toolkit "
            f"does not know (its newest is {head_revision()}); it may come from a newer "
            "version: upgrade the toolkit to open it",
        )


IMMEDIATE = "research_immediate"
# A transaction that writes in bulk (`Study.transaction(bulk=True)`, immediate too): on a
# SQLite study that no other connection has open, it runs with a rollback journal instead
# of the write-ahead log. New pages are then written once, into the database, where the
# log writes them twice (into the log, then copied back at the checkpoint): importing
# 10,000 transcripts took a third less time. A rollback journal keeps the transaction
# all-or-nothing as the log does (synchronous FULL while it runs); the log is taken up
# again when the connection goes back to the pool, and by the next connection opened if
# the process died meanwhile (SQLite first rolls back what the dead transaction left in
# the journal).
BULK = "research_bulk"
_BULK_JOURNAL = "research_bulk_journal"


def _begin_sqlite(connection: Any) -> None:
    # A transaction that will write takes SQLite's write lock at BEGIN: a deferred one that
    # read first could not write once another writer committed ("database is locked").
    options = connection.get_execution_options()
    if options.get(BULK, False):
        _leave_the_log(connection)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(IMMEDIATE, False) else "BEGIN")


def _leave_the_log(connection: Any) -> None:
    """Switch a SQLite connection to a rollback journal for a bulk transaction, if it is the
    only one the database has open (SQLite refuses the switch otherwise, and the
    transaction keeps the write-ahead log: readers of a study in use are never shut out)."""
    raw = connection.connection.driver_connection
    try:
        (mode,) = raw.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlite3.OperationalError:
        return  # another connection has the study open
    if mode == "delete":
        raw.execute("PRAGMA synchronous = FULL")
        connection.connection.info[_BULK_JOURNAL] = True


def _back_to_the_log(dbapi_connection: Any, record: Any) -> None:
    """On a connection's return to the pool, take up the write-ahead log again after a bulk
    transaction (a connection of another process that opened meanwhile does not stop it)."""
    if record.info.pop(_BULK_JOURNAL, False):
        if dbapi_connection is None:
            return  # invalidated (an interrupt, a lost connection): the next one takes it up
        try:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            dbapi_connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.OperationalError:
            # Locked by a reader this very moment: tried again at the next return (and taken
            # up meanwhile by any connection opened).
            record.info[_BULK_JOURNAL] = True


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    health.use_the_log(dbapi_connection)
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def alembic_config() -> Config:
    """An Alembic configuration pointing at the shipped migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration revision shipped with this version of the toolkit.

    Read from the revision files' own `revision` and `down_revision` lines: opening a study
    at the newest revision then needs none of Alembic's machinery, which costs more to load
    than the command that opens the study. A history that is not one straight line is left
    to Alembic.
    """
    head = stated_head()
    return _alembic_head() if head is None else head


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision a database is at, or None for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
        return next(iter(found), None)


def upgrade(engine: Engine, *, revision: str = "head") -> Path | None:
    """Bring a database to `revision`; an existing SQLite file is first copied aside.

    Returns the path of the backup made, if any. A database already at the newest revision
    is left alone without loading Alembic.
    """
    backup = None
    current = current_revision(engine)
    head = head_revision()
    if current == head and revision in ("head", head):
        return None
    if current is not None and current != head:
        backup = _backup_sqlite(engine, current)
    with migration_connection(engine) as connection:
        upgrade_on(connection, revision)
    return backup


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for migrations and bulk loads, committed at the end.

    On SQLite, foreign keys are off inside it and checked before the commit (see
    `_foreign_key_actions_off`); on PostgreSQL, DDL is transactional, so an error leaves
    the database as it was.
    """
    with (
        engine.connect() as connection,
        _foreign_key_actions_off(connection),
        connection.begin(),
    ):
        yield connection
        _check_foreign_keys(connection)


def upgrade_on(connection: Connection, revision: str = "head") -> None:
    """Run the migrations up to `revision` on a connection, inside its transaction."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take a database back to `revision`, in one transaction, foreign keys off on SQLite as
    for an upgrade (`migration_connection`): a revision that copies a table (Alembic's batch
    mode) must not cascade into the rows that refer to it. A revision that refuses (data
    the older schema cannot hold) leaves the database as it was."""
    from alembic import command

    with migration_connection(engine) as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def known_revision(revision: str) -> bool:
    """Whether this version of the toolkit ships the migration `revision`."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


@contextmanager
def _foreign_key_actions_off(connection: Connection) -> Iterator[None]:
    """On SQLite, foreign keys off while migrating, on again afterwards.

    Alembic alters a SQLite table by copying it and dropping the original; with foreign
    keys on, that drop would delete the rows of every table referring to it ON DELETE
    CASCADE (an interview's codings). The pragma is ignored inside a transaction, so it is
    set on the connection before its transaction begins.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(connection: Connection) -> None:
    """Refuse (rolling back) a migration that left a row pointing at nothing, on SQLite."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise RuntimeError(
            f"migration left {len(broken)} rows without their parent "
            f"(first: {table} row {rowid} refers to a missing {parent} row)"
        )


def _backup_sqlite(engine: Engine, revision: str) -> Path | None:
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    source = Path(database)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = source.with_name(f"{source.name}.{revision}.{stamp}.bak")
    with engine.connect() as connection:
        # The backup API copies a consistent snapshot even with a write-ahead log.
        raw = connection.connection.dbapi_connection
        try:
            destination = sqlite3.connect(target)
            try:
                raw.backup(destination)  # type: ignore[union-attr]
            finally:
                destination.close()
        except sqlite3.Error as error:
            target.unlink(missing_ok=True)
            fault = health.sqlite_fault(error, target)
            raise StudyDatabaseError(
                str(source),
                f"the copy made before upgrading it could not be written to {target.name} "
                f"({fault.cause if fault else error}); the study was not upgraded",
            ) from None
    return target


def has_tables(engine: Engine) -> bool:
    """Whether the database holds any table at all."""
    return bool(inspect(engine).get_table_names())


def masked_url(url: str) -> str:
    """A database URL safe to print: any password is hidden."""
    return make_url(url).render_as_string(hide_password=True)
