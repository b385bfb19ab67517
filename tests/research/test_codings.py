"""Codings: exact spans in mixed-script text, the stored quote, and every refusal."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviews.errors import AmbiguousQuoteError, QuoteNotFoundError, SegmentError
from interviews.graphemes import whole_clusters
from interviews.text import canonicalise
from research.errors import ConflictError, NotFoundError, ResearchError
from research.services.codings import NewCoding
from research.study import Study
from tests.research.helpers import MIXED_TEXT, add_interview_with_text, counts


def test_apply_code_by_offsets_stores_the_quote(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    start = MIXED_TEXT.index("Работы нет")
    record = study.codings.add_coding(
        interview_id=interview_id,
        code="motives/economy/unemployment",
        start_offset=start,
        end_offset=start + len("Работы нет"),
        coder="lusine",
    )
    assert record.quote == "Работы нет"
    assert record.code_id == "unemployment"
    assert record.coder == "lusine"


def test_offsets_count_code_points_past_armenian_and_emoji(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    record = study.codings.code_quote(
        interview_id=interview_id, code="unemployment", quote="Работы нет", coder="pavel"
    )
    # The emoji before the quote is one code point (two UTF-16 units).
    assert record.start_offset == MIXED_TEXT.index("Работы нет")
    assert MIXED_TEXT[record.start_offset : record.end_offset] == "Работы нет"


def test_code_quote_picks_the_requested_occurrence(study: Study) -> None:
    text = "no work here. no work there.\n"
    interview_id = add_interview_with_text(study, text)
    record = study.codings.code_quote(
        interview_id=interview_id, code="unemployment", quote="no work", occurrence=2, coder="a"
    )
    assert record.start_offset == text.rindex("no work")


def test_every_coding_records_coder_and_time(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    record = study.codings.code_quote(
        interview_id=interview_id, code="unemployment", quote="no work", coder="lusine"
    )
    assert record.created_at.tzinfo is not None
    [listed] = study.codings.list_codings(coder="lusine")
    assert listed.coding_id == record.coding_id


def test_overlapping_and_nested_segments_are_allowed(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    outer = MIXED_TEXT.index("There was")
    study.codings.add_coding(
        interview_id=interview_id,
        code="unemployment",
        start_offset=outer,
        end_offset=outer + 30,
        coder="a",
    )
    study.codings.add_coding(
        interview_id=interview_id,
        code="destination",
        start_offset=outer + 10,
        end_offset=outer + 50,
        coder="a",
    )
    study.codings.add_coding(
        interview_id=interview_id,
        code="poverty_ruin",
        start_offset=outer + 12,
        end_offset=outer + 20,
        coder="a",
    )
    assert counts(study)[2] == 3


@pytest.mark.parametrize(
    ("start", "end", "quote", "message"),
    [
        (5, 5, None, "empty"),
        (9, 4, None, "reversed"),
        (-1, 4, None, "negative"),
        (0, 10_000, None, "out of range"),
        (0, 4, "nope", "does not match"),
    ],
)
def test_bad_spans_are_refused_and_store_nothing(
    study: Study, start: int, end: int, quote: str | None, message: str
) -> None:
    interview_id = add_interview_with_text(study)
    with pytest.raises(SegmentError) as raised:
        study.codings.add_coding(
            interview_id=interview_id,
            code="unemployment",
            start_offset=start,
            end_offset=end,
            coder="a",
            quote=quote,
        )
    assert interview_id in str(raised.value)
    assert counts(study)[2] == 0


def test_whitespace_only_segment_is_refused(study: Study) -> None:
    text = "one    two\n"
    interview_id = add_interview_with_text(study, text)
    with pytest.raises(SegmentError, match="whitespace"):
        study.codings.add_coding(
            interview_id=interview_id, code="unemployment", start_offset=4, end_offset=6, coder="a"
        )
    assert counts(study)[2] == 0


def test_exact_duplicate_is_refused(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    study.codings.add_coding(
        interview_id=interview_id, code="unemployment", start_offset=0, end_offset=5, coder="a"
    )
    with pytest.raises(ConflictError, match="already coded"):
        study.codings.add_coding(
            interview_id=interview_id, code="unemployment", start_offset=0, end_offset=5, coder="a"
        )
    # Another coder, or another code, on the same span is a different coding.
    study.codings.add_coding(
        interview_id=interview_id, code="unemployment", start_offset=0, end_offset=5, coder="b"
    )
    study.codings.add_coding(
        interview_id=interview_id, code="destination", start_offset=0, end_offset=5, coder="a"
    )
    assert counts(study)[2] == 3


def test_duplicate_inside_a_bulk_batch_stores_none_of_it(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    batch = [
        NewCoding(interview_id, "unemployment", 0, 5, "a"),
        NewCoding(interview_id, "destination", 0, 5, "a"),
        NewCoding(interview_id, "unemployment", 0, 5, "a"),
    ]
    with pytest.raises(ConflictError):
        study.codings.add_codings(batch)
    assert counts(study)[2] == 0


@pytest.mark.parametrize(
    ("code", "error", "message"),
    [
        ("motives/economy", ResearchError, "groups other codes"),
        ("motives/economy/no_such_code", Exception, "no_such_code"),
    ],
)
def test_unknown_and_grouping_codes_are_refused(
    study: Study, code: str, error: type[Exception], message: str
) -> None:
    interview_id = add_interview_with_text(study)
    with pytest.raises(error, match=message):
        study.codings.add_coding(
            interview_id=interview_id, code=code, start_offset=0, end_offset=5, coder="a"
        )
    assert counts(study)[2] == 0


def test_unknown_interview_is_refused(study: Study) -> None:
    with pytest.raises(NotFoundError, match="no interview 'X9'"):
        study.codings.add_coding(
            interview_id="X9", code="unemployment", start_offset=0, end_offset=5, coder="a"
        )


def test_quote_not_in_transcript_is_refused(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    with pytest.raises(QuoteNotFoundError, match="no 'never said' in interview I01"):
        study.codings.code_quote(
            interview_id=interview_id, code="unemployment", quote="never said", coder="a"
        )
    assert counts(study)[2] == 0


def test_code_quote_matches_typographic_marks_and_stores_the_transcripts_text(
    study: Study,
) -> None:
    interview_id = add_interview_with_text(study)
    record = study.codings.code_quote(
        interview_id=interview_id, code="unemployment", quote='"Работы\n нет"', coder="a"
    )
    assert record.quote == "«Работы нет»"
    assert MIXED_TEXT[record.start_offset : record.end_offset] == record.quote


def test_code_quote_refuses_an_ambiguous_quote_and_stores_nothing(study: Study) -> None:
    interview_id = add_interview_with_text(study, "no work here. no work there.\n")
    with pytest.raises(AmbiguousQuoteError, match="appears 2 times in interview I01"):
        study.codings.code_quote(
            interview_id=interview_id, code="unemployment", quote="no work", coder="a"
        )
    assert counts(study)[2] == 0


def test_a_missing_quote_names_the_nearest_passage(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    with pytest.raises(QuoteNotFoundError) as caught:
        study.codings.code_quote(
            interview_id=interview_id, code="unemployment", quote="there was no work", coder="a"
        )
    start = MIXED_TEXT.index("There was no work")
    assert caught.value.nearest == (start, start + len("There was no work"))


def test_list_filters_by_code_with_children_coder_and_attribute(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    study.codings.add_coding(
        interview_id=interview_id, code="unemployment", start_offset=0, end_offset=5, coder="a"
    )
    study.codings.add_coding(
        interview_id=interview_id, code="virtual_widowhood", start_offset=0, end_offset=5, coder="b"
    )
    assert len(study.codings.list_codings(code="motives")) == 1
    assert len(study.codings.list_codings(code="gender")) == 1
    assert len(study.codings.list_codings(coder="b")) == 1
    assert len(study.codings.list_codings(where=["gender=female"])) == 2
    assert study.codings.list_codings(where=["gender=male"]) == []
    assert len(study.codings.list_codings(where=["language=hy"])) == 2


INTERVIEW_NUMBERS = itertools.count(1)
TEXTS = st.text(
    st.characters(categories=["Lu", "Ll", "Nd", "Zs", "Po", "So", "Lo"]), min_size=1, max_size=200
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_stored_quote_equals_the_slice_after_a_database_round_trip(
    study: Study, data: st.DataObject
) -> None:
    raw = data.draw(TEXTS.filter(lambda t: t.strip() != ""))
    text = canonicalise(raw + "\n")
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    # A span of whitespace, or one cutting a character (Hangul jamo), is refused.
    if not text[start:end].strip() or not whole_clusters(text, start, end):
        return
    interview_id = f"H{next(INTERVIEW_NUMBERS)}"
    add_interview_with_text(study, text, interview_id=interview_id)
    study.codings.add_coding(
        interview_id=interview_id,
        code="unemployment",
        start_offset=start,
        end_offset=end,
        coder="h",
    )
    [stored] = study.codings.list_codings(interview_id=interview_id)
    transcript = study.interviews.get_interview(interview_id).transcript
    assert stored.quote == text[start:end] == transcript[start:end]


def test_memo_with_a_nul_is_refused_before_storage(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    with pytest.raises(ResearchError, match="U\\+0000"):
        study.codings.add_coding(
            interview_id=interview_id,
            code="unemployment",
            start_offset=0,
            end_offset=5,
            coder="a",
            memo="bad\x00memo",
        )
    assert counts(study)[2] == 0


def test_coder_name_with_control_characters_is_refused(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    with pytest.raises(ResearchError, match="coder name"):
        study.codings.add_coding(
            interview_id=interview_id,
            code="unemployment",
            start_offset=0,
            end_offset=5,
            coder="a\x00b",
        )
    assert counts(study)[2] == 0


def _coded(study: Study, quote: str = "Работы нет", coder: str = "lusine") -> int:
    interview_id = add_interview_with_text(study)
    return study.codings.code_quote(
        interview_id=interview_id, code="unemployment", quote=quote, coder=coder
    ).coding_id


def test_update_recodes_and_keeps_the_span(study: Study) -> None:
    coding_id = _coded(study)
    updated = study.codings.update_coding(coding_id, code="clans_nepotism")
    assert (updated.code_id, updated.quote) == ("clans_nepotism", "Работы нет")


def test_update_resizes_only_with_the_matching_quote(study: Study) -> None:
    coding_id = _coded(study)
    start = MIXED_TEXT.index("«Работы нет»")
    with pytest.raises(SegmentError, match="quote"):
        study.codings.update_coding(
            coding_id, start_offset=start, end_offset=start + 12, quote="something else"
        )
    resized = study.codings.update_coding(
        coding_id, start_offset=start, end_offset=start + 12, quote="«Работы нет»"
    )
    assert resized.quote == "«Работы нет»"


def test_update_refuses_a_resize_onto_an_existing_coding(study: Study) -> None:
    coding_id = _coded(study)
    other = study.codings.code_quote(
        interview_id="I01", code="unemployment", quote="no work at all", coder="lusine"
    )
    with pytest.raises(ConflictError, match="already coded"):
        study.codings.update_coding(
            coding_id,
            start_offset=other.start_offset,
            end_offset=other.end_offset,
            quote="no work at all",
        )
    assert study.codings.get_coding(coding_id).quote == "Работы нет"


def test_code_point_span_converts_a_browser_span_past_the_emoji(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    start = MIXED_TEXT.index("Он сказал")
    units = len(MIXED_TEXT[:start].encode("utf-16-le")) // 2
    assert study.codings.code_point_span(interview_id, units, units + 9) == (start, start + 9)


def test_recent_codes_come_newest_first_per_coder(study: Study) -> None:
    _coded(study)
    study.codings.code_quote(
        interview_id="I01", code="clans_nepotism", quote="no work", coder="lusine"
    )
    study.codings.code_quote(interview_id="I01", code="frustration", quote="Moscow", coder="pavel")
    assert study.codings.recent_codes("lusine")[:2] == ["clans_nepotism", "unemployment"]
    assert study.codings.coders() == ["lusine", "pavel"]


def test_in_vivo_coding_creates_its_code_under_one_group(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    start = MIXED_TEXT.index("Работы нет")
    first = study.codings.add_in_vivo_coding(
        interview_id=interview_id,
        start_offset=start,
        end_offset=start + 10,
        coder="lusine",
        quote="Работы нет",
    )
    assert first.code_path == "in_vivo/Работы нет"
    codebook = study.codebook()
    assert codebook.resolve("in_vivo").group_only
    again = study.codings.add_in_vivo_coding(
        interview_id=interview_id,
        start_offset=start,
        end_offset=start + 10,
        coder="pavel",
        quote="Работы нет",
    )
    assert again.code_id == first.code_id == "in_vivo_1"
    assert len(study.codebook().children("in_vivo")) == 1
