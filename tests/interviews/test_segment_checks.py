"""Segments as code-point spans into canonical text: checks, quotes and occurrences."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from interviews.errors import AmbiguousQuoteError, QuoteNotFoundError, SegmentError
from interviews.graphemes import whole_clusters
from interviews.quotes import loose, loose_matches
from interviews.segments import Span, check_segment, find_quote
from interviews.text import codepoint_to_utf16, normalise

TEXT = "R: Մենք գնացինք Մոսկվա 🚂 в 1993 году.\nI: Почему в Москву?\nR: Աշխատանք չկար 😢."


def test_check_segment_returns_the_armenian_slice() -> None:
    start = TEXT.index("Մոսկվա")
    assert check_segment(TEXT, start, start + 6) == "Մոսկվա"


def test_check_segment_counts_an_astral_emoji_as_one_code_point() -> None:
    start = TEXT.index("🚂")
    assert check_segment(TEXT, start, start + 1) == "🚂"


def test_offsets_after_an_emoji_differ_from_utf16_by_one() -> None:
    start = TEXT.index("в 1993")
    assert codepoint_to_utf16(TEXT, start) == start + 1


def test_check_segment_returns_the_cyrillic_slice() -> None:
    start = TEXT.index("Почему")
    assert check_segment(TEXT, start, start + 6, quote="Почему") == "Почему"


def test_negative_start_is_refused() -> None:
    with pytest.raises(SegmentError, match="negative"):
        check_segment(TEXT, -1, 4)


def test_negative_end_is_refused() -> None:
    with pytest.raises(SegmentError, match="negative"):
        check_segment(TEXT, 0, -4)


def test_reversed_offsets_are_refused_naming_them() -> None:
    with pytest.raises(SegmentError, match="start 9 is after end 3"):
        check_segment(TEXT, 9, 3)


def test_empty_segment_is_refused() -> None:
    with pytest.raises(SegmentError, match="5..5 is empty"):
        check_segment(TEXT, 5, 5)


def test_end_beyond_text_is_refused() -> None:
    with pytest.raises(SegmentError, match=f"end {len(TEXT) + 1} is beyond"):
        check_segment(TEXT, 0, len(TEXT) + 1)


def test_segment_ending_at_the_text_end_is_accepted() -> None:
    assert check_segment(TEXT, len(TEXT) - 2, len(TEXT)) == "😢."


def test_whitespace_only_segment_is_refused() -> None:
    with pytest.raises(SegmentError, match="3..6 contains only whitespace"):
        check_segment("Да,\n\t нет", 3, 6)


def test_segment_error_carries_its_offsets() -> None:
    with pytest.raises(SegmentError) as caught:
        check_segment(TEXT, 10, len(TEXT) + 5)
    assert (caught.value.start, caught.value.end) == (10, len(TEXT) + 5)


def test_mismatched_quote_is_refused_showing_both() -> None:
    start = TEXT.index("Մոսկվա")
    with pytest.raises(SegmentError, match="reads 'Մոսկվա' but the quote is 'Москва'"):
        check_segment(TEXT, start, start + 6, quote="Москва")


def test_long_quotes_are_truncated_in_the_message() -> None:
    with pytest.raises(SegmentError) as caught:
        check_segment(TEXT, 0, len(TEXT), quote="x" * 500)
    assert "…" in str(caught.value) and len(str(caught.value)) < 200


def test_decomposed_quote_matches_composed_text() -> None:
    text = "Он сказал: «Йошкар-Ола»"
    start = text.index("Й")
    assert check_segment(text, start, start + 1, quote="И\u0306") == "Й"


def test_find_quote_returns_the_code_point_span() -> None:
    quote = "Աշխատանք չկար"
    assert find_quote(TEXT, quote) == Span(start=TEXT.index(quote), end=TEXT.index(quote) + 13)


def test_find_quote_picks_the_asked_occurrence() -> None:
    assert find_quote(TEXT, "R: ", occurrence=2).start == TEXT.rindex("R: ")


def test_find_quote_normalises_the_quote_first() -> None:
    text = "Он сказал: «Йошкар-Ола»\nи ушёл"
    assert find_quote(text, "И\u0306ошкар-Ола»\r\nи") == Span(start=12, end=25)


def test_find_quote_counts_overlapping_occurrences() -> None:
    assert find_quote("ааа", "аа", occurrence=2) == Span(start=1, end=3)


def test_absent_quote_is_not_found() -> None:
    with pytest.raises(QuoteNotFoundError, match="no 'Ереван' in the text"):
        find_quote(TEXT, "Ереван")


def test_a_quote_found_twice_needs_its_occurrence() -> None:
    with pytest.raises(AmbiguousQuoteError, match="appears 2 times in the text") as caught:
        find_quote(TEXT, "R: ")
    assert caught.value.occurrences == 2


def test_occurrence_beyond_the_count_is_refused() -> None:
    with pytest.raises(SegmentError, match="appears 2 times in the text; occurrence 3 asked"):
        find_quote(TEXT, "R: ", occurrence=3)


def test_occurrence_below_one_is_refused() -> None:
    with pytest.raises(SegmentError, match="occurrence must be 1 or more"):
        find_quote(TEXT, "R: ", occurrence=0)


def test_blank_quote_is_refused() -> None:
    with pytest.raises(SegmentError, match="empty or only whitespace"):
        find_quote(TEXT, " \n")


def test_span_refuses_reversed_offsets() -> None:
    with pytest.raises(ValueError, match="must be before end"):
        Span(start=4, end=2)


def test_span_is_frozen() -> None:
    span = Span(start=1, end=3)
    with pytest.raises(ValueError, match="frozen"):
        span.start = 2  # type: ignore[misc]


@given(st.text(min_size=1), st.data())
def test_found_quote_covers_a_passage_that_reads_as_the_quote(
    text: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
    quote = text[start:end]
    assume(loose(quote) and normalise(quote) == quote)
    # Matches that cut a character (a letter from its combining mark) are not the quote.
    occurrences = len([span for span in loose_matches(text, quote) if whole_clusters(text, *span)])
    assume(occurrences)
    span = find_quote(text, quote, occurrence=data.draw(st.integers(1, occurrences)))
    assert loose(check_segment(text, span.start, span.end)) == loose(quote)
