"""The shipped migrations' newest revision, read from the revision files' own lines.

The standard library alone: a command that only reads a study checks its revision without
loading SQLAlchemy or Alembic.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "alembic_version"
# The tables of a study at the newest revision, beside alembic_version and the full-text
# index (a test holds this equal to the models): a file holding others is left to the full
# check when opened, which names them.
HEAD_TABLES = frozenset(
    {
        "codebook_changes",
        "codes",
        "coding_passes",
        "codings",
        "form_submissions",
        "interviews",
        "respondents",
        "study_info",
        "timeline_events",
        "transcript_passages",
    }
)
# Made by migration 0008 on one backend only (not modelled): the FTS5 table and its shadow
# tables on SQLite; the stored text-search vector and its GIN index on PostgreSQL. Schema
# comparisons skip them.
SEARCH_INDEX_PREFIXES = ("transcript_index", "ix_transcript_passages_vector", "search_vector")


def is_search_index(name: str | None) -> bool:
    """Whether a database object is part of the full-text index made outside the models."""
    return name is not None and name.startswith(SEARCH_INDEX_PREFIXES)
# `revision = "0006"` and `down_revision = "0005"` (or None) as every revision file states them.
_REVISION_LINE = re.compile(
    r'^(down_revision|revision)(?:\s*:[^=]*)?\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|None)\s*$',
    re.MULTILINE,
)


@functools.cache
def stated_revisions() -> dict[str, str | None] | None:
    """Every shipped revision and its parent, as the files state them; None when a file
    states no revision line (left to Alembic to read)."""
    revisions: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        stated = {
            match[1]: match[2] or match[3] or None
            for match in _REVISION_LINE.finditer(path.read_text(encoding="utf-8"))
        }
        if not stated.get("revision"):
            return None
        revisions[str(stated["revision"])] = stated.get("down_revision")
    return revisions


def stated_head() -> str | None:
    """The newest revision as the files state it; None when they do not form one straight
    line (a revision without its line, two heads), which is left to Alembic to read."""
    revisions = stated_revisions()
    if revisions is None:
        return None
    heads = set(revisions) - {parent for parent in revisions.values() if parent is not None}
    return heads.pop() if len(heads) == 1 else None


def shipped_revisions() -> frozenset[str] | None:
    """Every revision shipped; None if a file is unclear."""
    revisions = stated_revisions()
    return None if revisions is None else frozenset(revisions)
