"""Metadata sheets applied to interviews: at import (new records, every required value)
and later (describing stored records, matched by interview id or source file name).

Each sheet is checked whole, every problem kept with its row and column, and applied only
when there is none: all or nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interviews.dictionary import DataDictionary
from interviews.importers import Transcript
from research.errors import (
    InvalidRecordError,
    MetadataSheetError,
    SheetProblem,
    UnconfirmedWarningsError,
    without_field,
)
from research.services import study_info
from research.services.attributes import check_record, from_storage, to_storage
from research.services.interview_rows import (
    incomplete_interview_ids,
    new_row,
    store_in_batches,
    store_values,
    stored_values,
)
from research.services.records import DescribeReport, ImportReport
from research.services.respondents import check_respondent_id, delete_records
from research.services.sheets import SheetRow, read_sheet
from research.storage.tables import InterviewRow, RespondentRow, utc_now


def import_with_sheet(
    session: Session,
    sheet: Path,
    transcripts: Mapping[str, Transcript],
    *,
    confirm_warnings: bool,
    today: date | None,
) -> ImportReport:
    dictionary = study_info.load_dictionary(session)
    read = read_sheet(sheet)
    plan = _SheetPlan(
        session, dictionary, sheet.name, confirm_warnings=confirm_warnings, today=today
    )
    for row in read.rows:
        plan.add_row(row, transcripts)
    # A file's row may be one of the wrong shape, already reported: "no row" would mislead.
    missing = sorted(set(transcripts) - plan.files) if not read.problems else []
    for name in missing:
        plan.problems.append((None, "file", f"no row for file {name!r}"))
    read.refuse_if_any(plan.problems, needs_confirmation=plan.unconfirmed)
    return plan.store(transcripts)


class _SheetChecks:
    """What both kinds of sheet share: the dictionary's checks of each row, every problem
    collected with its row and column, and whether any was a warning nobody confirmed."""

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
        self.problems: list[SheetProblem] = []
        self.unconfirmed = False
        self.scopes = {attribute.name: attribute.scope for attribute in dictionary.attributes}

    def _collect(self, number: int, error: InvalidRecordError, *, what: str | None = None) -> None:
        """Each field's error of a refused record; `what` names the record in the message."""
        for issue in error.issues:
            message = without_field(issue) if what is None else f"{what}: {without_field(issue)}"
            self.problems.append((number, issue.field, message))

    def _checked(
        self,
        number: int,
        scope: str,
        values: dict[str, Any],
        what: str,
        *,
        may_stay_missing: Collection[str] = (),
        name_record: bool = False,
    ) -> dict[str, Any] | None:
        """The row's values checked by the dictionary, or None with its problems collected."""
        try:
            return check_record(
                self.dictionary,
                scope,  # type: ignore[arg-type]
                values,
                what=what,
                confirm_warnings=self.confirm_warnings,
                today=self.today,
                may_stay_missing=may_stay_missing,
            )
        except InvalidRecordError as error:
            self._collect(number, error, what=what if name_record else None)
        except UnconfirmedWarningsError as error:
            self.unconfirmed = True
            self.problems.extend(
                (number, issue.field, f"{without_field(issue)} (needs confirmation)")
                for issue in error.warnings
            )
        return None


class _SheetPlan(_SheetChecks):
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
        super().__init__(session, dictionary, confirm_warnings=confirm_warnings, today=today)
        self.sheet = sheet
        self.files: set[str] = set()
        self.interviews: list[tuple[InterviewRow, str]] = []
        self.new_respondents: dict[str, tuple[int, dict[str, Any]]] = {}
        self.checked_respondents: dict[str, dict[str, Any]] = {}
        self.known_respondents = set(session.scalars(select(RespondentRow.respondent_id)))
        self.known_interviews = set(session.scalars(select(InterviewRow.interview_id)))

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
        checked = self._checked(
            row.number, "interview", interview_values, f"interview {interview_id}"
        )
        if checked is None:
            return
        try:
            planned = new_row(interview_id, respondent_id, checked)
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
        checked = self._checked(number, "respondent", values, f"respondent {respondent_id}")
        if checked is not None:
            self.checked_respondents[respondent_id] = checked

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

    def store(self, transcripts: Mapping[str, Transcript]) -> ImportReport:
        """Store every planned respondent and interview in the caller's transaction."""
        for respondent_id, cleaned in self.checked_respondents.items():
            self.session.add(
                RespondentRow(respondent_id=respondent_id, attributes=to_storage(cleaned))
            )
        # Respondents first: interviews refer to them.
        self.session.flush()
        created = store_in_batches(self.session, self.interviews, transcripts)
        return ImportReport(
            interviews_created=created,
            transcripts_attached=list(created),
            respondents_created=list(self.new_respondents),
        )


def describe_with_sheet(
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
    read = read_sheet(sheet)
    if not read.rows and not read.problems:
        raise MetadataSheetError(sheet.name, [(None, None, "the sheet has no rows to apply")])
    before = incomplete_interview_ids(session)
    plan = _DescribePlan(
        session, dictionary, confirm_warnings=confirm_warnings, today=today
    )
    for row in read.rows:
        plan.add_row(row)
    read.refuse_if_any(plan.problems, needs_confirmation=plan.unconfirmed)
    report = plan.store()
    after = incomplete_interview_ids(session)
    updated = report.interviews_updated
    return report.model_copy(
        update={
            "completed": [i for i in updated if i in before and i not in after],
            "still_incomplete": [i for i in updated if i in after],
        }
    )


class _DescribePlan(_SheetChecks):
    """Rows of a describing sheet checked against stored records, applied only when all pass."""

    def __init__(
        self,
        session: Session,
        dictionary: DataDictionary,
        *,
        confirm_warnings: bool,
        today: date | None,
    ) -> None:
        super().__init__(session, dictionary, confirm_warnings=confirm_warnings, today=today)
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
        values = {**stored_values(self.dictionary, stored), **given}
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
                self.problems.extend(
                    (number, issue.field, without_field(issue)) for issue in error.issues
                )
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
        return self._checked(
            number,
            scope,
            values,
            what,
            may_stay_missing=names if missing_ok else (),
            name_record=True,
        )

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
            store_values(row, checked)
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

