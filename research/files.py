"""Files written whole: into a temporary file beside the target, renamed over it once complete.

A reader (or a spreadsheet someone has open) sees the old file or the new one, never half
of one; a write that fails (a full disk, a read-only folder, a quota) leaves the target as
it was, removes the temporary file, and becomes one `FileWriteError` line naming the target
and the cause.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from research.errors import FileWriteError


@contextmanager
def replacing(target: Path, *, private: bool = False) -> Iterator[Path]:
    """A temporary path beside `target` to write; moved over `target` when the block succeeds.

    A new file gets the permissions 0644, or 0600 when `private` (an export of transcripts
    or a backup of a whole study); a replaced file keeps its own.
    """
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileWriteError(str(target), f"the folder {folder} does not exist")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    except OSError as error:
        raise FileWriteError(str(target), write_fault(error)) from None
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        if target.exists():
            os.chmod(partial, target.stat().st_mode & 0o777)
        elif not private:
            # mkstemp makes the file private (0600).
            os.chmod(partial, 0o644)
        os.replace(partial, target)
    except Exception as error:
        failure = os_error_in(error)
        if failure is None:
            raise
        raise FileWriteError(str(target), write_fault(failure, partial=partial)) from error
    finally:
        partial.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> None:
    """Write UTF-8 text to `target` whole (LF line ends as given)."""
    with replacing(target) as partial:
        partial.write_text(text, encoding="utf-8", newline="")


def os_error_in(error: BaseException) -> OSError | None:
    """The operating system's error behind `error` (itself, or what it was raised from)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError) and current.errno is not None:
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def write_fault(error: OSError, *, partial: Path | None = None) -> str:
    """Why a write failed, in words: a full disk, a read-only folder, a quota, ..."""
    causes = {
        errno.ENOSPC: "no space left on the disk",
        errno.EDQUOT: "the disk quota is used up",
        errno.EFBIG: "the file would be larger than this system allows",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied (the file or its folder is read-only)",
        errno.EPERM: "not permitted (the file or its folder is read-only)",
    }
    cause = causes.get(error.errno or 0, error.strerror or str(error))
    elsewhere = error.filename is not None and partial is not None
    if elsewhere and Path(str(error.filename)) != partial:
        cause += f" (writing {error.filename})"
    return cause
