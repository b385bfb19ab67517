"""Respondents and interviews: dictionary-checked entry, transcripts, listing, refusals."""

from __future__ import annotations

from datetime import date

import pytest

from research.errors import (
    ConflictError,
    InvalidRecordError,
    NotFoundError,
    UnconfirmedWarningsError,
)
from research.study import Study
from tests.research.helpers import (
    INTERVIEW,
    MIXED_TEXT,
    RESPONDENT,
    add_interview_with_text,
    counts,
    transcript,
)


def test_respondent_is_stored_with_typed_attributes(study: Study) -> None:
    record = study.respondents.add_respondent("R01", RESPONDENT)
    assert record.attributes["birth_year"] == 1961
    assert record.attributes["relatives_abroad"] is True
    assert study.respondents.get_respondent("R01").attributes["gender"] == "female"


def test_impossible_value_is_refused_and_nothing_is_stored(study: Study) -> None:
    with pytest.raises(InvalidRecordError) as raised:
        study.respondents.add_respondent("R01", {**RESPONDENT, "birth_year": "1804"})
    assert raised.value.issues[0].field == "birth_year"
    assert "birth_year" in str(raised.value)
    assert counts(study) == (0, 0, 0)


def test_implausible_value_needs_confirmation(study: Study) -> None:
    implausible = {**RESPONDENT, "household_size": "22"}
    with pytest.raises(UnconfirmedWarningsError) as raised:
        study.respondents.add_respondent("R01", implausible)
    assert raised.value.warnings[0].field == "household_size"
    assert counts(study) == (0, 0, 0)
    study.respondents.add_respondent("R01", implausible, confirm_warnings=True)
    assert counts(study) == (1, 0, 0)


def test_bad_pseudonymous_id_is_refused(study: Study) -> None:
    with pytest.raises(InvalidRecordError, match="respondent_id"):
        study.respondents.add_respondent("Anna Petrosyan", RESPONDENT)
    assert counts(study) == (0, 0, 0)


def test_duplicate_respondent_is_refused(study: Study) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    with pytest.raises(ConflictError, match="already exists"):
        study.respondents.add_respondent("R01", RESPONDENT)


def test_update_revalidates_the_whole_record(study: Study) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    with pytest.raises(InvalidRecordError):
        study.respondents.update_respondent("R01", {"gender": "unknown-value"})
    updated = study.respondents.update_respondent("R01", {"household_size": "6"})
    assert updated.attributes["household_size"] == 6


def test_interview_splits_core_fields_from_attributes(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    record = study.interviews.get_interview(interview_id)
    assert record.interview_date == date(2004, 6, 12)
    assert record.attributes["place"] == "martuni"
    assert record.attributes["language"] == ["hy", "en"]
    assert record.consent is True
    assert record.complete and record.missing == []
    assert record.attributes["consent_scope"] == ["interview", "quotation"]
    assert record.transcript == MIXED_TEXT
    assert record.characters == len(MIXED_TEXT)


def test_interview_without_consent_is_refused(study: Study) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    with pytest.raises(InvalidRecordError, match="consent"):
        study.interviews.add_interview(respondent_id="R01", values={**INTERVIEW, "consent": "no"})
    assert counts(study) == (1, 0, 0)


def test_impossible_date_is_refused(study: Study) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    with pytest.raises(InvalidRecordError, match="interview_date"):
        study.interviews.add_interview(
            respondent_id="R01", values={**INTERVIEW, "interview_date": "2023-02-30"}
        )
    assert counts(study) == (1, 0, 0)


def test_interview_needs_an_existing_respondent(study: Study) -> None:
    with pytest.raises(NotFoundError, match="no respondent 'R99'"):
        study.interviews.add_interview(respondent_id="R99", values=INTERVIEW)


def test_interview_ids_are_generated_per_respondent(study: Study) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    first = study.interviews.add_interview(respondent_id="R01", values=INTERVIEW)
    second = study.interviews.add_interview(respondent_id="R01", values=INTERVIEW)
    assert (first.interview_id, second.interview_id) == ("R01-1", "R01-2")
    assert study.respondents.get_respondent("R01").interview_ids == ["R01-1", "R01-2"]


def test_coded_transcript_cannot_be_replaced(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    study.codings.add_coding(
        interview_id=interview_id, code="unemployment", start_offset=0, end_offset=5, coder="a"
    )
    with pytest.raises(ConflictError, match="cannot be replaced"):
        study.interviews.set_transcript(interview_id, transcript("Another text.\n"))
    assert study.interviews.get_interview(interview_id).transcript == MIXED_TEXT


def test_uncoded_transcript_can_be_replaced(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    study.interviews.set_transcript(interview_id, transcript("Another text.\n"))
    assert study.interviews.get_interview(interview_id).transcript == "Another text.\n"


def test_a_listing_counts_each_transcripts_characters_as_python_does(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    study.respondents.add_respondent("R02", RESPONDENT)
    study.interviews.add_interview(respondent_id="R02", interview_id="I02", values=INTERVIEW)
    [first, untranscribed] = study.interviews.list_interviews()
    assert (first.interview_id, first.characters) == (interview_id, len(MIXED_TEXT))
    assert untranscribed.characters == 0
    replaced = "Ответ 🙏 and more.\n"
    study.interviews.set_transcript(interview_id, transcript(replaced))
    [first, _] = study.interviews.list_interviews()
    assert first.characters == len(replaced)


def test_list_interviews_filters_on_both_scopes(study: Study) -> None:
    add_interview_with_text(study, interview_id="I01")
    study.respondents.add_respondent("R02", {**RESPONDENT, "gender": "male"})
    study.interviews.add_interview(
        respondent_id="R02",
        interview_id="I02",
        values={**INTERVIEW, "place": "moscow", "language": "ru"},
    )
    assert [r.interview_id for r in study.interviews.list_interviews()] == ["I01", "I02"]
    assert [r.interview_id for r in study.interviews.list_interviews(where=["gender=male"])] == [
        "I02"
    ]
    assert [r.interview_id for r in study.interviews.list_interviews(where=["place=martuni"])] == [
        "I01"
    ]
    assert [r.interview_id for r in study.interviews.list_interviews(where=["language=ru"])] == [
        "I02"
    ]


def test_unknown_filter_attribute_is_a_clear_error(study: Study) -> None:
    with pytest.raises(Exception, match="hair_colour"):
        study.interviews.list_interviews(where=["hair_colour=red"])
