"""Where a study lives: a folder with study.db (SQLite, the default) or study.toml naming a URL."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from research.errors import StudyNotFoundError, StudySettingsError

DATABASE_FILE = "study.db"
SETTINGS_FILE = "study.toml"


@dataclass(frozen=True)
class StudyLocation:
    """A study folder and the database URL its data lives in."""

    folder: Path
    database_url: str

    @property
    def is_sqlite(self) -> bool:
        """Whether the study keeps its data in an embedded SQLite file."""
        return self.database_url.startswith("sqlite")


def sqlite_url(folder: Path) -> str:
    """The URL of the embedded SQLite database of a study folder."""
    return f"sqlite:///{(folder / DATABASE_FILE).resolve()}"


def locate_study(folder: Path) -> StudyLocation:
    """Find the study in `folder`, reading study.toml if present, else study.db."""
    settings = folder / SETTINGS_FILE
    if settings.is_file():
        return StudyLocation(folder, read_database_url(settings))
    if (folder / DATABASE_FILE).is_file():
        return StudyLocation(folder, sqlite_url(folder))
    if folder.is_file():
        # `--study study.db` or a transcript given by mistake: a study is its folder.
        hint = (
            f"give its folder: --study {folder.parent}"
            if folder.name in (DATABASE_FILE, SETTINGS_FILE)
            else "give the study's folder"
        )
        raise StudyNotFoundError(f"{folder} is a file, not a study's folder ({hint})")
    raise StudyNotFoundError(
        f"no study in {folder}: expected {DATABASE_FILE} or {SETTINGS_FILE} "
        f"(create one with `research init {folder}`)"
    )


def read_database_url(settings: Path) -> str:
    """The database URL from a study.toml file ([database] url = "...")."""
    try:
        data = tomllib.loads(settings.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise StudySettingsError(f"{settings}: {error}") from error
    url = data.get("database", {}).get("url")
    if not isinstance(url, str) or not url:
        raise StudySettingsError(f'{settings}: expected a [database] table with url = "..."')
    check_database_url(url, where=str(settings))
    return url


def check_database_url(url: str, *, where: str) -> None:
    """Refuse URLs SQLAlchemy cannot parse or backends the toolkit does not support."""
    # Imported here: a study in study.db is found without loading SQLAlchemy.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as error:
        raise StudySettingsError(f"{where}: {url!r} is not a database URL") from error
    if backend not in {"sqlite", "postgresql"}:
        raise StudySettingsError(
            f"{where}: backend {backend!r} is not supported (use sqlite or postgresql)"
        )


def write_settings(folder: Path, database_url: str) -> Path:
    """Write a study.toml pointing the study at `database_url`."""
    check_database_url(database_url, where="--database-url")
    settings = folder / SETTINGS_FILE
    escaped = database_url.replace("\\", "\\\\").replace('"', '\\"')
    settings.write_text(
        f'# This study keeps its data in the database below.\n[database]\nurl = "{escaped}"\n',
        encoding="utf-8",
    )
    return settings
