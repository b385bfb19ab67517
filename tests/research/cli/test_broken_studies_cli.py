"""A study path that holds no sound study is refused in one line, before anything is written.

Each case is met through the command line (`research status` and others), and the folder is
compared byte for byte before and after: no WAL switch, no journal, no tables written.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

import research
from research.errors import StudyDatabaseError
from research.storage import database
from research.study import create_study
from tests.research.cli.conftest import Run
from tests.research.helpers import add_interview_with_text, folder_state

PAGE = 4096


@pytest.fixture(scope="module")
def sound_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed SQLite study with an interview, made once and copied by each test."""
    folder = tmp_path_factory.mktemp("sound") / "study"
    with create_study(folder, template="karabakh") as created:
        add_interview_with_text(created)
    return folder


@pytest.fixture
def copy(sound_study: Path, tmp_path: Path) -> Path:
    """A private copy of the sound study's folder."""
    return Path(shutil.copytree(sound_study, tmp_path / "study"))


def _root_page(database_file: Path, table: str) -> int:
    # Immutable: a read-only connection to a WAL database would leave -wal and -shm files.
    uri = f"file:{database_file}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        query = "SELECT rootpage FROM sqlite_master WHERE name = ?"
        return int(connection.execute(query, (table,)).fetchone()[0])


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def _not_sqlite(folder: Path) -> str:
    (folder / "study.db").write_bytes(b"name,place\nR01,Martuni\n" * 300)
    return "not a study: the file is not a SQLite database"


def _empty_file(folder: Path) -> str:
    (folder / "study.db").write_bytes(b"")
    return "not a study: the file is empty"


def _empty_database(folder: Path) -> str:
    (folder / "study.db").unlink()
    sqlite3.connect(folder / "study.db").execute("VACUUM").connection.close()
    return "not a study: the database holds no tables"


def _foreign(journal: str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        (folder / "study.db").unlink()
        connection = sqlite3.connect(folder / "study.db")
        connection.execute(f"PRAGMA journal_mode = {journal}")
        connection.execute("CREATE TABLE people (name TEXT)")
        connection.execute("INSERT INTO people VALUES ('Anna')")
        connection.commit()
        connection.close()
        assert not (folder / "study.db-wal").exists()
        return "not a study: it has no alembic_version or study_info table (it holds people)"

    return make


def _study_with_a_foreign_table(folder: Path) -> str:
    with sqlite3.connect(folder / "study.db") as connection:
        connection.execute("CREATE TABLE my_notes (note TEXT)")
    connection.close()
    return "not a study: it holds tables a study does not have: my_notes"


def _truncated(folder: Path) -> str:
    path = folder / "study.db"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[: 4 * PAGE])
    return (
        f"the database is damaged: truncated to {4 * PAGE:,} bytes, but its header counts "
        f"{size // PAGE:,} pages of 4,096 bytes ({size:,} bytes)"
    )


def _cut_mid_page(folder: Path) -> str:
    path = folder / "study.db"
    path.write_bytes(path.read_bytes() + b"\0" * 100)
    size = path.stat().st_size
    return f"the database is damaged: {size:,} bytes is not a whole number of 4,096-byte pages"


def _bad_page_size(folder: Path) -> str:
    _overwrite(folder / "study.db", 16, (3000).to_bytes(2, "big"))
    return "the database is damaged: its header gives a page size of 3000"


def _newer(folder: Path) -> str:
    with sqlite3.connect(folder / "study.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    return "the study is at schema revision '9999', which this version of the toolkit does not"


BROKEN = {
    "not-sqlite": _not_sqlite,
    "empty-file": _empty_file,
    "empty-database": _empty_database,
    "foreign-rollback-journal": _foreign("DELETE"),
    "foreign-write-ahead-log": _foreign("WAL"),
    "foreign-table-in-a-study": _study_with_a_foreign_table,
    "truncated": _truncated,
    "cut-mid-page": _cut_mid_page,
    "impossible-page-size": _bad_page_size,
    "newer-revision": _newer,
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_status_refuses_in_one_line_and_writes_nothing(run: Run, copy: Path, case: str) -> None:
    cause = BROKEN[case](copy)
    before = folder_state(copy)
    result = run("status", "--study", str(copy))
    assert result.exit_code == 1, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {copy / 'study.db'}: {cause}")
    assert folder_state(copy) == before


@pytest.mark.parametrize(
    "command",
    [
        ["codebook", "show"],
        ["interviews", "list"],
        ["code", "list"],
        ["timeline", "list"],
        ["export", "codings"],
        ["search", "work"],
        ["respondents", "add", "R9", "--set", "gender=female"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_every_command_refuses_a_foreign_database(run: Run, copy: Path, command: list[str]) -> None:
    cause = _foreign("WAL")(copy)
    before = folder_state(copy)
    result = run(*command, "--study", str(copy))
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"Error: {copy / 'study.db'}: {cause}"
    assert folder_state(copy) == before


def test_backup_refuses_a_foreign_database_and_writes_no_archive(
    run: Run, copy: Path, tmp_path: Path
) -> None:
    cause = _not_sqlite(copy)
    before = folder_state(copy)
    result = run("backup", str(tmp_path / "out.zip"), "--study", str(copy))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {copy / 'study.db'}: {cause}"
    assert folder_state(copy) == before
    assert not (tmp_path / "out.zip").exists()


def test_the_python_api_refuses_the_same_way(copy: Path) -> None:
    cause = _foreign("DELETE")(copy)
    before = folder_state(copy)
    with pytest.raises(StudyDatabaseError) as caught:
        research.open_study(copy)
    assert str(caught.value) == f"{copy / 'study.db'}: {cause}"
    assert folder_state(copy) == before


def _damage_the_codebook(folder: Path) -> None:
    database_file = folder / "study.db"
    page = _root_page(database_file, "codes")
    _overwrite(database_file, (page - 1) * PAGE, b"\xff" * PAGE)


def test_damage_is_named_when_a_command_meets_it(run: Run, copy: Path) -> None:
    _damage_the_codebook(copy)
    before = folder_state(copy)
    result = run("codebook", "show", "--study", str(copy))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {copy / 'study.db'}: the database is damaged (database disk image is "
        "malformed); restore it from a backup"
    )
    assert folder_state(copy) == before


def test_a_write_meeting_damage_is_refused_and_saves_nothing(run: Run, copy: Path) -> None:
    _damage_the_codebook(copy)
    before = folder_state(copy)
    result = run("codebook", "add", "housing", "--study", str(copy))
    assert result.exit_code == 1
    assert "the database is damaged (database disk image is malformed)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert folder_state(copy) == before


def test_status_check_says_that_it_read_every_page(run: Run, copy: Path) -> None:
    checked = run("status", "--check", "--study", str(copy))
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.strip().endswith(
        "Checked: every page of the database was read, and none is damaged."
    )
    quick = run("status", "--study", str(copy))
    assert "Checked" not in quick.stdout
    as_json = run("status", "--check", "--format", "json", "--study", str(copy))
    assert json.loads(as_json.stdout)["interviews"] >= 0
    assert "Checked: every page" in as_json.stderr


def test_status_check_reads_every_page_and_names_the_damage(run: Run, copy: Path) -> None:
    _damage_the_codebook(copy)
    before = folder_state(copy)
    quick = run("status", "--study", str(copy))
    # Without --check, damage in pages status does not read goes unseen (see the policy).
    assert quick.exit_code == 0, quick.output
    checked = run("status", "--check", "--study", str(copy))
    assert checked.exit_code == 1
    [line] = checked.stderr.strip().splitlines()
    assert line.startswith(f"Error: {copy / 'study.db'}: the database is damaged (")
    assert line.endswith("; restore it from a backup")
    assert folder_state(copy) == before


def test_backup_of_a_damaged_study_is_refused_and_writes_no_archive(
    run: Run, copy: Path, tmp_path: Path
) -> None:
    _damage_the_codebook(copy)
    before = folder_state(copy)
    result = run("backup", str(tmp_path / "out.zip"), "--study", str(copy))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {copy / 'study.db'}: the database is damaged (")
    assert folder_state(copy) == before
    assert list(tmp_path.glob("*.zip*")) == []
    assert list(tmp_path.glob(".out.zip*")) == []


def test_an_older_damaged_study_is_refused_before_its_upgrade_and_backup(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    engine = database.make_engine(f"sqlite:///{folder / 'study.db'}")
    database.upgrade(engine, revision="0004")
    engine.dispose()
    _damage_the_codebook(folder)
    before = folder_state(folder)
    result = run("status", "--study", str(folder))
    assert result.exit_code == 1
    assert f"Error: {folder / 'study.db'}: the database is damaged (" in result.stderr
    assert folder_state(folder) == before  # no .bak copy, no upgrade


def test_a_missing_database_named_by_study_toml_is_refused_not_created(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    missing = tmp_path / "gone.db"
    (folder / "study.toml").write_text(f'[database]\nurl = "sqlite:///{missing}"\n', "utf-8")
    result = run("status", "--study", str(folder))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {missing}: no such file: the study's database is missing"
    )
    assert not missing.exists()


def test_init_refuses_a_database_file_that_is_not_sqlite_and_creates_nothing(
    run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "data.db"
    target.write_bytes(b"%PDF-1.7 not a database\n" * 200)
    before = folder_state(tmp_path)
    result = run("init", str(tmp_path / "new"), "--database-url", f"sqlite:///{target}")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {target}: not a study: the file is not a SQLite database"
    )
    assert folder_state(tmp_path) == before
    assert not (tmp_path / "new").exists()


def test_init_refuses_a_sqlite_file_with_tables_and_creates_nothing(
    run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "data.db"
    with sqlite3.connect(target) as connection:
        connection.execute("CREATE TABLE people (name TEXT)")
    connection.close()
    before = folder_state(tmp_path)
    result = run("init", str(tmp_path / "new"), "--database-url", f"sqlite:///{target}")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: the database {target} is not empty; use an empty database"
    )
    assert folder_state(tmp_path) == before
    assert not (tmp_path / "new").exists()
