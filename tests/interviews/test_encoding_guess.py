"""Guessing the legacy encoding of a file that is not UTF-8, to name it in the refusal."""

import codecs
import pickle

import pytest

from interviews.encodings import plausibility, plausible_encodings
from interviews.errors import TranscriptError, UndecodableTranscriptError
from interviews.text import decode_transcript

FRENCH = "Nous sommes allés à la fête, c’était très « beau » — l’été dernier.\n"
RUSSIAN = "Мы уехали в Москву в 1993 году, потому что работы не было.\n"
RUSSIAN_CAPITALS = "МЫ УЕХАЛИ В МОСКВУ. Интервьюер: Почему?\n"
CZECH = "Příliš žluťoučký kůň úpěl ďábelské ódy.\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH, "cp1252"),
        (RUSSIAN, "cp1251"),
        (RUSSIAN_CAPITALS, "koi8-r"),
        (RUSSIAN_CAPITALS, "cp866"),
        (CZECH, "cp1250"),
    ],
)
def test_the_writing_encoding_is_named_first(text: str, encoding: str) -> None:
    assert plausible_encodings(text.encode(encoding))[0] == encoding


def test_at_most_three_encodings_are_named() -> None:
    assert 1 <= len(plausible_encodings('He said \u201cno\u201d.'.encode("cp1252"))) <= 3


def test_the_encoding_already_tried_is_left_out() -> None:
    assert "cp1251" not in plausible_encodings(RUSSIAN.encode("cp1251"), exclude="CP1251")


def test_mixed_scripts_in_one_word_count_against_a_reading() -> None:
    assert plausibility("allés") > 0 > plausibility("allйs")
    assert plausibility("Москва") > 0 > plausibility("нПУЙВЮ")
    assert plausibility("Ìû óåõàëè") < 0


def test_a_utf8_refusal_carries_the_guesses_without_decoding_with_them() -> None:
    with pytest.raises(UndecodableTranscriptError) as caught:
        decode_transcript(RUSSIAN.encode("cp1251"), source="r.txt")
    assert caught.value.encodings[0] == "cp1251"
    assert str(caught.value) == "r.txt, line 1, column 1: byte 0xcc cannot be decoded as utf-8"


def test_a_named_encoding_that_fails_suggests_others() -> None:
    data = "Краснодар ".encode("cp1251") + b"\x98"
    with pytest.raises(UndecodableTranscriptError) as caught:
        decode_transcript(data, encoding="cp1251")
    assert "cp1251" not in caught.value.encodings


def test_a_file_with_a_byte_order_mark_gets_no_guesses() -> None:
    with pytest.raises(UndecodableTranscriptError) as caught:
        decode_transcript(codecs.BOM_UTF8 + "Мы".encode("cp1251"))
    assert caught.value.encodings == ()


def test_utf16_without_a_mark_suggests_its_byte_order() -> None:
    with pytest.raises(UndecodableTranscriptError) as caught:
        decode_transcript("Interview with Anahit, Martuni.\n".encode("utf-16-le"))
    assert caught.value.encodings == ("utf-16-le",)


def test_the_guesses_survive_pickling() -> None:
    error = UndecodableTranscriptError("bad", source="a.txt", line=1, encodings=("cp1252",))
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, TranscriptError)
    assert (str(copy), copy.encodings) == (str(error), ("cp1252",))
