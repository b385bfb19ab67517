"""Spans begin and end between user-perceived characters (extended grapheme clusters)."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from interviews.errors import GraphemeSplitError, QuoteNotFoundError
from interviews.graphemes import cluster_around, is_boundary, whole_clusters, widened
from interviews.segments import check_segment, find_quote
from interviews.text import normalise

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl
FLAGS = "\U0001f1e6\U0001f1f2\U0001f1fa\U0001f1e6"  # Armenia, Ukraine: two flags of two
THUMB = "\U0001f44d\U0001f3fd"  # thumbs up, medium skin tone
HEART = "\u2764\ufe0f"  # heart, emoji presentation
COMBINED = "x\u0302"  # x with a circumflex: no precomposed form, so NFC keeps two
HANGUL = "\u1100\u1176\u11c3"  # old jamo that do not compose: one syllable block of three
CONJUNCT = "\u0915\u094d\u0937"  # Devanagari ksha: consonant, virama, consonant

# Characters that join their neighbours, and some that do not, for random texts.
JOINERS = "\u0301\u0302\u200d\ufe0f\U0001f3fd\U0001f1e6\U0001f1fa\u1100\u1161\u11a8\uac00\u0915\u094d\u0937\u093f\u0600\U0001f468\u2764 aЖ"  # noqa: E501


def _boundaries(text: str) -> set[int]:
    return {0} | {match.end() for match in regex.finditer(r"\X", text)}


# Spans point into canonical text, which has no CR (and so no CR LF cluster).
@given(
    (st.text(alphabet=st.sampled_from(JOINERS), max_size=40) | st.text(max_size=40)).map(
        lambda text: text.replace("\r", "")
    )
)
def test_every_offset_is_judged_as_full_segmentation_judges_it(text: str) -> None:
    expected = _boundaries(text)
    for offset in range(len(text) + 1):
        assert is_boundary(text, offset) == (offset in expected), (text, offset)


@pytest.mark.parametrize("cluster", [FAMILY, FLAGS[:2], THUMB, HEART, COMBINED, HANGUL, CONJUNCT])
def test_no_offset_inside_a_cluster_is_a_boundary(cluster: str) -> None:
    text = normalise(f"Он сказал {cluster} и ушёл.")
    assert text.count(cluster) == 1
    start = text.index(cluster)
    assert is_boundary(text, start) and is_boundary(text, start + len(cluster))
    for inside in range(start + 1, start + len(cluster)):
        assert cluster_around(text, inside) == (start, start + len(cluster))


def test_two_flags_side_by_side_break_between_their_pairs() -> None:
    text = f"a{FLAGS}b"
    assert [offset for offset in range(len(text) + 1) if is_boundary(text, offset)] == [
        0,
        1,
        3,
        5,
        6,
    ]


def test_a_span_ending_inside_an_emoji_sequence_is_refused_with_the_nearest_boundaries() -> None:
    text = f"Мы уехали {FAMILY} в 1993."
    start = text.index(FAMILY)
    with pytest.raises(GraphemeSplitError) as refused:
        check_segment(text, 0, start + 2)
    assert str(refused.value) == (
        f"end {start + 2} falls inside the character {FAMILY!r} at {start}..{start + 5}; "
        f"the nearest boundaries are {start} and {start + 5}"
    )
    assert refused.value.nearest == (start, start + 5)


def test_a_span_starting_on_a_combining_mark_is_refused() -> None:
    text = f"Слово {COMBINED}yz."
    mark = text.index("\u0302")
    with pytest.raises(GraphemeSplitError, match=rf"^start {mark} falls inside the character"):
        check_segment(text, mark, len(text))


def test_a_span_splitting_a_flag_is_refused() -> None:
    text = f"Флаг {FLAGS}."
    first = text.index(FLAGS)
    with pytest.raises(GraphemeSplitError, match=f"nearest boundaries are {first} and {first + 2}"):
        check_segment(text, first + 1, len(text))
    assert check_segment(text, first + 2, len(text)) == f"{FLAGS[2:]}."


def test_whole_clusters_pass() -> None:
    text = f"{THUMB} {HANGUL} {CONJUNCT} {HEART}"
    assert check_segment(text, 0, len(text)) == text
    assert whole_clusters(text, 0, 2) and not whole_clusters(text, 0, 1)


def test_a_quote_found_only_inside_a_cluster_is_not_found() -> None:
    woman = "\U0001f469"
    text = f"{FAMILY} — семья"
    with pytest.raises(QuoteNotFoundError):
        find_quote(text, woman)
    span = find_quote(f"{FAMILY} и {woman}", woman)
    assert (span.start, span.end) == (8, 9)


def test_the_nearest_passage_is_widened_to_whole_characters() -> None:
    text = f"В тот год {FAMILY} уехали все."
    assert widened(text, text.index(FAMILY) + 1, len(text)) == (text.index(FAMILY), len(text))
