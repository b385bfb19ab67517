"""The study home page: counts, the codebook, recent activity and where to start coding."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from research.services import activity
from research.services.activity import ActivityKind, ActivityRecord
from research.services.records import StudySummary
from research.web.dependencies import SessionDep, StudyDep, current_coder, render
from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])

LATEST_CODINGS = 10
STUDY_CHANGES = 12
PROGRESS_SHOWN = 12
MAX_ACTIVITY = 200
CODING_KINDS: tuple[ActivityKind, ...] = ("coding",)
CHANGE_KINDS: tuple[ActivityKind, ...] = ("codebook", "respondent", "interview")


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, session: SessionDep, study: StudyDep) -> HTMLResponse:
    """Counts, the codebook, latest codings, study changes and interviews to code."""
    coder = current_coder(request)
    progress = activity.coding_progress(session, coder=coder)
    return render(
        request,
        "home.html.j2",
        {
            "summary": study.summary(),
            "codings": activity.recent_activity(session, limit=LATEST_CODINGS, kinds=CODING_KINDS),
            "changes": activity.recent_activity(session, limit=STUDY_CHANGES, kinds=CHANGE_KINDS),
            "progress": progress[:PROGRESS_SHOWN],
            "progress_total": len(progress),
        },
    )


@router.get("/api/summary", tags=["study"])
def summary_api(study: StudyDep) -> StudySummary:
    """Counts of the study: respondents, interviews, transcripts, codings per coder, codebook.

    The database's location stays on the server: `database` names only its kind.
    """
    summary = study.summary()
    kind = "SQLite" if study.location.is_sqlite else "PostgreSQL"
    return summary.model_copy(update={"database": kind})


@router.get("/api/activity", tags=["study"])
def activity_api(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_ACTIVITY, description="How many, newest first.")] = 20,
    kind: Annotated[
        list[ActivityKind] | None, Query(description="Only these kinds (repeatable).")
    ] = None,
) -> list[ActivityRecord]:
    """Latest codings, codebook changes, new respondents and interviews, newest first."""
    return activity.recent_activity(session, limit=limit, kinds=kind)
