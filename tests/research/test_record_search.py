"""Searching respondents and transcripts: case folded in any script, offsets kept."""

from __future__ import annotations

import pytest

from research.errors import ResearchError
from research.services import interviews, respondents
from research.services.search import find_first, snippet
from research.study import Study
from tests.research.helpers import MIXED_TEXT, RESPONDENT, add_interview_with_text


@pytest.mark.parametrize(
    ("text", "query", "found"),
    [
        ("Он сказал: «Работы нет».", "РАБОТЫ", "Работы"),
        ("Մենք ապրում էինք Մարտունիում.", "ՄԱՐՏՈՒՆԻ", "Մարտունի"),
        ("Straße in Moscow", "STRASSE", "Straße"),
        # "և" folds to two letters: the hit after it must keep its offset in the original.
        ("և Մոսկվա", "մոսկվա", "Մոսկվա"),
        ("one 🙏 two", "TWO", "two"),
    ],
)
def test_find_first_matches_case_folded_and_keeps_original_offsets(
    text: str, query: str, found: str
) -> None:
    hit = find_first(text, query)
    assert hit is not None
    start, end, hits = hit
    assert text[start:end] == found
    assert hits == 1


def test_find_first_counts_hits_and_ignores_blank_queries() -> None:
    assert find_first("Moscow, moscow, MOSCOW", "moscow") == (0, 6, 3)
    assert find_first("anything", "   ") is None
    assert find_first("anything", "absent") is None


def test_snippet_shows_the_hit_in_context_with_whitespace_collapsed() -> None:
    text = "first line\n" + "word " * 40 + "Krasnodar market\n" + "tail " * 40
    passage = snippet(text, "KRASNODAR")
    assert passage is not None
    assert passage.match == "Krasnodar"
    assert passage.before.startswith("… ")
    assert passage.after.endswith(" …")
    assert "\n" not in passage.before + passage.after
    assert len(passage.before) < 90


def test_search_interviews_finds_transcripts_in_any_script_and_filters(study: Study) -> None:
    add_interview_with_text(study, MIXED_TEXT, interview_id="I01")
    add_interview_with_text(study, "Nothing here.\n", interview_id="I02")
    with study.transaction() as session:
        armenian = interviews.search_interviews(session, "մարտունիում")
        cyrillic = interviews.search_interviews(session, "РАБОТЫ НЕТ")
        filtered = interviews.search_interviews(session, "работы", where=["place=moscow"])
    assert [match.interview.interview_id for match in armenian] == ["I01"]
    assert cyrillic[0].snippet.match == "Работы нет"
    assert filtered == []


def test_search_interviews_refuses_an_empty_query(study: Study) -> None:
    with study.transaction() as session, pytest.raises(ResearchError, match="search"):
        interviews.search_interviews(session, "  ")


def test_search_respondents_matches_ids_values_and_labels(study: Study) -> None:
    study.respondents.add_respondent("R01", {**RESPONDENT, "destination": "Москва, Россия"})
    study.respondents.add_respondent("R02", {**RESPONDENT, "gender": "male"})
    with study.transaction() as session:
        assert [r.respondent_id for r in respondents.search_respondents(session, query="r02")] == [
            "R02"
        ]
        by_value = respondents.search_respondents(session, query="МОСКВА")
        by_label = respondents.search_respondents(session, query="family member who")
        filtered = respondents.search_respondents(session, query="", where=["gender=male"])
    assert [r.respondent_id for r in by_value] == ["R01"]
    assert [r.respondent_id for r in by_label] == ["R01", "R02"]
    assert [r.respondent_id for r in filtered] == ["R02"]


def test_transcript_encoding_is_kept(study: Study) -> None:
    add_interview_with_text(study)
    with study.transaction() as session:
        assert interviews.transcript_encoding(session, "I01") == "utf-8"
