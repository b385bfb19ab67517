"""Interviews and their transcripts: entry, import (with a metadata sheet, or bare and
described later), changes, removal, listing, and whether each record is complete."""

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
from interviews.models import (
    CORE_INTERVIEW_FIELDS,
    Interview,
    pseudonym_from,
    split_interview_values,
    unique_pseudonym,
)
from research.errors import (
    ConflictError,
    InvalidRecordError,
    MetadataSheetError,
    NotFoundError,
    ResearchError,
    UnconfirmedWarningsError,
)
from research.services import study_info
from research.services.attributes import (
    check_record,
    from_storage,
    missing_required,
    to_storage,
)
from research.services.filters import matches_all, parse_conditions
from research.services.records import (
    DescribeReport,
    ImportReport,
    InterviewRecord,
    RemovalRecord,
)
from research.services.respondents import (
    INTERVIEW_ORDER,
    check_respondent_id,
    codings_by_coder,
    delete_records,
    describe_codings,
)
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
    interview = _checked(interview_id, respondent_id, core)
    return InterviewRow(
        interview_id=interview.interview_id,
        respondent_id=interview.respondent_id,
        interview_date=interview.interview_date,
        consent=interview.consent,
        attributes=to_storage(other),
    )


def _checked(interview_id: str, respondent_id: str, core: Mapping[str, Any]) -> Interview:
    """The domain's own checks of the core fields (ids, consent never refused)."""
    try:
        return Interview(
            interview_id=interview_id, respondent_id=respondent_id, attributes={}, **core
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InvalidRecordError(
            f"interview {interview_id!r}",
            [Issue(field=field, message=first["msg"], severity="error")],
        ) from error


def update_interview(
    session: Session,
    interview_id: str,
    values: Mapping[str, object],
    *,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> InterviewRecord:
    """Change some attributes of an interview; the whole record is validated again.

    A blank value clears an attribute, except a required one that has a value: a record
    may be incomplete because nobody described it yet, never because a value was erased.
    """
    row = _row(session, interview_id)
    dictionary = study_info.load_dictionary(session)
    stored = _stored_values(dictionary, row)
    cleaned = check_record(
        dictionary,
        "interview",
        {**stored, **values},
        what=f"interview {interview_id}",
        confirm_warnings=confirm_warnings,
        today=today,
        may_stay_missing=missing_required(dictionary, "interview", stored),
    )
    _store_values(row, cleaned)
    session.flush()
    return get_interview(session, interview_id)


def _stored_values(dictionary: DataDictionary, row: InterviewRow) -> dict[str, Any]:
    """An interview's values as validation takes them: attributes and the known core fields."""
    core = {
        name: getattr(row, name)
        for name in CORE_INTERVIEW_FIELDS
        if getattr(row, name) is not None
    }
    return {**from_storage(dictionary, row.attributes), **core}


def _store_values(row: InterviewRow, cleaned: Mapping[str, Any]) -> None:
    core, other = split_interview_values(cleaned)
    interview = _checked(row.interview_id, row.respondent_id, core)
    row.interview_date = interview.interview_date
    row.consent = interview.consent
    row.attributes = to_storage(other)
    row.updated_at = utc_now()


def remove_interview(
    session: Session, interview_id: str, *, cascade: bool = False
) -> RemovalRecord:
    """Delete an interview; refused while codings depend on it, unless `cascade`."""
    _row(session, interview_id)
    by_coder = codings_by_coder(session, [interview_id])
    if by_coder and not cascade:
        raise ConflictError(
            f"interview {interview_id} has {describe_codings(by_coder)}; "
            "--cascade removes them too"
        )
    delete_records(session, interview_ids=[interview_id])
    return RemovalRecord(
        respondents=[],
        interviews=[interview_id],
        codings=sum(by_coder.values()),
        codings_by_coder=by_coder,
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


def list_interviews(
    session: Session, *, where: Sequence[str] = (), only_incomplete: bool = False
) -> list[InterviewRecord]:
    """Interviews by date (undated last), filtered by `attribute=value` conditions on either
    scope and, if asked, to the incomplete ones."""
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
    for row in session.execute(select(*columns).order_by(*INTERVIEW_ORDER)):
        record = _record(
            row,
            dictionary,
            respondents[row.respondent_id],
            codings=coded.get(row.interview_id, 0),
            characters=lengths[row.interview_id] or 0,
        )
        if only_incomplete and record.complete:
            continue
        if matches_all(conditions, record_attributes(record)):
            records.append(record)
    return records


def record_attributes(record: InterviewRecord) -> dict[str, Any]:
    """Every attribute of an interview and its respondent, as filters and tables see them."""
    core = {
        name: getattr(record, name)
        for name in CORE_INTERVIEW_FIELDS
        if getattr(record, name) is not None
    }
    return {**record.respondent_attributes, **record.attributes, **core}


def missing_values(
    dictionary: DataDictionary,
    interview_values: Mapping[str, Any],
    respondent_values: Mapping[str, Any],
) -> list[str]:
    """What keeps an interview incomplete, per the current dictionary: its required interview
    attributes and its respondent's required attributes without a value, and consent unless
    it is yes (consent unknown is not consent given)."""
    missing = missing_required(dictionary, "interview", interview_values)
    if interview_values.get("consent") is not True and "consent" not in missing:
        missing.append("consent")
    return missing + missing_required(dictionary, "respondent", respondent_values)


def incomplete_interview_ids(session: Session) -> set[str]:
    """The ids of every incomplete interview (held back from analysis and quotation)."""
    dictionary = study_info.load_dictionary(session)
    respondents: dict[str, dict[str, Any]] = dict(
        session.execute(select(RespondentRow.respondent_id, RespondentRow.attributes)).all()
    )
    rows = session.execute(
        select(
            InterviewRow.interview_id,
            InterviewRow.respondent_id,
            InterviewRow.interview_date,
            InterviewRow.consent,
            InterviewRow.attributes,
        )
    )
    # Stored JSON is enough to tell a missing value; no need to type every value.
    return {
        row.interview_id
        for row in rows
        if missing_values(
            dictionary,
            {**row.attributes, "interview_date": row.interview_date, "consent": row.consent},
            respondents[row.respondent_id],
        )
    }


def _record(
    row: Any,
    dictionary: DataDictionary,
    respondent_attributes: Mapping[str, Any],
    *,
    codings: int,
    characters: int,
    transcript: str | None = None,
) -> InterviewRecord:
    attributes = from_storage(dictionary, row.attributes)
    respondent = from_storage(dictionary, respondent_attributes)
    missing = missing_values(
        dictionary,
        {**attributes, "interview_date": row.interview_date, "consent": row.consent},
        respondent,
    )
    return InterviewRecord(
        interview_id=row.interview_id,
        respondent_id=row.respondent_id,
        interview_date=row.interview_date,
        consent=row.consent,
        attributes=attributes,
        respondent_attributes=respondent,
        missing=missing,
        complete=not missing,
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
    respondent_id: str | None = None,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> ImportReport:
    """Import transcript files, all or nothing.

    With a metadata sheet, each row names a `file`, its `respondent_id`, optionally an
    `interview_id` (default: the file's stem) and attribute columns; new respondents and
    interviews are created from it. Without one (a bare import), a file named after a
    stored interview gives it its transcript; every other file becomes a new, incomplete
    interview whose id is made from the file's name, attached to `respondent_id` (an
    existing respondent) or to a new respondent of its own; `describe_interviews` or
    `update_interview` fills it in later.
    """
    paths = list(files)
    if not paths:
        raise ResearchError("no files to import")
    transcripts = {path.name: read_transcript(path, encoding=encoding) for path in paths}
    if len(transcripts) != len(paths):
        raise ResearchError("two files share a name; import them separately")
    if metadata is None:
        return _import_bare(session, paths, transcripts, respondent_id=respondent_id)
    if respondent_id is not None:
        raise ResearchError(
            "a metadata sheet names each file's respondent; leave out --respondent"
        )
    return _import_with_sheet(
        session, metadata, transcripts, confirm_warnings=confirm_warnings, today=today
    )


def _import_bare(
    session: Session,
    paths: Sequence[Path],
    transcripts: Mapping[str, Transcript],
    *,
    respondent_id: str | None,
) -> ImportReport:
    if respondent_id is not None and session.get(RespondentRow, respondent_id) is None:
        raise NotFoundError(
            f"no respondent {respondent_id!r}; add them first, or leave out --respondent "
            "to give each file a respondent of its own"
        )
    stored = set(session.scalars(select(InterviewRow.interview_id)))
    taken_interviews = set(stored)
    taken_respondents = set(session.scalars(select(RespondentRow.respondent_id)))
    existing: dict[str, str] = {}
    files: dict[str, str] = {}
    new_respondents: list[str] = []
    new_rows: list[InterviewRow] = []
    for path in paths:
        if path.stem in stored:
            earlier = next((name for name, i in existing.items() if i == path.stem), None)
            if earlier is not None:
                raise ConflictError(
                    f"{earlier} and {path.name} both name interview {path.stem!r}; "
                    "import one of them"
                )
            set_transcript(session, path.stem, transcripts[path.name])
            existing[path.name] = path.stem
            continue
        interview_id = unique_pseudonym(pseudonym_from(path.stem), taken_interviews)
        taken_interviews.add(interview_id)
        owner = respondent_id
        if owner is None:
            owner = unique_pseudonym(
                pseudonym_from(path.stem, fallback="respondent"), taken_respondents
            )
            taken_respondents.add(owner)
            session.add(RespondentRow(respondent_id=owner, attributes={}))
            new_respondents.append(owner)
        row = InterviewRow(interview_id=interview_id, respondent_id=owner, attributes={})
        _attach(row, transcripts[path.name])
        new_rows.append(row)
        files[path.name] = interview_id
    # Respondents first: interviews refer to them.
    session.flush()
    session.add_all(new_rows)
    session.flush()
    created = [row.interview_id for row in new_rows]
    incomplete = incomplete_interview_ids(session)
    return ImportReport(
        interviews_created=created,
        transcripts_attached=[*created, *existing.values()],
        respondents_created=new_respondents,
        attached_to_existing=existing,
        files=files,
        incomplete=[interview_id for interview_id in created if interview_id in incomplete],
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


def describe_interviews(
    session: Session,
    sheet: Path,
    *,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> DescribeReport:
    """Fill in stored interviews (and their respondents) from a metadata sheet, all or nothing.

    Each row names an interview by `interview_id` or by `file` (the name of the file its
    transcript came from), and gives attribute values of either scope; blank cells change
    nothing. A `respondent_id` other than the interview's own moves the interview to that
    respondent (created if new); a respondent a bare import made that is left with no
    interviews and no attributes is removed. Every problem is listed with its row and column.
    """
    dictionary = study_info.load_dictionary(session)
    rows = read_sheet(sheet)
    if not rows:
        raise MetadataSheetError(sheet.name, [(None, None, "the sheet has no rows to apply")])
    before = incomplete_interview_ids(session)
    plan = _DescribePlan(
        session, dictionary, confirm_warnings=confirm_warnings, today=today
    )
    for row in rows:
        plan.add_row(row)
    if plan.problems:
        raise MetadataSheetError(sheet.name, plan.problems)
    report = plan.store()
    after = incomplete_interview_ids(session)
    updated = report.interviews_updated
    return report.model_copy(
        update={
            "completed": [i for i in updated if i in before and i not in after],
            "still_incomplete": [i for i in updated if i in after],
        }
    )


class _DescribePlan:
    """Rows of a describing sheet checked against stored records, applied only when all pass."""

    def __init__(
        self,
        session: Session,
        dictionary: DataDictionary,
        *,
        confirm_warnings: bool,
        today: date | None,
    ) -> None:
        self.session = session
        self.dictionary = dictionary
        self.confirm_warnings = confirm_warnings
        self.today = today
        self.problems: list[tuple[int | None, str | None, str]] = []
        self.scopes = {attribute.name: attribute.scope for attribute in dictionary.attributes}
        self.rows_of_interview: dict[str, int] = {}
        self.interviews: dict[str, tuple[dict[str, Any], str]] = {}
        # Respondent id -> (first row naming values for it, raw values, checked values).
        self.respondents: dict[str, tuple[int, dict[str, Any], dict[str, Any]]] = {}
        self.new_respondents: set[str] = set()
        self.by_source: dict[str, list[str]] = {}
        for interview_id, source_name in session.execute(
            select(InterviewRow.interview_id, InterviewRow.source_name).order_by(
                InterviewRow.interview_id
            )
        ):
            if source_name:
                self.by_source.setdefault(source_name, []).append(interview_id)

    def add_row(self, row: SheetRow) -> None:
        """Check one row; problems are collected, so that a user sees them all at once."""
        cells = dict(row.cells)
        interview_id = self._interview_of(row.number, cells)
        respondent_id = cells.pop("respondent_id", None)
        unknown = [name for name in cells if name not in self.scopes]
        for name in unknown:
            self.problems.append((row.number, name, "not an attribute of the data dictionary"))
        if interview_id is None or unknown:
            return
        first = self.rows_of_interview.setdefault(interview_id, row.number)
        if first != row.number:
            self.problems.append(
                (row.number, None, f"interview {interview_id!r} is described in row {first} too")
            )
            return
        stored = self.session.get(InterviewRow, interview_id)
        assert stored is not None
        owner = respondent_id or stored.respondent_id
        given = {name: value for name, value in cells.items() if self.scopes[name] == "interview"}
        values = {**_stored_values(self.dictionary, stored), **given}
        checked = self._check(
            row.number, "interview", values, f"interview {interview_id}", missing_ok=True
        )
        respondent_values = {k: v for k, v in cells.items() if self.scopes[k] == "respondent"}
        self._respondent(row.number, owner, respondent_values)
        if checked is not None:
            self.interviews[interview_id] = (checked, owner)

    def _interview_of(self, number: int, cells: dict[str, str]) -> str | None:
        interview_id = cells.pop("interview_id", None)
        file_name = cells.pop("file", None)
        if interview_id is not None:
            if self.session.get(InterviewRow, interview_id) is None:
                self.problems.append((number, "interview_id", f"no interview {interview_id!r}"))
                return None
            return interview_id
        if file_name is None:
            self.problems.append(
                (number, None, "name the interview in an interview_id or a file column")
            )
            return None
        name = Path(file_name).name
        found = self.by_source.get(name, [])
        if not found:
            self.problems.append((number, "file", f"no interview was imported from {name!r}"))
            return None
        if len(found) > 1:
            self.problems.append(
                (
                    number,
                    "file",
                    f"{len(found)} interviews came from {name!r} ({', '.join(found)}); "
                    "name one in an interview_id column",
                )
            )
            return None
        return found[0]

    def _respondent(self, number: int, respondent_id: str, raw: dict[str, Any]) -> None:
        if respondent_id in self.respondents:
            first_row, first_raw, _ = self.respondents[respondent_id]
            if raw and first_raw and raw != first_raw:
                self.problems.append(
                    (
                        number,
                        "respondent_id",
                        f"respondent {respondent_id!r} has other attributes in row {first_row}",
                    )
                )
            if not raw or first_raw:
                return
        stored_row = self.session.get(RespondentRow, respondent_id)
        if stored_row is None:
            try:
                check_respondent_id(respondent_id)
            except InvalidRecordError as error:
                self.problems.extend((number, issue.field, issue.message) for issue in error.issues)
                return
            self.new_respondents.add(respondent_id)
            stored: dict[str, Any] = {}
        else:
            stored = from_storage(self.dictionary, stored_row.attributes)
        checked = self._check(
            number,
            "respondent",
            {**stored, **raw},
            f"respondent {respondent_id}",
            missing_ok=True,
        )
        if checked is not None:
            self.respondents[respondent_id] = (number, raw, checked)

    def _check(
        self, number: int, scope: str, values: dict[str, Any], what: str, *, missing_ok: bool
    ) -> dict[str, Any] | None:
        names = self.dictionary.names(scope)  # type: ignore[arg-type]
        try:
            return check_record(
                self.dictionary,
                scope,  # type: ignore[arg-type]
                values,
                what=what,
                confirm_warnings=self.confirm_warnings,
                today=self.today,
                may_stay_missing=names if missing_ok else (),
            )
        except InvalidRecordError as error:
            self.problems.extend(
                (number, issue.field, f"{what}: {_without_field(issue)}") for issue in error.issues
            )
        except UnconfirmedWarningsError as error:
            self.problems.extend(
                (number, issue.field, f"{issue.message} (confirm with --confirm-warnings)")
                for issue in error.warnings
            )
        return None

    def store(self) -> DescribeReport:
        """Apply every checked row in the caller's transaction."""
        session = self.session
        for respondent_id in sorted(self.new_respondents):
            session.add(RespondentRow(respondent_id=respondent_id, attributes={}))
        session.flush()
        updated_respondents = []
        for respondent_id, (_, raw, checked) in self.respondents.items():
            person = session.get(RespondentRow, respondent_id)
            assert person is not None
            if raw or respondent_id in self.new_respondents:
                person.attributes = to_storage(checked)
                person.updated_at = utc_now()
                if respondent_id not in self.new_respondents:
                    updated_respondents.append(respondent_id)
        moved: dict[str, str] = {}
        left: set[str] = set()
        for interview_id, (checked, owner) in self.interviews.items():
            row = session.get(InterviewRow, interview_id)
            assert row is not None
            if owner != row.respondent_id:
                left.add(row.respondent_id)
                row.respondent_id = owner
                moved[interview_id] = owner
            _store_values(row, checked)
        session.flush()
        removed = [
            respondent_id
            for respondent_id in sorted(left)
            if _empty_respondent(session, respondent_id)
        ]
        delete_records(session, interview_ids=[], respondent_ids=removed)
        return DescribeReport(
            interviews_updated=list(self.interviews),
            respondents_updated=updated_respondents,
            respondents_created=sorted(self.new_respondents),
            interviews_moved=moved,
            respondents_removed=removed,
            completed=[],
            still_incomplete=[],
        )


def _empty_respondent(session: Session, respondent_id: str) -> bool:
    """Whether a respondent has neither interviews nor attributes (a placeholder)."""
    row = session.get(RespondentRow, respondent_id)
    if row is None or row.attributes:
        return False
    held = session.scalar(
        select(func.count())
        .select_from(InterviewRow)
        .where(InterviewRow.respondent_id == respondent_id)
    )
    return not held


def _without_field(issue: Issue) -> str:
    prefix = f"{issue.field}: "
    return issue.message[len(prefix) :] if issue.message.startswith(prefix) else issue.message


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
