"""What the bulk paths share (import, bulk codings, export): Python's cycle collector paused.

Rows, tuples and ORM states made by the thousand form few or no cycles, yet every 700 new
objects start a collection, and the older generations are walked again and again as the
batch grows: a large part of the time of importing thousands of transcripts or reading a
million codings. Garbage made meanwhile is collected when the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
