"""Retrieval: every segment coded with a code, shown in the words around it."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

from sqlalchemy.orm import Session

from research.errors import ResearchError
from research.services.codings import (
    DEFAULT_PAGE_SIZE,
    iter_codings,
    page_codings,
    transcript_text,
    transcript_texts,
)
from research.services.records import CodingRecord, Record

DEFAULT_CONTEXT_CHARACTERS = 200
MAX_CONTEXT_CHARACTERS = 5000
ZERO_WIDTH_JOINER = "\u200d"
# Characters that belong to the character before them: a cut must not separate them.
_ATTACHED = frozenset({ZERO_WIDTH_JOINER, "\ufe0e", "\ufe0f"})


class SegmentInContext(CodingRecord):
    """One coded segment with the transcript text around it (offsets in code points)."""

    before: str
    after: str
    text_before_omitted: bool
    text_after_omitted: bool


class RetrievalCounts(Record):
    """How many segments, interviews and respondents a retrieval found."""

    segments: int
    interviews: int
    respondents: int


class SegmentPage(Record):
    """One page of segments in context, where the next page starts, and counts of them all."""

    segments: list[SegmentInContext]
    # Pass back as `cursor` for the next page; None on the last page.
    next_cursor: str | None
    counts: RetrievalCounts


def _check_context(context_characters: int) -> None:
    if not 0 <= context_characters <= MAX_CONTEXT_CHARACTERS:
        raise ResearchError(
            f"context of {context_characters} characters: choose 0 to {MAX_CONTEXT_CHARACTERS}"
        )


def iter_segments(
    session: Session,
    *,
    code: str,
    coder: str | None = None,
    where: Sequence[str] = (),
    context_characters: int = DEFAULT_CONTEXT_CHARACTERS,
    include_incomplete: bool = False,
) -> Iterator[SegmentInContext]:
    """Segments of `code` (children included) in text order, each with context on both sides,
    read as they are used: one transcript in memory at a time.

    Segments of incomplete interviews are held back unless `include_incomplete`.
    """
    _check_context(context_characters)
    found = iter_codings(
        session, code=code, coder=coder, where=where, include_incomplete=include_incomplete
    )
    # Codings come in interview order: each transcript is read once, when its first comes.
    for interview_id, group in groupby(found, key=lambda coding: coding.interview_id):
        text = transcript_text(session, interview_id)
        for coding in group:
            yield _in_context(coding, text, context_characters)


def segments_in_context(
    session: Session,
    *,
    code: str,
    coder: str | None = None,
    where: Sequence[str] = (),
    context_characters: int = DEFAULT_CONTEXT_CHARACTERS,
    include_incomplete: bool = False,
) -> list[SegmentInContext]:
    """Every segment of `code` (children included) in text order, with context on both sides;
    `page_segments` gives them a page at a time.

    Segments of incomplete interviews are held back unless `include_incomplete`.
    """
    return list(
        iter_segments(
            session,
            code=code,
            coder=coder,
            where=where,
            context_characters=context_characters,
            include_incomplete=include_incomplete,
        )
    )


def page_segments(
    session: Session,
    *,
    code: str,
    coder: str | None = None,
    where: Sequence[str] = (),
    context_characters: int = DEFAULT_CONTEXT_CHARACTERS,
    include_incomplete: bool = False,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> SegmentPage:
    """Up to `limit` segments of `code` after `cursor` (a page's `next_cursor`), in context,
    with the counts of every matching segment, interview and respondent.

    Pages follow the listing order by key (`codings.page_codings`): a segment coded while
    someone reads never repeats or skips a segment of the pages after it.
    """
    _check_context(context_characters)
    filters: dict[str, Any] = {
        "code": code,
        "coder": coder,
        "where": where,
        "include_incomplete": include_incomplete,
    }
    page = page_codings(session, limit=limit, cursor=cursor, **filters)
    texts = transcript_texts(session, {coding.interview_id for coding in page.codings})
    return SegmentPage(
        segments=[
            _in_context(coding, texts[coding.interview_id], context_characters)
            for coding in page.codings
        ],
        next_cursor=page.next_cursor,
        counts=RetrievalCounts(
            segments=page.total or 0,
            interviews=page.interviews or 0,
            respondents=page.respondents or 0,
        ),
    )


def _in_context(coding: CodingRecord, text: str, size: int) -> SegmentInContext:
    before, before_omitted = context_before(text, coding.start_offset, size)
    after, after_omitted = context_after(text, coding.end_offset, size)
    return SegmentInContext(
        **coding.model_dump(),
        before=before,
        after=after,
        text_before_omitted=before_omitted,
        text_after_omitted=after_omitted,
    )


def count_segments(segments: Sequence[SegmentInContext]) -> RetrievalCounts:
    """Segments, distinct interviews and distinct respondents among them."""
    return RetrievalCounts(
        segments=len(segments),
        interviews=len({segment.interview_id for segment in segments}),
        respondents=len({segment.respondent_id for segment in segments}),
    )


def context_before(text: str, start_offset: int, size: int) -> tuple[str, bool]:
    """Up to `size` characters before `start_offset`, starting at a whole word; and if cut."""
    begin = max(0, start_offset - size)
    if begin == 0:
        return text[:start_offset], False
    while begin < start_offset and not _starts_cluster(text, begin):
        begin += 1
    context = text[begin:start_offset]
    if not text[begin - 1].isspace() and not context[:1].isspace():
        # The window starts inside a word: drop the partial word, unless the window has
        # no space at all (scripts written without spaces keep their characters).
        space = next((index for index, char in enumerate(context) if char.isspace()), None)
        if space is not None:
            context = context[space:]
    return context.lstrip(), True


def context_after(text: str, end_offset: int, size: int) -> tuple[str, bool]:
    """Up to `size` characters after `end_offset`, ending at a whole word; and if cut."""
    finish = min(len(text), end_offset + size)
    if finish == len(text):
        return text[end_offset:], False
    while finish > end_offset and not _starts_cluster(text, finish):
        finish -= 1
    context = text[end_offset:finish]
    if not text[finish].isspace() and not context[-1:].isspace():
        space = next(
            (index for index in range(len(context) - 1, -1, -1) if context[index].isspace()),
            None,
        )
        if space is not None:
            context = context[:space]
    return context.rstrip(), True


def _starts_cluster(text: str, index: int) -> bool:
    """Whether a cut before text[index] keeps whole characters as readers see them.

    Combining marks and variation selectors belong to the character before them, and a
    zero-width joiner glues the characters on both sides into one emoji; skin tones
    modify the emoji before them.
    """
    char = text[index]
    joined = index > 0 and text[index - 1] == ZERO_WIDTH_JOINER
    skin_tone = "\U0001f3fb" <= char <= "\U0001f3ff"
    attached = unicodedata.combining(char) != 0 or char in _ATTACHED or skin_tone
    return not attached and not joined
