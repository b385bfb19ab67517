"""The study home page: counts and recent activity."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from research.web.dependencies import StudyDep, render
from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, study: StudyDep) -> HTMLResponse:
    """Counts of the study."""
    return render(request, "home.html.j2", {"summary": study.summary()})
