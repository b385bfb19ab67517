"""Records entered from a file (JSON, or a CSV or XLSX sheet), added all or nothing.

Every record is tried and every problem kept with its row (or record) and column (or
field), so that one refusal lists them all; when there is any, the caller's transaction
is rolled back and nothing is stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviews.errors import InterviewsError
from research.errors import (
    InvalidRecordError,
    MetadataSheetError,
    ResearchError,
    SheetProblem,
    UnconfirmedWarningsError,
    without_field,
)
from research.services.sheets import SHEET_SUFFIXES, in_row_order, read_sheet, read_text


@dataclass
class RecordFile:
    """Records numbered as the file shows them (a sheet's row, a JSON list's position from 1),
    and the problems found while reading them."""

    name: str
    records: list[tuple[int, dict[str, Any]]]
    problems: list[SheetProblem] = field(default_factory=list)
    is_sheet: bool = True

    def refuse_if_any(
        self,
        problems: Sequence[SheetProblem] = (),
        *,
        needs_confirmation: bool = False,
        cause: BaseException | None = None,
    ) -> None:
        """Raise one error listing every problem in record order, when there is any."""
        every = in_row_order([*self.problems, *problems])
        if every:
            raise MetadataSheetError(
                self.name,
                every,
                needs_confirmation=needs_confirmation,
                records=not self.is_sheet,
            ) from cause


def read_records(path: Path) -> RecordFile:
    """The records of a JSON file (an object or a list of objects) or a sheet with a header."""
    suffix = path.suffix.lower()
    if suffix in SHEET_SUFFIXES:
        sheet = read_sheet(path)
        rows: list[tuple[int, dict[str, Any]]] = [
            (row.number, dict(row.cells)) for row in sheet.rows
        ]
        return RecordFile(sheet.name, rows, list(sheet.problems))
    if suffix != ".json":
        raise MetadataSheetError(
            path.name, [(None, None, "records must be in a .json, .csv or .xlsx file")]
        )
    if not path.is_file():
        raise MetadataSheetError(path.name, [(None, None, f"no such file: {path}")])
    try:
        data = json.loads(read_text(path), object_pairs_hook=_object_without_repeats)
    except json.JSONDecodeError as error:
        raise ResearchError(
            f"{path.name}, line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except (ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise ResearchError(f"{path.name}: {reason}") from None
    items = data if isinstance(data, list) else [data]
    found = RecordFile(path.name, [], is_sheet=False)
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            found.records.append((number, item))
        else:
            found.problems.append((number, None, "expected an object of field names and values"))
    return found


def _object_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a name given twice would lose its first value, so it is refused."""
    names = [name for name, _ in pairs]
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated is not None:
        raise ValueError(f"the field {repeated!r} is given twice in one record")
    return dict(pairs)


def add_records(path: Path, add: Callable[[dict[str, Any]], object]) -> int:
    """Call `add` on each record of a file; raise one error listing every problem.

    `add` stores one record in the caller's transaction or raises a domain error; the
    records before a refused one are undone with that transaction. The error keeps the
    first refusal as its cause, so that the advice for it (an encoding to name, say) is
    not lost.
    """
    found = read_records(path)
    if not found.records and not found.problems:
        raise MetadataSheetError(found.name, [(None, None, "the file holds no records")])
    problems: list[SheetProblem] = []
    unconfirmed = False
    cause: BaseException | None = None
    for number, record in found.records:
        try:
            add(record)
        except (ResearchError, InterviewsError) as error:
            cause = cause or error
            problems += _problems_of(number, error)
            unconfirmed = unconfirmed or isinstance(error, UnconfirmedWarningsError)
    found.refuse_if_any(problems, needs_confirmation=unconfirmed, cause=cause)
    return len(found.records)


def _problems_of(number: int, error: Exception) -> list[SheetProblem]:
    """A refused record's problems: one per field the dictionary named, else the error."""
    if isinstance(error, InvalidRecordError):
        return [(number, issue.field, without_field(issue)) for issue in error.issues]
    if isinstance(error, UnconfirmedWarningsError):
        return [
            (number, issue.field, f"{without_field(issue)} (needs confirmation)")
            for issue in error.warnings
        ]
    return [(number, None, str(error))]
