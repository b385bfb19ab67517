"""Storing the codebook and applying its change records so that no coding is ever lost."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from codebook import Change, Code, Codebook, CodebookError
from research.errors import ConflictError, NotFoundError
from research.services import study_info
from research.services.coding_rules import CODE_COLUMNS, code_from_values
from research.services.records import ChangeRecord
from research.storage.tables import CodebookChangeRow, CodeRow, CodingRow, StudyInfo, utc_now

_SESSION_KEY = "research.codebook"
_BUILT: OrderedDict[tuple[Any, ...], Codebook] = OrderedDict()
_BUILT_LIMIT = 16
_BUILT_LOCK = threading.Lock()


def load_codebook(session: Session) -> Codebook:
    """The study's current codebook, in tree order.

    Validating a codebook costs milliseconds, and every coding checks its code: the codebook
    is read once per transaction (kept in `session.info` until `store_codebook` changes it)
    and built once per distinct content (a small process-wide cache keyed by every stored
    field, so an edit can never be served stale).
    """
    cached = session.info.get(_SESSION_KEY)
    if cached is not None:
        return cast(Codebook, cached)
    name = study_info.require_fact(session, study_info.CODEBOOK_NAME)
    version = study_info.require_fact(session, study_info.CODEBOOK_VERSION)
    rows = session.execute(select(*_CODE_FIELDS).order_by(CodeRow.position)).all()
    key = (name, version, *(_hashable(tuple(row)) for row in rows))
    with _BUILT_LOCK:
        codebook = _BUILT.get(key)
        if codebook is not None:
            _BUILT.move_to_end(key)
    if codebook is None:
        codebook = Codebook(
            name=name,
            version=int(version),
            codes=[code_from_values(row._mapping) for row in rows],
        )
        with _BUILT_LOCK:
            _BUILT[key] = codebook
            while len(_BUILT) > _BUILT_LIMIT:
                _BUILT.popitem(last=False)
    session.info[_SESSION_KEY] = codebook
    return codebook


_CODE_FIELDS = tuple(getattr(CodeRow, name) for name in CODE_COLUMNS)


def _hashable(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(tuple(value) if isinstance(value, list) else value for value in values)


def codings_per_code(session: Session) -> dict[str, int]:
    """How many codings each code holds (codes without codings are absent)."""
    rows = session.execute(select(CodingRow.code_id, func.count()).group_by(CodingRow.code_id))
    return {code_id: count for code_id, count in rows}


def store_codebook(session: Session, codebook: Codebook) -> None:
    """Make the stored codebook equal `codebook`; codes that still hold codings cannot vanish."""
    session.info.pop(_SESSION_KEY, None)
    existing = {row.code_id: row for row in session.scalars(select(CodeRow))}
    wanted = {code.code_id for code in codebook.codes}
    removed = [code_id for code_id in existing if code_id not in wanted]
    used = codings_per_code(session)
    still_used = sorted(code_id for code_id in removed if used.get(code_id))
    if still_used:
        listing = ", ".join(
            f"{existing[c].path} ({used[c]} coding{'' if used[c] == 1 else 's'})"
            for c in still_used
        )
        raise ConflictError(
            f"the new codebook drops codes that hold codings: {listing}; "
            "merge them into another code or retire them instead"
        )
    # Paths are unique in the database: park changed rows on temporary paths first so that
    # swaps and renames never collide half-way.
    for row in existing.values():
        row.path = f"~moving~/{row.code_id}"
    session.flush()
    for position, code in enumerate(codebook.codes):
        stored = existing.get(code.code_id)
        if stored is None:
            stored = CodeRow(code_id=code.code_id)
            session.add(stored)
        _fill_row(stored, code, position=position, path=f"~moving~/{code.code_id}")
    session.flush()
    _delete_codes(session, [existing[code_id] for code_id in removed])
    for code in codebook.codes:
        session.execute(
            update(CodeRow)
            .where(CodeRow.code_id == code.code_id)
            .values(path=codebook.path_of(code.code_id))
        )
    study_info.set_fact(session, study_info.CODEBOOK_NAME, codebook.name)
    study_info.set_fact(session, study_info.CODEBOOK_VERSION, str(codebook.version))
    session.flush()
    session.info.pop(_SESSION_KEY, None)


def _fill_row(row: CodeRow, code: Code, *, position: int, path: str) -> None:
    row.parent_id = code.parent_id
    row.position = position
    row.name = code.name
    row.path = path
    row.title = code.title
    row.definition = code.definition
    row.inclusion = code.inclusion
    row.exclusion = code.exclusion
    row.examples = list(code.examples)
    row.colour = code.colour
    row.memo = code.memo
    row.group_only = code.group_only
    row.retired = code.retired


def _delete_codes(session: Session, rows: Sequence[CodeRow]) -> None:
    """Delete codes deepest first, so that no code is deleted while a child still points at it.

    Depth is counted along the stored parent ids: the paths are parked on temporary values
    by then and say nothing of the tree. A removed code's children are removed too (a kept
    code under a removed one would be a codebook that does not validate).
    """
    parents = {row.code_id: row.parent_id for row in rows}

    def depth(code_id: str) -> int:
        levels = 0
        parent = parents.get(code_id)
        while parent is not None and parent in parents:
            levels += 1
            parent = parents[parent]
        return levels

    for row in sorted(rows, key=lambda row: -depth(row.code_id)):
        session.delete(row)
        session.flush()


def apply_change(session: Session, codebook: Codebook, change: Change, *, changed_by: str) -> int:
    """Store the codebook an operation produced, move codings its change record maps.

    Returns how many codings moved to another code.
    """
    moved = 0
    # Codings move before the merged code's row goes, or the foreign key would refuse.
    for source, target in change.code_id_map.items():
        moved += _move_codings(session, source, target)
    store_codebook(session, codebook)
    session.add(
        CodebookChangeRow(
            version=codebook.version,
            kind=change.kind,
            code_id=change.code_id,
            description=change.describe(),
            details=dict(change.details),
            code_id_map=dict(change.code_id_map),
            codings_moved=moved,
            changed_by=changed_by,
            changed_at=utc_now(),
        )
    )
    session.flush()
    return moved


def _move_codings(session: Session, source: str, target: str) -> int:
    """Point the codings of `source` at `target`, folding exact duplicates into one."""
    target_rows = session.scalars(select(CodingRow).where(CodingRow.code_id == target)).all()
    by_key = {
        (r.interview_id, r.start_offset, r.end_offset, r.coder, r.layer): r for r in target_rows
    }
    duplicates = []
    for row in session.scalars(select(CodingRow).where(CodingRow.code_id == source)):
        twin = by_key.get(
            (row.interview_id, row.start_offset, row.end_offset, row.coder, row.layer)
        )
        if twin is not None:
            # Same coder, same span, same layer: after the merge they are one coding; keep
            # both memos. A coder's own coding and the consensus stay apart.
            twin.memo = "\n".join(memo for memo in (twin.memo, row.memo) if memo)
            duplicates.append(row.coding_id)
    if duplicates:
        session.execute(delete(CodingRow).where(CodingRow.coding_id.in_(duplicates)))
    result = session.execute(
        update(CodingRow).where(CodingRow.code_id == source).values(code_id=target)
    )
    session.flush()
    return int(result.rowcount or 0) + len(duplicates)  # type: ignore[attr-defined]


def history(session: Session) -> list[ChangeRecord]:
    """Every change record, oldest first."""
    return [
        ChangeRecord(
            version=row.version,
            kind=row.kind,
            code_id=row.code_id,
            description=row.description,
            code_id_map=dict(row.code_id_map),
            codings_moved=row.codings_moved,
            changed_by=row.changed_by,
            changed_at=row.changed_at,
        )
        for row in session.scalars(select(CodebookChangeRow).order_by(CodebookChangeRow.change_id))
    ]


def lock_codebook(session: Session) -> None:
    """Hold the codebook until this transaction ends, and read it afresh.

    An operation reads the whole codebook and writes back its next version: two at once
    would each drop the other's change. On PostgreSQL the version row is locked (a second
    editor waits, then sees the first one's codebook); SQLite's writing transactions begin
    IMMEDIATE and are already one at a time.
    """
    session.execute(
        select(StudyInfo.value)
        .where(StudyInfo.key == study_info.CODEBOOK_VERSION)
        .with_for_update()
    )
    session.info.pop(_SESSION_KEY, None)


def run_operation(
    session: Session,
    operation: Callable[..., tuple[Codebook, Change]],
    *args: Any,
    changed_by: str,
    **kwargs: Any,
) -> tuple[Change, int]:
    """Apply a pure codebook operation to the stored codebook; return the change, codings moved."""
    lock_codebook(session)
    new_codebook, change = operation(load_codebook(session), *args, **kwargs)
    return change, apply_change(session, new_codebook, change, changed_by=changed_by)


def import_codebook(session: Session, codebook: Codebook, *, changed_by: str) -> None:
    """Replace the codebook by an edited one; codes holding codings must still be there."""
    lock_codebook(session)
    store_codebook(session, codebook)
    session.add(
        CodebookChangeRow(
            version=codebook.version,
            kind="import",
            code_id="",
            description="imported codebook",
            details={},
            code_id_map={},
            codings_moved=0,
            changed_by=changed_by,
            changed_at=utc_now(),
        )
    )
    session.flush()


def find_code(session: Session, reference: str) -> Code:
    """The code a reference (id or path) names; NotFoundError when there is none."""
    codebook = load_codebook(session)
    try:
        return codebook.resolve(reference)
    except CodebookError as error:
        raise NotFoundError(error.message) from None


def codings_with_descendants(codebook: Codebook, per_code: Mapping[str, int]) -> dict[str, int]:
    """For every code, its own codings plus those of every code below it."""
    totals = {code.code_id: per_code.get(code.code_id, 0) for code in codebook.codes}
    # Tree order puts parents first: walking it backwards adds each total to its parent once.
    for code in reversed(codebook.codes):
        if code.parent_id is not None:
            totals[code.parent_id] += totals[code.code_id]
    return totals
