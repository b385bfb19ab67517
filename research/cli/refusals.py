"""A user's mistake as one line: which errors are refusals, and the option that gets past each.

Loaded only when a command fails, so that starting `research` pays for none of the domain
packages' error classes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import OperationalError

from codebook.errors import CodebookError
from interviews.errors import (
    AmbiguousQuoteError,
    InterviewsError,
    LooksLikeUtf8Error,
    QuoteNotFoundError,
    TooLargeError,
    UndecodableTranscriptError,
)
from research.errors import (
    ArchiveExistsError,
    ConsensusHeldError,
    MetadataSheetError,
    ResearchError,
    UnconfirmedWarningsError,
)
from research.files import write_fault

USER_ERRORS = (ResearchError, CodebookError, InterviewsError)


@dataclass(frozen=True)
class Hint:
    """How to get past a refusal: the option that does it, and a sentence naming it.

    A hint without an option (a setting of the study, say) is given by every command.
    """

    option: str | None
    advice: Callable[[Any], str | None]


def _encoding_advice(error: UndecodableTranscriptError) -> str:
    if not error.encodings:
        return "name its encoding, e.g. --encoding cp1251"
    first, *others = error.encodings
    perhaps = f", or perhaps {' or '.join(others)}" if others else ""
    return f"name its encoding: --encoding {first}{perhaps}"


def _nearest_advice(error: QuoteNotFoundError) -> str | None:
    if error.nearest is None:
        return None
    start, end = error.nearest
    return f"to code that passage: --start {start} --end {end}"


def _confirm_advice(_: Exception) -> str:
    return "to keep the values, add --confirm-warnings"


def _encoding_confirm_advice(_: LooksLikeUtf8Error) -> str:
    return "if it is UTF-8, leave out --encoding; to decode it as named, add --confirm-warnings"


def _limit_advice(error: TooLargeError) -> str | None:
    from research.study_settings import INTAKE_KEYS

    key = INTAKE_KEYS.get(error.limit)
    if key is None:
        return None
    return f"the study's setting {key} sets this limit: research settings export, edit, import"


# Domain and service errors describe the problem; only the command line knows its options,
# so the option that gets past each kind of refusal is named here, by the error's type.
HINTS: dict[type[Exception], Hint] = {
    UndecodableTranscriptError: Hint("--encoding", _encoding_advice),
    LooksLikeUtf8Error: Hint("--confirm-warnings", _encoding_confirm_advice),
    TooLargeError: Hint(None, _limit_advice),
    UnconfirmedWarningsError: Hint("--confirm-warnings", _confirm_advice),
    MetadataSheetError: Hint(
        "--confirm-warnings",
        lambda error: _confirm_advice(error) if error.needs_confirmation else None,
    ),
    AmbiguousQuoteError: Hint("--occurrence", lambda _: "choose with --occurrence N"),
    QuoteNotFoundError: Hint("--start", _nearest_advice),
    ConsensusHeldError: Hint("--replace", lambda _: "to overwrite them, add --replace"),
    ArchiveExistsError: Hint("--overwrite", lambda _: "to replace it, add --overwrite"),
}


def hint_for(error: BaseException, command: Any) -> str | None:
    """The advice for an error, when the command that failed has the option it names.

    An error raised from another (a file's records refused together, say, raised from the
    first refusal) keeps the advice of the one it was raised from, unless it has its own.
    """
    options = {option for param in getattr(command, "params", ()) for option in param.opts}
    cause: BaseException | None = error
    while cause is not None:
        hint = next((HINTS[kind] for kind in type(cause).__mro__ if kind in HINTS), None)
        if hint is not None and (hint.option is None or hint.option in options):
            advice = hint.advice(cause)
            if advice is not None:
                return advice
        cause = cause.__cause__
    return None


def message_for(error: Exception, command: Any) -> str | None:
    """The one line to print for a user's mistake, or None for an error that is a bug."""
    if isinstance(error, USER_ERRORS):
        hint = hint_for(error, command)
        return f"{error} ({hint})" if hint else str(error)
    if isinstance(error, OperationalError):
        return f"database error: {error.orig}"
    if isinstance(error, BrokenPipeError):
        # The reader went away (`research ... | head`): not a mistake to report.
        return None
    if isinstance(error, OSError):
        return f"{error.filename or 'a file'}: {write_fault(error)}"
    if isinstance(error, sqlite3.Error):
        # Faults of a study's file reach here named (StudyDatabaseError); this is any other.
        return f"database error: {error}"
    return None
