"""The intake limits as a study's settings: defaults, YAML, and the readers keeping to them."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviews.errors import TooLargeError
from interviews.importers import TranscriptLimits
from research.study import Study
from research.study_settings import (
    INTAKE_KEYS,
    IntakeSettings,
    StudySettings,
    describe_settings,
    dumps_settings,
    loads_settings,
    settings_problems,
)
from tests.research.helpers import counts


def test_the_default_settings_are_the_readers_default_limits() -> None:
    assert IntakeSettings().limits() == TranscriptLimits()
    assert TranscriptLimits().text_bytes == 50_000_000


def test_every_limit_a_reader_names_has_its_setting() -> None:
    limits = TranscriptLimits()
    named = {"text_bytes", *type(limits.archive).model_fields}
    assert set(INTAKE_KEYS) == named
    for key in INTAKE_KEYS.values():
        section, field = key.split(".")
        assert section == "intake" and field in IntakeSettings.model_fields


def test_limits_are_read_from_yaml_in_megabytes() -> None:
    settings = loads_settings("intake:\n  transcript_megabytes: 2\n  compression_ratio: 40\n")
    limits = settings.intake.limits()
    assert (limits.text_bytes, limits.archive.ratio) == (2_000_000, 40)
    assert limits.archive.entries == TranscriptLimits().archive.entries
    assert loads_settings(dumps_settings(settings)) == settings
    assert describe_settings(settings) == [f"intake limits: {settings.intake.describe()}"]


def test_default_limits_are_neither_exported_nor_described() -> None:
    assert "intake" not in dumps_settings(StudySettings())
    assert describe_settings(StudySettings()) == []


def test_a_limit_that_is_not_positive_is_refused_with_its_line() -> None:
    problems = settings_problems(
        "intake:\n  archive_entries: 0\n  entry_megabyte: 3\n", source="s.yaml"
    )
    assert [str(problem) for problem in problems] == [
        "s.yaml, line 2: intake.archive_entries: Input should be greater than 0",
        "s.yaml, line 3: intake.entry_megabyte: unknown key; did you mean 'entry_megabytes' "
        "or 'transcript_megabytes' or 'archive_megabytes'?",
    ]


def test_an_import_keeps_to_the_studys_limits(study: Study, tmp_path: Path) -> None:
    study.analysis_settings.import_settings(
        "intake:\n  transcript_megabytes: 1\n", source="settings.yaml"
    )
    path = tmp_path / "long.txt"
    path.write_text("x" * 1_000_001, encoding="utf-8")
    with pytest.raises(TooLargeError) as refused:
        study.interviews.import_transcripts([path])
    assert refused.value.limit == "text_bytes"
    assert counts(study) == (0, 0, 0)
    assert study.interviews.transcript_limits().text_bytes == 1_000_000
