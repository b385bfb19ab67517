"""Import first, describe later: bare imports, incomplete records, set, describe, remove."""

from __future__ import annotations

from pathlib import Path

import pytest

from research.errors import (
    ConflictError,
    InvalidRecordError,
    MetadataSheetError,
    NotFoundError,
    UnconfirmedWarningsError,
)
from research.services import retrieval, study_info
from research.services.analysis_data import study_frames
from research.study import Study
from tests.research.helpers import (
    INTERVIEW,
    RESPONDENT,
    add_interview_with_text,
    counts,
    transcript,
)

TEXT = "Мы уехали в Москву в 1996 году. Работы не было совсем.\n"
DESCRIBED = {**INTERVIEW}


def _files(folder: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        path = folder / name
        path.write_text(f"{name}: {TEXT}", encoding="utf-8")
        paths.append(path)
    return paths


def _sheet(folder: Path, header: str, *rows: str) -> Path:
    path = folder / "later.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# Bare import


def test_a_bare_import_makes_one_incomplete_interview_per_file(
    study: Study, tmp_path: Path
) -> None:
    report = study.interviews.import_transcripts(_files(tmp_path, "anna.txt", "boris.txt"))
    assert report.interviews_created == ["anna", "boris"]
    assert report.respondents_created == ["anna", "boris"]
    assert report.incomplete == ["anna", "boris"]
    record = study.interviews.get_interview("anna")
    assert record.transcript == f"anna.txt: {TEXT}"
    assert record.source_name == "anna.txt"
    assert record.interview_date is None and record.consent is None
    assert not record.complete
    assert record.missing == [
        "interview_date",
        "place",
        "interviewer",
        "language",
        "consent",
        "consent_scope",
    ]


def test_non_ascii_and_colliding_file_names_give_usable_unique_ids(
    study: Study, tmp_path: Path
) -> None:
    add_interview_with_text(study, respondent_id="Anna", interview_id="Anna_2004")
    (tmp_path / "sub").mkdir()
    paths = [
        *_files(tmp_path, "Интервью Анна.txt", "Մարտունի 01.txt", "日本語.txt", "a b.txt"),
        *_files(tmp_path / "sub", "a_b.md", "Anna.txt"),
    ]
    (tmp_path / "Anna 2004.docx").write_bytes(b"")  # not imported: only a name in the way
    report = study.interviews.import_transcripts(paths)
    assert report.files == {
        "Интервью Анна.txt": "Intervyu_Anna",
        "Մարտունի 01.txt": "Martuni_01",
        "日本語.txt": "interview",
        "a b.txt": "a_b",
        "a_b.md": "a_b-2",
        "Anna.txt": "Anna",
    }
    # Respondent ids are unique on their own: "Anna" is taken by a stored respondent.
    assert report.respondents_created == [
        "Intervyu_Anna",
        "Martuni_01",
        "respondent",
        "a_b",
        "a_b-2",
        "Anna-2",
    ]
    assert study.interviews.get_interview("Anna").respondent_id == "Anna-2"


def test_a_bare_import_attaches_every_file_to_the_respondent_named(
    study: Study, tmp_path: Path
) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    report = study.interviews.import_transcripts(
        _files(tmp_path, "first.txt", "second.txt"), respondent_id="R01"
    )
    assert report.respondents_created == []
    assert study.respondents.get_respondent("R01").interview_ids == ["first", "second"]


def test_an_unknown_respondent_is_refused_and_nothing_is_stored(
    study: Study, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError, match="no respondent 'R99'"):
        study.interviews.import_transcripts(_files(tmp_path, "a.txt"), respondent_id="R99")
    assert counts(study) == (0, 0, 0)


def test_a_file_named_after_a_stored_interview_gives_it_its_transcript(
    study: Study, tmp_path: Path
) -> None:
    add_interview_with_text(study, interview_id="D03")
    report = study.interviews.import_transcripts(_files(tmp_path, "D03.txt", "new.txt"))
    assert report.attached_to_existing == {"D03.txt": "D03"}
    assert report.interviews_created == ["new"]
    assert study.interviews.get_interview("D03").transcript == f"D03.txt: {TEXT}"
    assert study.interviews.get_interview("D03").complete


def test_a_bare_import_is_all_or_nothing(study: Study, tmp_path: Path) -> None:
    add_interview_with_text(study, interview_id="D03")
    study.codings.code_quote(interview_id="D03", code="unemployment", quote="work", coder="a")
    before = counts(study)
    with pytest.raises(ConflictError, match="cannot be replaced"):
        # The new file is read and planned first; the coded transcript then refuses.
        study.interviews.import_transcripts(_files(tmp_path, "new.txt", "D03.txt"))
    assert counts(study) == before


def test_two_files_for_one_stored_interview_are_refused(study: Study, tmp_path: Path) -> None:
    add_interview_with_text(study, interview_id="D03")
    (tmp_path / "b").mkdir()
    paths = [*_files(tmp_path, "D03.txt"), *_files(tmp_path / "b", "D03.md")]
    with pytest.raises(ConflictError, match="D03.txt and D03.md both name interview 'D03'"):
        study.interviews.import_transcripts(paths)


# Incomplete records and `set`


def test_list_can_keep_only_the_incomplete_interviews(study: Study, tmp_path: Path) -> None:
    add_interview_with_text(study, interview_id="D01")
    study.interviews.import_transcripts(_files(tmp_path, "bare.txt"))
    assert [r.interview_id for r in study.interviews.list_interviews()] == ["D01", "bare"]
    only = study.interviews.list_interviews(only_incomplete=True)
    assert [r.interview_id for r in only] == ["bare"]
    assert study.interviews.list_interviews(where=["place=martuni"], only_incomplete=True) == []


def test_setting_the_missing_values_completes_a_record(study: Study, tmp_path: Path) -> None:
    study.interviews.import_transcripts(_files(tmp_path, "bare.txt"))
    partly = study.interviews.update_interview("bare", {"place": "moscow", "language": "ru"})
    assert not partly.complete
    assert "place" not in partly.missing and "consent" in partly.missing
    done = study.interviews.update_interview(
        "bare",
        {
            "interview_date": "2004-06-12",
            "interviewer": "Interviewer A",
            "consent": "yes",
            "consent_scope": "interview",
        },
    )
    assert done.complete and done.missing == []
    assert done.attributes["place"] == "moscow"
    assert study.interviews.list_interviews(only_incomplete=True) == []


def test_set_checks_values_like_add(study: Study, tmp_path: Path) -> None:
    study.interviews.import_transcripts(_files(tmp_path, "bare.txt"))
    with pytest.raises(InvalidRecordError, match="consent: an interview cannot be recorded"):
        study.interviews.update_interview("bare", {"consent": "no"})
    with pytest.raises(InvalidRecordError, match="'mars' is not one of"):
        study.interviews.update_interview("bare", {"place": "mars"})
    with pytest.raises(InvalidRecordError, match="gender: a respondent attribute"):
        study.interviews.update_interview("bare", {"gender": "female"})
    assert study.interviews.get_interview("bare").attributes == {}


def test_a_required_value_cannot_be_blanked(study: Study) -> None:
    add_interview_with_text(study, interview_id="D01")
    with pytest.raises(InvalidRecordError, match="place: Interview place is required"):
        study.interviews.update_interview("D01", {"place": ""})
    assert study.interviews.get_interview("D01").attributes["place"] == "martuni"


def test_a_soft_warning_needs_confirmation(study: Study, tmp_path: Path) -> None:
    study.interviews.import_transcripts(_files(tmp_path, "bare.txt"))
    with pytest.raises(UnconfirmedWarningsError, match="birth_year"):
        study.respondents.update_respondent("bare", {"birth_year": "2020"})
    updated = study.respondents.update_respondent(
        "bare", {"birth_year": "2020"}, confirm_warnings=True
    )
    assert updated.attributes["birth_year"] == 2020


def test_a_required_respondent_attribute_keeps_the_interview_incomplete(
    study: Study, tmp_path: Path
) -> None:
    with study.transaction() as session:
        dictionary = study_info.load_dictionary(session)
        required = [
            a.model_copy(update={"required": True}) if a.name == "gender" else a
            for a in dictionary.attributes
        ]
        study_info.store_dictionary(session, dictionary.model_copy(update={"attributes": required}))
    study.interviews.import_transcripts(_files(tmp_path, "bare.txt"))
    study.interviews.update_interview("bare", DESCRIBED)
    record = study.interviews.get_interview("bare")
    assert record.missing == ["gender"]
    assert study.respondents.get_respondent("bare").missing == ["gender"]
    study.respondents.update_respondent("bare", {"gender": "female"})
    assert study.interviews.get_interview("bare").complete
    assert study.respondents.get_respondent("bare").complete
    with pytest.raises(InvalidRecordError, match="gender: Gender is required"):
        study.respondents.update_respondent("bare", {"gender": ""})


# A metadata sheet later


def test_a_sheet_later_fills_in_interviews_by_file_and_by_id(
    study: Study, tmp_path: Path
) -> None:
    study.interviews.import_transcripts(_files(tmp_path, "Анна.txt", "boris.txt"))
    values = "2004-06-12,martuni,Interviewer A,hy;ru,yes,interview"
    sheet = _sheet(
        tmp_path,
        "file,interview_id,gender,interview_date,place,interviewer,language,consent,consent_scope",
        f"transcripts/Анна.txt,,female,{values}",
        ",boris,,2004-06-13,moscow,,,,",
    )
    report = study.interviews.describe_interviews(sheet)
    assert report.interviews_updated == ["Anna", "boris"]
    assert report.completed == ["Anna"]
    assert report.still_incomplete == ["boris"]
    assert report.respondents_updated == ["Anna"]
    assert study.respondents.get_respondent("Anna").attributes["gender"] == "female"
    boris = study.interviews.get_interview("boris")
    assert boris.attributes == {"place": "moscow"}
    assert "interviewer" in boris.missing


def test_every_problem_of_a_later_sheet_is_listed_and_nothing_is_saved(
    study: Study, tmp_path: Path
) -> None:
    study.interviews.import_transcripts(_files(tmp_path, "a.txt", "b.txt", "c.txt"))
    study.interviews.set_transcript("c", transcript("Another text.\n", "a.txt"))
    sheet = _sheet(
        tmp_path,
        "file,interview_id,place,birth_year,colour",
        "a.txt,,martuni,,",
        ",b,mars,,",
        ",nobody,martuni,,",
        "zzz.txt,,,,",
        ",b,,1826,",
        ",,moscow,,",
        ",c,,,red",
    )
    with pytest.raises(MetadataSheetError) as caught:
        study.interviews.describe_interviews(sheet)
    message = str(caught.value)
    assert "7 problems in later.csv; nothing was imported" in message
    assert "row 2, column 'file': 2 interviews came from 'a.txt' (a, c)" in message
    assert "row 3, column 'place': interview b: 'mars' is not one of" in message
    assert "row 4, column 'interview_id': no interview 'nobody'" in message
    assert "row 5, column 'file': no interview was imported from 'zzz.txt'" in message
    assert "row 6: interview 'b' is described in row 3 too" in message
    assert "row 7: name the interview in an interview_id or a file column" in message
    assert "row 8, column 'colour': not an attribute of the data dictionary" in message
    assert study.interviews.get_interview("b").attributes == {}


def test_a_later_sheet_can_give_interviews_their_real_respondent(
    study: Study, tmp_path: Path
) -> None:
    study.interviews.import_transcripts(_files(tmp_path, "first.txt", "second.txt"))
    sheet = _sheet(
        tmp_path,
        "interview_id,respondent_id,gender",
        "first,P01,female",
        "second,P01,female",
    )
    report = study.interviews.describe_interviews(sheet)
    assert report.respondents_created == ["P01"]
    assert report.interviews_moved == {"first": "P01", "second": "P01"}
    assert report.respondents_removed == ["first", "second"]
    assert study.respondents.get_respondent("P01").interview_ids == ["first", "second"]
    assert [r.respondent_id for r in study.respondents.list_respondents()] == ["P01"]


def test_a_later_sheet_with_contradicting_respondent_values_is_refused(
    study: Study, tmp_path: Path
) -> None:
    study.interviews.import_transcripts(_files(tmp_path, "first.txt", "second.txt"))
    sheet = _sheet(
        tmp_path, "interview_id,respondent_id,gender", "first,P01,female", "second,P01,male"
    )
    with pytest.raises(MetadataSheetError, match="row 3, column 'respondent_id'"):
        study.interviews.describe_interviews(sheet)
    assert counts(study) == (2, 2, 0)


def test_a_later_sheet_without_rows_is_refused(study: Study, tmp_path: Path) -> None:
    with pytest.raises(MetadataSheetError, match="no rows"):
        study.interviews.describe_interviews(_sheet(tmp_path, "interview_id,place"))


# Remove


def test_removing_a_coded_interview_is_refused_with_what_would_go(study: Study) -> None:
    add_interview_with_text(study, interview_id="D03")
    for coder, quote in (("pavel", "work"), ("lusine", "work"), ("lusine", "Moscow")):
        study.codings.code_quote(
            interview_id="D03", code="unemployment", quote=quote, coder=coder
        )
    with pytest.raises(ConflictError) as caught:
        study.interviews.remove_interview("D03")
    assert str(caught.value) == (
        "interview D03 has 3 codings by lusine and pavel; --cascade removes them too"
    )
    assert counts(study) == (1, 1, 3)
    removed = study.interviews.remove_interview("D03", cascade=True)
    assert removed.interviews == ["D03"] and removed.codings == 3
    assert removed.codings_by_coder == {"lusine": 2, "pavel": 1}
    assert counts(study) == (1, 0, 0)


def test_an_uncoded_interview_is_removed_without_cascade(study: Study) -> None:
    add_interview_with_text(study, interview_id="D03")
    assert study.interviews.remove_interview("D03").codings == 0
    with pytest.raises(NotFoundError, match="no interview 'D03'"):
        study.interviews.remove_interview("D03")


def test_removing_a_respondent_with_interviews_needs_cascade(study: Study) -> None:
    add_interview_with_text(study, interview_id="I1")
    add_interview_with_text(study, interview_id="I2")
    study.codings.code_quote(interview_id="I2", code="unemployment", quote="work", coder="ani")
    with pytest.raises(ConflictError) as caught:
        study.respondents.remove_respondent("R01")
    assert str(caught.value) == (
        "respondent R01 has 2 interviews (I1, I2) with 1 coding by ani; "
        "--cascade removes them too"
    )
    removed = study.respondents.remove_respondent("R01", cascade=True)
    assert (removed.respondents, removed.interviews, removed.codings) == (["R01"], ["I1", "I2"], 1)
    assert counts(study) == (0, 0, 0)


def test_a_respondent_without_interviews_is_removed(study: Study) -> None:
    study.respondents.add_respondent("R01", RESPONDENT)
    assert study.respondents.remove_respondent("R01").interviews == []
    assert counts(study) == (0, 0, 0)


# Held back from analysis and quotation


def _one_complete_one_incomplete(study: Study, tmp_path: Path) -> None:
    """D01 (complete) and `bare` (imported, not described), each with one coding."""
    add_interview_with_text(study, interview_id="D01")
    study.interviews.import_transcripts(_files(tmp_path, "bare.txt"))
    study.codings.code_quote(interview_id="D01", code="unemployment", quote="work", coder="ani")
    study.codings.code_quote(
        interview_id="bare", code="unemployment", quote="Работы", coder="ani"
    )


def test_incomplete_interviews_and_their_codings_stay_out_of_the_frames(
    study: Study, tmp_path: Path
) -> None:
    _one_complete_one_incomplete(study, tmp_path)
    with study.transaction() as session:
        frames = study_frames(session, database="test")
    assert frames.incomplete == ("bare",)
    assert list(frames.interviews["interview_id"]) == ["D01"]
    assert set(frames.codings["interview_id"]) == {"D01"}
    assert frames.interviews.loc[0, "place"] == "martuni"


def test_study_frames_of_a_study_with_only_incomplete_interviews_are_empty(
    study: Study, tmp_path: Path
) -> None:
    study.interviews.import_transcripts(_files(tmp_path, "bare.txt"))
    with study.transaction() as session:
        frames = study_frames(session, database="test")
    assert frames.incomplete == ("bare",)
    assert frames.interviews.empty and frames.codings.empty


def test_codings_listings_hold_incomplete_interviews_back_unless_asked(
    study: Study, tmp_path: Path
) -> None:
    _one_complete_one_incomplete(study, tmp_path)
    listed = study.codings.list_codings(code="unemployment")
    assert [coding.interview_id for coding in listed] == ["D01"]
    everything = study.codings.list_codings(code="unemployment", include_incomplete=True)
    assert [coding.interview_id for coding in everything] == ["D01", "bare"]
    assert study.codings.codings_held_back(code="unemployment") == 1
    assert study.codings.codings_held_back(code="unemployment", interview_id="D01") == 0
    assert study.codings.codings_held_back(code="war_destruction") == 0
    assert study.codings.list_codings(interview_id="bare") == []
    segments = study.codings.list_codings(where=["place=martuni"])
    assert [coding.interview_id for coding in segments] == ["D01"]


def test_retrieval_holds_incomplete_interviews_back_unless_asked(
    study: Study, tmp_path: Path
) -> None:
    _one_complete_one_incomplete(study, tmp_path)
    with study.transaction() as session:
        shown = retrieval.segments_in_context(session, code="unemployment")
        every = retrieval.segments_in_context(
            session, code="unemployment", include_incomplete=True
        )
    assert [segment.interview_id for segment in shown] == ["D01"]
    assert [segment.interview_id for segment in every] == ["D01", "bare"]


def test_completing_a_record_brings_it_into_analysis(study: Study, tmp_path: Path) -> None:
    _one_complete_one_incomplete(study, tmp_path)
    study.interviews.update_interview("bare", DESCRIBED)
    assert study.codings.codings_held_back() == 0
    with study.transaction() as session:
        frames = study_frames(session, database="test")
    assert frames.incomplete == ()
    assert set(frames.codings["interview_id"]) == {"D01", "bare"}
