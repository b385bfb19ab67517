"""What routes share: the open study, the coder's name, and rendering a page."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from interviews.importers import TranscriptLimits
from research.errors import ResearchError
from research.services import interviews
from research.services.coding_rules import MAX_CODER_LENGTH
from research.study import Study
from research.web.security import SAFE_METHODS, csrf_token

CODER_COOKIE = "research_coder"


class NoCoderError(ResearchError):
    """A write that records a coder came before the coder chose their name."""


def get_study(request: Request) -> Study:
    """The study this app serves."""
    study: Study = request.app.state.study
    return study


StudyDep = Annotated[Study, Depends(get_study)]


def get_session(request: Request, study: StudyDep) -> Iterator[Session]:
    """The request's transaction; one that may write waits for SQLite's write lock first."""
    with study.transaction(immediate=request.method not in SAFE_METHODS) as session:
        yield session


# "function" scope: the transaction commits before the response leaves, so a client that
# was told "saved" can rely on it, and a failed commit becomes an error response.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_limits(study: StudyDep) -> TranscriptLimits:
    """The study's limits on a transcript file, read in a transaction of their own."""
    with study.transaction() as session:
        return interviews.transcript_limits(session)


LimitsDep = Annotated[TranscriptLimits, Depends(get_limits)]


def current_coder(request: Request) -> str | None:
    """The coder's name from their cookie, or None before they choose one."""
    name = unquote(request.cookies.get(CODER_COOKIE, "")).strip()
    if not name or len(name) > MAX_CODER_LENGTH or not name.isprintable():
        return None
    return name


def require_coder(request: Request) -> str:
    """The coder's name; a write that records who did it needs one."""
    name = current_coder(request)
    if name is None:
        raise NoCoderError(
            "choose your coder name first (the Coder page, or POST /api/session/coder)"
        )
    return name


CoderDep = Annotated[str, Depends(require_coder)]


def templates(request: Request) -> Jinja2Templates:
    """The app's Jinja2 templates (autoescaping on)."""
    found: Jinja2Templates = request.app.state.templates
    return found


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A page from `template`, with what every page shows: study, coder, CSRF token."""
    values = {
        "study_name": request.app.state.study_name,
        "fictional": request.app.state.fictional,
        "coder": current_coder(request),
        "csrf_token": csrf_token(request),
        "path": request.url.path,
        **(context or {}),
    }
    return templates(request).TemplateResponse(request, template, values, status_code=status_code)
