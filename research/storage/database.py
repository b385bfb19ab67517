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
from sqlalchemy.engine import make_url

from research.storage.revisions import MIGRATIONS_DIR, VERSION_TABLE, stated_head

if TYPE_CHECKING:
    from alembic.config import Config


def make_engine(url: str) -> Engine:
    """An engine for a study database; SQLite gets foreign keys on and write-ahead logging."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Writers queue for SQLite's lock; 30 s covers a large upload decoded by another writer.
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
        # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN.
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


IMMEDIATE = "research_immediate"


def _begin_sqlite(connection: Any) -> None:
    # A transaction that will write takes SQLite's write lock at BEGIN: a deferred one that
    # read first could not write once another writer committed ("database is locked").
    immediate = connection.get_execution_options().get(IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
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
        with sqlite3.connect(target) as destination:
            raw.backup(destination)  # type: ignore[union-attr]
    return target


def has_tables(engine: Engine) -> bool:
    """Whether the database holds any table at all."""
    return bool(inspect(engine).get_table_names())


def masked_url(url: str) -> str:
    """A database URL safe to print: any password is hidden."""
    return make_url(url).render_as_string(hide_password=True)
