"""Errors of the application shell: each says what is wrong and where, in one line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interviews.dictionary import Issue


class ResearchError(Exception):
    """Base of every error the shell reports to a user as a plain message."""


class StudyNotFoundError(ResearchError):
    """No study folder (study.db or study.toml) where one was expected."""


class StudyExistsError(ResearchError):
    """A study already exists where a new one was to be created."""


class StudyDatabaseError(ResearchError):
    """A study's database cannot be used as it is: not a study, damaged, full, read-only or
    out of reach. `where` names the file (or the URL, its password hidden), `cause` why."""

    def __init__(self, where: str, cause: str) -> None:
        self.where = where
        self.cause = cause
        super().__init__(f"{where}: {cause}")


class StudyBusyError(StudyDatabaseError):
    """Another command or the web app kept the study locked longer than a command waits for
    it (a long import, say); nothing was changed, and trying again later may succeed.
    `waited` is how long, in seconds, the command waited."""

    def __init__(self, where: str, cause: str, *, waited: float) -> None:
        self.waited = waited
        super().__init__(where, cause)


class FileWriteError(ResearchError):
    """A file could not be written (a full disk, a read-only folder, ...); nothing was changed."""

    def __init__(self, where: str, cause: str) -> None:
        self.where = where
        self.cause = cause
        super().__init__(f"{where}: could not be written ({cause}); nothing was changed")


class StudySettingsError(ResearchError):
    """study.toml is malformed or names an unusable database."""


class NotFoundError(ResearchError):
    """A respondent, interview, code or coding that does not exist."""


class ConflictError(ResearchError):
    """The request contradicts what is stored (duplicate id, duplicate coding, coded transcript)."""


class ConsensusHeldError(ConflictError):
    """The consensus layer already holds codings where a coder's would be copied into it."""


class NotAllowedError(ResearchError):
    """The request is clear but this person may not do it (another coder's coding)."""


class InvalidRecordError(ResearchError):
    """A record failed the data dictionary's hard checks; `issues` lists each field's error."""

    def __init__(self, what: str, issues: Sequence[Issue]) -> None:
        self.what = what
        self.issues = list(issues)
        super().__init__(f"{what}: {_describe(self.issues)}")


def _describe(issues: Sequence[Issue]) -> str:
    """Issues joined; each message already names its field, unless it is a bare message."""
    return "; ".join(
        issue.message
        if issue.message.startswith(issue.field)
        else f"{issue.field}: {issue.message}"
        for issue in issues
    )


def without_field(issue: Issue) -> str:
    """An issue's message without its field's name in front, for where the field is named
    beside it (a sheet's column)."""
    prefix = f"{issue.field}: "
    return issue.message[len(prefix) :] if issue.message.startswith(prefix) else issue.message


class UnconfirmedWarningsError(ResearchError):
    """A record passed hard checks but has soft warnings nobody confirmed yet."""

    def __init__(self, what: str, warnings: Sequence[Issue]) -> None:
        self.what = what
        self.warnings = list(warnings)
        super().__init__(f"{what} needs confirmation: {_describe(self.warnings)}")


class ProblemsError(ResearchError):
    """Several problems found at once, each one line naming where; nothing was changed."""

    def __init__(self, heading: str, problems: Sequence[str]) -> None:
        self.heading = heading
        self.problems = list(problems)
        if len(self.problems) == 1:
            super().__init__(f"{heading}: {self.problems[0]}")
        else:
            lines = "\n  ".join(self.problems)
            super().__init__(f"{heading} ({len(self.problems)} problems):\n  {lines}")


# A problem in a sheet: its row (None for the sheet as a whole), column name, and message.
SheetProblem = tuple[int | None, str | None, str]


class MetadataSheetError(ResearchError):
    """Rows of a sheet (or records of a file) are wrong; each problem names the sheet, the
    row and the column, or, for a file of records, the record and the field.

    `needs_confirmation` says that some problems are soft warnings nobody confirmed yet.
    """

    def __init__(
        self,
        sheet: str,
        problems: Sequence[SheetProblem],
        *,
        needs_confirmation: bool = False,
        records: bool = False,
    ) -> None:
        self.sheet = sheet
        self.problems = list(problems)
        self.needs_confirmation = needs_confirmation
        lines = [
            _where(sheet, row, column, records=records) + f": {message}"
            for row, column, message in problems
        ]
        if len(lines) == 1:
            super().__init__(lines[0])
        else:
            super().__init__(
                f"{len(lines)} problems in {sheet}; nothing was imported:\n  " + "\n  ".join(lines)
            )


def _where(sheet: str, row: int | None, column: str | None, *, records: bool) -> str:
    where = sheet
    if row is not None:
        where += f", {'record' if records else 'row'} {row}"
    if column is not None:
        where += f", {'field' if records else 'column'} {column!r}"
    return where


class ArchiveError(ResearchError):
    """A study archive that cannot be restored: not an archive, damaged, unsafe or too new."""


class ArchiveExistsError(ArchiveError):
    """A backup's archive would replace a file that is already there."""
