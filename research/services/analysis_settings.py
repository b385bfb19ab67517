"""Checking and replacing a study's analysis settings against its dictionary and codebook."""

from __future__ import annotations

from sqlalchemy.orm import Session

from research.errors import ProblemsError
from research.services import codebooks, study_info
from research.study_settings import (
    SettingsProblem,
    StudySettings,
    check_settings,
    loads_settings,
    settings_problems,
)


def problems(session: Session, settings: StudySettings | None = None) -> list[SettingsProblem]:
    """Every way `settings` (default: the stored ones) do not fit the study's data."""
    return check_settings(
        study_info.load_settings(session) if settings is None else settings,
        dictionary=study_info.load_dictionary(session),
        codebook=codebooks.load_codebook(session),
    )


def text_problems(session: Session, text: str, *, source: str) -> list[SettingsProblem]:
    """Every problem of settings YAML, its fit to the study included, each with its line."""
    return settings_problems(
        text,
        source=source,
        dictionary=study_info.load_dictionary(session),
        codebook=codebooks.load_codebook(session),
    )


def import_settings(session: Session, text: str, *, source: str) -> StudySettings:
    """Replace the settings by settings YAML; refused whole, every problem listed by line."""
    found = text_problems(session, text, source=source)
    if found:
        raise ProblemsError("the settings were not imported", [str(p) for p in found])
    settings = loads_settings(text, source=source)
    study_info.store_settings(session, settings)
    return settings


def replace_settings(session: Session, settings: StudySettings) -> None:
    """Replace the settings by a settings model; refused whole when they do not fit."""
    found = problems(session, settings)
    if found:
        raise ProblemsError("the settings were not replaced", [str(p) for p in found])
    study_info.store_settings(session, settings)
