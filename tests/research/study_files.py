"""A study folder's files as bytes: to show that a refused command changed nothing.

Taken after a command has closed the study, so that SQLite has written back (or not) what it
holds in its write-ahead log: every file of the folder (study.db, and a -wal file if one is
left) is hashed, so that a single changed byte shows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def fingerprint(folder: Path) -> dict[str, str]:
    """Each file of `folder` by name, with the SHA-256 of its bytes."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }
