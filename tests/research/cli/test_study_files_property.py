"""Random bytes as study.db, opened by `research status` and by `research.open_study`: a clean
one-line refusal or a sound opening, never a traceback; a refused file is left unchanged."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import research
from research.cli.app import app
from research.errors import StudyDatabaseError
from research.study import create_study
from tests.research.helpers import folder_state

MAGIC = b"SQLite format 3\x00"
PAGE = 4096


@pytest.fixture(scope="module")
def sound_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a closed, sound study (blank template)."""
    folder = tmp_path_factory.mktemp("sound") / "study"
    create_study(folder).close()
    return (folder / "study.db").read_bytes()


@contextmanager
def _study_folder(content: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as parent:
        folder = Path(parent) / "study"
        folder.mkdir()
        (folder / "study.db").write_bytes(content)
        yield folder


def _opened_cleanly(folder: Path, *arguments: str) -> None:
    """Run `research status` and open_study; each refuses in one line or opens the study."""
    before = folder_state(folder)
    result = CliRunner().invoke(
        app, ["status", *arguments, "--study", str(folder)], catch_exceptions=False
    )
    if result.exit_code != 0:
        assert result.exit_code == 1, result.output
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"Error: {folder / 'study.db'}: ")
        assert folder_state(folder) == before
    try:
        research.open_study(folder, check=bool(arguments)).close()
    except StudyDatabaseError as refusal:
        assert str(refusal).startswith(f"{folder / 'study.db'}: ")
        assert "\n" not in str(refusal)
        assert folder_state(folder) == before


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(st.binary(max_size=3 * PAGE))
def test_random_bytes(content: bytes) -> None:
    with _study_folder(content) as folder:
        _opened_cleanly(folder)


@PROPERTY
@given(st.sampled_from([512, 1024, 4096, 32768, 1, 3000, 0]), st.binary(max_size=2 * PAGE))
def test_random_bytes_behind_sqlites_header(page_size: int, tail: bytes) -> None:
    header = MAGIC + page_size.to_bytes(2, "big")
    with _study_folder(header + tail) as folder:
        _opened_cleanly(folder)


@PROPERTY
@given(st.floats(0, 1, exclude_max=True))
def test_a_study_cut_short(sound_bytes: bytes, fraction: float) -> None:
    with _study_folder(sound_bytes[: int(len(sound_bytes) * fraction)]) as folder:
        _opened_cleanly(folder)


@PROPERTY
@given(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=256))
def test_a_study_with_a_page_of_garbage_checked_in_full(
    sound_bytes: bytes, where: float, pattern: bytes
) -> None:
    page = int(len(sound_bytes) // PAGE * where)
    # A short random pattern repeated over the whole page.
    garbage = (pattern * (PAGE // len(pattern) + 1))[:PAGE]
    damaged = sound_bytes[: page * PAGE] + garbage + sound_bytes[(page + 1) * PAGE :]
    with _study_folder(damaged) as folder:
        _opened_cleanly(folder, "--check")


def test_a_sound_copy_opens(sound_bytes: bytes) -> None:
    """The strategies above start from a study that opens: their refusals are the damage's."""
    with _study_folder(sound_bytes) as folder:
        result = CliRunner().invoke(app, ["status", "--check", "--study", str(folder)])
        assert result.exit_code == 0, result.output
        shutil.rmtree(folder)
