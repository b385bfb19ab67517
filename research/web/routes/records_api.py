"""Field entry as a JSON API: respondents, interviews and transcripts, the pages' twins.

Request bodies are strict; refused records answer 422 with each field's issue, and a
repeated `submission_token` answers 200 with the record the first request made.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from pydantic import BaseModel, Field

from interviews.errors import TooLargeError, TranscriptError
from interviews.importers import transcript_from_text
from research.services import interviews, respondents, submissions
from research.services.records import InterviewRecord, RespondentRecord
from research.services.search import TranscriptMatch
from research.web.dependencies import LimitsDep, SessionDep
from research.web.routes import records_transcripts as intake
from research.web.schemas import Strict
from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])


class RespondentCreate(Strict):
    """A new respondent: id, attribute values by name, and whether warnings were checked."""

    respondent_id: str = Field(max_length=200)
    values: dict[str, Any] = Field(default_factory=dict)
    confirm_warnings: bool = False
    submission_token: str | None = Field(default=None, max_length=100)


class RespondentChange(Strict):
    """Attribute values to change; the whole record is checked again."""

    values: dict[str, Any]
    confirm_warnings: bool = False


class InterviewCreate(Strict):
    """A new interview of an existing respondent; the id is made up when left out."""

    respondent_id: str = Field(max_length=200)
    interview_id: str | None = Field(default=None, max_length=200)
    values: dict[str, Any] = Field(default_factory=dict)
    transcript: str | None = None
    confirm_warnings: bool = False
    submission_token: str | None = Field(default=None, max_length=100)


class InterviewChange(Strict):
    """Attribute values of an interview to change (date and consent included); the whole
    record is checked again."""

    values: dict[str, Any]
    confirm_warnings: bool = False


class TranscriptText(Strict):
    """A transcript as text; it is stored in canonical form (LF line breaks, NFC)."""

    text: str
    source_name: str = Field(default=intake.PASTED_SOURCE, min_length=1, max_length=500)


class DecodingProblem(BaseModel):
    """Why a file could not be read, and where."""

    message: str
    line: int | None
    column: int | None
    offset: int | None


class EncodingPreview(BaseModel):
    """The first lines of a file as one encoding reads it, or why it cannot."""

    encoding: str
    label: str
    lines: list[str]
    error: str


class TranscriptPreview(BaseModel):
    """A file's first lines, or the problem reading it with the candidates to choose from."""

    source_name: str
    readable: bool
    encoding: str | None
    lines: list[str]
    problem: DecodingProblem | None
    candidates: list[EncodingPreview]


def _submitted(response: Response, submission: submissions.Submission) -> None:
    """201 for a new record; 200 when the token had already made it."""
    response.status_code = 201 if submission.created else 200


@router.get("/api/respondents", tags=["respondents"])
def list_respondents_api(
    session: SessionDep,
    q: str = "",
    where: Annotated[list[str], Query()] = [],  # noqa: B006  (FastAPI copies defaults)
    incomplete: Annotated[bool, Query(description="Only incomplete records.")] = False,
) -> list[RespondentRecord]:
    """Respondents matching every `where` NAME=VALUE and, case-insensitively, the text `q`."""
    return respondents.search_respondents(session, query=q, where=where, only_incomplete=incomplete)


@router.post("/api/respondents", tags=["respondents"], status_code=201)
def create_respondent_api(
    body: RespondentCreate, session: SessionDep, response: Response
) -> RespondentRecord:
    """Add a respondent; a repeated `submission_token` returns the first record (200)."""

    def create() -> str:
        return respondents.add_respondent(
            session, body.respondent_id, body.values, confirm_warnings=body.confirm_warnings
        ).respondent_id

    submission = submissions.submit_once(
        session, body.submission_token, kind="respondent", create=create
    )
    _submitted(response, submission)
    return respondents.get_respondent(session, submission.record_id)


@router.get("/api/respondents/{respondent_id}", tags=["respondents"])
def get_respondent_api(session: SessionDep, respondent_id: str) -> RespondentRecord:
    """One respondent and the ids of their interviews."""
    return respondents.get_respondent(session, respondent_id)


@router.patch("/api/respondents/{respondent_id}", tags=["respondents"])
def update_respondent_api(
    body: RespondentChange, session: SessionDep, respondent_id: str
) -> RespondentRecord:
    """Change some attributes; a null or blank value clears one."""
    return respondents.update_respondent(
        session, respondent_id, body.values, confirm_warnings=body.confirm_warnings
    )


@router.get("/api/interviews", tags=["interviews"])
def list_interviews_api(
    session: SessionDep,
    q: str = "",
    where: Annotated[list[str], Query()] = [],  # noqa: B006  (FastAPI copies defaults)
    incomplete: Annotated[bool, Query(description="Only incomplete records.")] = False,
) -> list[InterviewRecord]:
    """Interviews by date, filtered by `where` NAME=VALUE; `q` searches the transcripts."""
    if q.strip():
        found = [match.interview for match in interviews.search_interviews(session, q, where=where)]
        return [record for record in found if not (incomplete and record.complete)]
    return interviews.list_interviews(session, where=where, only_incomplete=incomplete)


@router.get("/api/interviews/search", tags=["interviews"])
def search_interviews_api(
    session: SessionDep,
    q: str,
    where: Annotated[list[str], Query()] = [],  # noqa: B006  (FastAPI copies defaults)
) -> list[TranscriptMatch]:
    """Interviews whose transcript holds `q` (any script or case), with a snippet."""
    return interviews.search_interviews(session, q, where=where)


@router.post("/api/interviews", tags=["interviews"], status_code=201)
def create_interview_api(
    body: InterviewCreate, session: SessionDep, response: Response
) -> InterviewRecord:
    """Add an interview, optionally with its transcript text; a repeated token returns the first."""
    transcript = (
        intake.pasted(body.transcript, interviews.transcript_limits(session))
        if body.transcript is not None
        else None
    )

    def create() -> str:
        return interviews.add_interview(
            session,
            respondent_id=body.respondent_id,
            values=body.values,
            interview_id=body.interview_id,
            transcript=transcript,
            confirm_warnings=body.confirm_warnings,
        ).interview_id

    submission = submissions.submit_once(
        session, body.submission_token, kind="interview", create=create
    )
    _submitted(response, submission)
    return interviews.get_interview(session, submission.record_id, with_transcript=False)


@router.get("/api/interviews/{interview_id}", tags=["interviews"])
def get_interview_api(
    session: SessionDep, interview_id: str, transcript: bool = False
) -> InterviewRecord:
    """One interview; its transcript text with `?transcript=true`."""
    return interviews.get_interview(session, interview_id, with_transcript=transcript)


@router.patch("/api/interviews/{interview_id}", tags=["interviews"])
def update_interview_api(
    body: InterviewChange, session: SessionDep, interview_id: str
) -> InterviewRecord:
    """Change some attributes; a null or blank value clears one (a required one once given
    cannot be cleared). Filling the last missing value completes the record."""
    interviews.update_interview(
        session, interview_id, body.values, confirm_warnings=body.confirm_warnings
    )
    return interviews.get_interview(session, interview_id, with_transcript=False)


@router.put("/api/interviews/{interview_id}/transcript", tags=["interviews"])
def put_transcript_api(
    body: TranscriptText, session: SessionDep, interview_id: str
) -> InterviewRecord:
    """Attach a transcript as text; a coded transcript is never replaced by another text."""
    transcript = transcript_from_text(
        body.text, source=body.source_name, limits=interviews.transcript_limits(session)
    )
    interviews.set_transcript(session, interview_id, transcript)
    return interviews.get_interview(session, interview_id, with_transcript=False)


@router.post("/api/interviews/{interview_id}/transcript/file", tags=["interviews"])
def upload_transcript_api(
    session: SessionDep,
    interview_id: str,
    file: Annotated[UploadFile, File(description="a .txt, .md, .docx or .odt transcript")],
    encoding: Annotated[str, Form(description="auto, utf-8, cp1251, koi8-r, ...")] = intake.AUTO,
) -> InterviewRecord:
    """Attach a transcript file; undecodable bytes are refused with their line and column."""
    interviews.get_interview(session, interview_id, with_transcript=False)
    limits = interviews.transcript_limits(session)
    data = intake.upload_bytes(file.file, limits)
    transcript = intake.read_upload(file.filename or "", data, encoding, limits)
    interviews.set_transcript(session, interview_id, transcript)
    return interviews.get_interview(session, interview_id, with_transcript=False)


@router.post("/api/transcripts/preview", tags=["interviews"])
def preview_transcript_api(
    file: Annotated[UploadFile, File(description="a .txt, .md, .docx or .odt transcript")],
    limits: LimitsDep,
    encoding: Annotated[str, Form(description="auto, utf-8, cp1251, koi8-r, ...")] = intake.AUTO,
) -> TranscriptPreview:
    """How a file would be read: its first lines, or the problem and other encodings' readings.

    A file larger than the study's limits is refused (413), not previewed.
    """
    data = intake.upload_bytes(file.file, limits)
    name = intake.safe_name(file.filename)
    try:
        transcript = intake.read_upload(name, data, encoding, limits)
    except TooLargeError:
        raise
    except TranscriptError as error:
        return TranscriptPreview(
            source_name=name,
            readable=False,
            encoding=None,
            lines=[],
            problem=DecodingProblem(
                message=str(error), line=error.line, column=error.column, offset=error.offset
            ),
            candidates=[
                EncodingPreview(**vars(candidate))
                for candidate in intake.candidates(name, data, encoding)
            ],
        )
    return TranscriptPreview(
        source_name=name,
        readable=True,
        encoding=transcript.encoding,
        lines=intake.first_lines(transcript),
        problem=None,
        candidates=[],
    )
