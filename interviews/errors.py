"""Errors raised by the interviews package; each carries its context and reads as one line."""

from __future__ import annotations

from functools import partial
from typing import Any


def printable(text: str) -> str:
    """``text`` with every character that would break or disguise a line (a line feed, a
    control or format character such as a right-to-left override) written as its escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class InterviewsError(ValueError):
    """Base class for every error the interviews package raises on bad input."""

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self._context = context

    def location(self) -> list[str]:
        """Return the parts naming where the problem is, outermost first."""
        return []

    def __str__(self) -> str:
        parts = self.location()
        return f"{', '.join(parts)}: {self.message}" if parts else self.message

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        # Keyword-only context would be lost by the default exception pickling.
        return partial(type(self), self.message, **self._context), ()


class TranscriptError(InterviewsError):
    """A transcript cannot be read, decoded or accepted as canonical text.

    ``offset`` is a byte offset when the problem is in bytes being decoded, and a
    code-point offset when it is in text already decoded.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        offset: int | None = None,
    ) -> None:
        super().__init__(message, source=source, line=line, column=column, offset=offset)
        self.source = source
        self.line = line
        self.column = column
        self.offset = offset

    def location(self) -> list[str]:
        """Return the source name, line and column, as far as they are known."""
        parts = [printable(self.source)] if self.source is not None else []
        if self.line is not None:
            parts.append(f"line {self.line}")
            if self.column is not None:
                parts.append(f"column {self.column}")
        elif self.offset is not None:
            parts.append(f"offset {self.offset}")
        return parts


class UndecodableTranscriptError(TranscriptError):
    """Transcript bytes are not in the encoding tried; ``encodings`` are plausible others.

    The guesses are for the person to choose from; nothing is decoded with them silently.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        offset: int | None = None,
        encodings: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, source=source, line=line, column=column, offset=offset)
        self._context["encodings"] = encodings
        self.encodings = encodings


class TooLargeError(TranscriptError):
    """A file, or an entry of an archive, passes a size limit before or while it is read.

    ``entry`` names the archive entry (None for the file itself); ``limit`` names the field
    of the limits object that was passed (``text_bytes``, ``entries``, ``entry_bytes``,
    ``total_bytes`` or ``ratio``), so that a caller can say which setting raises it.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        entry: str | None = None,
        limit: str,
    ) -> None:
        InterviewsError.__init__(self, message, source=source, entry=entry, limit=limit)
        self.source = source
        self.line = self.column = self.offset = None
        self.entry = entry
        self.limit = limit

    def location(self) -> list[str]:
        """Return the file and, inside an archive, the entry."""
        parts = [printable(self.source)] if self.source is not None else []
        if self.entry is not None:
            parts.append(f"entry {printable(self.entry)}")
        return parts


class LooksLikeUtf8Error(TranscriptError):
    """A legacy single-byte encoding was named for bytes that read, in whole or in part, as UTF-8.

    A soft refusal: the person may have meant it (a file mixing both); ``utf8_bytes`` and
    ``utf8_lines`` say how much looks like UTF-8.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        offset: int | None = None,
        utf8_bytes: int = 0,
        utf8_lines: int = 0,
    ) -> None:
        super().__init__(message, source=source, line=line, column=column, offset=offset)
        self._context.update(utf8_bytes=utf8_bytes, utf8_lines=utf8_lines)
        self.utf8_bytes = utf8_bytes
        self.utf8_lines = utf8_lines


class SegmentError(InterviewsError):
    """A segment's offsets or quote do not fit the transcript text; messages name the offsets."""

    def __init__(self, message: str, *, start: int | None = None, end: int | None = None) -> None:
        super().__init__(message, start=start, end=end)
        self.start = start
        self.end = end


class QuoteMismatchError(SegmentError):
    """The text at a segment's offsets is not the quote the caller saw: the two copies differ."""


class QuoteNotFoundError(SegmentError):
    """A quote appears nowhere in the text; ``nearest`` is the closest passage, if one is close."""

    def __init__(self, message: str, *, nearest: tuple[int, int] | None = None) -> None:
        InterviewsError.__init__(self, message, nearest=nearest)
        self.start, self.end = nearest if nearest is not None else (None, None)
        self.nearest = nearest


class AmbiguousQuoteError(SegmentError):
    """A quote appears more than once and nobody said which occurrence was meant."""

    def __init__(self, message: str, *, occurrences: int) -> None:
        InterviewsError.__init__(self, message, occurrences=occurrences)
        self.start = self.end = None
        self.occurrences = occurrences


class OffsetError(SegmentError):
    """A single offset is out of range or falls inside a character (a UTF-16 surrogate pair)."""

    def __init__(self, message: str, *, offset: int | None = None) -> None:
        InterviewsError.__init__(self, message, offset=offset)
        self.start = offset
        self.end = offset
        self.offset = offset


class GraphemeSplitError(SegmentError):
    """A segment's offset falls inside a user-perceived character (an extended grapheme cluster).

    ``nearest`` holds that cluster's own boundaries, before and after the offset, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        start: int | None = None,
        end: int | None = None,
        nearest: tuple[int, int] | None = None,
    ) -> None:
        InterviewsError.__init__(self, message, start=start, end=end, nearest=nearest)
        self.start = start
        self.end = end
        self.nearest = nearest


class DictionaryError(InterviewsError):
    """A data dictionary definition is malformed, or names an attribute that does not exist."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, file=file, line=line, field=field)
        self.file = file
        self.line = line
        self.field = field

    def location(self) -> list[str]:
        """Return the file, line and attribute name, as far as they are known."""
        parts = [self.file] if self.file is not None else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field is not None:
            parts.append(f"attribute {self.field}")
        return parts


class InvalidValueError(InterviewsError):
    """A value given for a dictionary attribute cannot be parsed as that attribute's type."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.field = field

    def location(self) -> list[str]:
        """Return the attribute name, when known."""
        return [self.field] if self.field is not None else []
