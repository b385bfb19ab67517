"""Importing many transcripts: cheap checks first, then files read and stored batch by batch."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text

from interviews.errors import TranscriptError
from interviews.importers import read_transcript
from research.errors import ResearchError
from research.services import interview_rows
from research.services import interviews as interviews_service
from research.services.bulk import read_ahead
from research.study import Study
from tests.research.helpers import counts
from tests.research.test_imports import INTERVIEW_VALUES, row, write_sheet


def _files(folder: Path, count: int) -> list[Path]:
    paths = []
    for number in range(count):
        path = folder / f"t{number:02d}.txt"
        path.write_text(f"Интервью {number}: мы уехали в {1990 + number} году.\n", "utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interview_rows, "IMPORT_BATCH", 2)


@pytest.mark.usefixtures("small_batches")
def test_files_in_several_batches_are_all_stored_with_their_sheet(
    study: Study, tmp_path: Path
) -> None:
    paths = _files(tmp_path, 5)
    sheet = write_sheet(tmp_path, [row(path.name, f"R{n}") for n, path in enumerate(paths)])
    report = study.interviews.import_transcripts(paths, metadata=sheet)
    assert report.interviews_created == [path.stem for path in paths]
    assert counts(study) == (5, 5, 0)
    assert study.interviews.get_interview("t04").transcript == paths[4].read_text("utf-8")


@pytest.mark.usefixtures("small_batches")
def test_a_bare_import_in_several_batches_stores_every_file(study: Study, tmp_path: Path) -> None:
    paths = _files(tmp_path, 5)
    report = study.interviews.import_transcripts(paths)
    assert sorted(report.interviews_created) == sorted(report.files.values())
    assert len(report.interviews_created) == 5
    assert counts(study) == (5, 5, 0)


def test_a_missing_file_is_refused_before_any_file_is_read(
    study: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[Path] = []
    real = interviews_service.read_transcript

    def reading(path: Path, **options: str | None) -> object:
        read.append(path)
        return real(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(interviews_service, "read_transcript", reading)
    paths = [*_files(tmp_path, 3), tmp_path / "gone.txt"]
    with pytest.raises(ResearchError, match="gone.txt: no such file"):
        study.interviews.import_transcripts(paths)
    assert read == []
    assert counts(study) == (0, 0, 0)


def test_an_unsupported_format_is_refused_before_any_file_is_read(
    study: Study, tmp_path: Path
) -> None:
    paths = [*_files(tmp_path, 2), tmp_path / "notes.pdf"]
    paths[-1].write_bytes(b"%PDF-1.4")
    with pytest.raises(TranscriptError, match="unsupported format '.pdf'"):
        study.interviews.import_transcripts(paths)
    assert counts(study) == (0, 0, 0)


def _peak_of_import(study: Study, folder: Path, prefix: str) -> int:
    """Peak memory traced while importing 40 transcripts of about 100,000 code points."""
    paths = []
    for number in range(40):
        path = folder / f"{prefix}{number:02d}.txt"
        path.write_text(f"Интервью {number}. " + "Работы нет, мы уехали. " * 4_500, "utf-8")
        paths.append(path)
    tracemalloc.start()
    try:
        study.interviews.import_transcripts(paths)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_import_holds_one_batch_of_transcripts_not_every_file(
    study: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interview_rows, "IMPORT_BATCH", 1_000)
    all_at_once = _peak_of_import(study, tmp_path, "a")
    monkeypatch.setattr(interview_rows, "IMPORT_BATCH", 4)
    in_batches = _peak_of_import(study, tmp_path, "b")
    # 40 texts of about 200 KB each (two bytes a code point) against 4 of them at a time.
    assert all_at_once > 8_000_000
    assert in_batches < all_at_once / 3


def _read_ahead_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("read-ahead")]


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("with_sheet", [True, False], ids=["sheet", "bare"])
def test_an_undecodable_file_in_a_later_batch_raises_its_own_error_leaving_nothing(
    study: Study, tmp_path: Path, with_sheet: bool
) -> None:
    paths = _files(tmp_path, 7)
    paths[5].write_bytes(b"first line\ncaf\xe9 \x81\x81\n")
    sheet = write_sheet(tmp_path, [row(path.name, f"R{n}") for n, path in enumerate(paths)])
    with pytest.raises(TranscriptError) as on_its_own:
        read_transcript(paths[5])
    with pytest.raises(TranscriptError) as raised:
        study.interviews.import_transcripts(paths, metadata=sheet if with_sheet else None)
    # The same error as reading the file alone: the file, its line and its offset.
    assert str(raised.value) == str(on_its_own.value)
    assert "t05.txt" in str(raised.value)
    assert _read_ahead_threads() == []
    assert counts(study) == (0, 0, 0)


class _Held:
    """A prepared result that counts how many of its kind are alive."""

    alive = 0
    most = 0

    def __init__(self, item: int) -> None:
        self.item = item
        with _LOCK:
            _Held.alive += 1
            _Held.most = max(_Held.most, _Held.alive)

    def __del__(self) -> None:
        with _LOCK:
            _Held.alive -= 1


_LOCK = threading.Lock()


def test_read_ahead_prepares_one_item_ahead_and_holds_two_at_most() -> None:
    _Held.alive = _Held.most = 0
    started: list[int] = []

    def prepare(item: int, stop: threading.Event) -> _Held:
        started.append(item)
        return _Held(item)

    seen = []
    for held in read_ahead(list(range(10)), prepare):
        # The item in hand and, at most, the next one have been started.
        assert started[-1] <= held.item + 1
        seen.append(held.item)
        del held
    assert seen == list(range(10))
    assert _Held.most <= 2
    assert _Held.alive == 0


def test_read_ahead_draws_its_items_on_the_callers_thread_one_ahead() -> None:
    # An iterator of items may read them from the caller's database connection.
    drawn: list[tuple[int, int]] = []

    def items() -> Iterator[int]:
        for item in range(6):
            drawn.append((item, threading.get_ident()))
            yield item

    seen = []
    for item in read_ahead(items(), lambda item, stop: item):
        assert len(drawn) <= item + 2
        seen.append(item)
    assert seen == list(range(6))
    assert {thread for _, thread in drawn} == {threading.get_ident()}


def test_read_ahead_stops_and_joins_its_worker_when_the_caller_stops() -> None:
    stops: list[threading.Event] = []

    def prepare(item: int, stop: threading.Event) -> int:
        stops.append(stop)
        return item

    with closing(read_ahead(list(range(10)), prepare)) as prepared:
        for item in prepared:
            if item == 3:
                break
    assert stops[-1].is_set()
    assert len(stops) <= 5
    assert _read_ahead_threads() == []


def test_read_ahead_raises_the_error_of_the_item_reached() -> None:
    def prepare(item: int, stop: threading.Event) -> int:
        if item == 2:
            raise ValueError(f"item {item} is bad")
        return item

    seen = []
    with pytest.raises(ValueError, match="item 2 is bad"):
        for item in read_ahead(list(range(5)), prepare):
            seen.append(item)
    assert seen == [0, 1]
    assert _read_ahead_threads() == []


def test_an_imported_interview_is_stored_as_one_added_on_its_own(
    study: Study, tmp_path: Path
) -> None:
    paths = _files(tmp_path, 1)
    sheet = write_sheet(tmp_path, [row(paths[0].name, "R0")])
    study.interviews.import_transcripts(paths, metadata=sheet)
    study.interviews.add_interview(
        respondent_id="R0",
        interview_id="added",
        values=INTERVIEW_VALUES,
        transcript=read_transcript(paths[0]),
    )
    columns = (
        "interview_date, consent, attributes, transcript, transcript_sha256, "
        "transcript_characters, source_name, source_encoding, created_at, updated_at"
    )
    with study.transaction() as session:
        imported, added = (
            session.execute(
                text(f"SELECT {columns} FROM interviews WHERE interview_id = :id"), {"id": name}
            ).one()
            for name in ("t00", "added")
        )
    # As the driver returns them, unconverted: the same types, the same text.
    assert imported[:8] == added[:8]
    for stamp, other in zip(imported[8:], added[8:], strict=True):
        assert type(stamp) is type(other)
        if isinstance(stamp, str):
            assert len(stamp) == len(other)
            assert stamp[:4] == other[:4] and stamp[10] == other[10]
