"""A study folder's files as bytes: to show that a refused command changed nothing.

Taken after a command has closed the study, so that SQLite has written back (or not) what it
holds in its write-ahead log: every file of the folder (study.db, and a -wal file if one is
left) is hashed, so that a single changed byte shows. A SQLite file's change counter
(header bytes 24-27, repeated at 92-95) is left out: SQLite counts a switch of journal mode
there, which a bulk command makes and undoes (`database.BULK`) without changing anything
stored.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_SQLITE_HEADER = b"SQLite format 3\x00"


def fingerprint(folder: Path) -> dict[str, str]:
    """Each file of `folder` by name, with the SHA-256 of its bytes."""
    return {path.name: file_digest(path) for path in sorted(folder.iterdir()) if path.is_file()}


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, a SQLite file's change counter left out."""
    content = path.read_bytes()
    if content.startswith(_SQLITE_HEADER) and len(content) >= 100:
        content = content[:24] + bytes(4) + content[28:92] + bytes(4) + content[96:]
    return hashlib.sha256(content).hexdigest()
