"""Case-insensitive text search in any script: folded matching that keeps the original offsets.

`str.casefold` can change a text's length (German "ß" folds to "ss", Armenian "և" to
"եւ"), so a hit in the folded text is mapped back to code-point offsets of the original.

Indexed search works on words: a word is a run of letters and digits (Unicode categories
L and N, as SQLite's unicode61 tokenizer and PostgreSQL's parser see them), and the
Armenian marks written inside a word (emphasis ՛, exclamation ՜, question ՞: "ինչո՞ւ")
are left out of it, so that "ինչու" finds "ինչո՞ւ"; ё is read as е ("елка" finds "ёлка",
and the other way round). A phrase is words in order with
nothing but spaces or punctuation between them. A transcript is indexed in passages
(`passages_of`); `locate` finds the hits in one passage, in code points of the transcript.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from interviews.dictionary import Attribute, AttributeType, DataDictionary
from interviews.text import normalise, shown
from research.errors import ResearchError
from research.services.records import InterviewRecord, Record

SNIPPET_CONTEXT = 70
_WHITESPACE = re.compile(r"\s+")

# Marks written inside an Armenian word; the index and the query both leave them out.
ARMENIAN_WORD_MARKS = "\u055b\u055c\u055e"
# Russian writes ё as е as often as not ("ёлка", "елка"): the index and the query both read
# ё as е, so that either spelling finds both. One letter for one: offsets do not move.
YO, YE = "ёЁ", "еЕ"
_WORD = re.compile(rf"[^\W_]+(?:[{ARMENIAN_WORD_MARKS}]+[^\W_]+)*")
_MARKS = re.compile(rf"[{ARMENIAN_WORD_MARKS}]")
# A passage owns about this many characters and runs on by OVERLAP, cut at whitespace; a
# phrase whose hit spans up to OVERLAP characters is therefore wholly inside one passage.
# Passages are stored as offsets, so passages cut at another size (3,000 characters until
# revision 0014) are searched alike. Longer passages overlap less (fewer words indexed
# twice) and are fewer rows: at 10,000 transcripts, 6,000 against 3,000 made an import
# about a second faster and the first page of a phrase's hits faster on both databases.
PASSAGE_CHARACTERS = 6000
OVERLAP = 400
MAX_QUERY_CHARACTERS = 200


class Passage(Record):
    """A passage of a transcript for the index: it owns [start_offset, own_end_offset)."""

    start_offset: int
    own_end_offset: int
    body: str


def passages_of(text: str) -> list[Passage]:
    """Overlapping passages that cover `text`, cut only at whitespace (never inside a word)."""
    return [
        Passage(start_offset=start, own_end_offset=own_end, body=body)
        for start, own_end, body in passage_cuts(text)
    ]


def passage_cuts(text: str) -> list[tuple[int, int, str]]:
    """`passages_of` as plain (start, own end, body) tuples, for storing thousands at once."""
    cuts = []
    start = 0
    while start < len(text):
        own_end = _whitespace_at_or_after(text, start + PASSAGE_CHARACTERS)
        body_end = _whitespace_at_or_after(text, own_end + OVERLAP)
        cuts.append((start, own_end, text[start:body_end]))
        start = own_end
    return cuts


def _whitespace_at_or_after(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    found = _WHITESPACE.search(text, position)
    return found.start() if found else len(text)


class Query(Record):
    """Words to find in order, the last one a prefix if the query ended with `*`."""

    words: list[str]
    prefix: bool = False

    @property
    def text(self) -> str:
        """The words as the index's own parser should read them (marks left out)."""
        return " ".join(self.words)


def parse_query(query: str, *, prefix: bool = False) -> Query:
    """The words of a search; a trailing `*` (or `prefix`) makes the last one a prefix.

    The query is made canonical as transcripts are (NFC): an accent typed as a combining
    mark (`cafe` and U+0301, as macOS and PDFs give it) finds the composed letter stored.
    """
    stripped = normalise(query).strip()
    if len(stripped) > MAX_QUERY_CHARACTERS:
        raise ResearchError(
            f"search for at most {MAX_QUERY_CHARACTERS} characters (this one has {len(stripped)})"
        )
    words = [yo_as_ye(_MARKS.sub("", match.group())) for match in _WORD.finditer(stripped)]
    if not words and stripped.rstrip("*"):
        raise ResearchError(
            f"“{shown(stripped)}” holds no word to search for: the index holds words of "
            "letters and digits, not punctuation, symbols or emoji"
        )
    if not words:
        raise ResearchError("type a word or phrase to search the transcripts for")
    return Query(words=words, prefix=prefix or stripped.endswith("*"))


def locate(body: str, query: Query, *, base_offset: int = 0) -> list[tuple[int, int]]:
    """(start_offset, end_offset) of each hit of `query` in `body`, offsets plus `base_offset`.

    Words are compared case folded; a hit runs from its first word's first character to
    its last word's last character.
    """
    folded = search_fold(body)
    # Most passages fold to the same length (no "ß", no "և") and hold no Armenian in-word
    # mark: then the folded text has the same offsets and one regular expression finds the
    # words, as the token-by-token way below would.
    if len(folded) == len(body) and not any(mark in body for mark in ARMENIAN_WORD_MARKS):
        pattern = _phrase_pattern(tuple(search_fold(word) for word in query.words), query.prefix)
        return [
            (base_offset + match.start(), base_offset + match.end())
            for match in pattern.finditer(folded)
        ]
    return _locate_by_tokens(body, query, base_offset=base_offset)


@functools.lru_cache(maxsize=64)
def _phrase_pattern(words: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    """The folded words in order, whole words, anything but letters and digits between."""
    first, *others = (re.escape(word) for word in words)
    # The first word leads, so that the engine can look for it as a plain string; the look
    # behind it then checks that it begins a word.
    pattern = first + rf"(?<![^\W_]{first})"
    pattern += "".join(r"[\W_]+" + word for word in others)
    return re.compile(pattern + ("" if prefix else r"(?![^\W_])"))


def _locate_by_tokens(body: str, query: Query, *, base_offset: int) -> list[tuple[int, int]]:
    wanted = [search_fold(word) for word in query.words]
    tokens = [
        (match.start(), match.end(), search_fold(_MARKS.sub("", match.group())))
        for match in _WORD.finditer(body)
    ]
    size = len(wanted)
    hits = []
    for index in range(len(tokens) - size + 1):
        if tokens[index][2] != wanted[0] and not (size == 1 and query.prefix):
            continue
        if all(
            _same(tokens[index + k][2], wanted[k], last=query.prefix and k == size - 1)
            for k in range(size)
        ):
            last_start, last_end, _ = tokens[index + size - 1]
            if query.prefix:
                last_end = last_start + _prefix_length(body[last_start:last_end], wanted[-1])
            hits.append((base_offset + tokens[index][0], base_offset + last_end))
    return hits


def _same(token: str, word: str, *, last: bool) -> bool:
    return token.startswith(word) if last else token == word


def _prefix_length(token: str, prefix: str) -> int:
    """How much of `token` as written the folded `prefix` covers (a prefix hit ends there)."""
    for length in range(1, len(token) + 1):
        if search_fold(_MARKS.sub("", token[:length])) == prefix:
            return length
    return len(token)


class Snippet(Record):
    """A short passage around the first hit: `before`, the hit itself as written, `after`."""

    start_offset: int
    end_offset: int
    before: str
    match: str
    after: str
    hits: int


def yo_as_ye(text: str) -> str:
    """`text` with ё read as е and Ё as Е, letter for letter, as the index and the query
    read it (`str.replace`, fast on long passages, and only where one occurs)."""
    for yo, ye in zip(YO, YE, strict=True):
        if yo in text:
            text = text.replace(yo, ye)
    return text


def search_fold(text: str) -> str:
    """A text case folded, ё read as е: the form words are compared in (the same length
    wherever `casefold` keeps it)."""
    return yo_as_ye(text.casefold())


def fold(text: str) -> str:
    """The form both sides of a comparison take: NFC, then case folded (ё read as е)."""
    return search_fold(unicodedata.normalize("NFC", text))


def folded_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its code points the offset it came from in `text`."""
    parts: list[str] = []
    origins: list[int] = []
    for offset, character in enumerate(text):
        folded = search_fold(character)
        parts.append(folded)
        origins.extend([offset] * len(folded))
    return "".join(parts), origins


def find_first(text: str, query: str) -> tuple[int, int, int] | None:
    """(start_offset, end_offset, hits) of `query` in `text`, case folded; None if absent."""
    needle = fold(query.strip())
    if not needle:
        return None
    if needle not in search_fold(text):
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
