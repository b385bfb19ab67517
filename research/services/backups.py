"""Backups: a whole study as one portable archive, and a new study restored from one.

The archive is a zip of `manifest.json` (the format, the schema revision, the study's name,
each table's columns and row count) and one `tables/<table>.jsonl` per table, a JSON array
of values per row in primary-key order, written in a fixed order with fixed timestamps. It
holds every table but Alembic's own, so a study moves between SQLite and PostgreSQL.

A backup reads one consistent state of the study: on SQLite a copy made with SQLite's
online backup API (the web app may be writing meanwhile), on PostgreSQL one repeatable-read
transaction. A restore treats the archive as hostile: entry names, count and sizes are
checked before anything is read, unknown tables and newer schema revisions are refused,
and nothing is left behind on failure.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Engine,
    MetaData,
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

from research.errors import (
    ArchiveError,
    ArchiveExistsError,
    FileWriteError,
    StudyDatabaseError,
    StudyExistsError,
)
from research.files import replacing, write_fault
from research.services import search_index
from research.services.records import Record
from research.settings import (
    DATABASE_FILE,
    SETTINGS_FILE,
    check_database_url,
    write_settings,
)
from research.storage import database, health
from research.storage.revisions import is_search_index
from research.storage.tables import Base, StudyInfo

FORMAT = "research-study-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Every table of a study, parents before children: the order of writing and of loading.
TABLES: tuple[str, ...] = tuple(table.name for table in Base.metadata.sorted_tables)
# Limits a hostile archive meets before anything is decompressed.
MAX_MANIFEST_BYTES = 1 << 20
MAX_ENTRY_BYTES = 16 << 30
MAX_TOTAL_BYTES = 32 << 30
# Deflate gives at most about 1,000:1; JSON rows of a real study stay far below 200:1.
MAX_RATIO = 200
MAX_LINE_BYTES = 256 << 20
BATCH_ROWS = 10_000
# Fixed entry times, so that the same study gives the same archive.
ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


class TableManifest(BaseModel):
    """One table in an archive: its name, its columns in row order, how many rows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    columns: list[str]
    rows: int = Field(ge=0)


class Manifest(BaseModel):
    """What an archive says about itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str
    format_version: int
    schema_revision: str
    study_name: str
    source_backend: str
    created_at: datetime
    tables: list[TableManifest]


class BackupReport(Record):
    """What a backup wrote."""

    path: str
    schema_revision: str
    rows: dict[str, int]


class RestoreReport(Record):
    """What a restore created."""

    folder: str
    database: str
    study_name: str
    schema_revision: str
    rows: dict[str, int]


def table_entry(name: str) -> str:
    """The archive entry holding a table's rows."""
    return f"tables/{name}.jsonl"


# Backing up -------------------------------------------------------------------------------


def write_backup(engine: Engine, target: Path, *, overwrite: bool = False) -> BackupReport:
    """Write the study in `engine` to the archive `target` (replaced only when complete)."""
    if target.exists() and not overwrite:
        raise ArchiveExistsError(f"{target} already exists; choose another name or remove it")
    if not target.parent.is_dir():
        raise ArchiveError(f"{target}: the folder {target.parent} does not exist")
    with _snapshot(engine, target) as connection, replacing(target, private=True) as partial:
        manifest = _write_archive(connection, partial, backend=engine.dialect.name)
    return BackupReport(
        path=str(target),
        schema_revision=manifest.schema_revision,
        rows={table.name: table.rows for table in manifest.tables},
    )


@contextmanager
def _snapshot(engine: Engine, target: Path) -> Iterator[Connection]:
    """A connection reading one consistent state of the study (to be written to `target`)."""
    if engine.dialect.name != "sqlite":
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection
        return
    study = database.sqlite_path(engine.url)
    with tempfile.TemporaryDirectory(prefix="research-backup-") as folder:
        copy = Path(folder) / DATABASE_FILE
        with engine.connect() as source:
            raw = source.connection.dbapi_connection
            try:
                destination = sqlite3.connect(copy)
                try:
                    # The backup API copies a consistent snapshot while others write.
                    raw.backup(destination)  # type: ignore[union-attr]
                finally:
                    destination.close()
            except sqlite3.Error as error:
                cause = f"copying the study to {folder} failed: {error}"
                raise FileWriteError(str(target), cause) from None
        try:
            # The backup API copies pages as they are: a damaged study is found here.
            health.quick_check_sqlite(copy)
        except StudyDatabaseError as error:
            raise StudyDatabaseError(str(study), error.cause) from None
        snapshot = database.make_engine(f"sqlite:///{copy}")
        try:
            with snapshot.connect() as connection, connection.begin():
                yield connection
        finally:
            snapshot.dispose()


def _write_archive(connection: Connection, path: Path, *, backend: str) -> Manifest:
    revision = _revision(connection)
    if revision != database.head_revision():
        raise ArchiveError(
            f"the study is at schema revision {revision}, not {database.head_revision()}; "
            "open it with this version first"
        )
    tables = [Base.metadata.tables[name] for name in TABLES]
    name_row = connection.execute(
        select(StudyInfo.value).where(StudyInfo.key == "name")
    ).scalar_one_or_none()
    manifest = Manifest(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        schema_revision=revision,
        study_name=name_row or "",
        source_backend=backend,
        created_at=datetime.now(UTC),
        tables=[
            TableManifest(
                name=table.name,
                columns=[column.name for column in table.columns],
                rows=connection.execute(select(func.count()).select_from(table)).scalar_one(),
            )
            for table in tables
        ],
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry(MANIFEST), manifest.model_dump_json(indent=2))
        for table in tables:
            order = list(table.primary_key.columns)
            rows = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS)
            with archive.open(_entry(table_entry(table.name)), "w", force_zip64=True) as sink:
                for row in rows.execute(select(table).order_by(*order)):
                    line = json.dumps([_plain(value) for value in row], ensure_ascii=False)
                    sink.write(line.encode("utf-8") + b"\n")
    return manifest


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _plain(value: Any) -> Any:
    """A stored value as JSON holds it: times with their offset, dates as ISO text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _revision(connection: Connection) -> str:
    return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


# Restoring --------------------------------------------------------------------------------


def restore_backup(
    archive_path: Path, folder: Path, *, database_url: str | None = None
) -> RestoreReport:
    """Restore the archive into a new study at `folder` (SQLite, or the empty `database_url`).

    The archive is checked before anything is written; a restore that fails leaves no
    study, no database tables and no new folder behind.
    """
    if folder.exists() and not folder.is_dir():
        raise StudyExistsError(f"{folder} is a file, not a folder; restore into a new folder")
    if (folder / DATABASE_FILE).exists() or (folder / SETTINGS_FILE).exists():
        raise StudyExistsError(f"{folder} already holds a study; restore into a new folder")
    if database_url is not None:
        check_database_url(database_url, where="--database-url")
    with _open_archive(archive_path) as (archive, manifest):
        created = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        try:
            if database_url is None:
                rows = _restore_sqlite(archive_path, archive, manifest, folder)
                where = str(folder / DATABASE_FILE)
            else:
                rows = _restore_into(archive_path, archive, manifest, database_url)
                write_settings(folder, database_url)
                where = database.masked_url(database_url)
        except BaseException:
            if created:
                shutil.rmtree(folder, ignore_errors=True)
            raise
    return RestoreReport(
        folder=str(folder),
        database=where,
        study_name=manifest.study_name,
        schema_revision=manifest.schema_revision,
        rows=rows,
    )


def _restore_sqlite(
    archive_path: Path, archive: zipfile.ZipFile, manifest: Manifest, folder: Path
) -> dict[str, int]:
    """Load into a temporary file beside study.db, renamed only once it is complete."""
    target = folder / DATABASE_FILE
    try:
        handle, name = tempfile.mkstemp(prefix=".study.db.", suffix=".restoring", dir=folder)
    except OSError as error:
        raise FileWriteError(str(target), write_fault(error)) from None
    os.close(handle)
    partial = Path(name)
    try:
        engine = database.make_engine(f"sqlite:///{partial.resolve()}")
        try:
            rows = _load(archive_path, archive, manifest, engine)
            with engine.connect() as connection:
                # One file to move: no write-ahead log beside it. Outside any transaction,
                # so on the driver's connection (SQLAlchemy would begin one first).
                raw = connection.connection.dbapi_connection
                assert raw is not None
                raw.execute("PRAGMA journal_mode = DELETE")
        finally:
            engine.dispose()
        health.quick_check_sqlite(partial)
        os.replace(partial, target)
        return rows
    except (StudyDatabaseError, sqlite3.Error) as error:
        # Named by the study it was to become, not by the temporary file.
        cause = error.cause if isinstance(error, StudyDatabaseError) else str(error)
        raise StudyDatabaseError(str(target), f"not restored: {cause}") from None
    except OSError as error:
        raise FileWriteError(str(target), write_fault(error)) from None
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)


def _restore_into(
    archive_path: Path, archive: zipfile.ZipFile, manifest: Manifest, url: str
) -> dict[str, int]:
    engine = database.make_engine(url)
    try:
        if database.has_tables(engine):
            raise StudyExistsError(
                f"the database {database.masked_url(url)} is not empty; restore into an empty one"
            )
        return _load(archive_path, archive, manifest, engine)
    finally:
        engine.dispose()


def _load(
    archive_path: Path, archive: zipfile.ZipFile, manifest: Manifest, engine: Engine
) -> dict[str, int]:
    """Create the schema at the archive's revision, load every table, upgrade to the newest
    revision, all in one transaction."""
    counts: dict[str, int] = {}
    with database.migration_connection(engine) as connection:
        database.upgrade_on(connection, manifest.schema_revision)
        metadata = MetaData()
        metadata.reflect(bind=connection)
        for table_manifest in _in_load_order(manifest.tables):
            table = metadata.tables.get(table_manifest.name)
            where = f"{archive_path.name}: {table_entry(table_manifest.name)}"
            if table is None:
                raise ArchiveError(
                    f"{where}: no table {table_manifest.name!r} at schema revision "
                    f"{manifest.schema_revision}"
                )
            # The search vector on PostgreSQL is the index's own, made anew below (generated
            # from each passage's body before revision 0014).
            expected = [
                column.name
                for column in table.columns
                if column.computed is None and not is_search_index(column.name)
            ]
            if sorted(table_manifest.columns) != sorted(expected):
                raise ArchiveError(
                    f"{where}: columns {', '.join(table_manifest.columns)} do not match the "
                    f"table's {', '.join(expected)}"
                )
            counts[table.name] = _load_table(connection, archive, table, table_manifest, where)
        _check_references(connection, archive_path)
        database.upgrade_on(connection, "head")
        _check_passages(connection, archive_path)
        # Passages were loaded as rows; the full-text index is made from them anew.
        search_index.rebuild(connection)
        if connection.dialect.name == "postgresql":
            _advance_sequences(connection, metadata)
    return counts


def _in_load_order(tables: Sequence[TableManifest]) -> list[TableManifest]:
    order = {name: index for index, name in enumerate(TABLES)}
    return sorted(tables, key=lambda table: order[table.name])


def _load_table(
    connection: Connection,
    archive: zipfile.ZipFile,
    table: Table,
    manifest: TableManifest,
    where: str,
) -> int:
    decoders = [_decoder(table.columns[name].type) for name in manifest.columns]
    self_parent = _self_reference(table)
    rows: list[dict[str, Any]] = []
    loaded = 0
    for line_number, values in _rows(archive, manifest, where):
        if len(values) != len(manifest.columns):
            raise ArchiveError(
                f"{where} line {line_number}: {len(values)} values for "
                f"{len(manifest.columns)} columns"
            )
        try:
            row = {
                name: decode(value)
                for name, decode, value in zip(manifest.columns, decoders, values, strict=True)
            }
        except (TypeError, ValueError) as error:
            raise ArchiveError(f"{where} line {line_number}: {error}") from error
        rows.append(row)
        loaded += 1
        if self_parent is None and len(rows) >= BATCH_ROWS:
            _insert(connection, table, rows, where)
            rows = []
    if self_parent is not None:
        rows = _parents_first(rows, table, self_parent, where)
    _insert(connection, table, rows, where)
    if loaded != manifest.rows:
        raise ArchiveError(f"{where}: {loaded} rows, but the manifest says {manifest.rows}")
    return loaded


def _rows(
    archive: zipfile.ZipFile, manifest: TableManifest, where: str
) -> Iterator[tuple[int, list[Any]]]:
    with archive.open(table_entry(manifest.name)) as raw:
        line_number = 0
        while True:
            line = raw.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            line_number += 1
            if len(line) > MAX_LINE_BYTES:
                raise ArchiveError(
                    f"{where} line {line_number}: longer than {MAX_LINE_BYTES:,} bytes"
                )
            try:
                values = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise ArchiveError(
                    f"{where} line {line_number}: not a JSON row ({error})"
                ) from error
            if not isinstance(values, list):
                raise ArchiveError(f"{where} line {line_number}: expected a list of values")
            yield line_number, values


def _decoder(kind: Any) -> Any:
    """How a JSON value becomes a value of the column's type."""
    if isinstance(kind, JSON):
        return lambda value: value
    if isinstance(kind, DateTime):
        return _datetime
    if isinstance(kind, Date):
        return lambda value: None if value is None else date.fromisoformat(_text(value))
    try:
        expected = kind.python_type
    except NotImplementedError:
        return lambda value: value
    # SQLite keeps whatever it is given: a value of the wrong kind is refused here.
    return lambda value: _of_kind(value, expected)


def _of_kind(value: Any, expected: type) -> Any:
    if value is None:
        return None
    is_bool = isinstance(value, bool)
    if isinstance(value, expected) and (expected is bool or not is_bool):
        return value
    raise TypeError(f"expected {expected.__name__}, not {value!r}")


def _datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(_text(value))
    if parsed.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    # Stored in UTC; SQLite keeps no zone, so the value must already be UTC.
    return parsed.astimezone(UTC)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, not {value!r}")
    return value


def _self_reference(table: Table) -> str | None:
    for key in table.foreign_keys:
        if key.column.table.name == table.name:
            return str(key.parent.name)
    return None


def _parents_first(
    rows: list[dict[str, Any]], table: Table, parent_column: str, where: str
) -> list[dict[str, Any]]:
    """Rows of a tree (codes under codes) ordered so that each parent comes before its
    children, as PostgreSQL checks each reference on insert."""
    [key] = [column.name for column in table.primary_key.columns]
    children: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        children.setdefault(row[parent_column], []).append(row)
    ordered: list[dict[str, Any]] = []
    pending = list(children.get(None, []))
    while pending:
        row = pending.pop()
        ordered.append(row)
        pending.extend(children.get(row[key], []))
    if len(ordered) != len(rows):
        raise ArchiveError(f"{where}: some rows refer to parents that are not in the archive")
    return ordered


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]], where: str) -> None:
    if not rows:
        return
    try:
        with connection.begin_nested():
            connection.execute(insert(table), rows)
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0]
        raise ArchiveError(f"{where}: refused by the database ({reason})") from error


def _check_references(connection: Connection, archive_path: Path) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, _rowid, parent, _ = broken[0]
        raise ArchiveError(
            f"{archive_path.name}: {len(broken)} rows refer to rows that are not in the archive "
            f"(first: a {table} row refers to a missing {parent} row)"
        )


def _check_passages(connection: Connection, archive_path: Path) -> None:
    """Refuse passages that do not lie within their interview's transcript, and (SQLite)
    transcripts holding a NUL character, which SQLite's text functions stop at: the index
    is made from the text the passages point to. PostgreSQL's text cannot hold NUL."""
    if connection.dialect.name == "sqlite":
        with_nul = connection.exec_driver_sql(
            "SELECT interview_id FROM interviews WHERE instr(transcript, char(0)) > 0 "
            "ORDER BY interview_id LIMIT 1"
        ).scalar()
        if with_nul is not None:
            raise ArchiveError(
                f"{archive_path.name}: {table_entry('interviews')}: the transcript of "
                f"interview {with_nul!r} holds a NUL character, which no transcript may"
            )
    outside = connection.exec_driver_sql(
        "SELECT p.interview_id, count(*) OVER () FROM transcript_passages AS p "
        "JOIN interviews AS i ON i.interview_id = p.interview_id "
        "WHERE i.transcript_characters IS NULL OR p.end_offset > i.transcript_characters "
        "ORDER BY p.interview_id LIMIT 1"
    ).first()
    if outside is not None:
        interview_id, count = outside
        raise ArchiveError(
            f"{archive_path.name}: {table_entry('transcript_passages')}: {count} passages do not "
            f"lie within their interview's transcript (first: interview {interview_id!r})"
        )


def _advance_sequences(connection: Connection, metadata: MetaData) -> None:
    """Move PostgreSQL's id sequences past the ids loaded, so new rows get fresh ones."""
    for table in metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not key[0].autoincrement or key[0].type.python_type is not int:
            continue
        column = key[0].name
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column},
        ).scalar()
        if sequence is None:
            continue
        # Names come from the reflected schema, not from the archive.
        highest = f'MAX("{column}")'
        connection.execute(
            text(
                f"SELECT setval(:sequence, COALESCE({highest}, 1), {highest} IS NOT NULL) "
                f'FROM "{table.name}"'
            ),
            {"sequence": sequence},
        )


# Checking an archive ----------------------------------------------------------------------


@contextmanager
def _open_archive(path: Path) -> Iterator[tuple[zipfile.ZipFile, Manifest]]:
    """The archive and its manifest, once its entries pass every check."""
    if not path.is_file():
        raise ArchiveError(f"{path}: no such archive")
    if not zipfile.is_zipfile(path):
        raise ArchiveError(f"{path}: not a study archive (not a zip file)")
    count, most = _entry_count(path), len(TABLES) + 1
    if count > most:
        raise ArchiveError(f"{path}: {count} entries; a study archive has at most {most}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"{path}: not a readable zip file ({error})") from error
    with archive:
        manifest = _checked(path, archive)
        try:
            yield archive, manifest
        except zipfile.BadZipFile as error:
            raise ArchiveError(f"{path}: damaged ({error})") from error


def _entry_count(path: Path) -> int:
    """How many entries the archive's last record announces, read before zipfile parses
    its directory (an archive of a million entries is refused without listing them)."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        # The end record is 22 bytes, after which a comment of up to 65,535 bytes may follow.
        handle.seek(max(0, size - 22 - 65_535))
        tail = handle.read()
    found = tail.rfind(b"PK\x05\x06")
    if found < 0 or len(tail) < found + 22:
        raise ArchiveError(f"{path}: not a readable zip file (no end record)")
    # Entries in total; 0xFFFF points to a zip64 record, far more than a study needs.
    return int.from_bytes(tail[found + 10 : found + 12], "little")


def _checked(path: Path, archive: zipfile.ZipFile) -> Manifest:
    entries = archive.infolist()
    allowed = {MANIFEST} | {table_entry(name) for name in TABLES}
    names = [entry.filename for entry in entries]
    unexpected = [name for name in names if name not in allowed]
    if unexpected:
        raise ArchiveError(f"{path}: unexpected entry {unexpected[0]!r}")
    doubled = sorted({name for name in names if names.count(name) > 1})
    if doubled:
        raise ArchiveError(f"{path}: entry {doubled[0]!r} appears more than once")
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise ArchiveError(f"{path}: entry {entry.filename!r} is encrypted")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveError(f"{path}: entry {entry.filename!r} uses an unknown compression")
        limit = MAX_MANIFEST_BYTES if entry.filename == MANIFEST else MAX_ENTRY_BYTES
        if entry.file_size > limit:
            raise ArchiveError(f"{path}: entry {entry.filename!r} is larger than {limit:,} bytes")
        if entry.file_size > MAX_RATIO * max(entry.compress_size, 1) + 4096:
            raise ArchiveError(f"{path}: entry {entry.filename!r} expands suspiciously far")
    if sum(entry.file_size for entry in entries) > MAX_TOTAL_BYTES:
        raise ArchiveError(f"{path}: larger than {MAX_TOTAL_BYTES:,} bytes in all")
    if MANIFEST not in names:
        raise ArchiveError(f"{path}: not a study archive (no {MANIFEST})")
    manifest = _manifest(path, archive)
    listed = [table.name for table in manifest.tables]
    unknown = [name for name in listed if name not in TABLES]
    if unknown:
        raise ArchiveError(f"{path}: unknown table {unknown[0]!r}")
    if len(set(listed)) != len(listed):
        raise ArchiveError(f"{path}: the manifest lists a table twice")
    stored = {name for name in names if name != MANIFEST}
    wanted = {table_entry(name) for name in listed}
    if stored != wanted:
        missing = sorted(wanted - stored) or sorted(stored - wanted)
        raise ArchiveError(f"{path}: the manifest and the entries disagree about {missing[0]!r}")
    return manifest


def _manifest(path: Path, archive: zipfile.ZipFile) -> Manifest:
    try:
        data = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile) as error:
        raise ArchiveError(f"{path}: {MANIFEST} is not readable JSON ({error})") from error
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise ArchiveError(f"{path}: not a study archive ({MANIFEST} names another format)")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ArchiveError(
            f"{path}: archive format version {version!r} is newer than this version of the "
            f"toolkit reads ({FORMAT_VERSION}); upgrade the toolkit"
        )
    revision = data.get("schema_revision")
    if not isinstance(revision, str) or not database.known_revision(revision):
        raise ArchiveError(
            f"{path}: schema revision {revision!r} is unknown to this version of the toolkit "
            f"(newest: {database.head_revision()}); upgrade the toolkit to restore it"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ArchiveError(f"{path}: {MANIFEST} field {field}: {first['msg']}") from error


__all__ = ["BackupReport", "Manifest", "RestoreReport", "restore_backup", "write_backup"]
