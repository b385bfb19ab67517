"""A study.toml naming a database that holds no study is refused the same way, and left alone.

On PostgreSQL when RESEARCH_TEST_DATABASE_URL names one, else on a SQLite file named by URL.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from research.settings import write_settings
from research.storage.database import masked_url
from tests.research.cli.conftest import Run
from tests.research.helpers import folder_state


def _database(tmp_path: Path, database_url: str | None) -> tuple[str, str]:
    """An empty database's URL, and how a refusal names it."""
    if database_url:
        return database_url, masked_url(database_url)
    path = tmp_path / "elsewhere.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("VACUUM"))
    engine.dispose()
    return f"sqlite:///{path}", str(path)


def _contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: [tuple(row) for row in connection.execute(text(f'SELECT * FROM "{name}"'))]
                for name in sorted(inspect(connection).get_table_names())
            }
    finally:
        engine.dispose()


def _folder(tmp_path: Path, url: str) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    write_settings(folder, url)
    return folder


def test_a_database_without_tables_is_refused_and_gets_none(
    run: Run, tmp_path: Path, database_url: str | None
) -> None:
    url, where = _database(tmp_path, database_url)
    folder = _folder(tmp_path, url)
    before = folder_state(tmp_path)
    result = run("status", "--study", str(folder))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {where}: not a study: the database holds no tables"
    assert _contents(url) == {}
    assert folder_state(tmp_path) == before


def test_a_database_of_another_application_is_refused_and_left_alone(
    run: Run, tmp_path: Path, database_url: str | None
) -> None:
    url, where = _database(tmp_path, database_url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE people (name TEXT)"))
        connection.execute(text("INSERT INTO people VALUES ('Anna')"))
    engine.dispose()
    folder = _folder(tmp_path, url)
    before = folder_state(tmp_path)
    result = run("codebook", "show", "--study", str(folder))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {where}: not a study: it has no alembic_version or study_info table "
        "(it holds people)"
    )
    assert _contents(url) == {"people": [("Anna",)]}
    assert folder_state(tmp_path) == before
