"""Quotes matched as people type them: typographic marks, whitespace runs, the nearest passage."""

import random
import sys
import time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from interviews.errors import AmbiguousQuoteError, QuoteNotFoundError
from interviews.quotes import (
    APOSTROPHES,
    DASHES,
    QUOTATION_MARKS,
    WHITESPACE,
    LooseText,
    loose,
    loose_matches,
    nearest_passage,
)
from interviews.segments import find_quote
from interviews.text import canonicalise

TEXT = "Մենք ասացինք. 🙏 R: We’re at the “Hot Rodeo” —\n  Краснодар, 1993–1994.\n"


def _passage(text: str, start: int, end: int) -> str:
    return text[start:end]


def test_the_whitespace_list_is_every_character_python_calls_whitespace() -> None:
    spaces = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert set(WHITESPACE) == spaces


@pytest.mark.parametrize("apostrophe", ["'", "’", "‘", "ʼ", "′"])
def test_every_apostrophe_matches_a_plain_one(apostrophe: str) -> None:
    text = f"R: we{apostrophe}re at the Hot Rodeo."
    span = find_quote(text, "we're at the Hot Rodeo")
    assert _passage(text, span.start, span.end) == f"we{apostrophe}re at the Hot Rodeo"


@pytest.mark.parametrize(("opening", "closing"), [("“", "”"), ("„", "“"), ("«", "»"), ("″", "″")])
def test_typographic_quotation_marks_match_straight_ones(opening: str, closing: str) -> None:
    text = f"Он сказал: {opening}Работы нет{closing}."
    span = find_quote(text, '"Работы нет"')
    assert _passage(text, span.start, span.end) == f"{opening}Работы нет{closing}"


@pytest.mark.parametrize("dash", ["–", "—", "‑", "−"])
def test_every_dash_matches_a_hyphen(dash: str) -> None:
    text = f"in 1993{dash}1994 we left"
    span = find_quote(text, "1993-1994")
    assert _passage(text, span.start, span.end) == f"1993{dash}1994"


def test_a_run_of_spaces_breaks_and_no_break_spaces_matches_one_space() -> None:
    text = "Upper\u00a0Lars \n\n  pass, closed"
    span = find_quote(text, "Upper Lars pass")
    assert (span.start, span.end) == (0, len("Upper\u00a0Lars \n\n  pass"))


def test_a_quote_typed_with_line_breaks_matches_single_spaces() -> None:
    text = "we went to Moscow in 1996"
    assert find_quote(text, "went to\r\n  Moscow").start == text.index("went")


def test_spaces_around_the_quote_are_not_part_of_the_passage() -> None:
    span = find_quote(TEXT, "  Краснодар,\n")
    assert _passage(TEXT, span.start, span.end) == "Краснодар,"


def test_matching_stays_case_sensitive() -> None:
    with pytest.raises(QuoteNotFoundError):
        find_quote(TEXT, "we're at the hot rodeo")


def test_offsets_are_code_points_past_armenian_and_emoji() -> None:
    span = find_quote(TEXT, 'We\'re at the "Hot Rodeo" -')
    assert span.start == TEXT.index("We’re")
    assert _passage(TEXT, span.start, span.end) == "We’re at the “Hot Rodeo” —"


def test_occurrence_counts_loose_matches() -> None:
    text = "we’re here. we're there."
    assert find_quote(text, "we're", occurrence=2).start == text.rindex("we're")
    assert find_quote(text, "we’re", occurrence=1).start == 0


def test_an_ambiguous_quote_says_how_many_times_it_appears() -> None:
    text = "we’re here. we're there. we‘re everywhere."
    with pytest.raises(AmbiguousQuoteError) as caught:
        find_quote(text, "we're", source="interview D18")
    assert caught.value.occurrences == 3
    assert str(caught.value) == (
        "\"we're\" appears 3 times in interview D18 (at [0:5], [12:17], [25:30]); "
        "say which occurrence, 1 to 3"
    )


def test_a_missing_quote_names_the_nearest_passage() -> None:
    text = "R: So we are at the Hot Rodeo, in the market.\n"
    with pytest.raises(QuoteNotFoundError) as caught:
        find_quote(text, "we're at the Hot Rodeo", source="interview D18")
    start = text.index("we are")
    end = start + len("we are at the Hot Rodeo")
    assert caught.value.nearest == (start, end)
    assert str(caught.value) == (
        f"no \"we're at the Hot Rodeo\" in interview D18; nearest passage at [{start}:{end}]: "
        "'we are at the Hot Rodeo'"
    )


def test_the_nearest_passage_ignores_case() -> None:
    passage = nearest_passage(TEXT, 'at the "hot rodeo"')
    assert passage is not None and passage.distance == 0
    assert _passage(TEXT, passage.start, passage.end) == "at the “Hot Rodeo”"


def test_a_quote_like_nothing_in_the_text_has_no_nearest_passage() -> None:
    with pytest.raises(QuoteNotFoundError, match="nor any passage close to it") as caught:
        find_quote(TEXT, "Yerevan airport")
    assert caught.value.nearest is None


def test_an_empty_text_has_no_nearest_passage() -> None:
    assert nearest_passage("", "anything") is None
    assert loose_matches("", "anything") == []


def test_the_nearest_passage_in_a_50000_word_transcript_takes_well_under_seconds() -> None:
    generator = random.Random(8)
    words = ["Մոսկվա", "работа", "market", "brother", "😢", "Krasnodar", "—", "we’re", "1993"]
    text = " ".join(generator.choice(words) for _ in range(50_000))
    middle = len(text) // 2
    text = text[:middle] + " so we are at the Hot Rodeo, near the market stalls, " + text[middle:]
    quote = "we're at the Hot Rodeo near the market stall " * 4
    began = time.perf_counter()
    passage = nearest_passage(text, quote.strip(), max_share=0.9)
    elapsed = time.perf_counter() - began
    # Comparing every position with the quote in Python would take minutes here.
    assert elapsed < 5, f"{elapsed:.1f} s"
    assert passage is not None and middle <= passage.start < middle + 60


def test_loose_text_maps_offsets_past_folded_runs() -> None:
    folded = LooseText("a \n\n b\u00a0\u00a0c")
    assert folded.text == "a b c"
    assert [folded.to_original(offset) for offset in range(6)] == [0, 1, 5, 6, 8, 9]


# Text as oral-history transcripts have it: several scripts, emoji, typographic marks.
_LETTERS = "abcWe" + "Մենքաս" + "Краснодар" + "🙏😢" + "19."
_MARKS = APOSTROPHES + QUOTATION_MARKS + DASHES
_SPACES = " \n\u00a0\u2009\t"
_TEXTS = st.text(alphabet=_LETTERS + _MARKS + _SPACES, min_size=1, max_size=80).map(
    lambda text: text.replace("\t", " ")
)


def _retyped(text: str, draw: st.DrawFn) -> str:
    """The text as someone might type it: marks swapped for plain ones, spaces changed."""
    out = []
    for character in text:
        if character in APOSTROPHES:
            out.append(draw(st.sampled_from(APOSTROPHES)))
        elif character in QUOTATION_MARKS:
            out.append(draw(st.sampled_from(QUOTATION_MARKS)))
        elif character in DASHES:
            out.append(draw(st.sampled_from(DASHES)))
        elif character.isspace():
            out.append(draw(st.sampled_from([" ", "  ", "\n", "\r\n", "\u00a0"])))
        else:
            out.append(character)
    return "".join(out)


@st.composite
def _text_and_quote(draw: st.DrawFn) -> tuple[str, str, int, int]:
    text = draw(_TEXTS)
    assume(text.strip())
    text = canonicalise(text)
    start = draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = draw(st.integers(min_value=start + 1, max_value=len(text)))
    return text, _retyped(text[start:end], draw), start, end


@given(_text_and_quote())
def test_every_match_reads_as_the_quote_and_the_retyped_passage_is_found(
    case: tuple[str, str, int, int],
) -> None:
    text, quote, start, end = case
    assume(loose(quote))
    matches = loose_matches(text, quote)
    assert all(loose(text[first:last]) == loose(quote) for first, last in matches)
    trimmed_start = start + len(text[start:end]) - len(text[start:end].lstrip())
    trimmed_end = end - (len(text[start:end]) - len(text[start:end].rstrip()))
    assert (trimmed_start, trimmed_end) in matches


@given(_text_and_quote())
def test_a_found_quote_is_its_own_nearest_passage(case: tuple[str, str, int, int]) -> None:
    text, quote, _, _ = case
    assume(loose(quote))
    passage = nearest_passage(text, quote)
    assert passage is not None and passage.distance == 0
    assert loose(text[passage.start : passage.end]).lower() == loose(quote).lower()


def _edit_distance(first: str, second: str) -> int:
    previous = list(range(len(second) + 1))
    for row, left in enumerate(first, 1):
        current = [row]
        for column, right in enumerate(second, 1):
            current.append(
                min(previous[column] + 1, current[-1] + 1, previous[column - 1] + (left != right))
            )
        previous = current
    return previous[-1]


@given(st.text("abc", max_size=14), st.text("abc", min_size=1, max_size=6))
def test_the_nearest_passage_is_as_near_as_any_substring(text: str, quote: str) -> None:
    passage = nearest_passage(text, quote, max_share=1.0)
    best = min(
        _edit_distance(quote, text[start:end])
        for start in range(len(text) + 1)
        for end in range(start, len(text) + 1)
    )
    if passage is None:
        assert best >= len(quote)
    else:
        assert passage.distance == best
        assert _edit_distance(quote, text[passage.start : passage.end]) == best
