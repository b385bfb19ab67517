"""A legacy encoding named for bytes that read as UTF-8 is refused, naming how much looks so."""

from __future__ import annotations

import pytest

from interviews.errors import LooksLikeUtf8Error
from interviews.text import decode_transcript

RUSSIAN = "Мы уехали в девяносто третьем году.\nМама осталась дома, работы нет.\n"
UKRAINIAN = "Він сказав, що Київ і Львів — це два різних світи.\nЇЇ мама залишилась у Вінниці.\n"


def test_utf8_read_as_cp1251_is_refused_naming_bytes_and_lines() -> None:
    data = RUSSIAN.encode("utf-8")
    with pytest.raises(LooksLikeUtf8Error) as refused:
        decode_transcript(data, encoding="cp1251", source="r07.txt")
    error = refused.value
    non_ascii = sum(1 for byte in data if byte >= 0x80)
    assert str(error) == (
        f"r07.txt, line 1: cp1251 was named, but {non_ascii} of its {non_ascii} bytes beyond "
        "ASCII form UTF-8 characters (on 2 lines, the first here): it is UTF-8 throughout, "
        "and cp1251 would garble them"
    )
    assert (error.utf8_bytes, error.utf8_lines) == (non_ascii, 2)


def test_a_file_mostly_utf8_with_a_legacy_line_is_refused_as_utf8_in_part() -> None:
    data = "Первая строка по-русски.\n".encode("cp1251") + (RUSSIAN * 3).encode("utf-8")
    with pytest.raises(LooksLikeUtf8Error, match=r"line 2: koi8-r was named, .* UTF-8 in part"):
        decode_transcript(data, encoding="koi8-r", source="mixed.txt")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "cp1251"),
        (UKRAINIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
        (RUSSIAN, "cp866"),
        (RUSSIAN, "mac-cyrillic"),
        ("Élise a dit: « Ça va très bien » — où êtes-vous? À bientôt. Ö Ü ß Ä", "cp1252"),
    ],
)
def test_genuine_legacy_text_reads_without_a_word(text: str, encoding: str) -> None:
    decoded, used = decode_transcript(text.encode(encoding), encoding=encoding)
    assert (decoded, used) == (text, encoding)


def test_a_person_may_confirm_the_legacy_encoding_all_the_same() -> None:
    data = "Привет".encode()
    text, used = decode_transcript(data, encoding="cp1251", confirm_encoding=True)
    assert (text, used) == ("Привет".encode().decode("cp1251"), "cp1251")


def test_utf8_named_as_utf8_or_not_named_is_not_questioned() -> None:
    data = RUSSIAN.encode("utf-8")
    assert decode_transcript(data)[0] == RUSSIAN
    assert decode_transcript(data, encoding="utf-8")[0] == RUSSIAN


def test_a_multibyte_legacy_encoding_is_not_questioned() -> None:
    # GBK pairs often form UTF-8 sequences by accident; the check is for single-byte code pages.
    text = "我们在一九九三年离开了。妈妈留在家里。"
    assert decode_transcript(text.encode("gbk"), encoding="gbk")[0] == text
