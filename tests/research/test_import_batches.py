"""Importing many transcripts: cheap checks first, then files read and stored batch by batch."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from interviews.errors import TranscriptError
from research.errors import ResearchError
from research.services import interview_rows
from research.services import interviews as interviews_service
from research.study import Study
from tests.research.helpers import counts
from tests.research.test_imports import row, write_sheet


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


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("with_sheet", [True, False], ids=["sheet", "bare"])
def test_an_undecodable_file_in_a_later_batch_leaves_nothing_stored(
    study: Study, tmp_path: Path, with_sheet: bool
) -> None:
    paths = _files(tmp_path, 5)
    paths[4].write_bytes(b"caf\xe9 \x81\x81\n")
    sheet = write_sheet(tmp_path, [row(path.name, f"R{n}") for n, path in enumerate(paths)])
    with pytest.raises(TranscriptError, match="t04.txt"):
        study.interviews.import_transcripts(paths, metadata=sheet if with_sheet else None)
    assert counts(study) == (0, 0, 0)


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
