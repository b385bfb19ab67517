"""Segments of a transcript: code-point spans into its canonical text, end exclusive."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interviews.errors import QuoteMismatchError, SegmentError
from interviews.text import normalise

_SHOWN_CHARACTERS = 40


class Span(BaseModel):
    """A non-empty span ``text[start:end]`` of a canonical transcript, in code points."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _start_before_end(self) -> Span:
        if self.start >= self.end:
            raise ValueError(f"start {self.start} must be before end {self.end}")
        return self

    @property
    def length(self) -> int:
        """Return the number of code points the span covers."""
        return self.end - self.start


def check_segment(text: str, start: int, end: int, quote: str | None = None) -> str:
    """Return ``text[start:end]`` after checking the offsets (and the quote, when given)."""
    if start < 0 or end < 0:
        raise SegmentError(
            f"offsets must not be negative (start {start}, end {end})", start=start, end=end
        )
    if start > end:
        raise SegmentError(
            f"start {start} is after end {end}; the offsets are reversed", start=start, end=end
        )
    if start == end:
        raise SegmentError(
            f"segment {start}..{end} is empty (start equals end)", start=start, end=end
        )
    if end > len(text):
        raise SegmentError(
            f"end {end} is beyond the end of the text ({len(text)} code points)",
            start=start,
            end=end,
        )
    segment = text[start:end]
    if segment.isspace():
        raise SegmentError(f"segment {start}..{end} contains only whitespace", start=start, end=end)
    if quote is not None and normalise(quote) != segment:
        raise QuoteMismatchError(
            f"segment {start}..{end} reads {shorten(segment)} but the quote is {shorten(quote)}",
            start=start,
            end=end,
        )
    return segment


def find_quote(text: str, quote: str, *, occurrence: int = 1) -> Span:
    """Return the span of the ``occurrence``-th appearance (1-based) of ``quote`` in ``text``."""
    if occurrence < 1:
        raise SegmentError(f"occurrence must be 1 or more, not {occurrence}")
    wanted = normalise(quote)
    if not wanted or wanted.isspace():
        raise SegmentError("the quote is empty or only whitespace")
    starts = _occurrences(text, wanted)
    if not starts:
        raise SegmentError(f"quote {shorten(wanted)} not found in the text")
    if occurrence > len(starts):
        times = "once" if len(starts) == 1 else f"{len(starts)} times"
        raise SegmentError(
            f"quote {shorten(wanted)} appears {times}; occurrence {occurrence} asked"
        )
    start = starts[occurrence - 1]
    return Span(start=start, end=start + len(wanted))


def _occurrences(text: str, quote: str) -> list[int]:
    """Return every start of ``quote`` in ``text``, overlapping ones included."""
    starts: list[int] = []
    index = text.find(quote)
    while index != -1:
        starts.append(index)
        index = text.find(quote, index + 1)
    return starts


def shorten(value: str, limit: int = _SHOWN_CHARACTERS) -> str:
    """Quote a piece of text for a message, cut to ``limit`` characters with an ellipsis."""
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return repr(value)
