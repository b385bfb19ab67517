"""Indexed search of transcripts: the database's full-text index finds the passages, and
each hit is shown in context (words either side, interview, respondent, codes at that spot).

The index (migration 0008) is SQLite FTS5 or PostgreSQL full text over transcript
passages; it narrows the search to the passages holding the words, and `search.locate`
finds the hits in them, in code points of the canonical transcript. A SQLite built
without FTS5 has no index: every passage is read, and `SearchPage.indexed` says so.

Incomplete interviews (docs/architecture-details.md, "Incomplete records") are held back from
anything that quotes: their hits are left out unless `include_incomplete=True`, and the
page says how many interviews with hits were held back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from interviews.dictionary import DataDictionary
from research.errors import ResearchError
from research.services import study_info
from research.services.attributes import from_storage
from research.services.filters import Condition, matches_all, parse_conditions
from research.services.interview_rows import missing_values
from research.services.records import Record
from research.services.respondents import INTERVIEW_ORDER
from research.services.search import (
    Query,
    Snippet,
    locate,
    parse_query,
)
from research.storage.tables import (
    CodeRow,
    CodingRow,
    InterviewRow,
    RespondentRow,
    TranscriptPassageRow,
)

__all__ = [
    "DEFAULT_CONTEXT_WORDS",
    "DEFAULT_LIMIT",
    "KeywordHit",
    "SearchPage",
    "first_hits",
    "search_transcripts",
]

DEFAULT_LIMIT = 20
DEFAULT_CONTEXT_WORDS = 8
MAX_LIMIT = 500
MAX_CONTEXT_WORDS = 50
_BATCH = 50
_IDS_PER_QUERY = 500
# Enough characters to hold the words of context in any script (an Armenian word is long).
_CHARACTERS_PER_WORD = 24
_SPACES = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S+")
# PostgreSQL: the stored vector migration 0008 adds (not modelled, as it is PostgreSQL's own).
_POSTGRES_VECTOR = "transcript_passages.search_vector"


class KeywordHit(Record):
    """One hit in context: where it is, the words either side, and the codes applied there.

    `before + match + after` reads as the text does (whitespace runs as one space): the
    space between the context and the hit, if the text has one, is part of the context.
    """

    interview_id: str
    respondent_id: str
    start_offset: int
    end_offset: int
    before: str
    match: str
    after: str
    codes: list[str]
    complete: bool


class SearchPage(Record):
    """A page of hits, in interview order (by date, undated last) and text order within."""

    query: str
    words: list[str]
    hits: list[KeywordHit]
    offset: int
    limit: int
    more: bool
    interviews: int
    held_back: int
    include_incomplete: bool
    indexed: bool


@dataclass(frozen=True)
class _Candidate:
    passage_id: int
    interview_id: str
    own_end_offset: int
    start_offset: int
    end_offset: int


@dataclass(frozen=True)
class _Interview:
    respondent_id: str
    complete: bool
    wanted: bool


def search_transcripts(
    session: Session,
    query: str,
    *,
    where: Sequence[str] = (),
    include_incomplete: bool = False,
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
    context_words: int = DEFAULT_CONTEXT_WORDS,
) -> SearchPage:
    """A page of hits of `query` (words in order; a trailing `*` makes the last a prefix)
    in the transcripts of interviews matching `where`, each with its context and codes."""
    if offset < 0:
        raise ResearchError(f"offset must be 0 or more, not {offset}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ResearchError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if not 0 <= context_words <= MAX_CONTEXT_WORDS:
        raise ResearchError(
            f"words of context must be between 0 and {MAX_CONTEXT_WORDS}, not {context_words}"
        )
    parsed = parse_query(query)
    dictionary = study_info.load_dictionary(session)
    conditions = parse_conditions(dictionary, where)
    indexed = has_index(session)
    candidates = _candidates(session, parsed, indexed=indexed)
    interviews = _interviews(
        session, dictionary, {c.interview_id for c in candidates}, conditions
    )
    shown = {
        interview_id
        for interview_id, interview in interviews.items()
        if interview.wanted and (interview.complete or include_incomplete)
    }
    held_back = sum(
        1 for interview in interviews.values() if interview.wanted and not interview.complete
    )
    located = _hits(session, [c for c in candidates if c.interview_id in shown], parsed)
    page: list[tuple[str, int, int]] = []
    more = False
    with_hits: set[str] = set()
    for position, hit in enumerate(located):
        with_hits.add(hit[0])
        if position >= offset + limit:
            more = True
            if indexed:
                break  # the index counted the interviews already; stop reading
        elif position >= offset:
            page.append(hit)
    if not indexed:
        # Without an index every passage was read: the interviews are the ones with hits.
        shown = with_hits
        if not include_incomplete:
            held = {i for i, v in interviews.items() if v.wanted and not v.complete}
            others = [c for c in candidates if c.interview_id in held]
            held_back = len({interview_id for interview_id, _, _ in _hits(session, others, parsed)})
    hits = _in_context(session, page, interviews, context_words)
    return SearchPage(
        query=query.strip(),
        words=parsed.words,
        hits=hits,
        offset=offset,
        limit=limit,
        more=more,
        interviews=len(shown),
        held_back=held_back if not include_incomplete else 0,
        include_incomplete=include_incomplete,
        indexed=indexed,
    )


def first_hits(session: Session, query: str, *, prefix: bool = True) -> dict[str, Snippet]:
    """For each interview whose transcript holds `query`, the passage around its first hit
    (and its number of hits); the last word is a prefix, as a search box is typed."""
    parsed = parse_query(query, prefix=prefix)
    candidates = _candidates(session, parsed, indexed=has_index(session))
    found: dict[str, Snippet] = {}
    counts: dict[str, int] = {}
    for candidate, body in _bodies(session, candidates):
        hits = _owned(candidate, body, parsed)
        if not hits:
            continue
        counts[candidate.interview_id] = counts.get(candidate.interview_id, 0) + len(hits)
        if candidate.interview_id not in found:
            start, end = hits[0]
            found[candidate.interview_id] = _snippet(body, candidate.start_offset, start, end)
    return {
        interview_id: snippet.model_copy(update={"hits": counts[interview_id]})
        for interview_id, snippet in found.items()
    }


def has_index(session: Session) -> bool:
    """Whether the database has its full-text index (SQLite without FTS5 has none)."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return True
    return bool(
        session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'transcript_index'")
        )
    )


def _match_condition(session: Session, query: Query) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "sqlite":
        # An FTS5 phrase; the words hold only letters and digits, so no quote needs escaping.
        phrase = '"' + query.text + '"' + ("*" if query.prefix else "")
        matching: Select[tuple[Any]] = (
            select(literal_column("rowid"))
            .select_from(text("transcript_index"))
            .where(text("transcript_index MATCH :phrase").bindparams(phrase=phrase))
        )
        return TranscriptPassageRow.passage_id.in_(matching)
    if not query.prefix:
        tsquery = "phraseto_tsquery('simple', :phrase)"
        parameters = {"phrase": query.text}
    elif len(query.words) == 1:
        tsquery = "to_tsquery('simple', :last)"
        parameters = {"last": f"'{query.words[-1]}':*"}
    else:
        tsquery = "tsquery_phrase(phraseto_tsquery('simple', :head), to_tsquery('simple', :last))"
        parameters = {"head": " ".join(query.words[:-1]), "last": f"'{query.words[-1]}':*"}
    return text(f"{_POSTGRES_VECTOR} @@ {tsquery}").bindparams(**parameters)  # type: ignore[return-value]


def _candidates(session: Session, query: Query, *, indexed: bool) -> list[_Candidate]:
    statement = (
        select(
            TranscriptPassageRow.passage_id,
            TranscriptPassageRow.interview_id,
            TranscriptPassageRow.own_end_offset,
            TranscriptPassageRow.start_offset,
            TranscriptPassageRow.end_offset,
        )
        .join(InterviewRow, InterviewRow.interview_id == TranscriptPassageRow.interview_id)
        .order_by(*INTERVIEW_ORDER, TranscriptPassageRow.start_offset)
    )
    if indexed:
        statement = statement.where(_match_condition(session, query))
    return [_Candidate(*row) for row in session.execute(statement)]


def _interviews(
    session: Session,
    dictionary: DataDictionary,
    interview_ids: set[str],
    conditions: Sequence[Condition],
) -> dict[str, _Interview]:
    """Respondent, completeness and the filter's verdict for each interview with hits."""
    ordered = sorted(interview_ids)
    result: dict[str, _Interview] = {}
    for first in range(0, len(ordered), _IDS_PER_QUERY):
        rows = session.execute(
            select(
                InterviewRow.interview_id,
                InterviewRow.respondent_id,
                InterviewRow.interview_date,
                InterviewRow.consent,
                InterviewRow.attributes,
                RespondentRow.attributes.label("respondent_attributes"),
            )
            .join(RespondentRow, RespondentRow.respondent_id == InterviewRow.respondent_id)
            .where(InterviewRow.interview_id.in_(ordered[first : first + _IDS_PER_QUERY]))
        )
        for row in rows:
            core = {"interview_date": row.interview_date, "consent": row.consent}
            complete = not missing_values(
                dictionary, {**row.attributes, **core}, row.respondent_attributes
            )
            wanted = not conditions or matches_all(
                conditions,
                {
                    **from_storage(dictionary, row.respondent_attributes),
                    **from_storage(dictionary, row.attributes),
                    **{name: value for name, value in core.items() if value is not None},
                },
            )
            result[row.interview_id] = _Interview(row.respondent_id, complete, wanted)
    return result


def _bodies(
    session: Session, candidates: Sequence[_Candidate]
) -> Iterator[tuple[_Candidate, str]]:
    """Each candidate with its passage's text, read a batch at a time, in order.

    A passage holds no copy of its text: each batch reads, per interview, the one stretch
    of the transcript that spans its passages there, and cuts them from it.
    """
    for first in range(0, len(candidates), _BATCH):
        batch = candidates[first : first + _BATCH]
        spans = _spans((c.interview_id, c.start_offset, c.end_offset) for c in batch)
        texts = _stretches(session, spans)
        for candidate in batch:
            low = spans[candidate.interview_id][0]
            stretch = texts[candidate.interview_id]
            yield candidate, stretch[candidate.start_offset - low : candidate.end_offset - low]


def _spans(pieces: Iterable[tuple[str, int, int]]) -> dict[str, tuple[int, int]]:
    """For each interview, the least span [low, high) covering its pieces (start, end)."""
    spans: dict[str, tuple[int, int]] = {}
    for interview_id, start, end in pieces:
        low, high = spans.get(interview_id, (start, end))
        spans[interview_id] = (min(low, start), max(high, end))
    return spans


def _stretches(session: Session, spans: dict[str, tuple[int, int]]) -> dict[str, str]:
    """For each interview, its transcript's text over [low, high), in one query."""
    interview = InterviewRow.interview_id
    first = case({i: low + 1 for i, (low, _) in spans.items()}, value=interview)
    length = case({i: high - low for i, (low, high) in spans.items()}, value=interview)
    return {
        interview_id: stretch or ""
        for interview_id, stretch in session.execute(
            select(interview, func.substr(InterviewRow.transcript, first, length)).where(
                interview.in_(list(spans))
            )
        ).all()
    }


def _owned(candidate: _Candidate, body: str, query: Query) -> list[tuple[int, int]]:
    # A hit starting in the overlap belongs to the next passage, which has it too.
    return [
        hit
        for hit in locate(body, query, base_offset=candidate.start_offset)
        if hit[0] < candidate.own_end_offset
    ]


def _hits(
    session: Session, candidates: Sequence[_Candidate], query: Query
) -> Iterator[tuple[str, int, int]]:
    for candidate, body in _bodies(session, candidates):
        for start, end in _owned(candidate, body, query):
            yield candidate.interview_id, start, end


def _in_context(
    session: Session,
    page: Sequence[tuple[str, int, int]],
    interviews: dict[str, _Interview],
    context_words: int,
) -> list[KeywordHit]:
    """The page's hits with their context and codes: two queries, whatever the page's size."""
    if not page:
        return []
    reach = context_words * _CHARACTERS_PER_WORD + 1
    # One window of text per interview, from before its first hit to after its last.
    windows = _spans(page)
    bounds = {i: (max(0, low - reach), high + reach) for i, (low, high) in windows.items()}
    texts = _stretches(session, bounds)
    codings = session.execute(
        select(CodingRow.interview_id, CodingRow.start_offset, CodingRow.end_offset, CodeRow.path)
        .join(CodeRow, CodeRow.code_id == CodingRow.code_id)
        .where(
            or_(
                *(
                    and_(
                        CodingRow.interview_id == interview_id,
                        CodingRow.start_offset < high,
                        CodingRow.end_offset > low,
                    )
                    for interview_id, (low, high) in windows.items()
                )
            )
        )
    ).all()
    coded: dict[str, list[tuple[int, int, str]]] = {}
    for interview_id, coding_start, coding_end, path in codings:
        coded.setdefault(interview_id, []).append((coding_start, coding_end, path))
    hits = []
    for interview_id, start, end in page:
        window_start, window_end = bounds[interview_id]
        window = texts[interview_id]
        before, match, after = _context(
            window,
            start - window_start,
            end - window_start,
            context_words,
            cut_left=window_start > 0,
            cut_right=len(window) == window_end - window_start,
        )
        codes = {
            path
            for coding_start, coding_end, path in coded.get(interview_id, [])
            if coding_start < end and coding_end > start
        }
        hits.append(
            KeywordHit(
                interview_id=interview_id,
                respondent_id=interviews[interview_id].respondent_id,
                start_offset=start,
                end_offset=end,
                before=before,
                match=match,
                after=after,
                codes=sorted(codes),
                complete=interviews[interview_id].complete,
            )
        )
    return hits


def _context(
    window: str, start: int, end: int, words: int, *, cut_left: bool, cut_right: bool
) -> tuple[str, str, str]:
    """(before, match, after) of a hit at [start, end) of `window`, `words` words each side.

    Whitespace runs become one space, and are kept where the text has them: a prefix's
    hit ("Москв") is followed by the rest of its word without a space ("а").
    """
    before_text = window[:start]
    runs = list(_NON_SPACE.finditer(before_text))
    if cut_left and runs and runs[0].start() == 0:
        runs = runs[1:]  # the window may have begun inside a word
    kept = _with_words(runs[::-1], words)
    before = before_text[kept[-1].start() :] if kept else ""
    after_text = window[end:]
    runs = list(_NON_SPACE.finditer(after_text))
    if cut_right and runs and runs[-1].end() == len(after_text):
        runs = runs[:-1]  # the window may have ended inside a word
    kept = _with_words(runs, words)
    after = after_text[: kept[-1].end()] if kept else ""
    return (
        _SPACES.sub(" ", before),
        _SPACES.sub(" ", window[start:end]),
        _SPACES.sub(" ", after),
    )


_SNIPPET_CONTEXT = 70


def _with_words(runs: Sequence[re.Match[str]], words: int) -> list[re.Match[str]]:
    """The leading runs of non-space that hold `words` words (punctuation alone is no word)."""
    kept: list[re.Match[str]] = []
    counted = 0
    for run in runs:
        is_word = any(character.isalnum() for character in run.group())
        # Punctuation next to the hit stays (a closing quote), none past the last word.
        if counted == words and (is_word or counted > 0):
            break
        kept.append(run)
        counted += is_word
    return kept


def _snippet(body: str, base_offset: int, start: int, end: int) -> Snippet:
    """The passage around a hit, cut at word borders, whitespace collapsed (the list view's)."""
    local_start, local_end = start - base_offset, end - base_offset
    left = max(0, local_start - _SNIPPET_CONTEXT)
    right = min(len(body), local_end + _SNIPPET_CONTEXT)
    if left > 0:
        space = body.find(" ", left, local_start)
        left = space + 1 if space >= 0 else left
    if right < len(body):
        space = body.rfind(" ", local_end, right)
        right = space if space >= 0 else right
    cut_left = left > 0 or base_offset > 0
    before = ("… " if cut_left else "") + _SPACES.sub(" ", body[left:local_start]).lstrip()
    after = _SPACES.sub(" ", body[local_end:right]).rstrip() + (" …" if right < len(body) else "")
    return Snippet(
        start_offset=start,
        end_offset=end,
        before=before,
        match=_SPACES.sub(" ", body[local_start:local_end]),
        after=after,
        hits=1,
    )
