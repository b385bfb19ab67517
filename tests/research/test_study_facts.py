"""A SQLite study's summary read with sqlite3 alone equals the one read through the services."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from research.services.study_facts import summarise_file
from research.settings import DATABASE_FILE
from research.study import create_study, open_study


def _copy(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(template, folder)
    return folder


def test_the_quick_summary_of_a_coded_study_equals_the_services_summary(
    demo_template: Path, tmp_path: Path
) -> None:
    folder = _copy(demo_template, tmp_path)
    with open_study(folder) as opened:
        expected = opened.summary()
    quick = summarise_file(folder / DATABASE_FILE)
    assert quick == expected
    assert quick is not None and quick.codings > 0 and len(quick.codings_per_coder) == 2
    # Both read the consensus layer and the completed passes alike.
    assert quick.consensus_codings > 0 and set(quick.passes_per_coder) == {"lusine", "pavel"}


def test_the_quick_summary_of_an_empty_study_equals_the_services_summary(tmp_path: Path) -> None:
    with create_study(tmp_path / "empty", template="blank") as created:
        expected = created.summary()
    quick = summarise_file(tmp_path / "empty" / DATABASE_FILE)
    assert quick == expected
    assert quick is not None and quick.codings == 0 and quick.codings_per_coder == {}


def test_a_study_at_an_older_revision_is_left_to_the_full_path(
    demo_template: Path, tmp_path: Path
) -> None:
    folder = _copy(demo_template, tmp_path)
    with sqlite3.connect(folder / DATABASE_FILE) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0007'")
    connection.close()
    assert summarise_file(folder / DATABASE_FILE) is None


def test_a_missing_file_a_foreign_file_and_an_uninitialised_study_are_left_to_the_full_path(
    demo_template: Path, tmp_path: Path
) -> None:
    assert summarise_file(tmp_path / DATABASE_FILE) is None
    assert not (tmp_path / DATABASE_FILE).exists()
    foreign = tmp_path / "foreign.db"
    foreign.write_text("not a database\n", encoding="utf-8")
    assert summarise_file(foreign) is None
    folder = _copy(demo_template, tmp_path)
    with sqlite3.connect(folder / DATABASE_FILE) as connection:
        connection.execute("DELETE FROM study_info WHERE key = 'name'")
    connection.close()
    assert summarise_file(folder / DATABASE_FILE) is None
