"""Passages as offsets into their transcript (revision 0014): no copy of the text stored, the
index kept in step when a transcript is replaced or its interview goes, and old studies
upgraded (and downgraded) with their passages' texts intact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from research.services import search
from research.services.search import passage_cuts
from research.storage import database
from research.study import Study, create_study
from tests.research.helpers import add_interview_with_text, transcript

# Long enough for several passages; Armenian with an in-word mark, Cyrillic, Latin.
LONG = " ".join(
    f"{word}{number}" for number in range(900) for word in ("Մարտու՞նի", "работа", "field")
)
REPLACEMENT = "Հիմա ուրիշ տեքստ է: Теперь другой текст. Another text now."


def _passages(engine: Engine) -> list[tuple[str, int, int, int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT interview_id, start_offset, own_end_offset, end_offset "
                "FROM transcript_passages ORDER BY interview_id, start_offset"
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _as_offsets(text_: str) -> list[tuple[str, int, int, int]]:
    """The passages of interview I01 with `text_`, as stored: offsets only."""
    cuts = passage_cuts(text_)
    return [("I01", start, own_end, start + len(body)) for start, own_end, body in cuts]


def _words_per_passage(text_: str) -> dict[str, int]:
    """Each word of `text_` (as LONG writes them) with the number of passages holding it."""
    words: dict[str, int] = {}
    for _, _, body in passage_cuts(text_):
        for word in set(body.replace("՞", "").lower().split()):
            words[word] = words.get(word, 0) + 1
    return words


def _indexed_words(engine: Engine) -> dict[str, int]:
    """SQLite: every word in the FTS5 index, with the number of passages holding it."""
    with engine.connect() as connection:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.indexed_words "
            "USING fts5vocab(main, transcript_index, 'row')"
        )
        return dict(
            connection.exec_driver_sql("SELECT term, doc FROM temp.indexed_words").all()
        )


@pytest.fixture
def sqlite_study(tmp_path: Path) -> Iterator[Study]:
    with create_study(tmp_path / "study", template="karabakh") as created:
        yield created


def test_a_passage_keeps_offsets_into_its_transcript_and_no_copy_of_it(study: Study) -> None:
    add_interview_with_text(study, LONG)
    with study.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("transcript_passages")}
    assert "body" not in columns
    cuts = passage_cuts(LONG)
    assert len(cuts) > 3
    assert _passages(study.engine) == _as_offsets(LONG)
    # A hit in a passage's overlap, and one far into the text, are found where they are.
    word = f"работа{899}"
    [hit] = study.transcript_search.search_transcripts(word).hits
    assert LONG[hit.start_offset : hit.end_offset] == word
    second_own_end = cuts[1][1]
    following = LONG[second_own_end:].split()[1]
    [hit] = study.transcript_search.search_transcripts(following).hits
    assert LONG[hit.start_offset : hit.end_offset] == following
    [match] = study.interviews.search_interviews("field450")
    assert match.snippet.match == "field450"


def test_the_index_holds_each_passages_text(study: Study) -> None:
    add_interview_with_text(study, LONG)
    if study.engine.dialect.name == "sqlite":
        assert _indexed_words(study.engine) == _words_per_passage(LONG)
        return
    # PostgreSQL: each stored vector is that of its passage's text, read from the transcript.
    with study.engine.connect() as connection:
        differing = connection.exec_driver_sql(
            "SELECT count(*) FROM transcript_passages p JOIN interviews i USING (interview_id) "
            "WHERE p.search_vector IS DISTINCT FROM to_tsvector('simple', translate("
            "substr(i.transcript, p.start_offset + 1, p.end_offset - p.start_offset), "
            "'՞', ''))"
        ).scalar()
        total = connection.exec_driver_sql("SELECT count(*) FROM transcript_passages").scalar()
    assert total == len(passage_cuts(LONG)) and differing == 0


def test_a_replaced_transcript_takes_its_old_words_out_of_the_index(sqlite_study: Study) -> None:
    add_interview_with_text(sqlite_study, LONG)
    before = _indexed_words(sqlite_study.engine)
    assert before["մարտունի899"] == 1 and before["работа0"] == 1
    sqlite_study.interviews.set_transcript("I01", transcript(REPLACEMENT))
    after = _indexed_words(sqlite_study.engine)
    # Nothing of the old text is left, only the new text's words, each in its one passage.
    assert after == {word: 1 for word in ["հիմա", "ուրիշ", "տեքստ", "է", "теперь", "другой",
                                           "текст", "another", "text", "now"]}
    assert _passages(sqlite_study.engine) == [("I01", 0, len(REPLACEMENT), len(REPLACEMENT))]
    assert sqlite_study.transcript_search.search_transcripts("работа0").hits == []
    [hit] = sqlite_study.transcript_search.search_transcripts("другой текст").hits
    assert hit.match == "другой текст"


def test_the_same_text_cut_anew_leaves_only_its_new_passages_in_the_index(
    sqlite_study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Passages stored at another size (as before revision 0014), then the same text given
    # again: no column of the interview changes, and its old passages are deleted.
    passages, words = _as_offsets(LONG), _words_per_passage(LONG)
    monkeypatch.setattr(search, "PASSAGE_CHARACTERS", 1000)
    add_interview_with_text(sqlite_study, LONG)
    assert len(_passages(sqlite_study.engine)) > len(passages)
    monkeypatch.undo()
    sqlite_study.interviews.set_transcript("I01", transcript(LONG))
    assert _passages(sqlite_study.engine) == passages
    assert _indexed_words(sqlite_study.engine) == words


def test_an_interview_removed_or_its_respondent_takes_its_words_out_of_the_index(
    sqlite_study: Study,
) -> None:
    add_interview_with_text(sqlite_study, LONG)
    add_interview_with_text(sqlite_study, REPLACEMENT, respondent_id="R02", interview_id="I02")
    sqlite_study.interviews.remove_interview("I01")
    assert "работа0" not in _indexed_words(sqlite_study.engine)
    assert "теперь" in _indexed_words(sqlite_study.engine)
    sqlite_study.respondents.remove_respondent("R02", cascade=True)
    assert _indexed_words(sqlite_study.engine) == {}
    assert _passages(sqlite_study.engine) == []


def test_0014_keeps_each_passages_text_as_offsets_and_a_downgrade_gives_it_back(
    tmp_path: Path, database_url: str | None
) -> None:
    url = database_url or f"sqlite:///{tmp_path / 'old.db'}"
    folder = tmp_path / "study"
    with create_study(folder, template="karabakh", database_url=database_url) as made:
        add_interview_with_text(made, LONG)
    engine = database.make_engine(url if database_url else f"sqlite:///{folder / 'study.db'}")
    try:
        database.downgrade(engine, "0013")
        with engine.connect() as connection:
            bodies = connection.execute(
                text("SELECT start_offset, own_end_offset, body FROM transcript_passages "
                     "ORDER BY start_offset")
            ).all()
        assert [tuple(row) for row in bodies] == [tuple(cut) for cut in passage_cuts(LONG)]
        database.upgrade(engine)
        assert _passages(engine) == _as_offsets(LONG)
        if engine.dialect.name == "sqlite":
            # The upgrade's triggers keep the index in step with a replaced transcript.
            with engine.begin() as connection:
                connection.execute(
                    text("UPDATE interviews SET transcript = 'x y', transcript_characters = 3")
                )
            assert _indexed_words(engine) == {}
            assert _passages(engine) == []
    finally:
        engine.dispose()
