"""Field entry pages: respondents and interviews, their forms, transcripts and lists.

Forms are generated from the study's data dictionary. A refused form comes back with what
was typed and each issue beside its field (422); soft warnings come back with a box to
confirm them. Each entry form carries a submission token, so sending it twice stores one
record (`research.services.submissions`). The JSON API is in `records_api`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload

from interviews.dictionary import DataDictionary, Issue
from interviews.errors import InterviewsError, TooLargeError, TranscriptError
from interviews.importers import Transcript, TranscriptLimits
from interviews.models import CORE_INTERVIEW_FIELDS
from research.errors import (
    ConflictError,
    InvalidRecordError,
    NotFoundError,
    ResearchError,
    UnconfirmedWarningsError,
)
from research.services import interviews, respondents, study_info, submissions
from research.services.records import InterviewRecord, RespondentRecord
from research.services.search import Snippet
from research.web.dependencies import SessionDep, render
from research.web.errors import status_of
from research.web.routes import records_forms as forms
from research.web.routes import records_transcripts as intake
from research.web.security import require_csrf

router = APIRouter(dependencies=[Depends(require_csrf)])

EXCERPT_CHARACTERS = 600


async def read_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form (parsed once, by the CSRF check); its uploaded files closed afterwards."""
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


FormDep = Annotated[FormData, Depends(read_form)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _issues_of(error: Exception) -> list[Issue]:
    """The field issues a refusal carries; other refusals as one issue without a field."""
    if isinstance(error, InvalidRecordError):
        return error.issues
    if isinstance(error, UnconfirmedWarningsError):
        return error.warnings
    return [Issue(field="", message=str(error), severity="error")]


def _page_status(error: Exception) -> int:
    return (
        422
        if isinstance(error, InvalidRecordError | UnconfirmedWarningsError)
        else status_of(error)
    )


def _dictionary(session: Session) -> DataDictionary:
    return study_info.load_dictionary(session)


# Respondent pages


@router.get("/respondents", response_class=HTMLResponse, include_in_schema=False)
def respondents_page(
    request: Request,
    session: SessionDep,
    q: str = "",
    where: Annotated[list[str], Query()] = [],  # noqa: B006  (FastAPI copies defaults)
    incomplete: bool = False,
) -> HTMLResponse:
    """Respondents, filtered by attribute and searched by id and values; the incomplete ones
    say what they miss."""
    dictionary = _dictionary(session)
    chosen = forms.chosen_filters(dictionary, ["respondent"], request.query_params)
    error, status_code = "", 200
    found: list[RespondentRecord] = []
    try:
        found = respondents.search_respondents(
            session,
            query=q,
            where=forms.conditions(chosen, where),
            only_incomplete=incomplete,
        )
    except (ResearchError, InterviewsError) as problem:
        error, status_code = str(problem), status_of(problem)
    columns = dictionary.for_scope("respondent")
    return render(
        request,
        "respondents.html.j2",
        {
            "columns": columns,
            "rows": [
                (
                    record,
                    forms.cells(columns, record.attributes),
                    forms.labels(dictionary, record.missing),
                )
                for record in found
            ],
            "filters": forms.filter_views(dictionary, ["respondent"], chosen),
            "incomplete": incomplete,
            "q": q,
            "where": [expression for expression in where if expression.strip()],
            "error": error,
            "total": len(respondents.list_respondents(session)),
        },
        status_code=status_code,
    )


@router.get("/respondents/new", response_class=HTMLResponse, include_in_schema=False)
def new_respondent_page(request: Request, session: SessionDep) -> HTMLResponse:
    """An empty respondent form."""
    dictionary = _dictionary(session)
    return _respondent_form(
        request,
        forms.FormState(fields=forms.form_fields(dictionary, "respondent")),
        respondent_id="",
        token=submissions.new_token(),
    )


@router.post("/respondents", include_in_schema=False)
def create_respondent_page(request: Request, session: SessionDep, form: FormDep) -> Response:
    """Store a new respondent from the form, once per form; else show the form again."""
    dictionary = _dictionary(session)
    typed = forms.typed_values(form, dictionary, "respondent")
    respondent_id = _text(form, "respondent_id").strip()
    token = _text(form, "submission_token")
    confirm = _text(form, "confirm_warnings") == "yes"

    def create() -> str:
        values = forms.service_values(typed)
        return respondents.add_respondent(
            session, respondent_id, values, confirm_warnings=confirm
        ).respondent_id

    try:
        submission = submissions.submit_once(session, token, kind="respondent", create=create)
    except (InvalidRecordError, UnconfirmedWarningsError, ConflictError) as error:
        id_errors: dict[str, list[str]] = {"respondent_id": [], "": []}
        state = forms.with_issues(
            forms.form_fields(dictionary, "respondent", typed),
            _issues_of(error),
            extra_fields=id_errors,
        )
        # A duplicate id is a problem of the id field.
        id_errors["respondent_id"].extend(id_errors.pop(""))
        return _respondent_form(
            request,
            state,
            respondent_id=respondent_id,
            token=token,
            id_errors=id_errors["respondent_id"],
            status_code=_page_status(error),
        )
    flag = "created" if submission.created else "already"
    return RedirectResponse(f"/respondents/{quote(submission.record_id)}?{flag}=1", 303)


def _respondent_form(
    request: Request,
    state: forms.FormState,
    *,
    respondent_id: str,
    token: str,
    id_errors: list[str] | None = None,
    editing: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "respondents_form.html.j2",
        {
            "state": state,
            "respondent_id": respondent_id,
            "id_errors": id_errors or [],
            "submission_token": token,
            "editing": editing,
            "draft_key": f"respondent-edit-{respondent_id}" if editing else "respondent-new",
            "action": f"/respondents/{quote(respondent_id)}/edit" if editing else "/respondents",
        },
        status_code=status_code,
    )


@router.get("/respondents/{respondent_id}", response_class=HTMLResponse, include_in_schema=False)
def respondent_page(
    request: Request,
    session: SessionDep,
    respondent_id: str,
    created: str = "",
    updated: str = "",
    already: str = "",
) -> HTMLResponse:
    """One respondent: attributes by label, and their interviews."""
    record = respondents.get_respondent(session, respondent_id)
    dictionary = _dictionary(session)
    held = [
        (interview, forms.labels(dictionary, interview.missing))
        for interview in (
            interviews.get_interview(session, interview_id, with_transcript=False)
            for interview_id in record.interview_ids
        )
    ]
    message = ""
    if created:
        message = f"Respondent {record.respondent_id} saved."
    elif updated:
        message = f"Respondent {record.respondent_id} updated."
    elif already:
        message = f"This form had already been saved as respondent {record.respondent_id}."
    return render(
        request,
        "respondents_detail.html.j2",
        {
            "record": record,
            "attributes": forms.described(dictionary, "respondent", record.attributes),
            "missing": forms.labels(dictionary, record.missing),
            "interviews": held,
            "message": message,
            "clear_draft": _cleared_drafts(
                created or already, updated, "respondent-new", f"respondent-edit-{respondent_id}"
            ),
        },
    )


def _cleared_drafts(created: str, updated: str, new_key: str, edit_key: str) -> str:
    """The draft keys a page whose record was just saved tells the browser to forget."""
    if created:
        return new_key
    return edit_key if updated else ""


@router.get(
    "/respondents/{respondent_id}/edit", response_class=HTMLResponse, include_in_schema=False
)
def edit_respondent_page(request: Request, session: SessionDep, respondent_id: str) -> HTMLResponse:
    """The respondent form holding the stored values."""
    record = respondents.get_respondent(session, respondent_id)
    dictionary = _dictionary(session)
    typed = forms.stored_as_typed(dictionary, "respondent", record.attributes)
    return _respondent_form(
        request,
        forms.FormState(fields=forms.form_fields(dictionary, "respondent", typed)),
        respondent_id=record.respondent_id,
        token="",
        editing=True,
    )


@router.post("/respondents/{respondent_id}/edit", include_in_schema=False)
def update_respondent_page(
    request: Request, session: SessionDep, respondent_id: str, form: FormDep
) -> Response:
    """Change a respondent from the form; every field is sent, so a blank clears it."""
    record = respondents.get_respondent(session, respondent_id)
    dictionary = _dictionary(session)
    typed = forms.typed_values(form, dictionary, "respondent")
    confirm = _text(form, "confirm_warnings") == "yes"
    try:
        respondents.update_respondent(
            session, record.respondent_id, forms.service_values(typed), confirm_warnings=confirm
        )
    except (InvalidRecordError, UnconfirmedWarningsError) as error:
        state = forms.with_issues(
            forms.form_fields(dictionary, "respondent", typed), _issues_of(error)
        )
        return _respondent_form(
            request,
            state,
            respondent_id=record.respondent_id,
            token="",
            editing=True,
            status_code=422,
        )
    return RedirectResponse(f"/respondents/{quote(record.respondent_id)}?updated=1", 303)


# Interview pages


@router.get("/interviews", response_class=HTMLResponse, include_in_schema=False)
def interviews_page(
    request: Request,
    session: SessionDep,
    q: str = "",
    where: Annotated[list[str], Query()] = [],  # noqa: B006  (FastAPI copies defaults)
    incomplete: bool = False,
) -> HTMLResponse:
    """Interviews, filtered by respondent and interview attributes, searched in transcripts;
    the incomplete ones say what they miss."""
    dictionary = _dictionary(session)
    scopes: list[Any] = ["respondent", "interview"]
    chosen = forms.chosen_filters(dictionary, scopes, request.query_params)
    conditions = forms.conditions(chosen, where)
    error, status_code = "", 200
    rows: list[tuple[InterviewRecord, Snippet | None]] = []
    try:
        if q.strip():
            matches = interviews.search_interviews(session, q, where=conditions)
            rows = [(match.interview, match.snippet) for match in matches]
        else:
            listed = interviews.list_interviews(session, where=conditions)
            rows = [(record, None) for record in listed]
    except (ResearchError, InterviewsError) as problem:
        error, status_code = str(problem), status_of(problem)
    if incomplete:
        rows = [(record, passage) for record, passage in rows if not record.complete]
    columns = forms.interview_columns(dictionary)
    return render(
        request,
        "interviews.html.j2",
        {
            "columns": columns,
            "rows": [
                (
                    record,
                    passage,
                    forms.cells(columns, record.attributes),
                    forms.labels(dictionary, record.missing),
                )
                for record, passage in rows
            ],
            "filters": forms.filter_views(dictionary, scopes, chosen),
            "incomplete": incomplete,
            "q": q,
            "where": [expression for expression in where if expression.strip()],
            "error": error,
        },
        status_code=status_code,
    )


@dataclass
class IntakeView:
    """The transcript part of a form: the upload held, the encoding, the pasted text, issues."""

    encoding: str = intake.AUTO
    text: str = ""
    held_token: str = ""
    held_name: str = ""
    errors: list[str] = field(default_factory=list)
    candidates: list[intake.Candidate] = field(default_factory=list)
    others: list[tuple[str, str]] = field(default_factory=list)
    decoded_lines: list[str] = field(default_factory=list)


@dataclass
class Intake:
    """What a form's transcript part gave: a transcript (or None) and how to show it again."""

    transcript: Transcript | None
    view: IntakeView


def _take_transcript(
    request: Request, session: Session, form: FormData, *, required: bool
) -> Intake:
    """The transcript a form carries: a new file, else a held upload, else pasted text.

    A file that cannot be read is held for the next try and previewed in other encodings;
    one larger than the study's limits is neither held nor previewed.
    """
    limits = interviews.transcript_limits(session)
    encoding = _text(form, "encoding") or intake.AUTO
    view = IntakeView(encoding=encoding, text=_text(form, "transcript_text"))
    store = intake.upload_store(request)
    name, data = _uploaded(form, limits)
    if data is None:
        held = store.get(_text(form, "upload_token")) if _text(form, "upload_token") else None
        if held is None and _text(form, "upload_token"):
            view.errors.append("the file chosen earlier has expired; choose it again")
            return Intake(None, view)
        if held is not None:
            name, data = held.name, held.data
            view.held_token, view.held_name = _text(form, "upload_token"), held.name
    elif data and len(data) <= limits.text_bytes:
        view.held_token, view.held_name = store.put(name, data), intake.safe_name(name)
    try:
        transcript = _transcript_from(name, data, view, limits, required=required)
    except TranscriptError as error:
        view.errors.append(str(error))
        if data is not None and not isinstance(error, TooLargeError):
            view.candidates = intake.candidates(name, data, encoding)
            view.others = intake.other_encodings(view.candidates) if view.candidates else []
        return Intake(None, view)
    if transcript is not None and data is not None:
        view.decoded_lines = intake.first_lines(transcript)
    return Intake(transcript, view)


def _uploaded(form: FormData, limits: TranscriptLimits) -> tuple[str, bytes | None]:
    """The file of the form's file input, or (name, None) when none was chosen."""
    upload = form.get("file")
    if not isinstance(upload, StarletteUpload) or not upload.filename:
        return "", None
    return upload.filename, intake.upload_bytes(upload.file, limits)


def _transcript_from(
    name: str,
    data: bytes | None,
    view: IntakeView,
    limits: TranscriptLimits,
    *,
    required: bool,
) -> Transcript | None:
    if data is not None:
        return intake.read_upload(name, data, view.encoding, limits)
    if view.text.strip():
        return intake.pasted(view.text, limits)
    if required:
        raise TranscriptError("choose a file or paste the transcript text")
    return None


@router.get("/interviews/new", response_class=HTMLResponse, include_in_schema=False)
def new_interview_page(request: Request, session: SessionDep, respondent: str = "") -> HTMLResponse:
    """An empty interview form, its respondent chosen when one is named."""
    dictionary = _dictionary(session)
    return _interview_form(
        request,
        session,
        forms.FormState(fields=forms.form_fields(dictionary, "interview")),
        respondent_id=respondent,
        interview_id="",
        token=submissions.new_token(),
        view=IntakeView(),
    )


@router.post("/interviews", include_in_schema=False)
def create_interview_page(request: Request, session: SessionDep, form: FormDep) -> Response:
    """Store a new interview (and its transcript, if given) once per form."""
    dictionary = _dictionary(session)
    typed = forms.typed_values(form, dictionary, "interview")
    respondent_id = _text(form, "respondent_id").strip()
    interview_id = _text(form, "interview_id").strip()
    token = _text(form, "submission_token")
    confirm = _text(form, "confirm_warnings") == "yes"
    taken = _take_transcript(request, session, form, required=False)

    def again(issues: list[Issue], status_code: int) -> HTMLResponse:
        extra: dict[str, list[str]] = {"respondent_id": [], "interview_id": [], "": []}
        state = forms.with_issues(
            forms.form_fields(dictionary, "interview", typed), issues, extra_fields=extra
        )
        state.general_errors.extend(extra[""])
        return _interview_form(
            request,
            session,
            state,
            respondent_id=respondent_id,
            interview_id=interview_id,
            token=token,
            view=taken.view,
            id_errors=extra,
            status_code=status_code,
        )

    if taken.view.errors:
        return again([], 422)

    def create() -> str:
        return interviews.add_interview(
            session,
            respondent_id=respondent_id,
            values=forms.service_values(typed),
            interview_id=interview_id or None,
            transcript=taken.transcript,
            confirm_warnings=confirm,
        ).interview_id

    try:
        submission = submissions.submit_once(session, token, kind="interview", create=create)
    except (InvalidRecordError, UnconfirmedWarningsError) as error:
        return again(_issues_of(error), 422)
    except NotFoundError as error:
        return again([Issue(field="respondent_id", message=str(error), severity="error")], 422)
    except ConflictError as error:
        return again([Issue(field="interview_id", message=str(error), severity="error")], 409)
    if taken.view.held_token:
        intake.upload_store(request).drop(taken.view.held_token)
    flag = "created" if submission.created else "already"
    return RedirectResponse(f"/interviews/{quote(submission.record_id)}?{flag}=1", 303)


def _interview_form(
    request: Request,
    session: Session,
    state: forms.FormState,
    *,
    respondent_id: str,
    interview_id: str,
    token: str,
    view: IntakeView,
    id_errors: dict[str, list[str]] | None = None,
    editing: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    respondent_ids = (
        [] if editing else [r.respondent_id for r in respondents.list_respondents(session)]
    )
    return render(
        request,
        "interviews_form.html.j2",
        {
            "state": state,
            "respondent_ids": respondent_ids,
            "respondent_id": respondent_id,
            "interview_id": interview_id,
            "id_errors": id_errors or {},
            "submission_token": token,
            "intake": view,
            "encodings": intake.ENCODINGS,
            "editing": editing,
            "draft_key": (
                f"interview-edit-{interview_id}"
                if editing
                else f"interview-new-{respondent_id or 'any'}"
            ),
            "action": f"/interviews/{quote(interview_id)}/edit" if editing else "/interviews",
        },
        status_code=status_code,
    )


@router.get("/interviews/{interview_id}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_interview_page(request: Request, session: SessionDep, interview_id: str) -> HTMLResponse:
    """The interview form holding the stored values; an incomplete record is completed here."""
    record = interviews.get_interview(session, interview_id, with_transcript=False)
    dictionary = _dictionary(session)
    own = {**record.attributes, **{name: getattr(record, name) for name in CORE_INTERVIEW_FIELDS}}
    typed = forms.stored_as_typed(dictionary, "interview", own)
    return _interview_form(
        request,
        session,
        forms.FormState(fields=forms.form_fields(dictionary, "interview", typed)),
        respondent_id=record.respondent_id,
        interview_id=record.interview_id,
        token="",
        view=IntakeView(),
        editing=True,
    )


@router.post("/interviews/{interview_id}/edit", include_in_schema=False)
def update_interview_page(
    request: Request, session: SessionDep, interview_id: str, form: FormDep
) -> Response:
    """Change an interview from the form; every field is sent, so a blank clears it (a
    required value once given cannot be cleared)."""
    record = interviews.get_interview(session, interview_id, with_transcript=False)
    dictionary = _dictionary(session)
    typed = forms.typed_values(form, dictionary, "interview")
    confirm = _text(form, "confirm_warnings") == "yes"
    try:
        interviews.update_interview(
            session, record.interview_id, forms.service_values(typed), confirm_warnings=confirm
        )
    except (InvalidRecordError, UnconfirmedWarningsError) as error:
        state = forms.with_issues(
            forms.form_fields(dictionary, "interview", typed), _issues_of(error)
        )
        return _interview_form(
            request,
            session,
            state,
            respondent_id=record.respondent_id,
            interview_id=record.interview_id,
            token="",
            view=IntakeView(),
            editing=True,
            status_code=422,
        )
    return RedirectResponse(f"/interviews/{quote(record.interview_id)}?updated=1", 303)


@router.get("/interviews/{interview_id}", response_class=HTMLResponse, include_in_schema=False)
def interview_page(
    request: Request,
    session: SessionDep,
    interview_id: str,
    created: str = "",
    already: str = "",
    transcript_saved: str = "",
    updated: str = "",
) -> HTMLResponse:
    """One interview: its fields, its respondent, its transcript's state, what it misses."""
    record = interviews.get_interview(session, interview_id)
    dictionary = _dictionary(session)
    own = {**record.attributes, **{name: getattr(record, name) for name in CORE_INTERVIEW_FIELDS}}
    message = ""
    if updated:
        message = f"Interview {record.interview_id} updated."
    elif created:
        message = f"Interview {record.interview_id} saved."
    elif already:
        message = f"This form had already been saved as interview {record.interview_id}."
    elif transcript_saved:
        message = f"Transcript saved: {record.characters:,} characters."
    clear = ""
    if created or already:
        clear = f"interview-new transcript-{record.interview_id}"
    elif transcript_saved:
        clear = f"transcript-{record.interview_id}"
    elif updated:
        clear = f"interview-edit-{record.interview_id}"
    return render(
        request,
        "interviews_detail.html.j2",
        {
            "record": record,
            "attributes": forms.described(dictionary, "interview", own),
            "respondent_attributes": forms.described(
                dictionary, "respondent", record.respondent_attributes
            ),
            "missing": forms.labels(dictionary, record.missing),
            "excerpt": (record.transcript or "")[:EXCERPT_CHARACTERS],
            "encoding": interviews_encoding(session, record.interview_id),
            "message": message,
            "clear_draft": clear,
        },
    )


def interviews_encoding(session: Session, interview_id: str) -> str:
    """The encoding the interview's transcript was read in, as people name it."""
    used = interviews.transcript_encoding(session, interview_id)
    return intake.label_of(used) if used else ""


@router.get(
    "/interviews/{interview_id}/transcript",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def transcript_page(request: Request, session: SessionDep, interview_id: str) -> HTMLResponse:
    """Upload or paste an interview's transcript."""
    record = interviews.get_interview(session, interview_id, with_transcript=False)
    return _transcript_form(request, record, IntakeView())


@router.post("/interviews/{interview_id}/transcript", include_in_schema=False)
def save_transcript_page(
    request: Request, session: SessionDep, interview_id: str, form: FormDep
) -> Response:
    """Save the uploaded or pasted transcript; an unreadable file is previewed instead."""
    record = interviews.get_interview(session, interview_id, with_transcript=False)
    taken = _take_transcript(request, session, form, required=True)
    if taken.transcript is None:
        return _transcript_form(request, record, taken.view, status_code=422)
    try:
        interviews.set_transcript(session, record.interview_id, taken.transcript)
    except ConflictError as error:
        taken.view.errors.append(str(error))
        return _transcript_form(request, record, taken.view, status_code=409)
    if taken.view.held_token:
        intake.upload_store(request).drop(taken.view.held_token)
    return RedirectResponse(
        f"/interviews/{quote(record.interview_id)}?transcript_saved=1", status_code=303
    )


def _transcript_form(
    request: Request, record: InterviewRecord, view: IntakeView, *, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "interviews_transcript.html.j2",
        {
            "record": record,
            "intake": view,
            "encodings": intake.ENCODINGS,
            "draft_key": f"transcript-{record.interview_id}",
        },
        status_code=status_code,
    )
