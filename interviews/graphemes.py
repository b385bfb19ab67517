"""Extended grapheme clusters (Unicode UAX #29): where a span may begin and end.

What a reader sees as one character may be several code points: a letter and its
combining marks, a flag (a pair of regional indicators), emoji joined by zero-width
joiners or given a skin tone, a Hangul syllable spelled in jamo, an Indic conjunct. A span
that begins or ends inside one cuts that character in two. Checking an offset is cheap in
ordinary text: a boundary can fall inside a cluster only where a rule of UAX #29 may join
the two characters around it (a mark, a joiner or variation selector after, a prepended
character before, two regional indicators, Hangul jamo, an Indic linker and consonant),
so only there is the cluster found, with ``regex``'s ``\\X``.
"""

from __future__ import annotations

import regex

_CLUSTER = regex.compile(r"\X")

# What each character can do in the rules of UAX #29 that keep two characters together.
_GLUE_BEFORE = 1  # Extend, ZWJ, SpacingMark: never a break before it (GB9, GB9a)
_GLUE_AFTER = 2  # Prepend, ZWJ: no break after it (GB9b; GB11 for ZWJ before an emoji)
_REGIONAL = 4  # a regional indicator: pairs make a flag (GB12, GB13)
_L, _V, _T, _LV, _LVT = 8, 16, 32, 64, 128  # Hangul jamo and syllables (GB6 to GB8)
_CONSONANT = 256  # Indic conjunct consonant, joined after a linker (GB9c)
_LINKING = 512  # Indic conjunct linker or extender
_PROPERTIES = (
    (_GLUE_BEFORE, r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}]"),
    (_GLUE_AFTER, r"[\p{GCB=Prepend}\p{GCB=ZWJ}]"),
    (_REGIONAL, r"\p{GCB=Regional_Indicator}"),
    (_L, r"\p{GCB=L}"),
    (_V, r"\p{GCB=V}"),
    (_T, r"\p{GCB=T}"),
    (_LV, r"\p{GCB=LV}"),
    (_LVT, r"\p{GCB=LVT}"),
    (_CONSONANT, r"\p{InCB=Consonant}"),
    (_LINKING, r"[\p{InCB=Linker}\p{InCB=Extend}]"),
)
_PATTERNS = tuple((flag, regex.compile(pattern)) for flag, pattern in _PROPERTIES)
# No character below U+0300 (Latin and its punctuation) takes part in any of these rules
# (CR does, with LF, but canonical text has no CR).
_FIRST_JOINING = "\u0300"
# How far a cluster is followed either way: real ones are a few code points; a run of
# thousands of combining marks is judged on this window instead of read to its end.
_WINDOW = 1_000

_flags: dict[str, int] = {}


def _flag(character: str) -> int:
    """The rules a character takes part in (0 for most), looked up once per character."""
    flags = _flags.get(character)
    if flags is None:
        flags = 0
        if character >= _FIRST_JOINING:
            for flag, pattern in _PATTERNS:
                if pattern.match(character):
                    flags |= flag
        _flags[character] = flags
    return flags


def _may_join(before: int, after: int) -> bool:
    """Whether some rule may keep characters of these flags together (context aside)."""
    return bool(
        after & _GLUE_BEFORE
        or before & _GLUE_AFTER
        or before & after & _REGIONAL
        or (before & _L and after & (_L | _V | _LV | _LVT))
        or (before & (_LV | _V) and after & (_V | _T))
        or (before & (_LVT | _T) and after & _T)
        or (before & _LINKING and after & _CONSONANT)
    )


def _certain_boundary(text: str, offset: int) -> bool:
    """Whether no rule can join the characters either side of ``offset``."""
    before, after = _flag(text[offset - 1]), _flag(text[offset])
    return not (before or after) or not _may_join(before, after)


def cluster_around(text: str, offset: int) -> tuple[int, int] | None:
    """The cluster that ``offset`` falls inside, as ``(start, end)``; None at a boundary."""
    if offset <= 0 or offset >= len(text) or _certain_boundary(text, offset):
        return None
    start = offset - 1
    floor = max(0, offset - _WINDOW)
    while start > floor and not _certain_boundary(text, start):
        start -= 1
    end = offset + 1
    ceiling = min(len(text), offset + _WINDOW)
    while end < ceiling and not _certain_boundary(text, end):
        end += 1
    for match in _CLUSTER.finditer(text, start, end):
        if match.start() < offset < match.end():
            return match.start(), match.end()
        if match.start() >= offset:
            break
    return None


def is_boundary(text: str, offset: int) -> bool:
    """Whether ``offset`` falls between two clusters (or at an end of the text)."""
    return cluster_around(text, offset) is None


def whole_clusters(text: str, start: int, end: int) -> bool:
    """Whether the span ``[start, end)`` neither begins nor ends inside a cluster.

    Called once a coding when a million are stored: in the common cases (Latin letters
    either side, or two letters of a script that no rule joins) it is a comparison or two
    and two look-ups; the cluster is found only where a rule may join the two characters.
    """
    length = len(text)
    first = _FIRST_JOINING
    return not (
        (0 < start < length and (text[start - 1] >= first or text[start] >= first))
        and _splits(text, start)
    ) and not (
        (0 < end < length and (text[end - 1] >= first or text[end] >= first)) and _splits(text, end)
    )


def _splits(text: str, offset: int) -> bool:
    # Two characters that no rule can join are a boundary whatever the text around them:
    # their flags, looked up once per distinct character, settle most offsets.
    before = _flags.get(text[offset - 1])
    after = _flags.get(text[offset])
    if before is None or after is None:
        before, after = _flag(text[offset - 1]), _flag(text[offset])
    if not (before or after) or not _may_join(before, after):
        return False
    return cluster_around(text, offset) is not None


def widened(text: str, start: int, end: int) -> tuple[int, int]:
    """The span grown to the boundaries of the clusters its ends fall inside."""
    first = cluster_around(text, start)
    last = cluster_around(text, end)
    return (first[0] if first else start), (last[1] if last else end)
