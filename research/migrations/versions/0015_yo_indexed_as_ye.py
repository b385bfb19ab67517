"""The search index reads ё as е, so that "елка" finds "ёлка" and the other way round.

Russian writes ё as е as often as not; a search for one spelling missed the other. The
service now indexes a passage with ё (and Ё) as е, and reads a query the same way
(`research.services.search`). This revision makes what is already indexed agree:

- SQLite: the delete trigger of revision 0014 cuts a deleted passage's text from its
  transcript and must give the index the text it was indexed with: it now reads ё as е
  too. The FTS5 index is then filled again from every passage's text.
- PostgreSQL: each passage's stored vector is computed again from its text, with ё as е.

A downgrade gives both back as revision 0014 left them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# As this revision knows them (revisions import no application code).
MARKS = "\u055b\u055c\u055e"
PUNCTUATION = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())
YO, YE = "ёЁ", "еЕ"
_PASSAGE_TEXT = (
    "substr({transcript}, {passage}.start_offset + 1, "
    "{passage}.end_offset - {passage}.start_offset)"
)


def _as_indexed(expression: str, *, yo_as_ye: bool) -> str:
    """SQL for a text as the SQLite index reads it: the Armenian marks left out, and (from
    this revision) ё as е."""
    for mark in MARKS:
        expression = f"replace({expression}, '{mark}', '')"
    if yo_as_ye:
        for yo, ye in zip(YO, YE, strict=True):
            expression = f"replace({expression}, '{yo}', '{ye}')"
    return expression


def _delete_trigger(*, yo_as_ye: bool) -> str:
    """Revision 0014's trigger taking a deleted passage out of the index, by its text."""
    stored = _as_indexed(
        _PASSAGE_TEXT.format(
            transcript="(SELECT transcript FROM interviews WHERE interview_id = old.interview_id)",
            passage="old",
        ),
        yo_as_ye=yo_as_ye,
    )
    return (
        "CREATE TRIGGER transcript_index_delete AFTER DELETE ON transcript_passages BEGIN "
        "INSERT INTO transcript_index(transcript_index, rowid, body) "
        f"VALUES ('delete', old.passage_id, {stored}); END"
    )


def _postgres_vector(*, yo_as_ye: bool) -> str:
    """SQL for a passage's vector as the service computes it."""
    source = (YO if yo_as_ye else "") + PUNCTUATION + MARKS
    target = (YE if yo_as_ye else "") + " " * len(PUNCTUATION)
    text = _PASSAGE_TEXT.format(transcript="interviews.transcript", passage="transcript_passages")
    quoted = source.replace("'", "''")
    return f"to_tsvector('simple', translate({text}, '{quoted}', '{target}'))"


def _has_fts(connection: sa.Connection) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = 'transcript_index'"
    ).scalar()
    return bool(found)


def _reindex(*, yo_as_ye: bool) -> None:
    connection = op.get_bind()
    if _has_fts(connection):
        op.execute("DROP TRIGGER IF EXISTS transcript_index_delete")
        op.execute(_delete_trigger(yo_as_ye=yo_as_ye))
        op.execute("INSERT INTO transcript_index(transcript_index) VALUES ('delete-all')")
        body = _as_indexed(
            _PASSAGE_TEXT.format(transcript="interviews.transcript", passage="p"),
            yo_as_ye=yo_as_ye,
        )
        op.execute(
            f"INSERT INTO transcript_index(rowid, body) SELECT p.passage_id, {body} "
            "FROM transcript_passages AS p JOIN interviews USING (interview_id)"
        )
    elif connection.dialect.name == "postgresql":
        op.execute(
            f"UPDATE transcript_passages SET search_vector = {_postgres_vector(yo_as_ye=yo_as_ye)} "
            "FROM interviews WHERE interviews.interview_id = transcript_passages.interview_id"
        )


def upgrade() -> None:
    _reindex(yo_as_ye=True)


def downgrade() -> None:
    _reindex(yo_as_ye=False)
