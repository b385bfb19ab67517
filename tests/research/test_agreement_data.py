"""A study's agreement: the passes it rests on, and the rule every output names."""

from __future__ import annotations

import pytest

from analysis.agreement import PASSES_INFERRED, PASSES_RECORDED, POOLED_NOMINAL
from research.services.agreement_data import (
    AgreementNeedsCodersError,
    CompletedPasses,
    completed_passes,
    study_agreement,
)
from research.study import Study
from tests.research.small_study import coded_study, frames_of


def test_a_study_without_recorded_passes_takes_the_fallback_rule(study: Study) -> None:
    with study.transaction() as session:
        passes = completed_passes(session)
    assert passes.passes is None and not passes.recorded


def test_study_agreement_names_the_fallback_and_counts_completed_interviews(
    study: Study,
) -> None:
    frames = frames_of(coded_study(study))
    result = study_agreement(frames, frames.passes, unit="interview")
    assert result.rule == PASSES_INFERRED
    assert result.completed.to_dict("records") == [
        {"coder": "ana", "completed": 4}, {"coder": "ben", "completed": 4},
    ]  # fmt: skip
    assert result.completed_line == "Completed interviews per coder: ana 4, ben 4."
    assert result.table["code_id"].iloc[-1] == POOLED_NOMINAL


def test_recorded_passes_make_an_uncompleted_interview_missing(study: Study) -> None:
    frames = frames_of(coded_study(study))
    passes = CompletedPasses({"ana": frozenset({"I1", "I2"}), "ben": frozenset({"I1", "I2", "I3"})})
    result = study_agreement(frames, passes, unit="interview")
    assert result.rule == PASSES_RECORDED
    assert result.completed["completed"].tolist() == [2, 3]
    assert (result.table["units"].iloc[:-2] == 2).all()  # I1 and I2, the only shared ones


def test_one_coder_is_refused_with_the_reason(study: Study) -> None:
    frames = frames_of(coded_study(study, coders=("ana",)))
    with pytest.raises(AgreementNeedsCodersError, match="only ana has coded"):
        study_agreement(frames, frames.passes, unit="segment")


def test_a_code_filter_keeps_that_codes_row(study: Study) -> None:
    frames = frames_of(coded_study(study))
    code_id = str(frames.codings["code_id"].iloc[0])
    result = study_agreement(frames, frames.passes, unit="character", code_id=code_id)
    assert result.table["code_id"].tolist() == [code_id]


def test_frames_carry_the_studys_passes(study: Study) -> None:
    with study.transaction() as session:
        read = completed_passes(session)
    assert frames_of(coded_study(study)).passes == read


def test_passes_the_coders_marked_are_the_ones_agreement_reads(study: Study) -> None:
    coded_study(study)
    study.passes.mark_done("I1", "ana")
    study.passes.mark_done("I2", "ana")
    study.passes.mark_done("I1", "ben")
    with study.transaction() as session:
        passes = completed_passes(session)
    assert passes.recorded
    assert passes.passes == {"ana": frozenset({"I1", "I2"}), "ben": frozenset({"I1"})}
    frames = frames_of(study)
    result = study_agreement(frames, frames.passes, unit="interview")
    assert result.rule == PASSES_RECORDED
    assert result.completed["completed"].tolist() == [2, 1]
