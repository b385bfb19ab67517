"""Backups: a study to one archive and back, across backends; hostile archives refused."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select

from research.errors import ArchiveError, StudyExistsError
from research.services import backups
from research.storage.tables import Base
from research.study import Study, create_study, open_study
from tests.research.coded_for_export import fill, span

TABLES = backups.TABLES
SUBMISSIONS = backups.table_entry("form_submissions")


def contents(study: Study) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a study, in primary-key order, typed by the models."""
    found = {}
    with study.engine.connect() as connection:
        for name in TABLES:
            table = Base.metadata.tables[name]
            query = select(table).order_by(*table.primary_key.columns)
            found[name] = [tuple(row) for row in connection.execute(query)]
    return found


@pytest.fixture
def coded(study: Study, tmp_path: Path) -> Study:
    """The export study on the backend under test."""
    return fill(study, tmp_path)


@pytest.fixture
def archive(coded: Study, tmp_path: Path) -> Path:
    """A backup of the coded study."""
    path = tmp_path / "backup.zip"
    backups.write_backup(coded.engine, path)
    return path


def test_a_restored_study_equals_the_original(coded: Study, archive: Path, tmp_path: Path) -> None:
    report = backups.restore_backup(archive, tmp_path / "restored")
    assert report.rows["codings"] == 5 and report.rows["codebook_changes"] == 1
    with open_study(tmp_path / "restored") as restored:
        original = contents(coded)
        assert contents(restored) == original
        assert all(original[name] for name in TABLES)
        assert restored.summary().name == coded.summary().name


def test_a_study_moves_into_the_backend_under_test(
    tmp_path: Path, database_url: str | None
) -> None:
    # Made on SQLite, restored where the suite runs: PostgreSQL when it is configured.
    with create_study(tmp_path / "sqlite-study", template="karabakh") as source:
        fill(source, tmp_path)
        backups.write_backup(source.engine, tmp_path / "moved.zip")
        expected = contents(source)
    backups.restore_backup(tmp_path / "moved.zip", tmp_path / "moved", database_url=database_url)
    with open_study(tmp_path / "moved") as moved:
        assert contents(moved) == expected
        # New rows get fresh ids after the restored ones (PostgreSQL's sequences moved on).
        start, end = span("so he went to Moscow")
        added = moved.codings.add_coding(
            interview_id="I01", code="renewed_war", start_offset=start, end_offset=end, coder="cy"
        )
        assert added.coding_id > max(row[0] for row in expected["codings"])
        # The search index is the database's own: rebuilt from the restored passages,
        # each passage once.
        if moved.engine.dialect.name == "sqlite":
            with moved.engine.connect() as connection:
                counts = [
                    connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
                    for table in ("transcript_passages", "transcript_index")
                ]
            assert counts[0] == counts[1] and counts[0]
        found = moved.transcript_search.search_transcripts("went to Moscow")
        start = span("went to Moscow")[0]
        assert {(hit.interview_id, hit.start_offset) for hit in found.hits} == {
            ("I01", start),
            ("I02", start),
        }


def test_the_same_study_gives_the_same_tables_in_the_same_order(
    coded: Study, archive: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.zip"
    backups.write_backup(coded.engine, again)
    with zipfile.ZipFile(archive) as first, zipfile.ZipFile(again) as second:
        names = first.namelist()
        assert names == second.namelist()
        assert names == ["manifest.json", *(backups.table_entry(name) for name in TABLES)]
        for name in names[1:]:
            assert first.read(name) == second.read(name)


def test_a_backup_never_replaces_a_file_unless_asked(coded: Study, archive: Path) -> None:
    before = archive.read_bytes()
    with pytest.raises(ArchiveError, match="already exists"):
        backups.write_backup(coded.engine, archive)
    assert archive.read_bytes() == before
    backups.write_backup(coded.engine, archive, overwrite=True)
    assert zipfile.is_zipfile(archive)


def test_restoring_over_a_study_is_refused(coded: Study, archive: Path) -> None:
    before = contents(coded)
    with pytest.raises(StudyExistsError, match="already holds a study"):
        backups.restore_backup(archive, coded.folder)
    assert contents(coded) == before


def test_restoring_into_a_database_with_tables_is_refused(
    coded: Study, archive: Path, tmp_path: Path
) -> None:
    url = coded.location.database_url
    with pytest.raises(StudyExistsError, match="not empty"):
        backups.restore_backup(archive, tmp_path / "elsewhere", database_url=url)
    assert not (tmp_path / "elsewhere").exists()


# Hostile and damaged archives: one clear refusal, nothing written.


def _rewrite(
    source: Path,
    target: Path,
    *,
    replace: dict[str, bytes] | None = None,
    extra: dict[str, bytes] | None = None,
    drop: str | None = None,
) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            if name == drop:
                continue
            new.writestr(name, (replace or {}).get(name, old.read(name)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def _manifest(archive: Path) -> dict[str, Any]:
    with zipfile.ZipFile(archive) as opened:
        return dict(json.loads(opened.read("manifest.json")))


def _rows(archive: Path, table: str) -> tuple[list[str], list[list[Any]]]:
    """A table of an archive: its columns, as the manifest names them, and its rows."""
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        rows = [json.loads(line) for line in opened.read(f"tables/{table}.jsonl").splitlines()]
    [columns] = [t["columns"] for t in manifest["tables"] if t["name"] == table]
    return columns, rows


def _with_rows(archive: Path, target: Path, table: str, rows: list[list[Any]]) -> Path:
    """A copy of an archive with `table` holding `rows` instead."""
    body = "".join(json.dumps(row) + "\n" for row in rows).encode()
    return _rewrite(archive, target, replace={f"tables/{table}.jsonl": body})


def _refused(archive: Path, target: Path, match: str, database_url: str | None = None) -> None:
    with pytest.raises(ArchiveError, match=match):
        backups.restore_backup(archive, target, database_url=database_url)
    assert not target.exists()
    if database_url is not None:
        engine = create_engine(database_url)
        try:
            assert inspect(engine).get_table_names() == []
        finally:
            engine.dispose()


def test_a_file_that_is_not_an_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "study.zip"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    _refused(path, tmp_path / "restored", "not a study archive")


def test_an_unexpected_entry_is_refused_before_anything_is_read(
    archive: Path, tmp_path: Path
) -> None:
    hostile = _rewrite(
        archive, tmp_path / "evil.zip", extra={"../../etc/evil": b"x"}, drop=SUBMISSIONS
    )
    _refused(hostile, tmp_path / "restored", "unexpected entry '../../etc/evil'")


def test_too_many_entries_are_refused(archive: Path, tmp_path: Path) -> None:
    # The same allowed name again and again: a zip may hold one name many times.
    hostile = _rewrite(
        archive, tmp_path / "many.zip", extra={f"x/{number}": b"" for number in range(20)}
    )
    with zipfile.ZipFile(archive) as opened:
        allowed = len(opened.namelist())
    _refused(
        hostile,
        tmp_path / "restored",
        f"{allowed + 20} entries; a study archive has at most {allowed}",
    )


def test_an_entry_given_twice_is_refused(archive: Path, tmp_path: Path) -> None:
    with (
        zipfile.ZipFile(
            _rewrite(archive, tmp_path / "twice.zip", drop=SUBMISSIONS), "a"
        ) as hostile,
        pytest.warns(UserWarning, match="Duplicate name"),
    ):
        hostile.writestr("tables/codings.jsonl", b"")
    _refused(tmp_path / "twice.zip", tmp_path / "restored", "'tables/codings.jsonl' appears more")


def test_an_entry_that_expands_too_far_is_refused(archive: Path, tmp_path: Path) -> None:
    bomb = {"tables/codings.jsonl": b" " * (8 << 20)}
    hostile = _rewrite(archive, tmp_path / "bomb.zip", replace=bomb)
    _refused(hostile, tmp_path / "restored", "expands suspiciously far")


def test_a_newer_schema_revision_is_refused(archive: Path, tmp_path: Path) -> None:
    manifest = {**_manifest(archive), "schema_revision": "9999_from_the_future"}
    newer = _rewrite(
        archive, tmp_path / "newer.zip", replace={"manifest.json": json.dumps(manifest).encode()}
    )
    _refused(newer, tmp_path / "restored", "schema revision '9999_from_the_future' is unknown")


def test_an_unknown_table_is_refused(archive: Path, tmp_path: Path) -> None:
    manifest = _manifest(archive)
    manifest["tables"].append({"name": "users", "columns": ["name"], "rows": 0})
    hostile = _rewrite(
        archive, tmp_path / "users.zip", replace={"manifest.json": json.dumps(manifest).encode()}
    )
    _refused(hostile, tmp_path / "restored", "unknown table 'users'")


def test_a_damaged_row_leaves_nothing_behind(
    archive: Path, tmp_path: Path, database_url: str | None
) -> None:
    with zipfile.ZipFile(archive) as opened:
        rows = opened.read("tables/codings.jsonl").splitlines()
    damaged = b"\n".join([*rows[:-1], b"[1, 2, "]) + b"\n"
    hostile = _rewrite(archive, tmp_path / "damaged.zip", replace={"tables/codings.jsonl": damaged})
    url = _empty(database_url)
    _refused(hostile, tmp_path / "restored", r"tables/codings.jsonl line 5: not a JSON row", url)


def test_a_row_the_database_refuses_leaves_nothing_behind(
    archive: Path, tmp_path: Path, database_url: str | None
) -> None:
    _, rows = _rows(archive, "codings")
    rows[0][5] = "a quote longer than its span, so the database's check refuses it"
    hostile = _with_rows(archive, tmp_path / "bad.zip", "codings", rows)
    _refused(
        hostile,
        tmp_path / "restored",
        "codings.jsonl: refused by the database",
        _empty(database_url),
    )


def test_a_value_of_the_wrong_kind_is_refused(archive: Path, tmp_path: Path) -> None:
    _, rows = _rows(archive, "codings")
    rows[1][3] = "414"
    hostile = _with_rows(archive, tmp_path / "kind.zip", "codings", rows)
    _refused(hostile, tmp_path / "restored", "line 2: expected int, not '414'")


def test_a_row_count_other_than_the_manifests_is_refused(archive: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(archive) as opened:
        rows = opened.read("tables/codings.jsonl").splitlines(keepends=True)
    short = _rewrite(
        archive, tmp_path / "short.zip", replace={"tables/codings.jsonl": b"".join(rows[:-1])}
    )
    _refused(short, tmp_path / "restored", "4 rows, but the manifest says 5")


def _empty(database_url: str | None) -> str | None:
    """The test database emptied, to restore into (None: SQLite in the target folder)."""
    if database_url is None:
        return None
    from tests.conftest import reset_database

    reset_database(database_url)
    return database_url


def test_a_backup_taken_while_another_writer_works_holds_only_committed_rows(
    coded: Study, tmp_path: Path
) -> None:
    from research.services.respondents import add_respondent
    from tests.research.helpers import RESPONDENT

    with coded.transaction(immediate=True) as session:
        add_respondent(session, "R99", RESPONDENT)
        session.flush()
        # The web app's transaction is still open: the backup sees the study before it.
        report = backups.write_backup(coded.engine, tmp_path / "during.zip")
    assert report.rows["respondents"] == 3
    backups.restore_backup(tmp_path / "during.zip", tmp_path / "restored")
    with open_study(tmp_path / "restored") as restored:
        assert [record.respondent_id for record in restored.respondents.list_respondents()] == [
            "R01",
            "R02",
            "bare",
        ]


def test_passages_outside_their_transcripts_are_refused(
    archive: Path, tmp_path: Path, database_url: str | None
) -> None:
    # The index is made from the text passages point to: one past its transcript's end is
    # refused, naming the table and the interview.
    columns, rows = _rows(archive, "transcript_passages")
    rows[-1][columns.index("end_offset")] = 10**6
    hostile = _with_rows(archive, tmp_path / "odd.zip", "transcript_passages", rows)
    interview_id = rows[-1][columns.index("interview_id")]
    _refused(
        hostile,
        tmp_path / "restored",
        re.escape(
            f"transcript_passages.jsonl: 1 passages do not lie within their interview's "
            f"transcript (first: interview {interview_id!r})"
        ),
        _empty(database_url),
    )


def test_a_transcript_holding_a_nul_character_is_refused(archive: Path, tmp_path: Path) -> None:
    columns, rows = _rows(archive, "interviews")
    at = columns.index("transcript")
    rows[0][at] = rows[0][at][:5] + "\x00" + rows[0][at][6:]
    # SQLite counts characters up to the NUL: a count that agrees passes the table's check.
    rows[0][columns.index("transcript_characters")] = 5
    hostile = _with_rows(archive, tmp_path / "nul.zip", "interviews", rows)
    interview_id = rows[0][columns.index("interview_id")]
    _refused(
        hostile,
        tmp_path / "restored",
        re.escape(f"interviews.jsonl: the transcript of interview {interview_id!r} holds a NUL"),
    )
