"""Bulk storage of codings: checked in passes over whole columns, inserted batch by batch."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from interviews.errors import QuoteMismatchError, SegmentError
from research.errors import ConflictError, NotFoundError, ResearchError
from research.services import bulk, bulk_codings, codings
from research.services.codings import NewCoding
from research.study import Study, create_study
from tests.research.helpers import INTERVIEW, MIXED_TEXT, add_interview_with_text, counts

OTHER_TEXT = "Second interview: we left in 1994, and my brother stayed in Stepanakert.\n"


@pytest.fixture
def two_interviews(study: Study) -> Study:
    add_interview_with_text(study, MIXED_TEXT, interview_id="I01")
    add_interview_with_text(study, OTHER_TEXT, interview_id="I02")
    return study


def _spans(interview_id: str, text: str, coder: str) -> list[NewCoding]:
    """One coding per word-sized span of the text, for `coder`."""
    return [
        NewCoding(interview_id, "unemployment", start, start + 4, coder)
        for start in range(0, len(text) - 4, 5)
        if not text[start : start + 4].isspace()
    ]


def test_an_empty_batch_stores_nothing(study: Study) -> None:
    assert study.codings.add_codings([]) == 0
    assert counts(study)[2] == 0


def test_batches_larger_than_one_insert_keep_every_quote_exact(
    two_interviews: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several batches, cut interview by interview, interleaved in the input.
    monkeypatch.setattr(bulk_codings, "BULK_BATCH", 3)
    batch = [
        coding
        for pair in zip(
            _spans("I01", MIXED_TEXT, "lusine"), _spans("I02", OTHER_TEXT, "lusine"), strict=False
        )
        for coding in pair
    ]
    assert two_interviews.codings.add_codings(batch) == len(batch)
    stored = two_interviews.codings.list_codings(include_incomplete=True)
    texts = {"I01": MIXED_TEXT, "I02": OTHER_TEXT}
    assert len(stored) == len(batch)
    assert all(c.quote == texts[c.interview_id][c.start_offset : c.end_offset] for c in stored)
    assert {(c.interview_id, c.start_offset) for c in stored} == {
        (c.interview_id, c.start_offset) for c in batch
    }


def _interleaved_layers() -> list[NewCoding]:
    """Codings of a coder's own layer and of the consensus, interleaved."""
    own = _spans("I01", MIXED_TEXT, "lusine")
    agreed = [
        NewCoding(c.interview_id, c.code, c.start_offset, c.end_offset, "team", layer="consensus")
        for c in _spans("I01", MIXED_TEXT, "team")[::2]
    ]
    batch = [coding for pair in zip(own, agreed, strict=False) for coding in pair]
    return batch + own[len(agreed) :]


def test_batches_of_both_layers_keep_each_codings_layer_and_the_time_it_was_coded(
    two_interviews: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The time coded is written into the statement: codings of both layers, interleaved and
    # in several batches, each keep their layer, and all the time given (in UTC).
    monkeypatch.setattr(bulk_codings, "BULK_BATCH", 3)
    coded_at = datetime(2026, 3, 1, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=4)))
    batch = _interleaved_layers()
    assert two_interviews.codings.add_codings(batch, coded_at=coded_at) == len(batch)
    stored = two_interviews.codings.list_codings(include_incomplete=True)
    assert sorted((c.start_offset, c.coder, c.layer) for c in stored) == sorted(
        (c.start_offset, c.coder, c.layer) for c in batch
    )
    assert {c.created_at for c in stored} == {coded_at.astimezone(UTC)}
    assert all(c.quote == MIXED_TEXT[c.start_offset : c.end_offset] for c in stored)


def test_one_batch_of_both_layers_is_stored_in_the_order_given(two_interviews: Study) -> None:
    # Exports list codings in the order they were made: one batch keeps the given order,
    # whatever the layers; and the first refused coding in that order is the one named.
    batch = _interleaved_layers()
    two_interviews.codings.add_codings(batch)
    stored = sorted(
        two_interviews.codings.list_codings(include_incomplete=True), key=lambda c: c.coding_id
    )
    assert [(c.start_offset, c.layer) for c in stored] == [(c.start_offset, c.layer) for c in batch]
    bad = [
        NewCoding("I02", "unemployment", 0, 6, "team", quote="not it", layer="consensus"),
        NewCoding("I02", "unemployment", 7, 11, "lusine", quote="not it either"),
    ]
    with pytest.raises(QuoteMismatchError, match=r"^interview I02: segment 0\.\.6 reads "):
        two_interviews.codings.add_codings(bad)


def test_a_bad_coding_in_a_later_batch_stores_none_of_the_earlier(
    two_interviews: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_codings, "BULK_BATCH", 2)
    batch = [
        *_spans("I01", MIXED_TEXT, "pavel"),
        NewCoding("I02", "unemployment", 0, 6, "pavel", quote="not what it says"),
    ]
    with pytest.raises(QuoteMismatchError, match="interview I02"):
        two_interviews.codings.add_codings(batch)
    assert counts(two_interviews)[2] == 0


def test_a_bad_coding_in_the_first_batch_is_named_and_no_worker_outlives_it(
    two_interviews: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Key order puts I00's codings first; the whitespace span at its very start is in the
    # first batch, refused before the batches after it are stored; no worker outlives it.
    monkeypatch.setattr(bulk_codings, "BULK_BATCH", 2)
    text = "  " + OTHER_TEXT
    add_interview_with_text(two_interviews, text, interview_id="I00")
    batch = [*_spans("I01", MIXED_TEXT, "anna"), NewCoding("I00", "unemployment", 0, 2, "anna")]
    before = threading.active_count()
    with pytest.raises(SegmentError, match="interview I00"):
        two_interviews.codings.add_codings(batch)
    assert threading.active_count() == before
    assert counts(two_interviews)[2] == 0


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 3, "negative"),
        (5, 2, "reversed"),
        (4, 4, "empty"),
        (0, 10_000, "beyond the end"),
    ],
)
def test_bad_offsets_anywhere_in_a_batch_are_named(
    two_interviews: Study, start: int, end: int, message: str
) -> None:
    batch = [*_spans("I01", MIXED_TEXT, "anna"), NewCoding("I02", "poverty_ruin", start, end, "a")]
    with pytest.raises(SegmentError, match=f"interview I02: .*{message}"):
        two_interviews.codings.add_codings(batch)
    assert counts(two_interviews)[2] == 0


def test_a_whitespace_segment_is_refused_in_bulk(two_interviews: Study) -> None:
    newline = MIXED_TEXT.index("\n")
    with pytest.raises(SegmentError, match="only whitespace"):
        two_interviews.codings.add_codings(
            [NewCoding("I01", "unemployment", newline, newline + 1, "a")]
        )


def test_one_code_named_two_ways_is_a_duplicate(two_interviews: Study) -> None:
    code = two_interviews.codebook().resolve("unemployment")
    path = two_interviews.codebook().path_of(code.code_id)
    batch = [
        NewCoding("I01", "unemployment", 0, 5, "a"),
        NewCoding("I02", "unemployment", 0, 5, "a"),
        NewCoding("I01", path, 0, 5, "a"),
    ]
    with pytest.raises(ConflictError, match="a already coded 0-5"):
        two_interviews.codings.add_codings(batch)
    assert counts(two_interviews)[2] == 0


def test_a_coding_already_stored_refuses_the_batch(two_interviews: Study) -> None:
    two_interviews.codings.add_codings([NewCoding("I01", "unemployment", 0, 5, "a")])
    with pytest.raises(ConflictError, match="already stored; nothing was added"):
        two_interviews.codings.add_codings(
            [
                NewCoding("I02", "unemployment", 0, 5, "a"),
                NewCoding("I01", "unemployment", 0, 5, "a"),
            ]
        )
    assert counts(two_interviews)[2] == 1


def test_an_interview_not_stored_is_named(two_interviews: Study) -> None:
    with pytest.raises(NotFoundError, match="no interview 'I99'"):
        two_interviews.codings.add_codings([NewCoding("I99", "unemployment", 0, 5, "a")])


def test_memo_and_coder_are_checked_once_each_and_kept(two_interviews: Study) -> None:
    batch = [
        NewCoding("I01", "unemployment", 0, 5, "olga", memo="first\r\nthought"),
        NewCoding("I02", "unemployment", 0, 5, "olga", memo="first\r\nthought"),
    ]
    two_interviews.codings.add_codings(batch)
    stored = two_interviews.codings.list_codings(include_incomplete=True)
    assert [c.memo for c in stored] == ["first\nthought", "first\nthought"]
    with pytest.raises(ResearchError, match="control character"):
        two_interviews.codings.add_codings(
            [NewCoding("I01", "unemployment", 6, 9, "olga", memo="bad\x00")]
        )


def test_an_interview_without_a_transcript_is_named(two_interviews: Study) -> None:
    two_interviews.interviews.add_interview(
        respondent_id="R01", interview_id="I03", values=INTERVIEW
    )
    with pytest.raises(ResearchError, match="'I03' has no transcript to code yet"):
        two_interviews.codings.add_codings(
            [
                NewCoding("I01", "unemployment", 0, 5, "a"),
                NewCoding("I03", "unemployment", 0, 5, "a"),
            ]
        )
    assert counts(two_interviews)[2] == 0


def test_a_bulk_store_runs_with_a_larger_page_cache_and_gives_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's own cache (2 MiB by default) is what the bulk path enlarges: a study file.
    seen: list[int] = []
    real = bulk_codings._insert_statement

    def spying(connection: Connection, **constants: Any) -> str:
        seen.append(connection.exec_driver_sql("PRAGMA cache_size").scalar())
        return real(connection, **constants)

    monkeypatch.setattr(bulk_codings, "_insert_statement", spying)
    with create_study(tmp_path / "file-study", template="karabakh") as study:
        add_interview_with_text(study, OTHER_TEXT, interview_id="I02")
        with study.transaction() as session:
            before = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
            stored = codings.add_codings(session, _spans("I02", OTHER_TEXT, "lusine"))
            after = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
    assert stored > 0
    assert seen == [-bulk.BULK_PAGE_CACHE_KIB]
    assert after == before != seen[0]
