"""The study's stored facts by name, and its summary read with the standard library alone.

`research status` is the command people run most, to see where a study stands; through
SQLAlchemy it would spend most of its time loading SQLAlchemy. A study in a SQLite file at
the newest schema revision is read here with `sqlite3`, in one read transaction; anything
else (a PostgreSQL study, an older revision that needs an upgrade, a study not yet
initialised) is left to `study_info.summarise`, which says what is wrong. The two read the
same rows; a test holds them equal.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from interviews.layers import CODER_LAYER, CONSENSUS_LAYER
from research.errors import StudyBusyError, StudyDatabaseError
from research.services.records import StudySummary
from research.storage import health
from research.storage.revisions import (
    HEAD_TABLES,
    VERSION_TABLE,
    is_search_index,
    stated_head,
)

# The keys of the facts in `study_info`.
NAME = "name"
FICTIONAL = "fictional"
DICTIONARY = "data_dictionary"
CODEBOOK_NAME = "codebook_name"
CODEBOOK_VERSION = "codebook_version"
SETTINGS = "settings"


def summarise_file(database: Path) -> StudySummary | None:
    """The summary of the SQLite study in `database`, or None when it needs the full path
    (no such file, not at the newest revision, or missing a fact every study has)."""
    connection = connect_at_head(database)
    if connection is None:
        return None
    try:
        # One read transaction: every count is of the same state.
        connection.execute("BEGIN")
        if not at_head(connection):
            return None
        return _summary(connection, str(database))
    except sqlite3.DatabaseError as error:
        if health.busy(error):
            # Waited for once already; the full path would wait again.
            raise health.study_error(error, database) from None
        # A table missing, a file that is not a database: the full path says what is wrong.
        return None
    finally:
        connection.close()


def connect_at_head(database: Path) -> sqlite3.Connection | None:
    """A connection (autocommit; BEGIN as needed) to the SQLite study in `database`, or None
    when it is not one at the newest revision with the newest tables, as its header and
    schema say; `at_head` confirms the revision inside the caller's transaction."""
    head = stated_head()
    if head is None or not database.is_file():
        return None
    try:
        # The same read-only look at the header and tables as opening a study takes.
        facts = health.read_sqlite_facts(database)
    except StudyBusyError:
        raise  # waited for once already; the full path would wait again
    except StudyDatabaseError:
        return None
    tables = {name for name in facts.tables if not is_search_index(name)}
    if facts.revision != head or tables != HEAD_TABLES | {VERSION_TABLE}:
        return None
    return sqlite3.connect(database, timeout=health.LOCK_WAIT_SECONDS, isolation_level=None)


def at_head(connection: sqlite3.Connection) -> bool:
    """Whether the study's recorded revision is the newest this toolkit knows."""
    head = stated_head()
    recorded = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    return head is not None and recorded == [(head,)]


def _summary(connection: sqlite3.Connection, database: str) -> StudySummary | None:
    facts = dict(
        connection.execute(
            "SELECT key, value FROM study_info WHERE key IN (?, ?, ?, ?)",
            (NAME, FICTIONAL, CODEBOOK_NAME, CODEBOOK_VERSION),
        ).fetchall()
    )
    if not {NAME, CODEBOOK_NAME, CODEBOOK_VERSION} <= facts.keys():
        return None
    per_coder = dict(
        connection.execute(
            "SELECT coder, count(*) FROM codings WHERE layer = ? GROUP BY coder ORDER BY coder",
            (CODER_LAYER,),
        ).fetchall()
    )
    passes = dict(
        connection.execute(
            "SELECT coder, count(*) FROM coding_passes GROUP BY coder ORDER BY coder"
        ).fetchall()
    )

    def count(sql: str, *parameters: str) -> int:
        return int(connection.execute(sql, parameters).fetchone()[0])

    consensus = count("SELECT count(*) FROM codings WHERE layer = ?", CONSENSUS_LAYER)

    return StudySummary(
        name=facts[NAME],
        fictional=facts.get(FICTIONAL) == "true",
        database=database,
        respondents=count("SELECT count(*) FROM respondents"),
        interviews=count("SELECT count(*) FROM interviews"),
        transcripts=count("SELECT count(*) FROM interviews WHERE transcript IS NOT NULL"),
        codings=sum(per_coder.values()) + consensus,
        codings_per_coder=per_coder,
        consensus_codings=consensus,
        passes_per_coder=passes,
        codebook_name=facts[CODEBOOK_NAME],
        codebook_version=int(facts[CODEBOOK_VERSION]),
        codes=count("SELECT count(*) FROM codes"),
    )
