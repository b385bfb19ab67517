"""What the bulk paths share (import, bulk codings, export): Python's cycle collector paused,
and SQLite given a larger page cache.

Rows, tuples and ORM states made by the thousand form few or no cycles, yet every 700 new
objects start a collection, and the older generations are walked again and again as the
batch grows: a large part of the time of importing thousands of transcripts or reading a
million codings. Garbage made meanwhile is collected when the collector runs again.

SQLite's page cache is 2 MiB by default: a bulk insert into a table with several indexes
spills dirty pages and reads them back all through the transaction, which in the bench made
storing a million codings take twice as long as with 64 MiB (a bound, not an allocation:
pages are cached as they are touched).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# In KiB, as SQLite's negative cache_size takes it.
BULK_PAGE_CACHE_KIB = 64 * 1024


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the block (as it was before, afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def page_cache_enlarged(session: Session, kib: int = BULK_PAGE_CACHE_KIB) -> Iterator[None]:
    """On SQLite, let the session's connection cache up to `kib` KiB of pages for the block
    (its own size again afterwards); other databases manage their own buffers."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    (before,) = connection.exec_driver_sql("PRAGMA cache_size").one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
