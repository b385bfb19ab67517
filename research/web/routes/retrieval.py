"""Retrieval: every segment of a code in its context, as a page, a CSV file and JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from codebook import Code, CodebookError
from interviews.dictionary import AttributeType, DataDictionary
from interviews.errors import InterviewsError
from research.errors import ResearchError
from research.services import codebooks, codings, retrieval, study_info
from research.services.formulas import inert_text
from research.services.retrieval import RetrievalCounts, SegmentInContext, SegmentPage
from research.web.dependencies import SessionDep, StudyDep, render
from research.web.errors import status_of
from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])

CONTEXT_CHOICES = (0, 50, 100, 200, 400, 800)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
FILTER_TYPES = (AttributeType.SINGLE_CHOICE, AttributeType.MULTIPLE_CHOICE, AttributeType.YES_NO)
CSV_COLUMNS = (
    "coding_id",
    "interview_id",
    "respondent_id",
    "code_path",
    "coder",
    "created_at",
    "start_offset",
    "end_offset",
    "before",
    "quote",
    "after",
    "memo",
)

CodeQuery = Annotated[str, Query(description="a code id or path; codes below it are included")]
CoderQuery = Annotated[str | None, Query(description="only this coder's codings")]
WhereQuery = Annotated[
    list[str], Query(description="ATTRIBUTE=VALUE of the respondent or interview; repeatable")
]
LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description="segments per page, at most 1000")
]
CursorQuery = Annotated[
    str | None,
    Query(description="a page's next_cursor: the page after it (stable while codings change)"),
]
ContextQuery = Annotated[
    int,
    Query(
        ge=0,
        le=retrieval.MAX_CONTEXT_CHARACTERS,
        description="characters of transcript shown on each side, trimmed to whole words",
    ),
]


class RetrievedCode(BaseModel):
    """The code retrieved: its path and rules."""

    code_id: str
    path: str
    display_title: str
    definition: str
    inclusion: str
    exclusion: str
    memo: str


class Retrieval(BaseModel):
    """A page of a code's segments with their context, where the next page starts, and how
    many segments, interviews and respondents match in all."""

    code: RetrievedCode
    counts: RetrievalCounts
    segments: list[SegmentInContext]
    next_cursor: str | None


@router.get("/api/retrieval", tags=["retrieval"])
def retrieval_api(
    session: SessionDep,
    code: CodeQuery,
    coder: CoderQuery = None,
    where: WhereQuery = [],  # noqa: B006 - FastAPI copies query defaults per request
    context: ContextQuery = retrieval.DEFAULT_CONTEXT_CHARACTERS,
    limit: LimitQuery = PAGE_SIZE,
    cursor: CursorQuery = None,
) -> Retrieval:
    """A page of the segments of `code` (codes below it included) with the text around them;
    `next_cursor` asks for the next page, `counts` cover every page."""
    chosen, page = _page(session, code, coder, where, context, limit, cursor)
    return Retrieval(
        code=_retrieved_code(session, chosen),
        counts=page.counts,
        segments=page.segments,
        next_cursor=page.next_cursor,
    )


@router.get("/retrieval.csv", include_in_schema=False)
def retrieval_csv(
    study: StudyDep,
    session: SessionDep,
    code: CodeQuery,
    coder: CoderQuery = None,
    where: WhereQuery = [],  # noqa: B006
    context: ContextQuery = retrieval.DEFAULT_CONTEXT_CHARACTERS,
) -> Response:
    """Every segment the retrieval page pages through, as CSV (UTF-8 with BOM, so spreadsheets
    read every script), written as the rows are read."""
    # Checked first, in the request's transaction: a bad filter is an error status, not a
    # download cut short.
    chosen, _ = _page(session, code, coder, where, context, 1, None)
    filters: dict[str, Any] = {
        "code": chosen.code_id,
        "coder": coder or None,
        "where": _conditions(where),
        "context_characters": context,
    }

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(CSV_COLUMNS)
        # The request's session has closed by now: the download reads in its own.
        with study.transaction() as reading:
            for number, segment in enumerate(retrieval.iter_segments(reading, **filters)):
                values = segment.model_dump()
                writer.writerow([_cell(values[column]) for column in CSV_COLUMNS])
                if number % 500 == 499:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    filename = f"retrieval-{chosen.code_id}.csv"
    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/retrieval", response_class=HTMLResponse, include_in_schema=False)
def retrieval_page(
    request: Request,
    session: SessionDep,
    code: str = "",
    coder: str = "",
    where: Annotated[list[str], Query()] = [],  # noqa: B006
    context: int = retrieval.DEFAULT_CONTEXT_CHARACTERS,
    cursor: str = "",
) -> HTMLResponse:
    """Segments of a code in context, filtered by coder and respondent or interview attributes."""
    conditions = _conditions(where)
    values: dict[str, Any] = {
        "code": code,
        "coder_filter": coder,
        "where": conditions,
        "context": context,
        "context_choices": sorted({*CONTEXT_CHOICES, context}),
    }
    values.update(_filter_options(session, conditions))
    # The download holds every segment, whichever page is on screen.
    values["csv_query"] = "&".join(
        part for part in request.url.query.split("&") if not part.startswith("cursor=")
    )
    status_code = 200
    if code:
        try:
            values.update(_results(session, code, coder, conditions, context, cursor or None))
        except (CodebookError, ResearchError, InterviewsError) as error:
            values["error"] = str(error)
            status_code = status_of(error)
    return render(request, "retrieval.html.j2", values, status_code=status_code)


def _results(
    session: Session,
    code: str,
    coder: str,
    conditions: list[str],
    context: int,
    cursor: str | None,
) -> dict[str, Any]:
    chosen, page = _page(session, code, coder, conditions, context, PAGE_SIZE, cursor)
    codebook = codebooks.load_codebook(session)
    return {
        "chosen": chosen,
        "chosen_path": codebook.path_of(chosen.code_id),
        "chosen_colour": codebook.colour_of(chosen.code_id),
        "segments": page.segments,
        "counts": page.counts,
        "paged": cursor is not None,
        "next_query": None
        if page.next_cursor is None
        else urlencode(
            [
                ("code", chosen.code_id),
                ("coder", coder),
                *(("where", condition) for condition in conditions),
                ("context", str(context)),
                ("cursor", page.next_cursor),
            ]
        ),
        "held_back": codings.codings_held_back(
            session, code=chosen.code_id, coder=coder or None, where=conditions
        ),
        "colours": {item.code_id: codebook.colour_of(item.code_id) for item in codebook.codes},
    }


def _filter_options(session: Session, conditions: list[str]) -> dict[str, Any]:
    """What the filter form offers: codes, coders, and the dictionary's choice attributes."""
    codebook = codebooks.load_codebook(session)
    counts = codebooks.codings_per_code(session)
    dictionary = study_info.load_dictionary(session)
    chosen = dict(condition.partition("=")[::2] for condition in conditions)
    attributes = _filter_attributes(dictionary)
    totals = codebooks.codings_with_descendants(codebook, counts)
    offered = {attribute["name"] for attribute in attributes}
    return {
        "codes": [
            {
                "code_id": item.code_id,
                "path": codebook.path_of(item.code_id),
                "depth": len(codebook.ancestors(item.code_id)),
                "display_title": item.display_title,
                "count": totals[item.code_id],
            }
            for item in codebook.codes
        ],
        "coders": codings.coders(session),
        "attributes": attributes,
        "chosen_attributes": chosen,
        "other_conditions": [c for c in conditions if c.partition("=")[0] not in offered],
    }


def _filter_attributes(dictionary: DataDictionary) -> list[dict[str, Any]]:
    """Attributes with a closed set of values, each as a select's label and options."""
    found = []
    for attribute in dictionary.attributes:
        if attribute.type not in FILTER_TYPES:
            continue
        if attribute.type == AttributeType.YES_NO:
            options = [("yes", "yes"), ("no", "no")]
        else:
            options = [(choice.value, choice.label) for choice in attribute.choices]
        found.append(
            {
                "name": attribute.name,
                "label": attribute.label,
                "scope": attribute.scope,
                "options": options,
            }
        )
    return found


def _page(
    session: Session,
    code: str,
    coder: str | None,
    where: list[str],
    context: int,
    limit: int,
    cursor: str | None,
) -> tuple[Code, SegmentPage]:
    """The chosen code and a page of its segments in context, as every view of retrieval asks."""
    chosen = codebooks.find_code(session, code)
    page = retrieval.page_segments(
        session,
        code=chosen.code_id,
        coder=coder or None,
        where=_conditions(where),
        context_characters=context,
        limit=limit,
        cursor=cursor,
    )
    return chosen, page


def _conditions(where: list[str]) -> list[str]:
    """The filter's conditions; a select left at 'any' sends an empty value, which is no filter."""
    return [condition for condition in where if condition.partition("=")[2].strip()]


def _retrieved_code(session: Session, code: Code) -> RetrievedCode:
    codebook = codebooks.load_codebook(session)
    return RetrievedCode(
        code_id=code.code_id,
        path=codebook.path_of(code.code_id),
        display_title=code.display_title,
        definition=code.definition,
        inclusion=code.inclusion,
        exclusion=code.exclusion,
        memo=code.memo,
    )


def _cell(value: object) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is made inert."""
    if isinstance(value, str):
        return inert_text(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
