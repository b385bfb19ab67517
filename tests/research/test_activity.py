"""Recent activity, coding progress and the data stamp that says when cached results are stale."""

from __future__ import annotations

from datetime import UTC, datetime

from codebook import operations
from research.services import activity
from research.study import Study
from tests.research.helpers import (
    INTERVIEW,
    MIXED_TEXT,
    RESPONDENT,
    add_interview_with_text,
    transcript,
)


def stamp(study: Study) -> str:
    with study.transaction() as session:
        return activity.data_stamp(session)


def recent(study: Study, **options: object) -> list[activity.ActivityRecord]:
    with study.transaction() as session:
        return activity.recent_activity(session, **options)  # type: ignore[arg-type]


def test_new_study_activity_lists_what_was_added_newest_first(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    study.codings.code_quote(
        interview_id=interview_id, code="unemployment", quote="Работы нет", coder="lusine"
    )
    found = recent(study)
    assert [item.kind for item in found] == ["coding", "interview", "respondent"]
    coding, interview, respondent = found
    assert coding.who == "lusine"
    assert coding.code_path == "motives/economy/unemployment"
    assert coding.interview_id == "I01"
    assert coding.quote == "Работы нет"
    assert coding.link == "/interviews/I01/code"
    assert interview.link == "/interviews/I01" and "R01" in interview.what
    assert respondent.link == "/respondents/R01" and respondent.who is None
    assert [item.when for item in found] == sorted((item.when for item in found), reverse=True)


def test_codebook_changes_show_who_made_them(study: Study) -> None:
    study.codebooks.run_operation(operations.rename_code, "clan", "clans", changed_by="lead")
    [change] = recent(study, kinds=["codebook"])
    assert change.kind == "codebook"
    assert change.who == "lead"
    assert "clans" in change.what and "version 2" in change.what


def test_limit_and_kinds_select_activity(demo_study: Study) -> None:
    assert len(recent(demo_study, limit=5)) == 5
    codings = recent(demo_study, limit=7, kinds=["coding"])
    assert len(codings) == 7 and {item.kind for item in codings} == {"coding"}
    assert all(item.quote and len(item.quote) <= activity.QUOTE_LENGTH for item in codings)
    assert recent(demo_study, limit=0) == []
    assert {item.kind for item in recent(demo_study, limit=200)} == {
        "coding",
        "interview",
        "respondent",
    }


def test_a_new_coding_comes_first_among_codings(demo_study: Study) -> None:
    record = demo_study.codings.add_coding(
        interview_id="D05", code="unemployment", start_offset=0, end_offset=12, coder="ani"
    )
    [latest] = recent(demo_study, limit=1, kinds=["coding"])
    assert latest.who == "ani"
    assert latest.when == record.created_at
    assert latest.quote == " ".join(record.quote.split())


def test_short_quote_cuts_at_a_word_and_flattens_lines() -> None:
    assert activity.short_quote("one\ntwo  three") == "one two three"
    cut = activity.short_quote("word " * 50, length=22)
    assert cut == "word word word word…"
    assert len(activity.short_quote("x" * 300, length=10)) == 10


def test_coding_progress_puts_the_coders_latest_interviews_first(demo_study: Study) -> None:
    early = datetime(2001, 1, 1, tzinfo=UTC)
    late = datetime(2030, 1, 1, tzinfo=UTC)
    demo_study.codings.add_coding(
        interview_id="D09",
        code="unemployment",
        start_offset=0,
        end_offset=5,
        coder="ani",
        coded_at=early,
    )
    demo_study.codings.add_coding(
        interview_id="D02",
        code="unemployment",
        start_offset=0,
        end_offset=5,
        coder="ani",
        coded_at=late,
    )
    with demo_study.transaction() as session:
        progress = activity.coding_progress(session, coder="ani")
        anonymous = activity.coding_progress(session, coder=None)
    assert [item.interview_id for item in progress[:2]] == ["D02", "D09"]
    assert progress[0].coder_codings == 1 and progress[0].coder_last_coded_at == late
    assert len(progress) == 26
    rest = progress[2:]
    assert [item.interview_id for item in rest] == sorted(item.interview_id for item in rest)
    assert all(item.coder_codings == 0 for item in rest)
    assert sum(item.codings for item in progress) == 874
    assert all(item.coder_codings == 0 for item in anonymous)


def test_interviews_without_transcript_are_not_offered_for_coding(study: Study) -> None:
    add_interview_with_text(study)
    study.interviews.add_interview(respondent_id="R01", interview_id="I02", values=INTERVIEW)
    with study.transaction() as session:
        progress = activity.coding_progress(session, coder="ani")
    assert [item.interview_id for item in progress] == ["I01"]
    assert progress[0].characters == len(MIXED_TEXT)


def test_stamp_is_stable_while_nothing_changes(demo_study: Study) -> None:
    first = stamp(demo_study)
    demo_study.codings.list_codings(coder="pavel")
    recent(demo_study)
    assert stamp(demo_study) == first


def test_stamp_changes_after_a_coding_is_added_recoded_resized_or_removed(
    demo_study: Study,
) -> None:
    original = stamp(demo_study)
    seen = {original}
    record = demo_study.codings.add_coding(
        interview_id="D05", code="unemployment", start_offset=0, end_offset=12, coder="ani"
    )
    seen.add(stamp(demo_study))
    demo_study.codings.update_coding(record.coding_id, code="clans_nepotism")
    seen.add(stamp(demo_study))
    demo_study.codings.update_coding(record.coding_id, start_offset=1, end_offset=12)
    seen.add(stamp(demo_study))
    assert len(seen) == 4
    demo_study.codings.remove_coding(record.coding_id)
    # The same data as at first: results computed then hold again.
    assert stamp(demo_study) == original


def test_stamp_changes_when_another_coding_replaces_a_removed_one(demo_study: Study) -> None:
    [first] = demo_study.codings.list_codings(interview_id="D05")[:1]
    before = stamp(demo_study)
    demo_study.codings.remove_coding(first.coding_id)
    demo_study.codings.add_coding(
        interview_id=first.interview_id,
        code=first.code_id,
        start_offset=first.start_offset,
        end_offset=first.end_offset,
        coder=first.coder,
        coded_at=first.created_at,
    )
    assert stamp(demo_study) != before


def test_stamp_changes_after_codes_respondents_and_interviews_change(study: Study) -> None:
    seen = {stamp(study)}
    add_interview_with_text(study)
    seen.add(stamp(study))
    study.respondents.update_respondent("R01", {"gender": "male"})
    seen.add(stamp(study))
    study.codebooks.run_operation(
        operations.update_code, "clan", title="Clan power", changed_by="lead"
    )
    seen.add(stamp(study))
    study.interviews.add_interview(
        respondent_id="R01", interview_id="I02", values=INTERVIEW, transcript=transcript("Hi.\n")
    )
    seen.add(stamp(study))
    study.respondents.add_respondent("R02", RESPONDENT)
    seen.add(stamp(study))
    assert len(seen) == 6
