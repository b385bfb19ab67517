"""Finding a quote as a person types it: typographic marks and runs of whitespace match loosely.

A quote typed on a keyboard rarely has the transcript's typography: ``we're`` against
``we’re``, ``"`` against ``«`` or ``“``, ``-`` against ``–``, one space against a line break
or a non-breaking space. The *loose form* of a text maps every apostrophe-like mark to
``'``, every quotation mark to ``"``, every dash to ``-`` and every run of whitespace to one
space (letters, digits and case are left alone), and drops whitespace at the ends. A
quote matches wherever its loose form appears in the loose form of the transcript; the
match is reported as code-point offsets into the transcript itself.

When a quote appears nowhere, ``nearest_passage`` finds the passage of the transcript with
the smallest edit distance to it (ignoring case), with Myers' bit-parallel algorithm: one
pass of a few integer operations per character, so a 50,000-word transcript takes a
fraction of a second.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

APOSTROPHES = "'\u2018\u2019\u201a\u201b\u02bc\u2032\uff07"  # ' ‘ ’ ‚ ‛ ʼ ′ ＇
QUOTATION_MARKS = '"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02'  # " “ ” „ ‟ « » ″ ＂
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"  # - ‐ ‑ ‒ – — ― − ﹘ ﹣ －

# Every character str.isspace() accepts (a test checks the list), so that one translation
# turns each into a space.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

_FOLD = str.maketrans(
    {character: "'" for character in APOSTROPHES}
    | {character: '"' for character in QUOTATION_MARKS}
    | {character: "-" for character in DASHES}
    | {character: " " for character in WHITESPACE}
)
_SPACE_RUN = re.compile(" {2,}")


class LooseText:
    """The loose form of a text, with the way back from its offsets to the text's own."""

    def __init__(self, text: str) -> None:
        translated = text.translate(_FOLD)
        pieces: list[str] = []
        # For each run of spaces folded into one: where that space sits in the loose
        # text, and how many characters were dropped up to and including that run.
        self._runs: list[int] = []
        self._dropped: list[int] = []
        dropped = 0
        previous = 0
        for run in _SPACE_RUN.finditer(translated):
            pieces.append(translated[previous : run.start() + 1])
            self._runs.append(run.start() - dropped)
            dropped += run.end() - run.start() - 1
            self._dropped.append(dropped)
            previous = run.end()
        pieces.append(translated[previous:])
        self.original = text
        self.text = "".join(pieces)

    def to_original(self, offset: int) -> int:
        """The offset in the original text of loose offset ``offset`` (a folded run: its start)."""
        runs_before = bisect.bisect_left(self._runs, offset)
        return offset + (self._dropped[runs_before - 1] if runs_before else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the loose span ``[start, end)``."""
        return self.to_original(start), self.to_original(end)


def loose(text: str) -> str:
    """The loose form of ``text``: typographic marks folded, whitespace runs one space, trimmed."""
    return LooseText(text).text.strip(" ")


def loose_matches(text: str, quote: str) -> list[tuple[int, int]]:
    """Every span of ``text`` whose loose form is the quote's, overlapping ones included."""
    wanted = loose(quote)
    if not wanted:
        return []
    folded = LooseText(text)
    spans = []
    index = folded.text.find(wanted)
    while index != -1:
        spans.append(folded.span(index, index + len(wanted)))
        index = folded.text.find(wanted, index + 1)
    return spans


@dataclass(frozen=True)
class Passage:
    """A passage of a text near a quote: its span and its edit distance from the quote."""

    start: int
    end: int
    distance: int


def nearest_passage(text: str, quote: str, *, max_share: float = 0.4) -> Passage | None:
    """The passage of ``text`` closest to ``quote`` (loose forms, case ignored), if close enough.

    Close enough means an edit distance of at most ``max_share`` of the quote's loose
    length (and at least 1). Of equally close passages the first is chosen.
    """
    wanted = loose(quote)
    if not wanted:
        return None
    folded = LooseText(text)
    haystack = _caseless(folded.text)
    needle = _caseless(wanted)
    limit = max(1, int(len(needle) * max_share))
    distance, end = _best_end(haystack, needle)
    if end < 0 or distance > limit:
        return None
    # The best passage ends at `end`; search backwards from there for where it starts.
    window_start = max(0, end - len(needle) - distance)
    window = haystack[window_start:end][::-1]
    _, reversed_end = _best_end(window, needle[::-1], anchored=True)
    start = end - reversed_end
    # A passage does not begin or end with the space a whitespace run was folded into.
    while start < end and folded.text[start] == " ":
        start += 1
    while end > start and folded.text[end - 1] == " ":
        end -= 1
    if start >= end:
        return None
    original_start, original_end = folded.span(start, end)
    return Passage(start=original_start, end=original_end, distance=distance)


def _caseless(text: str) -> str:
    """Lower case when that keeps every offset (it does except for a few letters such as İ)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def _best_end(text: str, pattern: str, *, anchored: bool = False) -> tuple[int, int]:
    """The smallest edit distance of ``pattern`` to a substring of ``text``, and where it ends.

    Myers (1999) as Hyyrö (2001) explains it: column j of the edit-distance table is kept as
    bit vectors of vertical +1 and -1 steps, one bit per pattern character, updated by a
    handful of integer operations per text character. Returns (distance, end exclusive);
    (len(pattern), -1) when no substring does better than deleting the whole pattern.
    ``anchored`` compares the pattern with the prefixes of ``text`` only.
    """
    length = len(pattern)
    mask = (1 << length) - 1
    last = 1 << (length - 1)
    masks: dict[str, int] = {}
    for index, character in enumerate(pattern):
        masks[character] = masks.get(character, 0) | (1 << index)
    carry = 1 if anchored else 0
    positive, negative, score = mask, 0, length
    best, best_end = length, -1
    lookup = masks.get
    for index, character in enumerate(text):
        equal = lookup(character, 0)
        vertical = equal | negative
        horizontal = (((equal & positive) + positive) ^ positive) | equal
        horizontal_positive = negative | (~(horizontal | positive) & mask)
        horizontal_negative = positive & horizontal
        if horizontal_positive & last:
            score += 1
        elif horizontal_negative & last:
            score -= 1
        # Searching, a match may start anywhere: row 0 is all zeros and no +1 enters
        # from it. Anchored, row 0 counts the text characters skipped: +1 a column.
        horizontal_positive = ((horizontal_positive << 1) | carry) & mask
        horizontal_negative = (horizontal_negative << 1) & mask
        positive = horizontal_negative | (~(vertical | horizontal_positive) & mask)
        negative = horizontal_positive & vertical
        if score < best:
            best, best_end = score, index + 1
    return best, best_end
