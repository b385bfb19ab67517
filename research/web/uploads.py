"""Request bodies counted as they arrive: one larger than a transcript may be is refused
while it streams, before it is parsed, spooled to disk or held in memory.

A write's body may carry one transcript (a file, pasted text, JSON) and a form's other
fields: at most the study's `intake.transcript_megabytes` and `FORM_ALLOWANCE` more. A
declared Content-Length past that is refused before a byte is read; a body sent without one
(chunked) is counted chunk by chunk and refused once it passes. The answer is 413 with one
line, as JSON for the API and a page for people.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from research.services import interviews
from research.study import Study
from research.web.errors import refusal
from research.web.security import SAFE_METHODS

# What a form sends besides its transcript (fields, multipart framing); a body this small
# is within any limit, so the study's settings are read only for a larger one.
FORM_ALLOWANCE = 1 << 20


def upload_limit(study: Study) -> int:
    """The most bytes a request body may have: a transcript and the form around it."""
    with study.transaction() as session:
        return interviews.transcript_limits(session).text_bytes + FORM_ALLOWANCE


def too_large_message(limit: int) -> str:
    """The one line a refused body gets."""
    text_bytes = limit - FORM_ALLOWANCE
    return (
        f"the upload is larger than the {text_bytes:,} bytes a transcript may have (the "
        "study's setting intake.transcript_megabytes)"
    )


class BodyLimitMiddleware:
    """Refuse (413) a write whose body passes `limit()`, declared or counted as it streams."""

    def __init__(self, app: ASGIApp, *, limit: Callable[[], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = _CountedBody(self.limit)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > FORM_ALLOWANCE:
            most = await body.most()
            if int(declared) > most:
                await _refuse(scope, receive, send, most)
                return

        async def counting_receive() -> Message:
            if body.refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                body.received += len(message.get("body", b""))
                if body.received > FORM_ALLOWANCE and body.received > await body.most():
                    body.refused = True
                    await _refuse(scope, receive, send, await body.most())
                    # The app stops reading as if the client had gone; its answer is dropped.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not body.refused:
                await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            # The app fails on the cut body (a client disconnect); the 413 has been sent.
            if not body.refused:
                raise


class _CountedBody:
    """What one request's body has sent so far, and its limit once it is needed."""

    def __init__(self, limit: Callable[[], int]) -> None:
        self._limit = limit
        self._most: int | None = None
        self.received = 0
        self.refused = False

    async def most(self) -> int:
        if self._most is None:
            # The study's settings are read from the database: not on the event loop.
            self._most = await run_in_threadpool(self._limit)
        return self._most


async def _refuse(scope: Scope, receive: Receive, send: Send, most: int) -> None:
    response = refusal(Request(scope, receive), too_large_message(most), 413)
    await response(scope, receive, send)
