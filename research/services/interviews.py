"""Interviews and their transcripts: entry, import with a metadata sheet, listing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviews.dictionary import DataDictionary, Issue
from interviews.importers import Transcript, read_transcript
from interviews.models import CORE_INTERVIEW_FIELDS, Interview, split_interview_values
from research.errors import (
    ConflictError,
    InvalidRecordError,
    MetadataSheetError,
    NotFoundError,
    ResearchError,
    UnconfirmedWarningsError,
)
from research.services import study_info
from research.services.attributes import check_record, from_storage, to_storage
from research.services.filters import matches_all, parse_conditions
from research.services.records import ImportReport, InterviewRecord
from research.services.respondents import check_respondent_id
from research.services.search import Snippet, TranscriptMatch, fold, snippet
from research.services.sheets import SheetRow, read_sheet
from research.storage.tables import CodingRow, InterviewRow, RespondentRow, utc_now


def add_interview(
    session: Session,
    *,
    respondent_id: str,
    values: Mapping[str, object],
    interview_id: str | None = None,
    transcript: Transcript | None = None,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> InterviewRecord:
    """Validate and store an interview (and its transcript, if given) for an existing respondent."""
    if session.get(RespondentRow, respondent_id) is None:
        raise NotFoundError(
            f"no respondent {respondent_id!r}; add the respondent before their interviews"
        )
    interview_id = interview_id or _next_interview_id(session, respondent_id)
    if session.get(InterviewRow, interview_id) is not None:
        raise ConflictError(f"interview {interview_id!r} already exists")
    dictionary = study_info.load_dictionary(session)
    cleaned = check_record(
        dictionary,
        "interview",
        values,
        what=f"interview {interview_id}",
        confirm_warnings=confirm_warnings,
        today=today,
    )
    row = _new_row(interview_id, respondent_id, cleaned)
    session.add(row)
    if transcript is not None:
        _attach(row, transcript)
    session.flush()
    return get_interview(session, interview_id)


def _new_row(interview_id: str, respondent_id: str, cleaned: Mapping[str, Any]) -> InterviewRow:
    core, other = split_interview_values(cleaned)
    try:
        interview = Interview(
            interview_id=interview_id, respondent_id=respondent_id, attributes={}, **core
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InvalidRecordError(
            f"interview {interview_id!r}",
            [Issue(field=field, message=first["msg"], severity="error")],
        ) from error
    return InterviewRow(
        interview_id=interview.interview_id,
        respondent_id=interview.respondent_id,
        interview_date=interview.interview_date,
        place=interview.place,
        interviewer=interview.interviewer,
        language=list(interview.language),
        consent=interview.consent,
        attributes=to_storage(other),
    )


def _next_interview_id(session: Session, respondent_id: str) -> str:
    count = (
        session.scalar(
            select(func.count())
            .select_from(InterviewRow)
            .where(InterviewRow.respondent_id == respondent_id)
        )
        or 0
    )
    number = count + 1
    while session.get(InterviewRow, f"{respondent_id}-{number}") is not None:
        number += 1
    return f"{respondent_id}-{number}"


def set_transcript(session: Session, interview_id: str, transcript: Transcript) -> InterviewRecord:
    """Attach a transcript; a coded transcript is never replaced by a different text."""
    row = _row(session, interview_id)
    text = transcript.text  # a Transcript is canonical by construction
    if row.transcript is not None and row.transcript != text:
        coded = session.scalar(
            select(func.count())
            .select_from(CodingRow)
            .where(CodingRow.interview_id == interview_id)
        )
        if coded:
            raise ConflictError(
                f"interview {interview_id!r} has {coded} codings; its transcript cannot be "
                "replaced, because their offsets and quotes point into the current text"
            )
    _attach(row, transcript)
    session.flush()
    return get_interview(session, interview_id)


def _attach(row: InterviewRow, transcript: Transcript) -> None:
    text = transcript.text
    row.transcript = text
    row.transcript_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    row.source_name = transcript.source_name
    row.source_encoding = transcript.encoding
    row.updated_at = utc_now()


def get_interview(
    session: Session, interview_id: str, *, with_transcript: bool = True
) -> InterviewRecord:
    """One interview; its transcript text is included unless asked not to."""
    row = _row(session, interview_id)
    dictionary = study_info.load_dictionary(session)
    respondent = session.get(RespondentRow, row.respondent_id)
    assert respondent is not None  # the foreign key guarantees it
    codings = (
        session.scalar(
            select(func.count())
            .select_from(CodingRow)
            .where(CodingRow.interview_id == interview_id)
        )
        or 0
    )
    return _record(
        row,
        dictionary,
        respondent.attributes,
        codings=codings,
        characters=len(row.transcript or ""),
        transcript=row.transcript if with_transcript else None,
    )


def list_interviews(session: Session, *, where: Sequence[str] = ()) -> list[InterviewRecord]:
    """Interviews by date, filtered by `attribute=value` conditions on either scope."""
    dictionary = study_info.load_dictionary(session)
    conditions = parse_conditions(dictionary, where)
    respondents: dict[str, dict[str, Any]] = dict(
        session.execute(select(RespondentRow.respondent_id, RespondentRow.attributes)).all()
    )
    coded = dict(
        session.execute(
            select(CodingRow.interview_id, func.count()).group_by(CodingRow.interview_id)
        ).all()
    )
    lengths: dict[str, int | None] = dict(
        session.execute(
            select(InterviewRow.interview_id, func.length(InterviewRow.transcript))
        ).all()
    )
    columns = [c for c in InterviewRow.__table__.columns if c.name != "transcript"]
    records = []
    for row in session.execute(
        select(*columns).order_by(InterviewRow.interview_date, InterviewRow.interview_id)
    ):
        record = _record(
            row,
            dictionary,
            respondents[row.respondent_id],
            codings=coded.get(row.interview_id, 0),
            characters=lengths[row.interview_id] or 0,
        )
        if matches_all(conditions, record_attributes(record)):
            records.append(record)
    return records


def record_attributes(record: InterviewRecord) -> dict[str, Any]:
    """Every attribute of an interview and its respondent, as filters and tables see them."""
    core = {name: getattr(record, name) for name in CORE_INTERVIEW_FIELDS}
    return {**record.respondent_attributes, **record.attributes, **core}


def _record(
    row: Any,
    dictionary: DataDictionary,
    respondent_attributes: Mapping[str, Any],
    *,
    codings: int,
    characters: int,
    transcript: str | None = None,
) -> InterviewRecord:
    return InterviewRecord(
        interview_id=row.interview_id,
        respondent_id=row.respondent_id,
        interview_date=row.interview_date,
        place=row.place,
        interviewer=row.interviewer,
        language=list(row.language),
        consent=row.consent,
        attributes=from_storage(dictionary, row.attributes),
        respondent_attributes=from_storage(dictionary, respondent_attributes),
        has_transcript=row.transcript_sha256 is not None,
        characters=characters,
        source_name=row.source_name,
        codings=codings,
        transcript=transcript,
    )


def _row(session: Session, interview_id: str) -> InterviewRow:
    row = session.get(InterviewRow, interview_id)
    if row is None:
        raise NotFoundError(f"no interview {interview_id!r}")
    return row


def import_transcripts(
    session: Session,
    files: Iterable[Path],
    *,
    encoding: str | None = None,
    metadata: Path | None = None,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> ImportReport:
    """Import transcript files, all or nothing.

    With a metadata sheet, each row names a `file`, its `respondent_id`, optionally an
    `interview_id` (default: the file's stem) and attribute columns; new respondents and
    interviews are created from it. Without one, each file's stem names an existing interview.
    """
    paths = list(files)
    if not paths:
        raise ResearchError("no files to import")
    transcripts = {path.name: read_transcript(path, encoding=encoding) for path in paths}
    if len(transcripts) != len(paths):
        raise ResearchError("two files share a name; import them separately")
    if metadata is None:
        return _attach_to_existing(session, paths, transcripts)
    return _import_with_sheet(
        session, metadata, transcripts, confirm_warnings=confirm_warnings, today=today
    )


def _attach_to_existing(
    session: Session, paths: Sequence[Path], transcripts: Mapping[str, Transcript]
) -> ImportReport:
    attached = []
    for path in paths:
        interview_id = path.stem
        if session.get(InterviewRow, interview_id) is None:
            raise NotFoundError(
                f"{path.name}: no interview {interview_id!r}; name the file after an existing "
                "interview, or give a --metadata sheet that maps files to respondents"
            )
        set_transcript(session, interview_id, transcripts[path.name])
        attached.append(interview_id)
    return ImportReport(
        interviews_created=[], transcripts_attached=attached, respondents_created=[]
    )


def _import_with_sheet(
    session: Session,
    sheet: Path,
    transcripts: Mapping[str, Transcript],
    *,
    confirm_warnings: bool,
    today: date | None,
) -> ImportReport:
    dictionary = study_info.load_dictionary(session)
    rows = read_sheet(sheet)
    plan = _SheetPlan(
        session, dictionary, sheet.name, confirm_warnings=confirm_warnings, today=today
    )
    for row in rows:
        plan.add_row(row, transcripts)
    missing = sorted(set(transcripts) - plan.files)
    for name in missing:
        plan.problems.append((None, "file", f"no row for file {name!r}"))
    if plan.problems:
        raise MetadataSheetError(sheet.name, plan.problems)
    return plan.store(transcripts)


class _SheetPlan:
    """Validated rows of a metadata sheet, stored only when every row is right."""

    def __init__(
        self,
        session: Session,
        dictionary: DataDictionary,
        sheet: str,
        *,
        confirm_warnings: bool,
        today: date | None,
    ) -> None:
        self.session = session
        self.dictionary = dictionary
        self.sheet = sheet
        self.confirm_warnings = confirm_warnings
        self.today = today
        self.problems: list[tuple[int | None, str | None, str]] = []
        self.files: set[str] = set()
        self.interviews: list[tuple[InterviewRow, str]] = []
        self.new_respondents: dict[str, tuple[int, dict[str, Any]]] = {}
        self.checked_respondents: dict[str, dict[str, Any]] = {}
        self.known_respondents = set(session.scalars(select(RespondentRow.respondent_id)))
        self.known_interviews = set(session.scalars(select(InterviewRow.interview_id)))
        self.scopes = {attribute.name: attribute.scope for attribute in dictionary.attributes}

    def add_row(self, row: SheetRow, transcripts: Mapping[str, Transcript]) -> None:
        """Check one row; problems are collected, not raised, so a user sees them all."""
        cells = dict(row.cells)
        file_name = cells.pop("file", None)
        respondent_id = cells.pop("respondent_id", None)
        if file_name is None:
            self.problems.append((row.number, "file", "missing"))
            return
        file_name = Path(file_name).name
        if file_name not in transcripts:
            return  # rows for files not being imported now are for another run
        if file_name in self.files:
            self.problems.append((row.number, "file", f"{file_name!r} has two rows"))
            return
        self.files.add(file_name)
        if respondent_id is None:
            self.problems.append((row.number, "respondent_id", "missing"))
            return
        interview_id = cells.pop("interview_id", None) or Path(file_name).stem
        if interview_id in self.known_interviews:
            self.problems.append(
                (row.number, "interview_id", f"interview {interview_id!r} already exists")
            )
            return
        self.known_interviews.add(interview_id)
        unknown = [name for name in cells if name not in self.scopes]
        for name in unknown:
            self.problems.append((row.number, name, "not an attribute of the data dictionary"))
        if unknown:
            return
        respondent_values = {k: v for k, v in cells.items() if self.scopes[k] == "respondent"}
        interview_values = {k: v for k, v in cells.items() if self.scopes[k] == "interview"}
        self._respondent(row.number, respondent_id, respondent_values)
        checked = self._check(
            row.number, "interview", interview_values, f"interview {interview_id}"
        )
        if checked is None:
            return
        try:
            planned = _new_row(interview_id, respondent_id, checked)
        except InvalidRecordError as error:
            self._collect(row.number, error)
            return
        self.interviews.append((planned, file_name))

    def _respondent(self, number: int, respondent_id: str, values: dict[str, Any]) -> None:
        if respondent_id in self.known_respondents:
            if values:
                self._compare_with_stored(number, respondent_id, values)
            return
        if respondent_id in self.new_respondents:
            first_row, first_values = self.new_respondents[respondent_id]
            if values and values != first_values:
                self.problems.append(
                    (
                        number,
                        "respondent_id",
                        f"respondent {respondent_id!r} has other attributes in row {first_row}",
                    )
                )
            return
        self.new_respondents[respondent_id] = (number, values)
        try:
            check_respondent_id(respondent_id)
        except InvalidRecordError as error:
            self._collect(number, error)
            return
        checked = self._check(number, "respondent", values, f"respondent {respondent_id}")
        if checked is not None:
            self.checked_respondents[respondent_id] = checked

    def _collect(self, number: int, error: InvalidRecordError) -> None:
        self.problems.extend((number, issue.field, issue.message) for issue in error.issues)

    def _compare_with_stored(self, number: int, respondent_id: str, values: dict[str, Any]) -> None:
        row = self.session.get(RespondentRow, respondent_id)
        assert row is not None
        stored = from_storage(self.dictionary, row.attributes)
        for name, raw in values.items():
            value = self.dictionary.parse_value(name, raw)
            if stored.get(name) != value:
                self.problems.append(
                    (
                        number,
                        name,
                        f"respondent {respondent_id!r} is stored with "
                        f"{stored.get(name)!r}, the sheet says {value!r}",
                    )
                )

    def _check(
        self, number: int, scope: str, values: dict[str, Any], what: str
    ) -> dict[str, Any] | None:
        try:
            return check_record(
                self.dictionary,
                scope,  # type: ignore[arg-type]
                values,
                what=what,
                confirm_warnings=self.confirm_warnings,
                today=self.today,
            )
        except InvalidRecordError as error:
            self._collect(number, error)
        except UnconfirmedWarningsError as error:
            self.problems.extend(
                (number, issue.field, f"{issue.message} (confirm with --confirm-warnings)")
                for issue in error.warnings
            )
        return None

    def store(self, transcripts: Mapping[str, Transcript]) -> ImportReport:
        """Store every planned respondent and interview in the caller's transaction."""
        for respondent_id, cleaned in self.checked_respondents.items():
            self.session.add(
                RespondentRow(respondent_id=respondent_id, attributes=to_storage(cleaned))
            )
        # Respondents first: interviews refer to them.
        self.session.flush()
        for row, file_name in self.interviews:
            _attach(row, transcripts[file_name])
            self.session.add(row)
        self.session.flush()
        return ImportReport(
            interviews_created=[row.interview_id for row, _ in self.interviews],
            transcripts_attached=[row.interview_id for row, _ in self.interviews],
            respondents_created=list(self.new_respondents),
        )


def search_interviews(
    session: Session, query: str, *, where: Sequence[str] = ()
) -> list[TranscriptMatch]:
    """Interviews (filtered by `where`) whose transcript holds `query`, case folded, any script.

    Each match carries a short snippet around the first hit and the number of hits.
    """
    if not fold(query.strip()):
        raise ResearchError("type a word or phrase to search the transcripts for")
    records = {record.interview_id: record for record in list_interviews(session, where=where)}
    found: dict[str, Snippet] = {}
    rows = session.execute(
        select(InterviewRow.interview_id, InterviewRow.transcript)
        .where(InterviewRow.transcript.is_not(None))
        .execution_options(yield_per=200)
    )
    for interview_id, text in rows:
        if interview_id in records and text is not None:
            passage = snippet(text, query)
            if passage is not None:
                found[interview_id] = passage
    return [
        TranscriptMatch(interview=record, snippet=found[interview_id])
        for interview_id, record in records.items()
        if interview_id in found
    ]


def transcript_encoding(session: Session, interview_id: str) -> str | None:
    """The encoding an interview's transcript was decoded from, or None without a transcript."""
    return _row(session, interview_id).source_encoding
