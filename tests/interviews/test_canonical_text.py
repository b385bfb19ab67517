"""Canonical transcript text and the offset convention (code points; UTF-16 at the border)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviews.errors import OffsetError, TranscriptError
from interviews.text import (
    Utf16Index,
    canonicalise,
    codepoint_to_utf16,
    is_canonical,
    normalise,
    position,
    shown,
    utf16_to_codepoint,
)

ARMENIAN = "Մարտունի, 1992 թ. ձմեռը շատ ցուրտ էր"
CYRILLIC = "Мы уехали в Краснодар в девяносто третьем"
EMOJI = "Папа звонил 📞 редко 😢 — հայրս"

# Text without the characters canonicalise refuses (controls other than CR, LF, tab).
allowed_text = st.text(
    alphabet=st.one_of(st.characters(exclude_categories=("Cc", "Cs")), st.sampled_from("\r\n\t")),
).filter(lambda text: normalise(text).strip() != "")


def test_crlf_becomes_lf() -> None:
    assert canonicalise("Բարև\r\nПривет\r\n") == "Բարև\nПривет\n"


def test_lone_cr_becomes_lf() -> None:
    assert canonicalise("old\rmac\r") == "old\nmac\n"


def test_cr_before_crlf_gives_two_line_breaks() -> None:
    assert canonicalise("a\r\r\nb") == "a\n\nb"


def test_leading_byte_order_mark_is_removed() -> None:
    assert canonicalise("\ufeffԱրամ") == "Արամ"


def test_decomposed_input_is_composed_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Йошкар-Ола, café")
    assert canonicalise(decomposed) == unicodedata.normalize("NFC", "Йошкар-Ола, café")


def test_tabs_are_kept() -> None:
    assert canonicalise("I:\tԲարև\nR:\tПривет") == "I:\tԲարև\nR:\tПривет"


def test_nul_is_refused_with_line_column_and_offset() -> None:
    with pytest.raises(TranscriptError) as caught:
        canonicalise("first\r\nsecond\x00")
    assert (caught.value.line, caught.value.column, caught.value.offset) == (2, 7, 13)


def test_other_c0_control_is_refused() -> None:
    with pytest.raises(TranscriptError, match="U\\+0007"):
        canonicalise("ring \x07 ring")


def test_c1_control_is_refused() -> None:
    with pytest.raises(TranscriptError, match="U\\+0093"):
        canonicalise("\x93quoted\x94")


def test_lone_surrogate_is_refused() -> None:
    with pytest.raises(TranscriptError, match="surrogate"):
        canonicalise("broken \ud83d here")


def test_empty_text_is_refused() -> None:
    with pytest.raises(TranscriptError, match="empty"):
        canonicalise("")


def test_whitespace_only_text_is_refused() -> None:
    with pytest.raises(TranscriptError, match="only whitespace"):
        canonicalise(" \r\n\t\u00a0")


def test_byte_order_mark_alone_is_empty() -> None:
    with pytest.raises(TranscriptError, match="empty"):
        canonicalise("\ufeff")


def test_canonical_text_is_recognised() -> None:
    assert is_canonical(ARMENIAN + "\n" + CYRILLIC + "\n" + EMOJI)


def test_text_with_crlf_is_not_canonical() -> None:
    assert not is_canonical("a\r\nb")


def test_text_with_control_character_is_not_canonical() -> None:
    assert not is_canonical("a\x00b")


def test_position_counts_columns_in_code_points() -> None:
    text = "😢😢\nԱԲԳ"
    assert position(text, text.index("Գ")) == (2, 3)


@given(st.text())
def test_canonicalise_is_idempotent_or_refuses(text: str) -> None:
    try:
        once = canonicalise(text)
    except TranscriptError:
        return
    assert canonicalise(once) == once and is_canonical(once)


@given(allowed_text)
def test_canonicalise_accepts_text_without_controls(text: str) -> None:
    result = canonicalise(text)
    assert "\r" not in result and unicodedata.is_normalized("NFC", result)


@given(allowed_text)
def test_canonicalise_keeps_the_number_of_lines(text: str) -> None:
    expected = text.replace("\r\n", "\n").replace("\r", "\n").count("\n")
    assert canonicalise(text).count("\n") == expected


def test_armenian_offsets_count_code_points_not_utf8_bytes() -> None:
    assert codepoint_to_utf16(ARMENIAN, 18) == 18 and len(ARMENIAN[:18].encode()) == 27


def test_astral_emoji_counts_two_utf16_units() -> None:
    text = "a😀b"
    assert [codepoint_to_utf16(text, offset) for offset in range(4)] == [0, 1, 3, 4]


def test_utf16_offset_after_emoji_maps_back() -> None:
    text = "Папа 📞 звонил"
    assert utf16_to_codepoint(text, text.index("з") + 1) == text.index("з")


def test_bmp_text_offsets_are_equal_in_both_conventions() -> None:
    assert codepoint_to_utf16(ARMENIAN, 20) == 20 and utf16_to_codepoint(CYRILLIC, 20) == 20


def test_utf16_offset_inside_surrogate_pair_is_refused() -> None:
    with pytest.raises(OffsetError, match="surrogate pair"):
        utf16_to_codepoint("a😀b", 2)


def test_utf16_offset_beyond_text_is_refused() -> None:
    with pytest.raises(OffsetError, match="outside"):
        utf16_to_codepoint("a😀b", 5)


def test_negative_utf16_offset_is_refused() -> None:
    with pytest.raises(OffsetError):
        utf16_to_codepoint("abc", -1)


def test_codepoint_offset_beyond_text_is_refused() -> None:
    with pytest.raises(OffsetError, match="outside"):
        codepoint_to_utf16("a😀b", 4)


@given(st.text(), st.data())
def test_codepoint_utf16_round_trip(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    assert utf16_to_codepoint(text, codepoint_to_utf16(text, offset)) == offset


@given(st.text())
def test_utf16_length_matches_a_browser_string(text: str) -> None:
    assert codepoint_to_utf16(text, len(text)) == len(text.encode("utf-16-le")) // 2


@given(st.text(), st.data())
def test_utf16_index_agrees_with_the_encoded_length(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    index = Utf16Index(text)
    units = len(text[:offset].encode("utf-16-le", errors="surrogatepass")) // 2
    assert index.to_utf16(offset) == units
    assert index.to_code_point(units) == offset


def test_utf16_index_refuses_every_offset_inside_a_pair() -> None:
    index = Utf16Index("Մ🙏Б😀")
    refused = []
    for units in range(index.units + 1):
        try:
            index.to_code_point(units)
        except OffsetError:
            refused.append(units)
    assert refused == [2, 5]


ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Мы уехали. Մենք գնացինք.", "Мы уехали. Մենք գնացինք."),
        (f"семьёй {FAMILY}", f"семьёй {FAMILY}"),  # joiners kept: the sequence whole
        (f"flag {ENGLAND}", f"flag {ENGLAND}"),  # tag characters kept: a subdivision flag
        ("ناصر\u200cالدین", "ناصر\u200cالدین"),  # a Persian non-joiner kept
        ("\u202eнавсегда\u202c", "\\u202eнавсегда\\u202c"),  # direction overrides escaped
        ("a\x1b[31mred", "a\\x1b[31mred"),  # a terminal's escape sequence made inert
    ],
)
def test_shown_escapes_only_what_would_not_print(text: str, expected: str) -> None:
    assert shown(text) == expected
