"""Guessing which legacy encodings could have written a file that is not UTF-8.

Only a guess to name in a refusal, never used to decode: a person picks the encoding.
Every single-byte code page decodes almost any bytes, so the guess reads the text each
candidate gives and keeps the ones whose words look like words: one script per word
(``allйs`` is cp1252 French read as cp1251), a sensible case pattern (``нПУЙВЮ`` is KOI8-R
read as cp1251), Latin words with some ASCII letters in them (``Ìû óåõàëè`` is cp1251
Russian read as cp1252), Cyrillic words spelt in one language's alphabet (``Ьћ ѓхѕрыш``
is cp1251 Russian read as ISO 8859-5), and no stray symbols or control characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# The code pages migration-study transcripts come in, in the order ties are named.
LEGACY_ENCODINGS: tuple[str, ...] = (
    "cp1252",
    "cp1251",
    "koi8-r",
    "cp866",
    "cp1250",
    "mac-cyrillic",
    "iso-8859-5",
    "latin-1",
)

_SAMPLE_BYTES = 64 * 1024
_NAMED = 3
_WORD = re.compile(r"[^\W\d_]+")
_BAD_WORD_WEIGHT = 3
# Symbols common in transcripts, which a right decoding produces too, though never between
# two letters of a word.
_USUAL_SYMBOLS = frozenset("€№°©®™§±×")
_WEDGED = re.compile(f"(?<=[^\\W\\d_])[{''.join(sorted(_USUAL_SYMBOLS))}](?=[^\\W\\d_])")
# The letters of the languages written in Cyrillic that these code pages can hold. A word
# of a right decoding is spelt in one of them; a wrong one mixes letters of several
# (``ѓхѕрыш`` is cp1251 Russian read as ISO 8859-5: Macedonian ѓ and ѕ beside Russian ы).
_RUSSIAN_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_CYRILLIC_ALPHABETS = tuple(
    frozenset(letters)
    for letters in (
        _RUSSIAN_LETTERS,
        _RUSSIAN_LETTERS.translate(str.maketrans("", "", "ёъыэ")) + "єіїґ",  # Ukrainian
        _RUSSIAN_LETTERS.translate(str.maketrans("", "", "ищъ")) + "іў",  # Belarusian
        _RUSSIAN_LETTERS.translate(str.maketrans("", "", "ёыэ")),  # Bulgarian
        "абвгдђежзијклљмнњопрстћуфхцчџш",  # Serbian
        "абвгдѓежзѕијклљмнњопрстќуфхцчџш",  # Macedonian
    )
)


def plausible_encodings(data: bytes, *, exclude: str | None = None) -> tuple[str, ...]:
    """Up to three legacy encodings that read ``data`` as plausible text, best first."""
    sample = data[:_SAMPLE_BYTES]
    excluded = codecs.lookup(exclude).name if exclude is not None else None
    scores: dict[str, int] = {}
    for encoding in LEGACY_ENCODINGS:
        if codecs.lookup(encoding).name == excluded:
            continue
        try:
            # The sample may end inside a character only for multi-byte codecs; these
            # are single-byte ones.
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        scores[encoding] = plausibility(text)
    if not scores:
        return ()
    best = max(scores.values())
    if best < 0:
        return ()
    return tuple(encoding for encoding, score in scores.items() if score == best)[:_NAMED]


def plausibility(text: str) -> int:
    """Letters of words outside ASCII that look like words, less those of words that do not,
    stray symbols and symbols wedged between letters.

    Letters, not words, are counted: a wrong decoding that turns a letter into a symbol
    (``Ќ€маше`` is Bulgarian ``Нямаше`` read as Mac Cyrillic) would otherwise gain a word.
    Cyrillic words count when spelt in the alphabet that spells most of the text's letters;
    a word of another language's alphabet counts for nothing (``Ђћосква`` is ``«Москва``
    read as Mac Cyrillic: Serbian letters in a Russian text), one of none against.
    """
    words = [word for word in _WORD.findall(text) if not word.isascii()]
    alphabet = _likeliest_alphabet(words)
    score = 0
    for word in words:
        fits = _looks_like_a_word(word, alphabet)
        if fits is None:
            continue
        score += len(word) if fits else -_BAD_WORD_WEIGHT * len(word)
    score -= _BAD_WORD_WEIGHT * len(_WEDGED.findall(text))
    for character in text:
        if character.isascii() or character.isalpha() or character.isspace():
            continue
        category = unicodedata.category(character)
        if category[0] in "CS" and character not in _USUAL_SYMBOLS:
            score -= 1 if category[0] == "S" else _BAD_WORD_WEIGHT
    return score


def _likeliest_alphabet(words: list[str]) -> frozenset[str] | None:
    """The Cyrillic alphabet that spells the most letters of these words (None without any
    Cyrillic word; Russian first among equals)."""
    spelt = [0] * len(_CYRILLIC_ALPHABETS)
    for word in words:
        letters = set(word.lower())
        for number, alphabet in enumerate(_CYRILLIC_ALPHABETS):
            if letters <= alphabet:
                spelt[number] += len(word)
    best = max(spelt, default=0)
    return _CYRILLIC_ALPHABETS[spelt.index(best)] if best else None


def _looks_like_a_word(word: str, alphabet: frozenset[str] | None = None) -> bool | None:
    """Whether a word looks like one; None for a Cyrillic word spelt in another alphabet
    than `alphabet` (neither for nor against a reading)."""
    scripts = {_script(character) for character in word}
    if len(scripts) > 1:
        return False
    if not (word.islower() or word.isupper() or word.istitle()):
        return False
    if scripts == {"CYRILLIC"}:
        letters = set(word.lower())
        if alphabet is not None and letters <= alphabet:
            return True
        return None if any(letters <= other for other in _CYRILLIC_ALPHABETS) else False
    # Real Latin-script words keep some ASCII letters; mis-read Cyrillic ones have none.
    return not (scripts == {"LATIN"} and len(word) > 1 and not any(ch.isascii() for ch in word))


def _script(character: str) -> str:
    if character.isascii():
        return "LATIN"
    return unicodedata.name(character, "UNKNOWN").split(" ", 1)[0]
