"""Storage: migrations match models, database constraints hold, old SQLite files are backed up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from research.settings import SETTINGS_FILE
from research.storage import database
from research.storage.tables import Base, CodingRow
from research.study import Study, create_study, open_study
from tests.research.helpers import add_interview_with_text


def test_migrations_and_models_agree(study: Study) -> None:
    with study.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_new_study_is_at_the_head_revision(study: Study) -> None:
    assert database.current_revision(study.engine) == database.head_revision()


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"end_offset": 4, "quote": "abc"}, "quote length differs from the span"),
        ({"start_offset": 4, "end_offset": 2, "quote": ""}, "reversed span"),
        ({"code_id": "nonexistent"}, "unknown code"),
        ({"coder": ""}, "no coder"),
    ],
)
def test_database_itself_refuses_a_bad_coding(
    study: Study, change: dict[str, object], why: str
) -> None:
    interview_id = add_interview_with_text(study)
    row = {
        "interview_id": interview_id,
        "code_id": "unemployment",
        "start_offset": 0,
        "end_offset": 3,
        "quote": "Մեն",
        "coder": "a",
        "memo": "",
        **change,
    }
    with pytest.raises(IntegrityError), study.transaction() as session:
        session.execute(insert(CodingRow).values(**row))


def test_opening_an_older_sqlite_file_backs_it_up_then_upgrades(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    engine = database.make_engine(f"sqlite:///{folder / 'study.db'}")
    database.upgrade(engine, revision="0001")
    engine.dispose()
    with open_study(folder) as opened:
        assert database.current_revision(opened.engine) == database.head_revision()
    [backup] = folder.glob("study.db.0001.*.bak")
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_opening_a_current_study_makes_no_backup(tmp_path: Path) -> None:
    folder = tmp_path / "current"
    create_study(folder).close()
    open_study(folder).close()
    assert list(folder.glob("*.bak")) == []


def test_study_folder_can_point_at_another_database(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.db"
    folder = tmp_path / "study"
    create_study(folder, template="karabakh", database_url=f"sqlite:///{target}").close()
    assert (folder / SETTINGS_FILE).exists()
    assert target.exists()
    with open_study(folder) as opened:
        assert opened.summary().codes > 0


def test_creating_over_an_existing_study_is_refused(study: Study) -> None:
    with pytest.raises(Exception, match="already holds a study"):
        create_study(study.folder)
