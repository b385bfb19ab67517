"""Indexed search of transcripts: hits in any script, phrases, context, codes, filters,
the index kept in step with changed and removed transcripts, incomplete interviews."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, inspect, text

from research.errors import ResearchError
from research.services.search import (
    OVERLAP,
    _locate_by_tokens,
    locate,
    parse_query,
    passages_of,
)
from research.services.transcript_search import SearchPage, has_index, search_transcripts
from research.storage import database
from research.study import Study, create_study
from tests.research.helpers import (
    MIXED_TEXT,
    add_interview_with_text,
    shipped_revision,
    transcript,
)

MOSCOW = dict(place="moscow")


def _search(study: Study, query: str, **options: object) -> SearchPage:
    page: SearchPage = study.transcript_search.search_transcripts(query, **options)
    return page


def _stored_text(study: Study, interview_id: str) -> str:
    record = study.interviews.get_interview(interview_id)
    assert record.transcript is not None
    return record.transcript


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("moscow", "Moscow"),  # Latin
        ("РАБОТЫ", "Работы"),  # Cyrillic, case folded
        ("մարտունիում", "Մարտունիում"),  # Armenian, case folded
    ],
)
def test_a_word_is_found_in_each_script_at_its_code_point_offsets(
    study: Study, query: str, expected: str
) -> None:
    add_interview_with_text(study)
    page = _search(study, query)
    [hit] = page.hits
    assert (hit.interview_id, hit.respondent_id, hit.match) == ("I01", "R01", expected)
    assert _stored_text(study, "I01")[hit.start_offset : hit.end_offset] == expected
    assert page.interviews == 1 and not page.more


def test_offsets_count_code_points_past_an_emoji(study: Study) -> None:
    add_interview_with_text(study, "🙏🙏 сказал он. 🙏 Сказал снова.")
    hits = _search(study, "сказал").hits
    assert [(hit.start_offset, hit.end_offset) for hit in hits] == [(3, 9), (16, 22)]


def test_a_phrase_is_its_words_in_order_across_punctuation_and_lines(study: Study) -> None:
    add_interview_with_text(study, "He said: no work,\nat all. At all, work no.")
    [hit] = _search(study, "no work at all").hits
    assert hit.match == "no work, at all"
    assert _search(study, "all at no").hits == []
    assert [h.match for h in _search(study, "work no").hits] == ["work no"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("laughs", "laughs"),  # a transcription convention PostgreSQL's parser takes for a tag
        ("petrosyan", "Petrosyan"),  # half of a hyphenated name
        ("mail ru", "mail.ru"),  # part of an address
        ("3 5", "3.5"),
    ],
)
def test_words_inside_punctuation_are_found_on_every_backend(
    study: Study, query: str, expected: str
) -> None:
    add_interview_with_text(
        study, "<laughs> Ter-Petrosyan wrote to anna@mail.ru about 3.5 million."
    )
    assert [hit.match for hit in _search(study, query).hits] == [expected]


def test_each_hit_shows_words_either_side(study: Study) -> None:
    add_interview_with_text(study, "one two three four FIVE six seven eight nine")
    [hit] = _search(study, "five", context_words=2).hits
    assert (hit.before, hit.match, hit.after) == ("three four ", "FIVE", " six seven")
    [edge] = _search(study, "one", context_words=3).hits
    assert (edge.before, edge.after) == ("", " two three four")
    [bare] = _search(study, "five", context_words=0).hits
    assert (bare.before, bare.after) == ("", "")


def test_a_prefix_hit_reads_on_into_the_rest_of_its_word(study: Study) -> None:
    add_interview_with_text(study, "«Москва слезам не верит»,\n\n  сказал он.")
    [hit] = _search(study, "москв*", context_words=2).hits
    assert (hit.before, hit.match, hit.after) == ("«", "Москв", "а слезам")
    [phrase] = _search(study, "не верит", context_words=1).hits
    assert phrase.before + phrase.match + phrase.after == "слезам не верит», сказал"


def test_an_armenian_word_is_found_when_written_with_a_question_mark_inside(
    study: Study,
) -> None:
    add_interview_with_text(study, "Նա հարցրեց՝ ինչո՞ւ գնացիր։")
    [hit] = _search(study, "ինչու").hits
    assert hit.match == "ինչո՞ւ"
    assert [h.match for h in _search(study, "ինչո՞ւ գնացիր").hits] == ["ինչո՞ւ գնացիր"]


def test_a_trailing_star_finds_words_that_begin_so(study: Study) -> None:
    add_interview_with_text(study)
    [hit] = _search(study, "Մարտունի*").hits
    assert hit.match == "Մարտունի"
    assert _search(study, "Մարտունի").hits == []


def test_the_codes_applied_at_a_hit_are_shown(study: Study) -> None:
    add_interview_with_text(study)
    text_ = _stored_text(study, "I01")
    start = text_.index("no work")
    study.codings.add_coding(
        interview_id="I01",
        code="unemployment",
        start_offset=start,
        end_offset=start + len("no work at all"),
        coder="ani",
    )
    [coded] = _search(study, "work").hits
    [uncoded] = _search(study, "Moscow").hits
    assert coded.codes == ["motives/economy/unemployment"]
    assert uncoded.codes == []


def test_a_changed_transcript_is_searched_as_it_is_now(study: Study) -> None:
    add_interview_with_text(study, "The old text speaks of Yerevan.")
    study.interviews.set_transcript("I01", transcript("Новый текст о Москве."))
    assert _search(study, "yerevan").hits == []
    assert [hit.match for hit in _search(study, "москве").hits] == ["Москве"]


def test_each_stored_passage_is_indexed_once_through_imports_and_replacements(
    study: Study, tmp_path: Path
) -> None:
    long_text = " ".join(["Москва"] * 1200 + ["Մարտունի"]) + "\n"
    files = []
    for number in range(3):
        path = tmp_path / f"S{number}.txt"
        path.write_text(long_text, encoding="utf-8")
        files.append(path)
    study.interviews.import_transcripts(files)
    study.interviews.set_transcript("S1", transcript("Ереван, and nothing more."))
    with study.transaction() as session:
        passages = session.execute(text("SELECT count(*) FROM transcript_passages")).scalar()
    assert passages is not None and passages > 3
    assert len(_matching_passages(study.engine, "москва")) == passages - 1
    assert _matching_passages(study.engine, "ереван") == [("S1", 0)]
    if study.engine.dialect.name == "sqlite":
        with study.engine.connect() as connection:
            indexed = connection.execute(text("SELECT count(*) FROM transcript_index")).scalar()
        assert indexed == passages


def test_a_removed_interview_is_no_longer_found(study: Study) -> None:
    add_interview_with_text(study)
    add_interview_with_text(study, "Moscow again.", interview_id="I02")
    study.interviews.remove_interview("I01")
    page = _search(study, "moscow")
    assert [hit.interview_id for hit in page.hits] == ["I02"]
    with study.transaction() as session:
        left = session.execute(text("SELECT count(*) FROM transcript_passages")).scalar()
    assert left == 1
    # The index itself forgot it (SQLite's triggers fire on the cascade too).
    assert _matching_passages(study.engine, "moscow") == [("I02", 0)]
    if study.engine.dialect.name == "sqlite":
        with study.engine.connect() as connection:
            indexed = connection.execute(
                text("SELECT rowid FROM transcript_index WHERE transcript_index MATCH 'moscow'")
            ).all()
        assert len(indexed) == 1


def test_attribute_filters_narrow_the_interviews_searched(study: Study) -> None:
    add_interview_with_text(study)
    add_interview_with_text(study, interview_id="I02")
    study.interviews.update_interview("I02", MOSCOW)
    page = _search(study, "moscow", where=["place=moscow"])
    assert [hit.interview_id for hit in page.hits] == ["I02"]
    assert page.interviews == 1
    assert _search(study, "moscow", where=["place=krasnodar"]).hits == []


def test_nothing_found_is_an_empty_page(study: Study) -> None:
    add_interview_with_text(study)
    page = _search(study, "Vladivostok")
    assert (page.hits, page.interviews, page.more, page.held_back) == ([], 0, False, 0)


def test_a_study_without_transcripts_finds_nothing(study: Study) -> None:
    assert _search(study, "anything").hits == []


@pytest.mark.parametrize("query", ["", "   ", "*"])
def test_an_empty_query_is_refused(study: Study, query: str) -> None:
    with pytest.raises(ResearchError, match="^type a word or phrase to search the transcripts"):
        _search(study, query)


@pytest.mark.parametrize("query", ["«…» —", "😀", "🇦🇲 !"])
def test_a_query_of_symbols_alone_is_refused_saying_why(study: Study, query: str) -> None:
    with pytest.raises(ResearchError) as refused:
        _search(study, query)
    assert str(refused.value) == (
        f"“{query}” holds no word to search for: the index holds words of letters and digits, "
        "not punctuation, symbols or emoji"
    )


def test_a_query_of_control_characters_is_echoed_inert(study: Study) -> None:
    with pytest.raises(ResearchError) as refused:
        _search(study, "\x1b«\u202e»")
    assert str(refused.value).startswith("“\\x1b«\\u202e»” holds no word to search for")


def test_an_accent_typed_as_a_combining_mark_finds_the_composed_letter(study: Study) -> None:
    # Transcripts are stored composed (NFC); macOS and PDFs often give `e` and U+0301.
    add_interview_with_text(study, "Мы встретились в café «Ереван» в Москве.")
    for query in ("cafe\u0301", "café", "CAFE\u0301 «ереван»"):
        [hit] = _search(study, query).hits
        assert hit.match in ("café", "café «Ереван")
    assert _search(study, "cafe").hits == []


def test_bad_paging_is_refused_clearly(study: Study) -> None:
    with pytest.raises(ResearchError, match="limit must be between 1 and 500, not 0"):
        _search(study, "work", limit=0)
    with pytest.raises(ResearchError, match="offset must be 0 or more"):
        _search(study, "work", offset=-1)


def test_pages_of_hits_cover_every_hit_once_across_passages(study: Study) -> None:
    # Long enough for several passages, with hits in the overlaps between them.
    count = 6000
    words = [f"w{index}" for index in range(count)]
    for index in range(0, count, 37):
        words[index : index + 2] = ["no", "work"]
    body = " ".join(words)
    add_interview_with_text(study, body)
    expected = locate(body, parse_query("no work"))
    pages = []
    offset = 0
    while True:
        page = _search(study, "no work", offset=offset, limit=7)
        pages.extend((hit.start_offset, hit.end_offset) for hit in page.hits)
        if not page.more:
            break
        offset += 7
    assert len(passages_of(body)) > 3
    assert pages == expected and len(expected) == len(range(0, count, 37))


def test_hits_come_in_interview_order_by_date(study: Study) -> None:
    add_interview_with_text(study, "work", interview_id="I01")
    add_interview_with_text(study, "work", interview_id="I02")
    study.interviews.update_interview("I02", {"interview_date": "1999-01-01"})
    assert [hit.interview_id for hit in _search(study, "work").hits] == ["I02", "I01"]


def test_incomplete_interviews_are_held_back_unless_asked_for(study: Study, tmp_path: Path) -> None:
    add_interview_with_text(study)
    (tmp_path / "anna.txt").write_text("Anna went to Moscow in 1996.", encoding="utf-8")
    study.interviews.import_transcripts([tmp_path / "anna.txt"])
    page = _search(study, "moscow")
    assert [hit.interview_id for hit in page.hits] == ["I01"]
    assert (page.interviews, page.held_back) == (1, 1)
    everything = _search(study, "moscow", include_incomplete=True)
    assert {(hit.interview_id, hit.complete) for hit in everything.hits} == {
        ("I01", True),
        ("anna", False),
    }
    assert (everything.interviews, everything.held_back) == (2, 0)


def test_the_list_search_uses_the_index_and_keeps_the_first_hit(study: Study) -> None:
    add_interview_with_text(study)
    [match] = study.interviews.search_interviews("РАБОТ")
    assert match.snippet.match == "Работ"
    assert match.snippet.hits == 1
    assert study.interviews.search_interviews("Vladivostok") == []


def test_search_reads_every_passage_when_sqlite_has_no_full_text_index(tmp_path: Path) -> None:
    # SQLite only: a SQLite built without FTS5 gets no index; PostgreSQL's is built in.
    with create_study(tmp_path / "study", template="karabakh") as study:
        add_interview_with_text(study)
        (tmp_path / "anna.txt").write_text("Moscow, said Anna.", encoding="utf-8")
        study.interviews.import_transcripts([tmp_path / "anna.txt"])
        with study.transaction() as session:
            # Revision 0014's triggers delete; the service inserts.
            for trigger in ("retext", "forget", "delete"):
                session.execute(text(f"DROP TRIGGER transcript_index_{trigger}"))
            session.execute(text("DROP TABLE transcript_index"))
            assert not has_index(session)
            page = search_transcripts(session, "moscow")
    assert [hit.match for hit in page.hits] == ["Moscow"]
    assert (page.indexed, page.interviews, page.held_back) == (False, 1, 1)


def _matching_passages(engine: Engine, word: str) -> list[tuple[str, int]]:
    """(interview_id, start_offset) of the passages the database's own index matches."""
    if engine.dialect.name == "sqlite":
        condition = (
            "passage_id IN (SELECT rowid FROM transcript_index WHERE transcript_index MATCH :w)"
        )
    else:
        condition = "search_vector @@ plainto_tsquery('simple', :w)"
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                f"SELECT interview_id, start_offset FROM transcript_passages WHERE {condition} "
                "ORDER BY interview_id, start_offset"
            ),
            {"w": word},
        )
        return [(row[0], row[1]) for row in rows]


def _cut_by_revision_0008(text_: str) -> list[tuple[int, int, str]]:
    return list(shipped_revision("0008_transcript_index")._passages(text_))


def test_the_migration_indexes_the_transcripts_already_stored(
    tmp_path: Path, database_url: str | None
) -> None:
    engine = database.make_engine(database_url or f"sqlite:///{tmp_path / 'old.db'}")
    database.upgrade(engine, revision="0006")
    long_text = " ".join(["слово"] * 1500 + ["Մարտունի"])
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO respondents (respondent_id, attributes, created_at, updated_at) "
                "VALUES ('R1', '{}', :stamp, :stamp)"
            ),
            {"stamp": "2020-01-01 00:00:00"},
        )
        for interview_id, transcript_text in (("I1", long_text), ("I2", None)):
            connection.execute(
                text(
                    "INSERT INTO interviews (interview_id, respondent_id, attributes, "
                    "transcript, created_at, updated_at) "
                    "VALUES (:id, 'R1', '{}', :text, :stamp, :stamp)"
                ),
                {"id": interview_id, "text": transcript_text, "stamp": "2020-01-01 00:00:00"},
            )
    database.upgrade(engine)
    # Cut as the revision cut them (passages are cut at another size since revision 0014).
    cuts = _cut_by_revision_0008(long_text)
    try:
        assert _matching_passages(engine, "ՄԱՐՏՈՒՆԻ") == [("I1", cuts[-1][0])]
        assert len(_matching_passages(engine, "слово")) == len(cuts) > 1
        database.downgrade(engine, "0006")
        assert "transcript_passages" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


@given(st.text(alphabet=st.sampled_from("ab Ա\nж.🙏"), max_size=9000))
def test_passages_cover_the_text_and_each_runs_on_past_its_own_end(text_: str) -> None:
    passages = passages_of(text_)
    assert "".join(text_[p.start_offset : p.own_end_offset] for p in passages) == text_
    for passage in passages:
        assert text_[passage.start_offset :].startswith(passage.body)
        end = passage.start_offset + len(passage.body)
        assert end == len(text_) or end >= passage.own_end_offset + OVERLAP


def test_mixed_text_is_found_whole(study: Study) -> None:
    add_interview_with_text(study, MIXED_TEXT)
    [hit] = _search(study, "он сказал работы нет").hits
    assert hit.match == "Он сказал: «Работы нет"


@given(
    st.text(alphabet=st.sampled_from("aB ß.Жж\nԵեւև՞ի-_"), max_size=200),
    st.sampled_from(["a", "ж b", "ե", "եւ", "ss", "b ж", "ի", "a_b"]),
    st.booleans(),
)
def test_the_quick_way_and_the_token_way_find_the_same_hits(
    body: str, words: str, prefix: bool
) -> None:
    query = parse_query(words, prefix=prefix)
    by_tokens = _locate_by_tokens(body, query, base_offset=5)
    assert locate(body, query, base_offset=5) == by_tokens
    plain = body.replace("ß", "s").replace("և", "e").replace("\u055e", "-")
    assert locate(plain, query) == _locate_by_tokens(plain, query, base_offset=0)
