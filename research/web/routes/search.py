"""Search: words in the transcripts, each hit in context, as a page and as JSON."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from interviews.errors import InterviewsError
from research.errors import ResearchError
from research.services import study_info, transcript_search
from research.services.transcript_search import SearchPage
from research.web.dependencies import SessionDep, render
from research.web.errors import status_of
from research.web.routes import records_forms as forms
from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])

CONTEXT_CHOICES = (4, 8, 15, 30)
PAGE_SIZE = 20

WordsQuery = Annotated[
    str,
    Query(
        min_length=1,
        description="words to find in this order (a phrase), case ignored, any script; "
        "end with * to take the last word as a prefix",
    ),
]
WhereQuery = Annotated[
    list[str], Query(description="ATTRIBUTE=VALUE of the respondent or interview; repeatable")
]
IncompleteQuery = Annotated[
    bool,
    Query(description="also hits in incomplete interviews (held back from quotation otherwise)"),
]
OffsetQuery = Annotated[int, Query(ge=0, description="hits to skip")]
LimitQuery = Annotated[
    int, Query(ge=1, le=transcript_search.MAX_LIMIT, description="hits on the page")
]
ContextQuery = Annotated[
    int,
    Query(
        ge=0, le=transcript_search.MAX_CONTEXT_WORDS, description="words shown on each side"
    ),
]


@router.get("/api/search", tags=["search"])
def search_api(
    session: SessionDep,
    q: WordsQuery,
    where: WhereQuery = [],  # noqa: B006 - FastAPI copies query defaults per request
    include_incomplete: IncompleteQuery = False,
    offset: OffsetQuery = 0,
    limit: LimitQuery = PAGE_SIZE,
    context: ContextQuery = transcript_search.DEFAULT_CONTEXT_WORDS,
) -> SearchPage:
    """A page of hits of the words in the transcripts, each with its context and codes;
    offsets are code points of the canonical transcript."""
    return transcript_search.search_transcripts(
        session,
        q,
        where=where,
        include_incomplete=include_incomplete,
        offset=offset,
        limit=limit,
        context_words=context,
    )


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request,
    session: SessionDep,
    q: str = "",
    where: Annotated[list[str], Query()] = [],  # noqa: B006
    include_incomplete: bool = False,
    offset: Annotated[int, Query(ge=0)] = 0,
    context: Annotated[int, Query(ge=0, le=transcript_search.MAX_CONTEXT_WORDS)] = (
        transcript_search.DEFAULT_CONTEXT_WORDS
    ),
) -> HTMLResponse:
    """The search form, and a page of hits in context with links to the next and previous."""
    dictionary = study_info.load_dictionary(session)
    scopes: list[Any] = ["respondent", "interview"]
    chosen = forms.chosen_filters(dictionary, scopes, request.query_params)
    conditions = forms.conditions(chosen, where)
    values: dict[str, Any] = {
        "q": q,
        "filters": forms.filter_views(dictionary, scopes, chosen),
        "where": [expression for expression in where if expression.strip()],
        "include_incomplete": include_incomplete,
        "context": context,
        "context_choices": sorted({*CONTEXT_CHOICES, context}),
        "page": None,
    }
    status_code = 200
    if q.strip():
        try:
            page = transcript_search.search_transcripts(
                session,
                q,
                where=conditions,
                include_incomplete=include_incomplete,
                offset=offset,
                limit=PAGE_SIZE,
                context_words=context,
            )
        except (ResearchError, InterviewsError) as error:
            values["error"] = str(error)
            status_code = status_of(error)
        else:
            values["page"] = page
            earlier = max(offset - PAGE_SIZE, 0)
            values["previous_url"] = _page_url(request, earlier) if offset else ""
            values["next_url"] = _page_url(request, offset + PAGE_SIZE) if page.more else ""
    return render(request, "search.html.j2", values, status_code=status_code)


def _page_url(request: Request, offset: int) -> str:
    """This search at another offset, every other parameter kept."""
    kept = [(name, value) for name, value in request.query_params.multi_items() if name != "offset"]
    return "/search?" + urlencode([*kept, ("offset", str(offset))])
