"""Storage: migrations match models, database constraints hold, old SQLite files are backed up."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from interviews.defaults import blank_dictionary, default_dictionary
from interviews.dictionary import DataDictionary
from research.services import study_info
from research.settings import SETTINGS_FILE, sqlite_url, write_settings
from research.storage import database
from research.storage.revisions import is_search_index
from research.storage.tables import Base, CodingRow, StudyInfo
from research.study import Study, create_study, open_study
from research.study_settings import StudySettings
from tests.research.helpers import add_interview_with_text, shipped_revision


def test_migrations_and_models_agree(study: Study) -> None:
    with study.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, *_: not is_search_index(name),
            },
        )
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


def _study_at_0004(folder: Path, database_url: str | None, dictionary: dict[str, object]) -> None:
    """A study as revision 0004's code left it: no settings, no analysis flags."""
    folder.mkdir()
    if database_url:
        write_settings(folder, database_url)
    engine = database.make_engine(database_url or sqlite_url(folder))
    database.upgrade(engine, revision="0004")
    facts = {
        "name": "old",
        "fictional": "false",
        "data_dictionary": json.dumps(dictionary),
        "codebook_name": "Old codebook",
        "codebook_version": "1",
    }
    with engine.begin() as connection:
        connection.execute(insert(StudyInfo), [{"key": k, "value": v} for k, v in facts.items()])
    engine.dispose()


def _without_analysis_flags(dictionary: DataDictionary) -> dict[str, object]:
    dumped = dictionary.model_dump(mode="json")
    for attribute in dumped["attributes"]:
        del attribute["analysis"]
    return dumped


def test_old_karabakh_study_gets_its_settings_and_analysis_attributes(
    tmp_path: Path, database_url: str | None
) -> None:
    _study_at_0004(tmp_path / "old", database_url, _without_analysis_flags(default_dictionary()))
    with open_study(tmp_path / "old") as opened:
        assert database.current_revision(opened.engine) == database.head_revision()
        assert opened.dictionary() == default_dictionary()
        assert [a.name for a in opened.dictionary().attributes if a.analysis] == [
            "gender",
            "role",
            "place",
        ]
        assert opened.study_info.load_settings() == settings_shipped_at_0005()


def settings_shipped_at_0005() -> StudySettings:
    """The Karabakh settings as revision 0005 wrote them: a study keeps the settings it was
    given, and a later change to the shipped template does not rewrite them."""
    revision = shipped_revision("0005_study_settings")
    return StudySettings.model_validate(revision.KARABAKH_SETTINGS)


def test_old_study_of_another_kind_gets_empty_settings(
    tmp_path: Path, database_url: str | None
) -> None:
    _study_at_0004(tmp_path / "old", database_url, _without_analysis_flags(blank_dictionary()))
    with open_study(tmp_path / "old") as opened:
        assert opened.dictionary() == blank_dictionary()
        with opened.transaction() as session:
            assert study_info.get_fact(session, study_info.SETTINGS) is not None
        assert opened.study_info.load_settings() == StudySettings()


def test_old_study_that_already_has_settings_keeps_them(
    tmp_path: Path, database_url: str | None
) -> None:
    folder = tmp_path / "old"
    _study_at_0004(folder, database_url, _without_analysis_flags(default_dictionary()))
    engine = database.make_engine(database_url or sqlite_url(folder))
    with engine.begin() as connection:
        connection.execute(insert(StudyInfo).values(key="settings", value='{"report": {}}'))
    engine.dispose()
    with open_study(folder) as opened:
        assert opened.study_info.load_settings() == StudySettings()
        assert not any(a.analysis for a in opened.dictionary().attributes)


def test_settings_revision_downgrades_and_upgrades_again(
    tmp_path: Path, database_url: str | None
) -> None:
    folder = tmp_path / "study"
    create_study(folder, template="karabakh", database_url=database_url).close()
    engine = database.make_engine(database_url or sqlite_url(folder))
    database.downgrade(engine, "0004")
    with engine.connect() as connection:
        facts = dict(connection.execute(select(StudyInfo.key, StudyInfo.value)).all())
    engine.dispose()
    assert "settings" not in facts
    assert '"analysis"' not in facts["data_dictionary"]
    with open_study(folder) as opened:
        assert opened.study_info.load_settings() == settings_shipped_at_0005()
        assert opened.dictionary() == default_dictionary()


def _database_at_0004_with_data(url: str) -> Engine:
    """A database at revision 0004 holding an interview with two codings, as stored then."""
    engine = database.make_engine(url)
    database.upgrade(engine, revision="0004")
    stamp = "2020-01-01 00:00:00"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO respondents (respondent_id, attributes, created_at, updated_at) "
                "VALUES ('R1', :attributes, :stamp, :stamp)"
            ),
            {"attributes": json.dumps({"gender": "female"}), "stamp": stamp},
        )
        connection.execute(
            text(
                "INSERT INTO interviews (interview_id, respondent_id, interview_date, place, "
                "interviewer, language, consent, attributes, transcript, created_at, updated_at) "
                "VALUES ('I1', 'R1', :day, 'martuni', 'Անի Ա.', :language, :consent, "
                ":attributes, 'Работы нет. No work.', :stamp, :stamp)"
            ),
            {
                "day": date(2004, 6, 12),
                "language": json.dumps(["hy", "ru"]),
                "consent": True,
                "attributes": json.dumps({"consent_scope": ["interview"]}),
                "stamp": stamp,
            },
        )
        connection.execute(
            text(
                "INSERT INTO codes (code_id, position, name, path, definition, inclusion, "
                "exclusion, examples, memo, group_only, retired) VALUES ('c', 0, 'c', 'c', "
                "'', '', '', '[]', '', :no, :no)"
            ),
            {"no": False},
        )
        for start, quote in ((0, "Работы"), (12, "No work")):
            connection.execute(
                text(
                    "INSERT INTO codings (interview_id, code_id, start_offset, end_offset, "
                    "quote, coder, memo, created_at) "
                    "VALUES ('I1', 'c', :start, :end, :quote, 'ani', '', :stamp)"
                ),
                {"start": start, "end": start + len(quote), "quote": quote, "stamp": stamp},
            )
    return engine


def test_0006_moves_place_interviewer_and_language_into_attributes(
    tmp_path: Path, database_url: str | None
) -> None:
    engine = _database_at_0004_with_data(database_url or f"sqlite:///{tmp_path / 'old.db'}")
    database.upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT interview_date, consent, attributes FROM interviews")
        ).one()
        columns = {column["name"] for column in inspect(connection).get_columns("interviews")}
        coded = connection.execute(text("SELECT quote FROM codings ORDER BY start_offset"))
        quotes = [quote for (quote,) in coded]
    engine.dispose()
    attributes = row.attributes if isinstance(row.attributes, dict) else json.loads(row.attributes)
    assert attributes == {
        "consent_scope": ["interview"],
        "place": "martuni",
        "interviewer": "Անի Ա.",
        "language": ["hy", "ru"],
    }
    assert str(row.interview_date) == "2004-06-12" and bool(row.consent) is True
    assert not {"place", "interviewer", "language"} & columns
    # Altering the table must not cascade into the codings that point at it.
    assert quotes == ["Работы", "No work"]


def test_0006_upgraded_interview_reads_as_before(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    _database_at_0004_with_data(f"sqlite:///{folder / 'study.db'}").dispose()
    with (
        create_study(tmp_path / "template", template="karabakh") as template,
        template.transaction() as session,
    ):
        facts = {row.key: row.value for row in session.scalars(select(StudyInfo))}
    engine = database.make_engine(f"sqlite:///{folder / 'study.db'}")
    with engine.begin() as connection:
        for key, value in facts.items():
            connection.execute(insert(StudyInfo).values(key=key, value=value))
    engine.dispose()
    with open_study(folder) as opened:
        record = opened.interviews.get_interview("I1")
        assert record.attributes["place"] == "martuni"
        assert record.attributes["language"] == ["hy", "ru"]
        assert record.complete
        assert [coding.quote for coding in opened.codings.list_codings()] == ["Работы", "No work"]
    assert list(folder.glob("study.db.0004.*.bak"))


def test_0006_downgrades_complete_records_and_refuses_incomplete_ones(
    tmp_path: Path, database_url: str | None
) -> None:
    engine = _database_at_0004_with_data(database_url or f"sqlite:///{tmp_path / 'old.db'}")
    database.upgrade(engine)
    database.downgrade(engine, "0004")
    with engine.connect() as connection:
        place, language = connection.execute(text("SELECT place, language FROM interviews")).one()
        # The downgrade copies `interviews`; the codings that refer to it stay.
        codings = connection.execute(text("SELECT count(*) FROM codings")).scalar()
    assert codings == 2
    assert place == "martuni"
    assert (language if isinstance(language, list) else json.loads(language)) == ["hy", "ru"]
    database.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE interviews SET consent = NULL"))
    with pytest.raises(RuntimeError, match=r"cannot downgrade: 1 interviews .* \(I1\)"):
        database.downgrade(engine, "0004")
    assert database.current_revision(engine) == database.head_revision()
    engine.dispose()


def test_database_itself_refuses_refused_consent_but_not_unknown_consent(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    with study.transaction() as session:
        session.execute(text("UPDATE interviews SET consent = NULL"))
    with pytest.raises(IntegrityError), study.transaction() as session:
        session.execute(
            text("UPDATE interviews SET consent = :no WHERE interview_id = :id"),
            {"no": False, "id": interview_id},
        )


def test_the_head_read_from_the_revision_files_is_alembics_own() -> None:
    assert database.head_revision() == database._alembic_head()


def test_a_database_without_migrations_has_no_revision(tmp_path: Path) -> None:
    engine = database.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert database.current_revision(engine) is None
    finally:
        engine.dispose()


def test_0009_counts_the_characters_of_the_transcripts_already_stored(
    tmp_path: Path, database_url: str | None
) -> None:
    engine = _database_at_0004_with_data(database_url or f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:
        # A character outside the BMP counts once, as Python counts it.
        connection.execute(
            text("UPDATE interviews SET transcript = :text"), {"text": "Работы нет 🙏 No work."}
        )
    database.upgrade(engine, revision="0008")
    database.upgrade(engine)
    with engine.connect() as connection:
        counted = connection.execute(text("SELECT transcript_characters FROM interviews")).one()
    engine.dispose()
    assert counted == (len("Работы нет 🙏 No work."),)


def test_database_itself_refuses_a_wrong_character_count(study: Study) -> None:
    interview_id = add_interview_with_text(study)
    with pytest.raises(IntegrityError), study.transaction() as session:
        session.execute(
            text(
                "UPDATE interviews SET transcript_characters = transcript_characters + 1 "
                "WHERE interview_id = :id"
            ),
            {"id": interview_id},
        )


def test_search_vectors_are_kept_in_the_rows_on_postgresql(study: Study) -> None:
    # Revision 0010: phrase checks read the vector from the row, not from TOAST.
    with study.transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            storage = session.scalar(
                text(
                    "SELECT attstorage FROM pg_attribute WHERE attname = 'search_vector' "
                    "AND attrelid = 'transcript_passages'::regclass"
                )
            )
            assert storage == "m"
        else:
            # SQLite's FTS5 index keeps positions itself: nothing to change there.
            columns = {
                c["name"] for c in inspect(session.connection()).get_columns("transcript_passages")
            }
            assert "search_vector" not in columns


def test_the_tables_a_fast_status_expects_are_the_models_tables() -> None:
    from research.storage.revisions import HEAD_TABLES
    from research.storage.tables import Base

    assert set(Base.metadata.tables) == HEAD_TABLES


def test_0012_puts_old_codings_in_the_coder_layer_and_adds_passes(
    tmp_path: Path, database_url: str | None
) -> None:
    engine = _database_at_0004_with_data(database_url or f"sqlite:///{tmp_path / 'old.db'}")
    database.upgrade(engine, revision="0011")
    database.upgrade(engine)
    try:
        with engine.begin() as connection:
            layers = connection.execute(text("SELECT DISTINCT layer FROM codings")).all()
            assert layers == [("coder",)]
            # The same span, code and coder may stand once in each layer, not twice in one.
            connection.execute(
                text(
                    "INSERT INTO codings (interview_id, code_id, start_offset, end_offset, "
                    "quote, coder, memo, created_at, layer) SELECT interview_id, code_id, "
                    "start_offset, end_offset, quote, coder, memo, created_at, 'consensus' "
                    "FROM codings"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO coding_passes (interview_id, coder, completed_at) "
                    "VALUES ('I1', 'Ani', :stamp)"
                ),
                {"stamp": "2026-01-01 00:00:00"},
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO codings (interview_id, code_id, start_offset, end_offset, "
                    "quote, coder, memo, created_at, layer) SELECT interview_id, code_id, "
                    "start_offset, end_offset, quote, coder, memo, created_at, 'consensus' "
                    "FROM codings WHERE layer = 'consensus'"
                )
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text("UPDATE codings SET layer = 'pooled'"))
    finally:
        engine.dispose()


def test_opening_a_0011_sqlite_file_backs_it_up_and_keeps_its_codings(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    engine = _database_at_0004_with_data(f"sqlite:///{folder / 'study.db'}")
    database.upgrade(engine, revision="0011")
    engine.dispose()
    with open_study(folder) as opened, opened.transaction() as session:
        stored = session.scalars(select(CodingRow.layer)).all()
    assert stored and set(stored) == {"coder"}
    [backup] = folder.glob("study.db.0011.*.bak")
    with sqlite3.connect(backup) as copy:
        columns = [row[1] for row in copy.execute("PRAGMA table_info(codings)")]
    assert "layer" not in columns


def test_0012_downgrades_when_only_coder_layers_are_stored(tmp_path: Path) -> None:
    engine = _database_at_0004_with_data(f"sqlite:///{tmp_path / 'old.db'}")
    database.upgrade(engine)
    database.downgrade(engine, "0011")
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        count = connection.execute(text("SELECT count(*) FROM codings")).scalar()
    engine.dispose()
    assert "coding_passes" not in tables
    assert count == 2


def test_0013_keys_codings_in_text_order_and_drops_the_span_index(
    tmp_path: Path, database_url: str | None
) -> None:
    engine = _database_at_0004_with_data(database_url or f"sqlite:///{tmp_path / 'old.db'}")
    database.upgrade(engine, revision="0012")
    try:
        database.upgrade(engine)
        with engine.connect() as connection:
            found = inspect(connection)
            indexes = {index["name"] for index in found.get_indexes("codings")}
            [unique] = found.get_unique_constraints("codings")
            count = connection.execute(text("SELECT count(*) FROM codings")).scalar()
        assert "ix_codings_interview_span" not in indexes
        assert unique["column_names"] == [
            "interview_id", "start_offset", "end_offset", "code_id", "coder", "layer"
        ]
        assert count == 2
        # Still one coding per code, span, coder and layer.
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO codings (interview_id, code_id, start_offset, end_offset, "
                    "quote, coder, memo, created_at, layer) SELECT interview_id, code_id, "
                    "start_offset, end_offset, quote, coder, memo, created_at, layer "
                    "FROM codings"
                )
            )
        database.downgrade(engine, "0012")
        with engine.connect() as connection:
            found = inspect(connection)
            indexes = {index["name"] for index in found.get_indexes("codings")}
            [unique] = found.get_unique_constraints("codings")
            count = connection.execute(text("SELECT count(*) FROM codings")).scalar()
        assert "ix_codings_interview_span" in indexes
        assert unique["column_names"][:3] == ["interview_id", "code_id", "start_offset"]
        assert count == 2
    finally:
        engine.dispose()


def test_one_interviews_codings_in_text_order_are_read_through_the_key(tmp_path: Path) -> None:
    # SQLite's query plan, whatever database the suite runs on.
    with (
        create_study(tmp_path / "study", template="karabakh") as made,
        made.engine.connect() as connection,
    ):
        plan = " ".join(
            str(row[-1])
            for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT coding_id FROM codings WHERE interview_id = 'I1' "
                "ORDER BY start_offset, end_offset"
            )
        )
    assert "INDEX sqlite_autoindex_codings_1 (interview_id=?)" in plan
    assert "TEMP B-TREE" not in plan
