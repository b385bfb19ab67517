"""Codings a page at a time: first, middle and last pages, cursors stable under inserts, edges."""

from __future__ import annotations

from pathlib import Path

import pytest

from research.errors import ResearchError
from research.services import codings
from research.services.codings import NewCoding
from research.services.records import CodingPage, CodingRecord
from research.services.retrieval import page_segments, segments_in_context
from research.study import Study
from tests.research.helpers import add_interview_with_text

TEXT = (
    "Մենք ապրում էինք Մարտունիում. Он сказал: «Работы нет». "
    "There was no work at all, so he went to Moscow in 1996 and sent money twice a year.\n"
)
CODES = ("unemployment", "poverty_ruin", "renewed_war")


def _coded(study: Study) -> list[CodingRecord]:
    """Three interviews, 30 codings over three codes (two under economy) and two coders,
    some on the same span so that ties fall to the coding id; returns them in listing order."""
    for interview_id in ("I01", "I02", "I03"):
        add_interview_with_text(study, TEXT, interview_id=interview_id)
    new = [
        NewCoding(interview_id, CODES[n % 3], start, start + 7, coder)
        for n, (interview_id, start) in enumerate(
            (interview_id, start)
            for interview_id in ("I03", "I01", "I02")
            for start in (40, 5, 60, 5, 20)
        )
        for coder in ("ani", "boris")
    ]
    study.codings.add_codings(new)
    return study.codings.list_codings(include_incomplete=True)


def _ids(found: list[CodingRecord]) -> list[int]:
    return [coding.coding_id for coding in found]


def _page(study: Study, **options: object) -> CodingPage:
    with study.transaction() as session:
        return codings.page_codings(session, **options)  # type: ignore[arg-type]


def _all_pages(study: Study, **options: object) -> list[CodingPage]:
    pages = [_page(study, **options)]
    while pages[-1].next_cursor is not None:
        pages.append(_page(study, cursor=pages[-1].next_cursor, **options))
    return pages


def test_listing_order_is_interview_then_span_then_coding_id(study: Study) -> None:
    listed = _coded(study)
    keys = [(c.interview_id, c.start_offset, c.end_offset, c.coding_id) for c in listed]
    assert keys == sorted(keys)
    assert len(listed) == 30


def test_first_middle_and_last_page_by_cursor(study: Study) -> None:
    listed = _coded(study)
    pages = _all_pages(study, limit=7)
    assert [len(page.codings) for page in pages] == [7, 7, 7, 7, 2]
    assert _ids(pages[0].codings) == _ids(listed[:7])
    assert _ids(pages[2].codings) == _ids(listed[14:21])
    assert _ids(pages[-1].codings) == _ids(listed[28:])
    assert pages[-1].next_cursor is None
    assert all(page.total == 30 for page in pages)
    # Paged by cursor, the position is not known; by offset it is.
    assert pages[1].offset is None and pages[1].remaining is None


def test_pages_by_offset_say_how_many_remain(study: Study) -> None:
    listed = _coded(study)
    first, middle, last = (_page(study, limit=10, offset=n) for n in (0, 10, 20))
    assert _ids(first.codings + middle.codings + last.codings) == _ids(listed)
    assert (first.remaining, middle.remaining, last.remaining) == (20, 10, 0)
    assert last.next_cursor is None
    beyond = _page(study, limit=10, offset=30)
    assert beyond.codings == [] and beyond.remaining == 0


def test_a_page_exactly_as_long_as_the_listing_has_no_next(study: Study) -> None:
    _coded(study)
    page = _page(study, limit=30)
    assert len(page.codings) == 30 and page.next_cursor is None


def test_a_code_pages_with_its_children_merged_in_order(study: Study) -> None:
    _coded(study)
    expected = study.codings.list_codings(code="economy")
    assert {coding.code_id for coding in expected} == {"unemployment", "poverty_ruin"}
    pages = _all_pages(study, code="economy", limit=6)
    assert _ids([c for page in pages for c in page.codings]) == _ids(expected)
    assert pages[0].total == len(expected) == 20
    alone = _page(study, code="economy", include_children=False)
    assert alone.codings == [] and alone.total == 0


def test_a_large_subtree_is_read_with_one_query_and_pages_the_same(
    study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    _coded(study)
    merged = _ids([c for page in _all_pages(study, code="motives", limit=4) for c in page.codings])
    monkeypatch.setattr(codings, "MAX_MERGED_CODES", 1)
    sorted_once = _all_pages(study, code="motives", limit=4)
    assert _ids([c for page in sorted_once for c in page.codings]) == merged
    assert merged == _ids(study.codings.list_codings(code="motives"))


def test_filters_combine_with_paging(study: Study) -> None:
    listed = _coded(study)
    expected = [c for c in listed if c.code_id == "unemployment" and c.coder == "boris"]
    pages = _all_pages(study, code="unemployment", coder="boris", limit=2)
    assert _ids([c for page in pages for c in page.codings]) == _ids(expected)
    only = _page(study, interview_id="I02", limit=3)
    assert {c.interview_id for c in only.codings} == {"I02"} and only.total == 10


def test_an_empty_study_gives_an_empty_last_page(study: Study) -> None:
    page = _page(study)
    assert page.codings == [] and page.next_cursor is None and page.total == 0


def test_a_filter_matching_nothing_gives_an_empty_page(study: Study) -> None:
    _coded(study)
    for options in ({"coder": "nobody"}, {"code": "war_destruction"}, {"where": ["place=moscow"]}):
        page = _page(study, **options)
        assert page.codings == [] and page.total == 0 and page.next_cursor is None


def test_stable_under_inserts_no_row_repeats_or_is_skipped(study: Study) -> None:
    listed = _coded(study)
    first = _page(study, limit=8)
    assert first.next_cursor is not None
    # Coded while the reader looks at page 1: one before its end, one after it.
    study.codings.add_coding(
        interview_id="I01", code="renewed_war", start_offset=0, end_offset=4, coder="carla"
    )
    later = study.codings.add_coding(
        interview_id="I01", code="renewed_war", start_offset=50, end_offset=54, coder="carla"
    )
    assert (first.codings[-1].interview_id, first.codings[-1].start_offset) == ("I01", 40)
    second = _page(study, limit=8, cursor=first.next_cursor)
    assert not set(_ids(first.codings)) & set(_ids(second.codings))
    # Page 2 starts exactly where page 1 ended; the later coding takes its place in order.
    expected = sorted(
        [*listed[8:], later], key=lambda c: (c.interview_id, c.start_offset, c.coding_id)
    )
    assert expected[0] == later
    assert _ids(second.codings) == _ids(expected[:8])
    assert second.total == 32


def test_stable_when_a_coding_of_a_past_page_is_removed(study: Study) -> None:
    listed = _coded(study)
    first = _page(study, limit=5)
    study.codings.remove_coding(first.codings[0].coding_id)
    second = _page(study, limit=5, cursor=first.next_cursor)
    assert _ids(second.codings) == _ids(listed[5:10])


def _with_incomplete(study: Study, tmp_path: Path) -> None:
    """`A_bare` (imported, not described: incomplete) sorts before every complete interview."""
    add_interview_with_text(study, TEXT, interview_id="I01")
    (tmp_path / "A_bare.txt").write_text(TEXT, encoding="utf-8")
    study.interviews.import_transcripts([tmp_path / "A_bare.txt"])
    study.codings.add_codings(
        [NewCoding("A_bare", "unemployment", start, start + 5, "ani") for start in range(0, 40)]
        + [NewCoding("I01", "unemployment", start, start + 5, "ani") for start in range(0, 6)]
    )


def test_codings_of_incomplete_interviews_are_held_back_from_pages(
    study: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_incomplete(study, tmp_path)
    # Small batches: the page is filled past many held-back rows, batch after batch.
    monkeypatch.setattr(codings, "BATCH_SIZE", 3)
    page = _page(study, code="unemployment", limit=4)
    assert {c.interview_id for c in page.codings} == {"I01"}
    assert [c.start_offset for c in page.codings] == [0, 1, 2, 3]
    assert page.total == 6
    rest = _page(study, code="unemployment", limit=4, cursor=page.next_cursor)
    assert [c.start_offset for c in rest.codings] == [4, 5] and rest.next_cursor is None
    every = _page(study, code="unemployment", limit=4, include_incomplete=True)
    assert {c.interview_id for c in every.codings} == {"A_bare"} and every.total == 46
    assert study.codings.codings_held_back(code="unemployment") == 40


def test_streamed_listing_reads_in_batches_and_matches(
    study: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_incomplete(study, tmp_path)
    monkeypatch.setattr(codings, "BATCH_SIZE", 4)
    with study.transaction() as session:
        stream = codings.iter_codings(session, code="economy")
        assert iter(stream) is stream
        streamed = list(stream)
    assert [(c.interview_id, c.start_offset) for c in streamed] == [("I01", n) for n in range(6)]
    assert all(c.respondent_id == "R01" and c.code_path.endswith("unemployment") for c in streamed)


def test_bad_paging_requests_are_refused_with_one_clear_message(study: Study) -> None:
    _coded(study)
    with pytest.raises(ResearchError, match="not one a listing gave"):
        _page(study, cursor="not-a-cursor")
    with pytest.raises(ResearchError, match="not one a listing gave"):
        _page(study, cursor="WyJJMDEiLCAiYSIsIDEsIDJd")  # ["I01", "a", 1, 2]
    with pytest.raises(ResearchError, match="at least one"):
        _page(study, limit=0)
    with pytest.raises(ResearchError, match="not both"):
        _page(study, cursor=_page(study, limit=2).next_cursor, offset=2)
    with pytest.raises(ResearchError, match="from 0"):
        _page(study, offset=-1)


def test_a_cursor_round_trips_its_key(study: Study) -> None:
    listed = _coded(study)
    cursor = codings.encode_cursor(listed[3])
    assert codings.decode_cursor(cursor) == ("I01", 5, 12, listed[3].coding_id)


def test_segments_page_like_codings_with_counts_of_every_page(study: Study) -> None:
    _coded(study)
    with study.transaction() as session:
        every = segments_in_context(session, code="economy", context_characters=10)
        first = page_segments(session, code="economy", limit=15, context_characters=10)
        second = page_segments(
            session, code="economy", limit=15, context_characters=10, cursor=first.next_cursor
        )
    assert first.segments + second.segments == every
    assert second.next_cursor is None
    assert (first.counts.segments, first.counts.interviews, first.counts.respondents) == (20, 3, 1)


def test_a_study_streams_codings_in_a_transaction_that_lasts_the_stream(study: Study) -> None:
    listed = _coded(study)
    stream = study.codings.iter_codings(code="economy")
    assert next(stream).coding_id == study.codings.list_codings(code="economy")[0].coding_id
    assert len(list(stream)) == 19
    page = study.codings.page_codings(limit=3)
    assert _ids(page.codings) == _ids(listed[:3]) and page.remaining == 27


def test_a_counted_page_says_how_many_interviews_and_respondents(study: Study) -> None:
    _coded(study)
    add_interview_with_text(study, TEXT, respondent_id="R02", interview_id="J01")
    study.codings.add_coding(
        interview_id="J01", code="poverty_ruin", start_offset=0, end_offset=4, coder="ani"
    )
    page = _page(study, code="economy", limit=1)
    assert (page.total, page.interviews, page.respondents) == (21, 4, 2)
    fast = _page(study, code="economy", limit=1, count=False)
    assert (fast.total, fast.interviews, fast.respondents) == (None, None, None)
