"""The consensus layer, filled from one coder's codings until a team adjudicates.

`copy_layer` copies a coder's codings (of one interview or all) into the consensus layer,
keeping who applied each; a consensus already there is kept unless it is to be replaced.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from interviews.layers import CODER_LAYER, CONSENSUS_LAYER
from research.errors import ConsensusHeldError, NotFoundError, ResearchError
from research.services.coding_rules import checked_coder
from research.services.codings import NewCoding, add_codings
from research.storage.tables import CodingRow, InterviewRow


def copy_layer(
    session: Session,
    *,
    from_coder: str,
    interview_id: str | None = None,
    replace: bool = False,
    copied_at: datetime | None = None,
) -> int:
    """Fill the consensus layer with `from_coder`'s codings; returns how many were copied.

    Only interviews where `from_coder` coded something are touched. Where the consensus
    layer already holds codings of those interviews, nothing is copied unless `replace`,
    which removes them first; all or nothing. The copies are stamped `copied_at` (default:
    now).
    """
    coder = checked_coder(from_coder)
    if interview_id is not None and session.get(InterviewRow, interview_id) is None:
        raise NotFoundError(f"no interview {interview_id!r}")
    source = select(CodingRow).where(
        CodingRow.coder == coder, CodingRow.layer == CODER_LAYER
    )
    if interview_id is not None:
        source = source.where(CodingRow.interview_id == interview_id)
    rows = list(
        session.scalars(
            source.order_by(CodingRow.interview_id, CodingRow.start_offset, CodingRow.coding_id)
        )
    )
    if not rows:
        where = f" in interview {interview_id}" if interview_id is not None else ""
        raise ResearchError(f"coder {coder!r} has no codings{where} to copy")
    interviews = sorted({row.interview_id for row in rows})
    existing = dict(
        session.execute(
            select(CodingRow.interview_id, func.count())
            .where(CodingRow.layer == CONSENSUS_LAYER, CodingRow.interview_id.in_(interviews))
            .group_by(CodingRow.interview_id)
        ).all()
    )
    if existing and not replace:
        named = ", ".join(sorted(existing)[:5]) + (" ..." if len(existing) > 5 else "")
        held = sum(existing.values())
        raise ConsensusHeldError(
            f"the consensus layer already holds {held} coding{'' if held == 1 else 's'} of "
            f"{len(existing)} interview{'' if len(existing) == 1 else 's'} ({named}); "
            "nothing was copied: copying again replaces them only when asked to"
        )
    with session.begin_nested():
        if existing:
            session.execute(
                delete(CodingRow).where(
                    CodingRow.layer == CONSENSUS_LAYER,
                    CodingRow.interview_id.in_(sorted(existing)),
                )
            )
        return add_codings(
            session,
            [
                NewCoding(
                    interview_id=row.interview_id,
                    code=row.code_id,
                    start_offset=row.start_offset,
                    end_offset=row.end_offset,
                    coder=row.coder,
                    quote=row.quote,
                    memo=row.memo,
                    layer=CONSENSUS_LAYER,
                )
                for row in rows
            ],
            coded_at=copied_at,
        )


def consensus_count(session: Session) -> int:
    """How many codings the consensus layer holds."""
    return int(
        session.scalar(
            select(func.count()).select_from(CodingRow).where(CodingRow.layer == CONSENSUS_LAYER)
        )
        or 0
    )
