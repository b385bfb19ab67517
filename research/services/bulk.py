"""What the bulk paths share (import, bulk codings, export): Python's cycle collector paused,
SQLite given a larger page cache, and the next batch's input prepared on a second core.

Rows, tuples and ORM states made by the thousand form few or no cycles, yet every 700 new
objects start a collection, and the older generations are walked again and again as the
batch grows: a large part of the time of importing thousands of transcripts or reading a
million codings. Garbage made meanwhile is collected when the collector runs again.

SQLite's page cache is 2 MiB by default: a bulk insert into a table with several indexes
spills dirty pages and reads them back all through the transaction, which in the bench made
storing a million codings take twice as long as with 64 MiB (a bound, not an allocation:
pages are cached as they are touched).

A service that writes in bulk says so (`@in_bulk`): a call of it through an open study
(`Study`) then runs in a bulk transaction, which on a SQLite study nobody else has open
writes each new page once (a rollback journal) instead of twice (the write-ahead log and
its checkpoint).

SQLite releases the GIL while it executes a statement (FTS5 tokenising a batch of passages,
inserting rows, writing pages), so reading and decoding the next batch of files in a thread
of its own overlaps that work instead of waiting for it (`read_ahead`).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# In KiB, as SQLite's negative cache_size takes it.
BULK_PAGE_CACHE_KIB = 64 * 1024

Item = TypeVar("Item")
Service = TypeVar("Service", bound=Callable[..., Any])
# The services marked by `in_bulk`.
_BULK_WRITERS: set[Callable[..., Any]] = set()
Prepared = TypeVar("Prepared")
# What an exhausted iterator of items gives instead of an item.
_DONE = object()


def in_bulk(service: Service) -> Service:
    """Mark a service as one that writes in bulk (imports, bulk codings)."""
    _BULK_WRITERS.add(service)
    return service


def writes_in_bulk(service: Callable[..., Any]) -> bool:
    """Whether a service is marked by `in_bulk`."""
    return service in _BULK_WRITERS


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


def read_ahead(
    items: Iterable[Item],
    prepare: Callable[[Item, threading.Event], Prepared],
) -> Generator[Prepared, None, None]:
    """`prepare(item, stop)` of each item in order, the next one prepared in a worker thread
    while the caller uses the current one.

    The items are drawn on the caller's thread, one ahead of the caller: an iterator may
    read them from the caller's database connection as they are drawn. At most one item is
    prepared ahead, so that at most two results exist at once (the one the caller holds,
    the one being made), as long as the caller lets go of each result before asking for
    the next. `prepare` must not touch the caller's database connection: it runs in the
    worker thread. An error it raises is raised to the caller, as it was raised, when the
    caller reaches that item. When the caller stops early (an error of its own, or the
    iterator closed), `stop` is set, so that a `prepare` that checks it between steps gives
    up, and the worker is waited for: no thread outlives the iteration.
    """
    following = iter(items)
    try:
        first = next(following)
    except StopIteration:
        return
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as pool:
        pending: Future[Prepared] | None = pool.submit(prepare, first, stop)
        try:
            while pending is not None:
                ready = pending.result()
                item = next(following, _DONE)
                pending = None if item is _DONE else pool.submit(prepare, cast(Item, item), stop)
                yield ready
                del ready  # the caller is done with it: only the next one is held
        finally:
            stop.set()
            if pending is not None:
                pending.cancel()
