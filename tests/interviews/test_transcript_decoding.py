"""Decoding transcript bytes: encodings, byte order marks, refusals with positions."""

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviews.errors import TranscriptError
from interviews.text import canonicalise, decode_transcript

MIXED = "Интервьюер: Բարև ձեզ!\nРеспондент: Hello 👋\n"


def test_utf8_without_bom_is_read_as_utf8() -> None:
    assert decode_transcript(MIXED.encode("utf-8")) == (MIXED, "utf-8")


def test_utf8_with_bom_is_read_and_the_bom_dropped() -> None:
    assert decode_transcript(codecs.BOM_UTF8 + MIXED.encode("utf-8")) == (MIXED, "utf-8-sig")


def test_utf16_le_with_bom_is_detected() -> None:
    data = codecs.BOM_UTF16_LE + MIXED.encode("utf-16-le")
    assert decode_transcript(data) == (MIXED, "utf-16")


def test_utf16_be_with_bom_is_detected() -> None:
    data = codecs.BOM_UTF16_BE + MIXED.encode("utf-16-be")
    assert decode_transcript(data) == (MIXED, "utf-16")


def test_utf32_le_with_bom_is_not_mistaken_for_utf16() -> None:
    data = codecs.BOM_UTF32_LE + MIXED.encode("utf-32-le")
    assert decode_transcript(data) == (MIXED, "utf-32")


def test_named_cp1251_is_used() -> None:
    text = "Мы уехали в Москву в 1993 году.\n"
    assert decode_transcript(text.encode("cp1251"), encoding="cp1251") == (text, "cp1251")


def test_named_koi8_r_is_used() -> None:
    text = "Краснодар"
    assert decode_transcript(text.encode("koi8-r"), encoding="KOI8-R") == (text, "koi8-r")


def test_named_encoding_is_reported_by_its_codec_name() -> None:
    assert decode_transcript(b"caf\xe9", encoding="latin-1") == ("café", "iso8859-1")


def test_crlf_and_decomposed_input_come_out_canonical() -> None:
    data = "И\u0306о\r\ne\u0301".encode()
    assert decode_transcript(data)[0] == "Йо\né"


def test_cp1251_bytes_without_a_named_encoding_are_refused() -> None:
    with pytest.raises(TranscriptError, match="byte 0xcc cannot be decoded as utf-8"):
        decode_transcript("Мы".encode("cp1251"))


def test_undecodable_byte_reports_line_and_column_in_characters() -> None:
    data = "Բարև\r\nՄարտունի 😢".encode() + b"\xff"
    with pytest.raises(TranscriptError) as caught:
        decode_transcript(data, source="interview07.txt")
    error = caught.value
    assert str(error) == "interview07.txt, line 2, column 11: byte 0xff cannot be decoded as utf-8"


def test_undecodable_byte_reports_its_byte_offset() -> None:
    data = "Բարև\r\nՄարտունի 😢".encode() + b"\xff"
    with pytest.raises(TranscriptError) as caught:
        decode_transcript(data)
    assert caught.value.offset == len(data) - 1


def test_undefined_cp1251_byte_is_refused_with_position() -> None:
    with pytest.raises(TranscriptError) as caught:
        decode_transcript("Да\nнет ".encode("cp1251") + b"\x98", encoding="cp1251")
    assert (caught.value.line, caught.value.column) == (2, 5)


def test_truncated_character_at_end_is_explained() -> None:
    with pytest.raises(TranscriptError, match="ends in the middle of a character"):
        decode_transcript("Բարև".encode()[:-1])


def test_truncated_utf16_is_refused() -> None:
    with pytest.raises(TranscriptError, match="cannot be decoded as utf-16"):
        decode_transcript(codecs.BOM_UTF16_LE + "Բարև".encode("utf-16-le")[:-1])


def test_unknown_encoding_name_is_refused_clearly() -> None:
    with pytest.raises(TranscriptError, match="unknown encoding 'armscii-9'"):
        decode_transcript(b"abc", encoding="armscii-9")


def test_non_text_codec_is_refused() -> None:
    with pytest.raises(TranscriptError, match="not a text encoding"):
        decode_transcript(b"abc", encoding="base64")


def test_named_encoding_contradicting_a_bom_is_refused() -> None:
    with pytest.raises(TranscriptError, match="UTF-8 byte order mark but cp1251"):
        decode_transcript(codecs.BOM_UTF8 + "Да".encode(), encoding="cp1251")


def test_empty_input_is_refused() -> None:
    with pytest.raises(TranscriptError, match="the file is empty"):
        decode_transcript(b"", source="blank.txt")


def test_whitespace_only_input_is_refused() -> None:
    with pytest.raises(TranscriptError, match="only whitespace"):
        decode_transcript(b" \r\n \t\n")


def test_nul_byte_is_refused_with_position() -> None:
    with pytest.raises(TranscriptError, match="NUL") as caught:
        decode_transcript("Ա\nБв\x00г".encode())
    assert (caught.value.line, caught.value.column, caught.value.offset) == (2, 3, 7)


def test_nul_byte_in_8bit_input_is_refused() -> None:
    with pytest.raises(TranscriptError, match="NUL"):
        decode_transcript(b"abc\x00def", encoding="cp1251")


def test_utf16_without_bom_is_recognised_in_the_refusal() -> None:
    with pytest.raises(TranscriptError, match="name the encoding utf-16-le"):
        decode_transcript("Interview with R07".encode("utf-16-le"))


def test_utf16_without_bom_reads_when_named() -> None:
    data = "Interview, Краснодар".encode("utf-16-be")
    assert decode_transcript(data, encoding="utf-16-be") == ("Interview, Краснодар", "utf-16-be")


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "legacy Microsoft Office"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "WAV"),
    ],
)
def test_binary_formats_are_named_in_the_refusal(data: bytes, looks_like: str) -> None:
    with pytest.raises(TranscriptError, match=looks_like):
        decode_transcript(data)


def test_many_control_bytes_are_refused_as_binary() -> None:
    data = bytes(range(256)) * 4
    with pytest.raises(TranscriptError, match="binary file"):
        decode_transcript(data)


def test_stray_control_character_is_refused_with_position() -> None:
    with pytest.raises(TranscriptError) as caught:
        decode_transcript(b"ok\nbell\x07", source="r1.txt")
    assert str(caught.value).startswith("r1.txt, line 2, column 5: character U+0007")


def test_control_character_offset_is_in_bytes() -> None:
    with pytest.raises(TranscriptError) as caught:
        decode_transcript(codecs.BOM_UTF8 + "Բ\x07".encode())
    assert caught.value.offset == 5


# Text without surrogates (UTF-8 cannot carry them), rich in controls and C1 characters.
_CONTROL_PRONE = st.text(
    st.one_of(
        st.characters(max_codepoint=0xA0),
        st.characters(blacklist_categories=("Cs",)),
    )
)


@given(_CONTROL_PRONE)
def test_utf8_is_refused_or_made_canonical_exactly_as_its_text_is(text: str) -> None:
    # Decoding checks UTF-8 bytes for forbidden characters without searching the text; it
    # must refuse what canonicalise refuses (NUL and binary-looking files are refused
    # earlier, by their bytes) and otherwise give the same canonical text.
    data = text.encode("utf-8")
    try:
        expected = canonicalise(text)
    except TranscriptError as refusal:
        with pytest.raises(TranscriptError) as raised:
            decode_transcript(data)
        if raised.value.message.startswith("character"):
            assert raised.value.message == refusal.message
            assert (raised.value.line, raised.value.column) == (refusal.line, refusal.column)
        return
    assert decode_transcript(data) == (expected, "utf-8")
