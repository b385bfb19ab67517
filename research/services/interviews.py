"""Interviews and their transcripts: entry, import (with a metadata sheet, or bare and
described later), changes, removal, listing, and whether each record is complete."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviews.dictionary import DataDictionary
from interviews.importers import (
    Transcript,
    TranscriptLimits,
    check_transcript_name,
    read_transcript,
)
from interviews.models import CORE_INTERVIEW_FIELDS, pseudonym_from, unique_pseudonym
from research.errors import ConflictError, NotFoundError, ResearchError
from research.services import metadata_sheets, study_info, transcript_search
from research.services.attributes import check_record, from_storage, missing_required
from research.services.bulk import collector_paused, in_bulk, page_cache_enlarged
from research.services.filters import matches_all, parse_conditions
from research.services.interview_rows import (
    attach_transcript,
    incomplete_interview_ids,
    missing_values,
    new_row,
    store_in_batches,
    store_values,
    stored_values,
)
from research.services.record_files import add_records
from research.services.records import (
    DescribeReport,
    ImportReport,
    InterviewRecord,
    RemovalRecord,
)
from research.services.respondents import (
    INTERVIEW_ORDER,
    codings_by_coder,
    delete_records,
    describe_codings,
)
from research.services.search import TranscriptMatch
from research.storage.tables import CodingRow, InterviewRow, RespondentRow

__all__ = [
    "add_interview",
    "add_interviews_from",
    "describe_interviews",
    "get_interview",
    "import_transcripts",
    "incomplete_interview_ids",
    "list_interviews",
    "missing_values",
    "read_transcript_file",
    "record_attributes",
    "remove_interview",
    "search_interviews",
    "set_transcript",
    "transcript_encoding",
    "transcript_limits",
    "update_interview",
]


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
    row = new_row(interview_id, respondent_id, cleaned)
    session.add(row)
    if transcript is not None:
        attach_transcript(session, row, transcript)
    session.flush()
    return get_interview(session, interview_id)


def add_interviews_from(
    session: Session,
    path: Path,
    *,
    encoding: str | None = None,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> list[str]:
    """Add the interviews of a JSON file or a sheet (CSV or XLSX), all or nothing; returns
    their ids.

    Each record names its `respondent_id` (stored already), optionally an `interview_id`
    and a `transcript` (a file named relative to the records file), and interview
    attributes. Every problem is listed with its row and column.
    """
    added: list[str] = []

    def add(record: dict[str, Any]) -> None:
        transcript_name = record.pop("transcript", None)
        transcript = (
            read_transcript(path.parent / str(transcript_name), encoding=encoding)
            if transcript_name
            else None
        )
        interview_id = record.pop("interview_id", None)
        created = add_interview(
            session,
            respondent_id=str(record.pop("respondent_id", None) or ""),
            interview_id=str(interview_id) if interview_id else None,
            values=record,
            transcript=transcript,
            confirm_warnings=confirm_warnings,
            today=today,
        )
        added.append(created.interview_id)

    add_records(path, add)
    return added


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
    stored = stored_values(dictionary, row)
    cleaned = check_record(
        dictionary,
        "interview",
        {**stored, **values},
        what=f"interview {interview_id}",
        confirm_warnings=confirm_warnings,
        today=today,
        may_stay_missing=missing_required(dictionary, "interview", stored),
    )
    store_values(row, cleaned)
    session.flush()
    return get_interview(session, interview_id)


def remove_interview(
    session: Session, interview_id: str, *, cascade: bool = False
) -> RemovalRecord:
    """Delete an interview; refused while codings depend on it, unless `cascade`."""
    _row(session, interview_id)
    by_coder = codings_by_coder(session, [interview_id])
    if by_coder and not cascade:
        raise ConflictError(
            f"interview {interview_id} has {describe_codings(by_coder)}; --cascade removes them too"
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
    attach_transcript(session, row, transcript)
    return get_interview(session, interview_id)


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
    columns = [c for c in InterviewRow.__table__.columns if c.name != "transcript"]
    records = []
    for row in session.execute(select(*columns).order_by(*INTERVIEW_ORDER)):
        record = _record(
            row,
            dictionary,
            respondents[row.respondent_id],
            codings=coded.get(row.interview_id, 0),
            characters=row.transcript_characters or 0,
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


def transcript_limits(session: Session) -> TranscriptLimits:
    """How large a transcript file may be in this study (its settings' `intake` limits)."""
    return study_info.load_settings(session).intake.limits()


def read_transcript_file(
    session: Session,
    path: Path,
    *,
    encoding: str | None = None,
    confirm_warnings: bool = False,
) -> Transcript:
    """A transcript file read within the study's limits; `confirm_warnings` lets a legacy
    encoding stand for bytes that look like UTF-8."""
    return read_transcript(
        path,
        encoding=encoding,
        limits=transcript_limits(session),
        confirm_encoding=confirm_warnings,
    )


class TranscriptFiles(Mapping[str, Transcript]):
    """Transcript files by file name, each read (decoded, made canonical) only when looked up.

    Naming a file costs nothing; its text exists only while a batch is being stored. Each
    is read within `limits`, so a file too large is refused before it is read.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        encoding: str | None,
        limits: TranscriptLimits,
        confirm_encoding: bool = False,
    ) -> None:
        self._paths = {path.name: path for path in paths}
        self._encoding = encoding
        self._limits = limits
        self._confirm_encoding = confirm_encoding

    def __getitem__(self, name: str) -> Transcript:
        return read_transcript(
            self._paths[name],
            encoding=self._encoding,
            limits=self._limits,
            confirm_encoding=self._confirm_encoding,
        )

    def __contains__(self, name: object) -> bool:
        return name in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


@in_bulk
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

    Each file is read within the study's limits (`transcript_limits`); `confirm_warnings`
    also lets a named legacy encoding stand for bytes that look like UTF-8.

    What is cheap is checked before any file is read (names, formats, the sheet); the files
    are then read and stored a batch at a time, in the caller's one transaction, so that a
    file that cannot be decoded leaves nothing stored.
    """
    paths = list(files)
    if not paths:
        raise ResearchError("no files to import")
    if len({path.name for path in paths}) != len(paths):
        raise ResearchError("two files share a name; import them separately")
    for path in paths:
        check_transcript_name(path.name)
        if not path.is_file():
            raise ResearchError(f"{path}: no such file")
    transcripts = TranscriptFiles(
        paths,
        encoding=encoding,
        limits=transcript_limits(session),
        confirm_encoding=confirm_warnings,
    )
    if metadata is not None and respondent_id is not None:
        raise ResearchError(
            "a metadata sheet names each file's respondent; leave out --respondent"
        )
    with collector_paused(), page_cache_enlarged(session):
        if metadata is None:
            return _import_bare(session, paths, transcripts, respondent_id=respondent_id)
        return metadata_sheets.import_with_sheet(
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
    planned: list[tuple[InterviewRow, str]] = []
    for path in paths:
        if path.stem in stored:
            earlier = next((name for name, i in existing.items() if i == path.stem), None)
            if earlier is not None:
                raise ConflictError(
                    f"{earlier} and {path.name} both name interview {path.stem!r}; "
                    "import one of them"
                )
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
        planned.append(
            (InterviewRow(interview_id=interview_id, respondent_id=owner, attributes={}), path.name)
        )
        files[path.name] = interview_id
    # Every file is planned before any is read: a clash is found before the reading starts.
    for file_name, interview_id in existing.items():
        set_transcript(session, interview_id, transcripts[file_name])
    # Respondents first: interviews refer to them.
    session.flush()
    created = store_in_batches(session, planned, transcripts)
    incomplete = incomplete_interview_ids(session)
    return ImportReport(
        interviews_created=created,
        transcripts_attached=[*created, *existing.values()],
        respondents_created=new_respondents,
        attached_to_existing=existing,
        files=files,
        incomplete=[interview_id for interview_id in created if interview_id in incomplete],
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
    return metadata_sheets.describe_with_sheet(
        session, sheet, confirm_warnings=confirm_warnings, today=today
    )


def search_interviews(
    session: Session, query: str, *, where: Sequence[str] = ()
) -> list[TranscriptMatch]:
    """Interviews (filtered by `where`) whose transcript holds `query`, case folded, any script.

    The words are found in order through the full-text index, the last one as a prefix (as
    a search box is typed); each match carries a short snippet around the first hit and
    the number of hits.
    """
    found = transcript_search.first_hits(session, query)
    if not found:
        return []
    return [
        TranscriptMatch(interview=record, snippet=found[record.interview_id])
        for record in list_interviews(session, where=where)
        if record.interview_id in found
    ]


def transcript_encoding(session: Session, interview_id: str) -> str | None:
    """The encoding an interview's transcript was decoded from, or None without a transcript."""
    return _row(session, interview_id).source_encoding
