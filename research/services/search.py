"""Case-insensitive text search in any script: folded matching that keeps the original offsets.

`str.casefold` can change a text's length (German "ß" folds to "ss", Armenian "և" to
"եւ"), so a hit in the folded text is mapped back to code-point offsets of the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from interviews.dictionary import Attribute, AttributeType, DataDictionary
from research.services.records import InterviewRecord, Record

SNIPPET_CONTEXT = 70
_WHITESPACE = re.compile(r"\s+")


class Snippet(Record):
    """A short passage around the first hit: `before`, the hit itself as written, `after`."""

    start_offset: int
    end_offset: int
    before: str
    match: str
    after: str
    hits: int


def fold(text: str) -> str:
    """The form both sides of a comparison take: NFC, then case folded."""
    return unicodedata.normalize("NFC", text).casefold()


def folded_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its code points the offset it came from in `text`."""
    parts: list[str] = []
    origins: list[int] = []
    for offset, character in enumerate(text):
        folded = character.casefold()
        parts.append(folded)
        origins.extend([offset] * len(folded))
    return "".join(parts), origins


def find_first(text: str, query: str) -> tuple[int, int, int] | None:
    """(start_offset, end_offset, hits) of `query` in `text`, case folded; None if absent."""
    needle = fold(query.strip())
    if not needle:
        return None
    if needle not in text.casefold():
        return None  # the cheap check first: most texts do not match
    folded, origins = folded_with_origins(text)
    position = folded.find(needle)
    if position < 0:
        return None
    start = origins[position]
    end = origins[position + len(needle) - 1] + 1
    return start, end, folded.count(needle)


def snippet(text: str, query: str, *, context: int = SNIPPET_CONTEXT) -> Snippet | None:
    """The passage around the first hit of `query` in `text`, whitespace collapsed; or None."""
    found = find_first(text, query)
    if found is None:
        return None
    start, end, hits = found
    left = max(0, start - context)
    right = min(len(text), end + context)
    # Cut at a word border so that the snippet does not start or end mid-word.
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    before = ("… " if left > 0 else "") + _collapse(text[left:start]).lstrip()
    after = _collapse(text[end:right]).rstrip() + (" …" if right < len(text) else "")
    return Snippet(
        start_offset=start,
        end_offset=end,
        before=before,
        match=_collapse(text[start:end]),
        after=after,
        hits=hits,
    )


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text)


def attribute_words(dictionary: DataDictionary, attributes: dict[str, Any]) -> list[str]:
    """Every value of a record as text people search for: stored values and choice labels."""
    words: list[str] = []
    known = {attribute.name: attribute for attribute in dictionary.attributes}
    for name, value in attributes.items():
        attribute = known.get(name)
        for item in value if isinstance(value, list) else [value]:
            words.extend(_words_of(attribute, item))
    return words


def _words_of(attribute: Attribute | None, value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, date):
        return [value.isoformat()]
    text = str(value)
    if attribute is not None and attribute.type in (
        AttributeType.SINGLE_CHOICE,
        AttributeType.MULTIPLE_CHOICE,
    ):
        try:
            return [text, attribute.label_of(text)]
        except ValueError:
            return [text]
    return [text]


def matches_text(query: str, words: Iterable[str]) -> bool:
    """Whether the folded `query` occurs in any of `words`, folded."""
    needle = fold(query.strip())
    return not needle or any(needle in fold(word) for word in words)


class TranscriptMatch(Record):
    """An interview whose transcript holds the query, with the passage around the first hit."""

    interview: InterviewRecord
    snippet: Snippet
