"""ё and е find each other (revision 0015): Russian writes ё as е as often as not. The hit is
shown as written, at its own offsets; the index holds е only, on both databases, and a
study indexed before the revision is indexed again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from research.storage import database
from research.study import Study, create_study
from tests.research.helpers import add_interview_with_text
from tests.research.test_passage_offsets import _indexed_words

TEXT = "Мы ставили ёлку. Зелёные Ёлки росли у дома, а елки в лесу. Её звали Алёна.\n"


def _matches(study: Study, query: str) -> list[str]:
    page = study.transcript_search.search_transcripts(query, include_incomplete=True)
    return [TEXT[hit.start_offset : hit.end_offset] for hit in page.hits]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("елки", ["Ёлки", "елки"]),
        ("ёлки", ["Ёлки", "елки"]),
        ("ЁЛКУ", ["ёлку"]),
        ("зеленые елки", ["Зелёные Ёлки"]),
        ("зелёные ёлки", ["Зелёные Ёлки"]),
        ("алена", ["Алёна"]),
        ("ее", ["Её"]),
        ("ел*", ["ёл", "Ёл", "ел"]),  # a prefix hit is the prefix as written
    ],
)
def test_yo_and_ye_find_each_other_at_the_offsets_written(
    study: Study, query: str, found: list[str]
) -> None:
    add_interview_with_text(study, TEXT)
    assert _matches(study, query) == found


def test_the_sqlite_index_holds_ye_only(tmp_path: Path) -> None:
    with create_study(tmp_path / "study", template="karabakh") as study:
        add_interview_with_text(study, TEXT)
        words = _indexed_words(study.engine)
        assert {"елки", "зеленые", "алена", "ее"} <= set(words)
        assert not [word for word in words if "ё" in word]
        # The delete trigger takes out exactly what was indexed: nothing is left behind.
        study.interviews.remove_interview("I01")
        assert _indexed_words(study.engine) == {}


def _stored_words(engine: Engine) -> set[str]:
    """The words the database's index holds, on either backend."""
    if engine.dialect.name == "sqlite":
        return set(_indexed_words(engine))
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT word FROM ts_stat('SELECT search_vector FROM transcript_passages')")
        )
        return {row[0] for row in rows}


def test_0015_indexes_a_study_again_and_a_downgrade_gives_the_old_index_back(
    tmp_path: Path, database_url: str | None
) -> None:
    folder = tmp_path / "study"
    with create_study(folder, template="karabakh", database_url=database_url) as made:
        add_interview_with_text(made, TEXT)
    url = database_url or f"sqlite:///{folder / 'study.db'}"
    engine = database.make_engine(url)
    try:
        database.downgrade(engine, "0014")
        assert {"ёлки", "зелёные"} <= _stored_words(engine)
        assert "елки" in _stored_words(engine)  # written so in the text too
        database.upgrade(engine)
        words = _stored_words(engine)
        assert {"елки", "зеленые", "алена"} <= words
        assert not [word for word in words if "ё" in word]
        if engine.dialect.name == "sqlite":
            # The upgraded trigger deletes with ё as е: a replaced text leaves nothing.
            with engine.begin() as connection:
                connection.execute(
                    text("UPDATE interviews SET transcript = 'x y', transcript_characters = 3")
                )
            assert _stored_words(engine) == set()
    finally:
        engine.dispose()
