"""Intercoder agreement of a study: whose passes are complete, and the agreement tables.

The rule that decides where a coder's value is 0 (a code not applied in an interview they
completed) and where it is missing (an interview they did not complete) rests on completed
passes. `completed_passes` is the one place they are read from the study.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy.orm import Session

from research.errors import ResearchError

if TYPE_CHECKING:
    import pandas as pd

    from research.services.analysis_data import StudyFrames

Unit = Literal["interview", "segment", "character"]
OVERLAP = 0.5  # segment unit: intersection over union two spans need to match, by default


@dataclass(frozen=True)
class CompletedPasses:
    """The interviews each coder marked as completed, or None where a study records none."""

    passes: dict[str, frozenset[str]] | None

    @property
    def recorded(self) -> bool:
        """Whether the passes were recorded by the coders rather than inferred from codings."""
        return self.passes is not None


@dataclass(frozen=True)
class StudyAgreement:
    """The agreement table of one unit, with the passes it rests on.

    `completed` has a row per coder (coder, completed interviews); `rule` is the sentence
    saying how completed passes were found, for every output to print.
    """

    table: pd.DataFrame
    completed: pd.DataFrame
    rule: str

    @property
    def completed_line(self) -> str:
        """One sentence: how many interviews each coder completed."""
        counts = ", ".join(
            f"{coder} {count}"
            for coder, count in zip(
                self.completed["coder"], self.completed["completed"], strict=True
            )
        )
        return f"Completed interviews per coder: {counts}."


class AgreementNeedsCodersError(ResearchError):
    """Agreement was asked of a selection fewer than two coders have coded."""


def completed_passes(session: Session) -> CompletedPasses:
    """The coders' completed passes as the study records them (`passes.passes_by_coder`).

    A study where no coder has marked a pass takes the fallback rule of
    `analysis.agreement.passes_from_codings` (an interview a coder coded anything in counts
    as completed by them), and every output names that rule.
    """
    from research.services.passes import passes_by_coder

    recorded = passes_by_coder(session)
    if not recorded:
        return CompletedPasses(passes=None)
    return CompletedPasses(
        passes={coder: frozenset(interviews) for coder, interviews in recorded.items()}
    )


def second_coder_missing(codings: pd.DataFrame) -> str | None:
    """Why agreement cannot be computed on these codings, or None when two coders coded."""
    coders = sorted(str(coder) for coder in codings["coder"].unique())
    if len(coders) >= 2:
        return None
    who = f"only {coders[0]} has" if coders else "nobody has"
    return f"agreement needs a second coder: {who} coded the selected interviews"


def study_agreement(
    frames: StudyFrames,
    passes: CompletedPasses,
    *,
    unit: Unit,
    overlap: float = OVERLAP,
    code_id: str | None = None,
) -> StudyAgreement:
    """Agreement of every coder on the study's complete interviews at one unit.

    With `code_id`, the table keeps that code's row only. Raises
    AgreementNeedsCodersError when fewer than two coders coded.
    """
    from analysis.agreement import (
        PASSES_INFERRED,
        PASSES_RECORDED,
        agreement,
        completed_interviews,
    )

    # Agreement compares every coder's own layer, whatever the analysis source.
    codings = frames.coder_codings
    missing = second_coder_missing(codings)
    if missing is not None:
        raise AgreementNeedsCodersError(missing)
    chosen = None if passes.passes is None else dict(passes.passes)
    table = agreement(
        codings, frames.interviews, frames.codes, unit=unit, overlap=overlap, passes=chosen
    )
    if code_id is not None:
        table = table[table["code_id"] == code_id]
    return StudyAgreement(
        table=table.reset_index(drop=True),
        completed=completed_interviews(codings, frames.interviews, chosen),
        rule=PASSES_RECORDED if passes.recorded else PASSES_INFERRED,
    )
