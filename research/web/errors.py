"""Domain errors as HTTP answers: JSON with a clear `detail` for the API, a page for people."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from codebook.errors import CodebookError
from interviews.errors import InterviewsError, QuoteMismatchError, TooLargeError
from research.errors import (
    ConflictError,
    FileWriteError,
    InvalidRecordError,
    NotAllowedError,
    NotFoundError,
    ResearchError,
    StudyBusyError,
    StudyDatabaseError,
    UnconfirmedWarningsError,
)
from research.web.dependencies import NoCoderError, render
from research.web.security import CsrfError


def status_of(error: Exception) -> int:
    """The HTTP status a domain error answers with."""
    if isinstance(error, CsrfError | NotAllowedError):
        return 403
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ConflictError | QuoteMismatchError):
        return 409
    if isinstance(error, NoCoderError):
        return 400
    if isinstance(error, TooLargeError):
        return 413
    if isinstance(error, InvalidRecordError | UnconfirmedWarningsError):
        return 422
    if isinstance(error, CodebookError | InterviewsError):
        return 422
    if isinstance(error, StudyDatabaseError | FileWriteError):
        # The study's file or disk, not the request: damaged, full, read-only.
        return 503
    return 400


def error_body(error: Exception) -> dict[str, Any]:
    """The JSON body of an error: `detail` always; field issues when a record was refused."""
    body: dict[str, Any] = {"detail": str(error)}
    if isinstance(error, InvalidRecordError):
        body["errors"] = [issue.model_dump() for issue in error.issues]
    if isinstance(error, UnconfirmedWarningsError):
        body["warnings"] = [issue.model_dump() for issue in error.warnings]
        body["hint"] = "send confirm_warnings: true once a person has checked these values"
    return body


def wants_json(request: Request) -> bool:
    """API paths and fetch() calls get JSON; pages get a page."""
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


async def _handle(request: Request, error: Exception) -> Response:
    response = refusal(request, str(error), status_of(error), body=error_body(error))
    if isinstance(error, StudyBusyError):
        # Another writer held the study past the wait: asking again later may succeed.
        response.headers["Retry-After"] = str(max(1, round(error.waited)))
    return response


def refusal(
    request: Request, message: str, status: int, *, body: dict[str, Any] | None = None
) -> Response:
    """A refusal as JSON (`detail`) for the API and fetch(), as a page for people."""
    if wants_json(request):
        return JSONResponse(body or {"detail": message}, status_code=status)
    return render(
        request, "error.html.j2", {"status": status, "problem": message}, status_code=status
    )


async def _invalid_request(request: Request, error: Exception) -> Response:
    """A request that does not fit its model: where and why, without echoing the input.

    Echoing input would repeat what the user sent (a lone surrogate cannot even be encoded).
    """
    assert isinstance(error, RequestValidationError)
    problems = [
        {"loc": list(item.get("loc", ())), "msg": str(item.get("msg", "")), "type": item["type"]}
        for item in error.errors()
    ]
    if wants_json(request):
        body = json.dumps({"detail": problems}, ensure_ascii=True).encode("ascii")
        return Response(body, status_code=422, media_type="application/json")
    message = "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'][1:]) or 'request'}: {problem['msg']}"
        for problem in problems
    )
    return render(request, "error.html.j2", {"status": 422, "problem": message}, status_code=422)


# How much of a path that leads nowhere the error page repeats.
_PATH_SHOWN = 200


async def _http_error(request: Request, error: Exception) -> Response:
    """The framework's own refusals (no such page, a method a page does not take): JSON as
    the framework gives it for the API, the error page with the app's navigation for people."""
    assert isinstance(error, StarletteHTTPException)
    if wants_json(request):
        return JSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=error.headers
        )
    context: dict[str, Any] = {"status": error.status_code, "problem": str(error.detail)}
    if error.status_code == 404:
        path = request.url.path
        shown = path if len(path) <= _PATH_SHOWN else f"{path[:_PATH_SHOWN]}…"
        # The page's links lead back to where it was asked for: here, home instead.
        context.update(problem=f"there is no page at {shown}", path="/")
    elif error.status_code == 405:
        context.update(problem=f"this page does not take {request.method} requests")
    response = render(request, "error.html.j2", context, status_code=error.status_code)
    response.headers.update(error.headers or {})
    return response


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    for kind in (ResearchError, CodebookError, InterviewsError, CsrfError):
        app.add_exception_handler(kind, _handle)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
