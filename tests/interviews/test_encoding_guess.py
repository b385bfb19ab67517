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
# Russian whose cp1251 bytes read as ISO 8859-5 give Cyrillic words too, in proper case,
# split at `№` into more of them (`Ьр№ђѓэш`): the case a first guess got wrong.
MARTUNI = "Мы уехали из Мартуни весной. Работы нет, денег нет. Где ты работал?\n"
UKRAINIAN = "Ми поїхали з Мартуні навесні. Роботи не було, грошей теж. Її брат лишився.\n"
SERBIAN = "Отишли смо у пролеће. Није било посла. Њихов брат је остао у Ђевђелији.\n"
BULGARIAN = "Заминахме през пролетта. Нямаше работа, нито пари.\n"
MACEDONIAN = "Заминавме напролет. Немаше работа, ниту пари. Ѓорѓи остана во Ѕвезда.\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH, "cp1252"),
        (RUSSIAN, "cp1251"),
        (RUSSIAN_CAPITALS, "koi8-r"),
        (RUSSIAN_CAPITALS, "cp866"),
        (CZECH, "cp1250"),
        (MARTUNI, "cp1251"),
        ("Работы нет.\n", "cp1251"),
        ("Дом № 5, квартира 12, 100 €.\n", "cp1251"),
        (UKRAINIAN, "cp1251"),
        (SERBIAN, "cp1251"),
        (BULGARIAN, "cp1251"),
        (MACEDONIAN, "cp1251"),
        # Guillemets and a dash are letters in Mac Cyrillic (`Ђћосква`): Serbian letters
        # in a Russian text count for nothing.
        ("«Москва слезам не верит», сказал он.\n", "cp1251"),
        ("Он сказал: «Работы нет, денег нет».\n", "cp1251"),
        ("Патент — это как второй налог.\n", "cp1251"),
        ("Мы говорили по-русски, а он: «Ми поїхали до Києва».\n", "cp1251"),
        (MARTUNI, "iso-8859-5"),
        (MARTUNI, "mac-cyrillic"),
        (MARTUNI, "koi8-r"),
    ],
)
def test_the_writing_encoding_is_named_first(text: str, encoding: str) -> None:
    assert plausible_encodings(text.encode(encoding))[0] == encoding


def test_at_most_three_encodings_are_named() -> None:
    assert 1 <= len(plausible_encodings("He said \u201cno\u201d.".encode("cp1252"))) <= 3


def test_the_encoding_already_tried_is_left_out() -> None:
    assert "cp1251" not in plausible_encodings(RUSSIAN.encode("cp1251"), exclude="CP1251")


def test_russian_in_cp1251_is_never_offered_as_iso_8859_5() -> None:
    # Taking that suggestion stored `арсюђћ эхђ` for `Работы нет` without complaint.
    assert "iso-8859-5" not in plausible_encodings(MARTUNI.encode("cp1251"))
    assert plausibility(MARTUNI.encode("cp1251").decode("iso-8859-5")) < 0


def test_words_mixing_the_letters_of_several_cyrillic_alphabets_count_against_a_reading() -> None:
    assert plausibility("Њихов брат") > 0 > plausibility("ѓхѕрыш")  # Macedonian ѓ ѕ, Russian ы
    assert plausibility("Її брат") > 0 > plausibility("ђѓэш")  # Serbian ђ, Macedonian ѓ
    assert plausibility("Работы") > plausibility("Ќ€боты")  # a symbol wedged in a word


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
