"""A small study for export and backup tests: complete and incomplete interviews, risky cells."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from codebook import operations
from research.services.codebooks import run_operation
from research.services.respondents import add_respondent
from research.storage.tables import FormSubmissionRow
from research.study import Study
from tests.research.helpers import INTERVIEW, RESPONDENT, transcript

# Cells a spreadsheet would evaluate, as a respondent or a coder might type them.
RISKY = "=1+2 was chalked on the door."
TEXT = f"{RISKY} There was no work at all, so he went to Moscow.\n@home they waited.\n"
RISKY_ATTRIBUTE = "@SUM(1+1) builder"
CODED_AT = datetime(2004, 7, 2, 10, 0, tzinfo=UTC)


def span(fragment: str) -> tuple[int, int]:
    """The offsets of `fragment` in TEXT."""
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def fill(study: Study, folder: Path) -> Study:
    """Two complete interviews (martuni, moscow), one incomplete, four codings on complete
    ones and one on the incomplete one; a codebook change, a form submission and ana's
    completed pass of I01 too."""
    with study.transaction() as session:
        add_respondent(session, "R01", RESPONDENT)
        add_respondent(
            session, "R02", {**RESPONDENT, "gender": "male", "occupation_before": RISKY_ATTRIBUTE}
        )
    study.interviews.add_interview(
        respondent_id="R01", interview_id="I01", values=INTERVIEW, transcript=transcript(TEXT)
    )
    study.interviews.add_interview(
        respondent_id="R02",
        interview_id="I02",
        values={**INTERVIEW, "place": "moscow"},
        transcript=transcript(TEXT, "i02.txt"),
    )
    bare = folder / "bare.txt"
    bare.write_text(TEXT, encoding="utf-8")
    study.interviews.import_transcripts([bare])
    start, end = span(RISKY)
    study.codings.add_coding(
        interview_id="I01",
        code="unemployment",
        start_offset=start,
        end_offset=end,
        coder="ana",
        memo="+1 agreed with ben",
        coded_at=CODED_AT,
    )
    start, end = span("There was no work at all")
    for interview_id, coder in (("I01", "ben"), ("I02", "ana"), ("bare", "ana")):
        study.codings.add_coding(
            interview_id=interview_id,
            code="unemployment",
            start_offset=start,
            end_offset=end,
            coder=coder,
            coded_at=CODED_AT,
        )
    start, end = span("@home they waited.")
    study.codings.add_coding(
        interview_id="I02", code="renewed_war", start_offset=start, end_offset=end, coder="ben"
    )
    with study.transaction() as session:
        run_operation(
            session, operations.rename_code, "coping", "coping_strategies", changed_by="ana"
        )
        session.add(FormSubmissionRow(token="t-1", kind="interview", record_id="I01"))
    study.passes.mark_done("I01", "ana", completed_at=CODED_AT)
    return study
