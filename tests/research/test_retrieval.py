"""Retrieval: segments of a code with whole-word context, in any script, filtered."""

from __future__ import annotations

import pytest

from codebook import CodebookError
from interviews.errors import InterviewsError
from research.errors import ResearchError
from research.services.respondents import add_respondent
from research.services.retrieval import (
    SegmentInContext,
    context_after,
    context_before,
    count_segments,
    segments_in_context,
)
from research.study import Study
from tests.research.helpers import RESPONDENT, add_interview_with_text

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji of five code points
TEXT = (
    "Մենք ապրում էինք Մարտունիում, 🙏 հետո պատերազմը սկսվեց.\n"
    "Он сказал: «Работы нет, денег нет». There was no work at all, so he went to Moscow "
    f"in 1996 {FAMILY} and sent money twice a year. Բոլորը գնացին Ռուսաստան.\n"
)
QUOTE = "There was no work at all"


def _segments(study: Study, **options: object) -> list[SegmentInContext]:
    with study.transaction() as session:
        return segments_in_context(session, **options)  # type: ignore[arg-type]


def _code(
    study: Study,
    quote: str,
    *,
    code: str = "unemployment",
    coder: str = "lusine",
    interview_id: str = "I01",
    memo: str = "",
) -> None:
    study.codings.code_quote(
        interview_id=interview_id, code=code, quote=quote, coder=coder, memo=memo
    )


def test_the_quote_sits_between_its_context_at_the_stored_offsets(study: Study) -> None:
    add_interview_with_text(study, TEXT)
    _code(study, QUOTE, memo="first mention")
    [segment] = _segments(study, code="motives/economy/unemployment", context_characters=1000)
    start = TEXT.index(QUOTE)
    assert (segment.start_offset, segment.end_offset) == (start, start + len(QUOTE))
    assert segment.quote == QUOTE
    assert segment.before == TEXT[:start]
    assert segment.after == TEXT[start + len(QUOTE) :]
    assert not segment.text_before_omitted and not segment.text_after_omitted
    assert segment.memo == "first mention"
    assert segment.respondent_id == "R01" and segment.interview_id == "I01"


def test_context_is_cut_to_whole_words_in_cyrillic_and_armenian(study: Study) -> None:
    add_interview_with_text(study, TEXT)
    _code(study, QUOTE)
    start = TEXT.index(QUOTE)
    size = start - TEXT.index("Работы") - 2  # the window starts inside "Работы"
    [segment] = _segments(study, code="unemployment", context_characters=size)
    assert segment.text_before_omitted
    assert segment.before == "нет, денег нет». "
    end = start + len(QUOTE)
    after_size = TEXT.index("Moscow") + 3 - end  # the window ends inside "Moscow"
    [segment] = _segments(study, code="unemployment", context_characters=after_size)
    assert segment.after == ", so he went to"
    assert segment.text_after_omitted


def test_armenian_words_before_a_segment_are_kept_whole() -> None:
    text = "Մենք ապրում էինք Մարտունիում, հետո գնացինք"
    start = text.index("հետո")
    before, omitted = context_before(text, start, 12)  # starts inside "Մարտունիում"
    assert omitted
    assert before == ""  # the only word in the window was cut, so nothing of it is shown
    before, omitted = context_before(text, start, 20)  # starts inside "ապրում"
    assert before == "էինք Մարտունիում, "
    assert omitted


def test_a_cut_never_splits_an_emoji_sequence() -> None:
    text = f"went{FAMILY}away"
    end = len("went")
    for size in range(1, len(FAMILY)):
        after, omitted = context_after(text, end, size)
        assert omitted
        assert after == "", (size, after)
    after, _ = context_after(text, end, len(FAMILY))
    assert after == FAMILY
    start = len(text) - len("away")
    for size in range(1, len(FAMILY) + 1):
        before, _ = context_before(text, start, size)
        assert before in ("", FAMILY), (size, before)
        assert not before.startswith(("\u200d", "\U0001f469", "\U0001f467"))


def test_combining_marks_stay_with_their_letter() -> None:
    text = "e\u0301e\u0301e\u0301"  # no spaces: the window keeps its characters
    after, _ = context_after(text, 0, 3)
    assert after == "e\u0301"
    before, _ = context_before(text, len(text), 3)
    assert before == "e\u0301"


def test_no_context_shows_the_quote_alone(study: Study) -> None:
    add_interview_with_text(study, TEXT)
    _code(study, QUOTE)
    [segment] = _segments(study, code="unemployment", context_characters=0)
    assert (segment.before, segment.after) == ("", "")
    assert segment.text_before_omitted and segment.text_after_omitted


def test_children_are_included_and_filters_apply(study: Study) -> None:
    add_interview_with_text(study, TEXT)
    with study.transaction() as session:
        add_respondent(session, "R02", {**RESPONDENT, "gender": "male"})
    add_interview_with_text(study, TEXT, respondent_id="R02", interview_id="I02")
    _code(study, QUOTE, coder="lusine")
    _code(study, QUOTE, coder="pavel", interview_id="I02")
    _code(study, "Работы нет", code="poverty_ruin", coder="pavel")
    everything = _segments(study, code="motives/economy")
    assert {(s.code_id, s.coder, s.interview_id) for s in everything} == {
        ("unemployment", "lusine", "I01"),
        ("unemployment", "pavel", "I02"),
        ("poverty_ruin", "pavel", "I01"),
    }
    assert count_segments(everything).model_dump() == {
        "segments": 3,
        "interviews": 2,
        "respondents": 2,
    }
    by_pavel = _segments(study, code="motives/economy", coder="pavel")
    assert {s.coder for s in by_pavel} == {"pavel"} and len(by_pavel) == 2
    assert _segments(study, code="unemployment", coder="nobody") == []
    women = _segments(study, code="motives/economy", where=["gender=female"])
    assert {(s.respondent_id, s.interview_id) for s in women} == {("R01", "I01")}
    assert len(women) == 2
    men_by_pavel = _segments(study, code="unemployment", coder="pavel", where=["gender=male"])
    assert [s.interview_id for s in men_by_pavel] == ["I02"]
    assert len(_segments(study, code="motives/economy", where=["place=martuni"])) == 3
    assert _segments(study, code="motives/economy", where=["place=moscow"]) == []


def test_refused_requests_name_the_problem(study: Study) -> None:
    with pytest.raises(CodebookError, match="no code"):
        _segments(study, code="motives/nothing_here")
    with pytest.raises(ResearchError, match="context of -1"):
        _segments(study, code="unemployment", context_characters=-1)
    with pytest.raises(InterviewsError, match="unknown attribute"):
        _segments(study, code="unemployment", where=["colour_of_hat=red"])
