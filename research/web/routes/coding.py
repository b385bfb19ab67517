"""The coding view and the codings API: select text in the browser, code it, recode, resize.

Browsers count offsets in UTF-16 units; requests say which unit they use (`unit`, default
"utf16") and the server converts to code points, the stored unit, then checks the quote the
browser saw against the stored transcript: a mismatch answers 409 and stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field, model_validator
from sqlalchemy.orm import Session

from codebook import Codebook
from interviews.layers import CODER_LAYER
from interviews.text import Utf16Index
from research.errors import NotAllowedError
from research.services import codebooks, codings, interviews, passes
from research.services.records import CodingRecord
from research.web.dependencies import CoderDep, SessionDep, current_coder, render
from research.web.schemas import OffsetUnit, Strict
from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])

# Okabe-Ito, for codes whose codebook gives no colour (nor does an ancestor).
FALLBACK_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
InterviewId = Annotated[str, Path(description="Interview id, e.g. D03.")]
CodingId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Coding id.")]


class CodingOut(Strict):
    """A coding as the browser uses it: offsets in code points and in UTF-16 units."""

    coding_id: int
    interview_id: str
    code_id: str
    code_path: str
    colour: str
    coder: str
    layer: str
    start_offset: int
    end_offset: int
    start_utf16: int
    end_utf16: int
    quote: str
    memo: str
    created_at: datetime


class CodeOut(Strict):
    """A code as the picker shows it."""

    code_id: str
    path: str
    title: str
    colour: str
    definition: str
    applicable: bool


class CodingCreate(Strict):
    """Apply `code` (id or path) to [start, end) of a transcript; `quote` is what was selected."""

    interview_id: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=1000)
    start: int
    end: int
    unit: OffsetUnit = "utf16"
    quote: str = Field(min_length=1)
    memo: str = ""


class CodingUpdate(Strict):
    """Recode (`code`), resize (`start`, `end` and `quote`) or re-memo one of your codings."""

    code: str | None = Field(default=None, min_length=1, max_length=1000)
    start: int | None = None
    end: int | None = None
    unit: OffsetUnit = "utf16"
    quote: str | None = None
    memo: str | None = None

    @model_validator(mode="after")
    def _one_whole_change(self) -> CodingUpdate:
        span = (self.start, self.end, self.quote)
        if any(part is not None for part in span) and any(part is None for part in span):
            raise ValueError("a resize gives start, end and the quote of the new span together")
        if self.code is None and self.start is None and self.memo is None:
            raise ValueError("nothing to change: give code, start/end/quote or memo")
        return self


class InVivoCreate(Strict):
    """Create a code named by the selected words (or `name`) and apply it to the selection."""

    interview_id: str = Field(min_length=1, max_length=64)
    start: int
    end: int
    unit: OffsetUnit = "utf16"
    quote: str = Field(min_length=1)
    name: str | None = Field(default=None, max_length=200)


class InVivoOut(Strict):
    """The coding made and the code created for it."""

    coding: CodingOut
    code: CodeOut


def colour_of(codebook: Codebook, code_id: str) -> str:
    """The code's colour, an ancestor's, or a stable fallback from the palette."""
    colour = codebook.colour_of(code_id)
    if colour is not None:
        return colour
    top = codebook.top_group(code_id).code_id
    return FALLBACK_COLOURS[sum(map(ord, top)) % len(FALLBACK_COLOURS)]


def code_out(codebook: Codebook, code_id: str) -> CodeOut:
    """One code for the picker."""
    code = codebook.get(code_id)
    return CodeOut(
        code_id=code.code_id,
        path=codebook.path_of(code.code_id),
        title=code.display_title,
        colour=colour_of(codebook, code.code_id),
        definition=code.definition,
        applicable=code.applicable,
    )


def code_colours(codebook: Codebook) -> dict[str, str]:
    """Every code's colour, worked out once per request rather than once per coding."""
    return {code.code_id: colour_of(codebook, code.code_id) for code in codebook.codes}


def coding_out(record: CodingRecord, index: Utf16Index, colours: Mapping[str, str]) -> CodingOut:
    """A stored coding with its UTF-16 offsets added."""
    return CodingOut(
        coding_id=record.coding_id,
        interview_id=record.interview_id,
        code_id=record.code_id,
        code_path=record.code_path,
        colour=colours[record.code_id],
        coder=record.coder,
        layer=record.layer,
        start_offset=record.start_offset,
        end_offset=record.end_offset,
        start_utf16=index.to_utf16(record.start_offset),
        end_utf16=index.to_utf16(record.end_offset),
        quote=record.quote,
        memo=record.memo,
        created_at=record.created_at,
    )


def _index(session: Session, interview_id: str) -> Utf16Index:
    return Utf16Index(codings.transcript_text(session, interview_id))


def _code_points(
    session: Session, interview_id: str, start: int, end: int, unit: OffsetUnit
) -> tuple[int, int]:
    if unit == "code_point":
        return start, end
    return codings.code_point_span(session, interview_id, start, end)


def _out(session: Session, record: CodingRecord) -> CodingOut:
    colour = colour_of(codebooks.load_codebook(session), record.code_id)
    return coding_out(record, _index(session, record.interview_id), {record.code_id: colour})


def _own(session: Session, coding_id: int, coder: str) -> CodingRecord:
    record = codings.get_coding(session, coding_id)
    if record.layer != CODER_LAYER:
        raise NotAllowedError(
            f"coding {coding_id} is in the {record.layer} layer; the coding view changes "
            "only coders' own codings"
        )
    if record.coder != coder:
        raise NotAllowedError(
            f"coding {coding_id} belongs to {record.coder}; coders change only their own "
            "codings, so that agreement between coders stays measurable"
        )
    return record


@router.get("/api/interviews/{interview_id}/codings", tags=["codings"])
def list_interview_codings(
    session: SessionDep,
    interview_id: InterviewId,
    coder: Annotated[str | None, Query(description="Only this coder's codings.")] = None,
    layer: Annotated[
        str | None, Query(description="Only this layer: coder or consensus (default: both).")
    ] = None,
) -> list[CodingOut]:
    """An interview's codings in text order, with offsets in code points and UTF-16 units."""
    # Coding an incomplete interview is allowed: only analysis and quotation hold it back.
    found = codings.list_codings(
        session, interview_id=interview_id, coder=coder, layer=layer, include_incomplete=True
    )
    index = _index(session, interview_id)
    codebook = codebooks.load_codebook(session)
    colours = code_colours(codebook)
    return [coding_out(record, index, colours) for record in found]


@router.post("/api/codings", tags=["codings"], status_code=201)
def create_coding(session: SessionDep, coder: CoderDep, body: CodingCreate) -> CodingOut:
    """Apply a code to a span; the quote must equal the transcript's text there (else 409)."""
    start, end = _code_points(session, body.interview_id, body.start, body.end, body.unit)
    record = codings.add_coding(
        session,
        interview_id=body.interview_id,
        code=body.code,
        start_offset=start,
        end_offset=end,
        coder=coder,
        quote=body.quote,
        memo=body.memo,
    )
    return _out(session, record)


@router.post("/api/codings/in-vivo", tags=["codings"], status_code=201)
def create_in_vivo_coding(session: SessionDep, coder: CoderDep, body: InVivoCreate) -> InVivoOut:
    """Create an in-vivo code from the selected words (under 'in_vivo') and apply it."""
    start, end = _code_points(session, body.interview_id, body.start, body.end, body.unit)
    record = codings.add_in_vivo_coding(
        session,
        interview_id=body.interview_id,
        start_offset=start,
        end_offset=end,
        coder=coder,
        quote=body.quote,
        name=body.name,
    )
    codebook = codebooks.load_codebook(session)
    return InVivoOut(coding=_out(session, record), code=code_out(codebook, record.code_id))


@router.get("/api/codings/{coding_id}", tags=["codings"])
def get_coding(session: SessionDep, coding_id: CodingId) -> CodingOut:
    """One coding."""
    return _out(session, codings.get_coding(session, coding_id))


@router.patch("/api/codings/{coding_id}", tags=["codings"])
def update_coding(
    session: SessionDep, coder: CoderDep, coding_id: CodingId, body: CodingUpdate
) -> CodingOut:
    """Recode, resize or re-memo one of your own codings."""
    record = _own(session, coding_id, coder)
    start = end = None
    if body.start is not None and body.end is not None:
        start, end = _code_points(session, record.interview_id, body.start, body.end, body.unit)
    updated = codings.update_coding(
        session,
        coding_id,
        code=body.code,
        start_offset=start,
        end_offset=end,
        quote=body.quote,
        memo=body.memo,
    )
    return _out(session, updated)


@router.delete("/api/codings/{coding_id}", tags=["codings"], status_code=204)
def delete_coding(session: SessionDep, coder: CoderDep, coding_id: CodingId) -> Response:
    """Remove one of your own codings."""
    _own(session, coding_id, coder)
    codings.remove_coding(session, coding_id)
    return Response(status_code=204)


@router.get("/interviews/{interview_id}/code", response_class=HTMLResponse, include_in_schema=False)
def coding_view(request: Request, session: SessionDep, interview_id: InterviewId) -> Any:
    """The transcript with its codings, the code picker and the codebook."""
    record = interviews.get_interview(session, interview_id)
    coder = current_coder(request)
    if coder is None:
        return _choose_coder_first(request)
    codebook = codebooks.load_codebook(session)
    index = Utf16Index(record.transcript or "")
    colours = code_colours(codebook)
    # The coders' own layers: the consensus is not coded here.
    found = (
        codings.list_codings(
            session, interview_id=interview_id, layer=CODER_LAYER, include_incomplete=True
        )
        if record.transcript
        else []
    )
    data = {
        "interview_id": interview_id,
        "coder": coder,
        "codings": [coding_out(item, index, colours).model_dump(mode="json") for item in found],
        "codes": [
            code_out(codebook, code.code_id).model_dump(mode="json")
            for code in codebook.codes
            if not code.retired
        ],
        "recent": codings.recent_codes(session, coder),
        "pass": _pass_out(session, interview_id, coder).model_dump(mode="json"),
        "coders": sorted({coder, *(item.coder for item in found)}),
    }
    return render(
        request,
        "coding.html.j2",
        {
            "interview": record,
            "data": data,
            "codebook": codebook,
            "codings_per_code": codebooks.codings_per_code(session),
        },
    )


class PassOut(Strict):
    """Whether a coder has completed an interview, and when."""

    interview_id: str
    coder: str
    done: bool
    completed_at: datetime | None


def _pass_out(session: Session, interview_id: str, coder: str) -> PassOut:
    found = passes.list_passes(session, coder=coder, interview_id=interview_id)
    return PassOut(
        interview_id=interview_id,
        coder=coder,
        done=bool(found),
        completed_at=found[0].completed_at if found else None,
    )


@router.get("/api/interviews/{interview_id}/pass", tags=["codings"])
def get_pass(session: SessionDep, coder: CoderDep, interview_id: InterviewId) -> PassOut:
    """Whether you have marked this interview coded (a completed pass)."""
    return _pass_out(session, interview_id, coder)


@router.put("/api/interviews/{interview_id}/pass", tags=["codings"])
def mark_pass_done(session: SessionDep, coder: CoderDep, interview_id: InterviewId) -> PassOut:
    """Mark this interview coded by you: every code that applies is applied, the rest are 0."""
    passes.mark_done(session, interview_id, coder)
    return _pass_out(session, interview_id, coder)


@router.delete("/api/interviews/{interview_id}/pass", tags=["codings"])
def reopen_pass(session: SessionDep, coder: CoderDep, interview_id: InterviewId) -> PassOut:
    """Take back your completed pass over this interview, to code it further."""
    passes.reopen(session, interview_id, coder)
    return _pass_out(session, interview_id, coder)


def _choose_coder_first(request: Request) -> Response:
    return RedirectResponse(f"/coder?next={quote(request.url.path)}", status_code=303)
