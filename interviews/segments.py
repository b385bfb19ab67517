"""Segments of a transcript: code-point spans into its canonical text, end exclusive.

A segment begins and ends between user-perceived characters (extended grapheme clusters,
`interviews.graphemes`): never between a letter and its combining mark, inside a flag or
an emoji sequence.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interviews.errors import (
    AmbiguousQuoteError,
    GraphemeSplitError,
    QuoteMismatchError,
    QuoteNotFoundError,
    SegmentError,
)
from interviews.graphemes import cluster_around, whole_clusters, widened
from interviews.quotes import loose, loose_matches, nearest_passage
from interviews.text import normalise

_SHOWN_CHARACTERS = 40


class Span(BaseModel):
    """A non-empty span ``text[start:end]`` of a canonical transcript, in code points."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

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
    for name, offset in (("start", start), ("end", end)):
        cluster = cluster_around(text, offset)
        if cluster is not None:
            raise _split(text, name, offset, cluster, start=start, end=end)
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


def _split(
    text: str, name: str, offset: int, cluster: tuple[int, int], *, start: int, end: int
) -> GraphemeSplitError:
    before, after = cluster
    return GraphemeSplitError(
        f"{name} {offset} falls inside the character {shorten(text[before:after])} at "
        f"{before}..{after}; the nearest boundaries are {before} and {after}",
        start=start,
        end=end,
        nearest=cluster,
    )


def find_quote(
    text: str, quote: str, *, occurrence: int | None = None, source: str = "the text"
) -> Span:
    """Return the span of ``quote`` in ``text``, matched loosely (see ``interviews.quotes``).

    A quote that appears more than once needs ``occurrence`` (1-based) to say which; one
    that appears nowhere is refused naming the nearest passage, when one is close.
    ``source`` names the text in messages (e.g. ``interview D18``).
    """
    if occurrence is not None and occurrence < 1:
        raise SegmentError(f"occurrence must be 1 or more, not {occurrence}")
    if not loose(quote):
        raise SegmentError("the quote is empty or only whitespace")
    # A match that cuts a character in two (one emoji of a family) is not the quote.
    spans = [span for span in loose_matches(text, normalise(quote)) if whole_clusters(text, *span)]
    if not spans:
        raise _not_found(text, quote, source)
    if occurrence is None:
        if len(spans) > 1:
            raise AmbiguousQuoteError(
                f"{shorten(quote)} appears {len(spans)} times in {source} "
                f"({_listed(spans)}); say which occurrence, 1 to {len(spans)}",
                occurrences=len(spans),
            )
        occurrence = 1
    if occurrence > len(spans):
        times = "once" if len(spans) == 1 else f"{len(spans)} times"
        raise SegmentError(
            f"{shorten(quote)} appears {times} in {source}; occurrence {occurrence} asked"
        )
    start, end = spans[occurrence - 1]
    return Span(start=start, end=end)


def _not_found(text: str, quote: str, source: str) -> QuoteNotFoundError:
    nearest = nearest_passage(text, normalise(quote))
    if nearest is None:
        return QuoteNotFoundError(f"no {shorten(quote)} in {source}, nor any passage close to it")
    start, end = widened(text, nearest.start, nearest.end)
    passage = " ".join(text[start:end].split())
    return QuoteNotFoundError(
        f"no {shorten(quote)} in {source}; nearest passage at [{start}:{end}]: {shorten(passage)}",
        nearest=(start, end),
    )


def _listed(spans: list[tuple[int, int]], limit: int = 3) -> str:
    shown = ", ".join(f"[{start}:{end}]" for start, end in spans[:limit])
    return f"at {shown}" + (", ..." if len(spans) > limit else "")


def shorten(value: str, limit: int = _SHOWN_CHARACTERS) -> str:
    """Quote a piece of text for a message, cut to ``limit`` characters with an ellipsis."""
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return repr(value)
