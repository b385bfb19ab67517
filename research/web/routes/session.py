"""The browser's session: its CSRF token and the coder's chosen name."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from research.errors import ResearchError
from research.services import codings
from research.services.coding_rules import MAX_CODER_LENGTH
from research.web.dependencies import CODER_COOKIE, SessionDep, current_coder, render
from research.web.schemas import CoderChoice, Strict
from research.web.security import csrf_token, require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])


class SessionInfo(Strict):
    """What a script needs before it writes: the CSRF token and the chosen coder."""

    csrf_token: str
    coder: str | None
    coders: list[str]


@router.get("/api/session", tags=["session"])
def get_session_info(request: Request, session: SessionDep) -> SessionInfo:
    """The CSRF token (its cookie is set on this response too), the coder and known coders."""
    return SessionInfo(
        csrf_token=csrf_token(request), coder=current_coder(request), coders=codings.coders(session)
    )


@router.post("/api/session/coder", tags=["session"])
def choose_coder_api(choice: CoderChoice) -> JSONResponse:
    """Work under `name` from now on; every coding records it."""
    name = _checked_name(choice.name)
    response = JSONResponse({"coder": name})
    _set_coder(response, name)
    return response


@router.get("/coder", response_class=HTMLResponse, include_in_schema=False)
def coder_page(request: Request, session: SessionDep, next: str = "/") -> HTMLResponse:
    """Pick or create a coder name."""
    return render(
        request, "coder.html.j2", {"coders": codings.coders(session), "next": _local(next)}
    )


@router.post("/coder", include_in_schema=False)
def choose_coder(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form()] = "",
    existing: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """The coder form: a typed new name wins over a picked one."""
    wanted = name.strip() or existing.strip()
    try:
        chosen = _checked_name(wanted)
    except ResearchError as error:
        return render(
            request,
            "coder.html.j2",
            {"coders": codings.coders(session), "next": _local(next), "error": str(error)},
            status_code=422,
        )
    response = RedirectResponse(_local(next), status_code=303)
    _set_coder(response, chosen)
    return response


def _checked_name(name: str) -> str:
    chosen = name.strip()
    if not chosen:
        raise ResearchError("type a coder name or pick one")
    if len(chosen) > MAX_CODER_LENGTH or not chosen.isprintable():
        raise ResearchError(
            f"a coder name is printable text of at most {MAX_CODER_LENGTH} characters"
        )
    return chosen


def _set_coder(response: Response, name: str) -> None:
    response.set_cookie(
        CODER_COOKIE,
        quote(name, safe=""), httponly=True, samesite="strict", max_age=60 * 60 * 24 * 365
    )


def _local(target: str) -> str:
    """Only paths on this server are followed after a form (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
