"""The fictional example studies: size, scripts, labels, coverage of the codebook, determinism."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from research.demo import (
    DEMO_CODERS,
    EXAMPLES,
    build_demo,
    load_demo_interviews,
    write_plain_transcripts,
)
from research.demo.builder import DemoInterview, demo_codings
from research.errors import ResearchError, StudyExistsError
from research.services import study_info, timeline
from research.study import Study

LABEL = "FICTIONAL DEMO INTERVIEW"


def test_at_least_24_interviews_of_500_to_1500_words() -> None:
    demo = load_demo_interviews()
    assert len(demo) >= 24
    words = {item.interview_id: len(item.text.split()) for item in demo}
    assert all(500 <= count <= 1500 for count in words.values()), words


def test_every_transcript_is_labelled_fictional() -> None:
    assert all(item.text.startswith(LABEL) for item in load_demo_interviews())


def test_transcripts_mix_armenian_cyrillic_and_a_character_outside_the_bmp() -> None:
    text = "".join(item.text for item in load_demo_interviews())
    assert any("\u0531" <= ch <= "\u058f" for ch in text)  # Armenian block
    assert any("\u0400" <= ch <= "\u04ff" for ch in text)  # Cyrillic block
    assert any(ord(ch) > 0xFFFF for ch in text)
    armenian = sum(
        1 for item in load_demo_interviews() if any("\u0531" <= ch <= "\u058f" for ch in item.text)
    )
    assert armenian >= 6


def test_transcripts_are_canonical() -> None:
    for item in load_demo_interviews():
        assert unicodedata.is_normalized("NFC", item.text)
        assert "\r" not in item.text


def test_profiles_cover_the_study_population() -> None:
    demo = load_demo_interviews()
    places = {item.interview["place"] for item in demo}
    roles = {item.respondent["role"] for item in demo}
    eras = {item.respondent.get("migration_era") for item in demo}
    assert {"martuni", "moscow", "krasnodar"} <= places
    assert {"migrant", "stayed", "returnee"} <= roles
    assert {"soviet", "after_1994"} <= eras
    assert {item.respondent["gender"] for item in demo} == {"female", "male"}
    assert any(item.respondent.get("refugee_origin") for item in demo)
    repeat = Counter(item.respondent_id for item in demo)
    assert max(repeat.values()) >= 2


def test_every_applicable_code_is_used_by_both_coders(demo_study: Study) -> None:
    codebook = demo_study.codebook()
    applicable = {code.code_id for code in codebook.applicable_codes()}
    for coder in DEMO_CODERS:
        used = {c.code_id for c in demo_study.codings.list_codings(coder=coder)}
        assert applicable - used == set(), coder


def test_coders_disagree_realistically() -> None:
    first, second = (
        {
            (c.interview_id, c.code, c.start_offset, c.end_offset)
            for item in load_demo_interviews()
            for c in demo_codings(item)
            if c.coder == coder
        }
        for coder in DEMO_CODERS
    )
    shared = len(first & second) / len(first | second)
    assert 0.5 < shared < 0.95


def test_every_interview_is_coded_by_both_coders(demo_study: Study) -> None:
    coded = {(c.interview_id, c.coder) for c in demo_study.codings.list_codings()}
    for interview in demo_study.interviews.list_interviews():
        for coder in DEMO_CODERS:
            assert (interview.interview_id, coder) in coded


def test_demo_build_is_deterministic(tmp_path: Path) -> None:
    dumps = []
    for name in ("a", "b"):
        with build_demo(tmp_path / name) as built:
            dumps.append(
                [c.model_dump(exclude={"coding_id"}) for c in built.codings.list_codings()]
            )
    assert dumps[0] == dumps[1]
    assert len(dumps[0]) > 24 * 10


def test_demo_study_is_marked_fictional(demo_study: Study) -> None:
    summary = demo_study.summary()
    assert summary.fictional
    assert "FICTIONAL" in summary.name


# The second example: labour migration from Central Asia

CENTRAL_ASIA = "central-asia"
TEMPLATE_FILES = {"codebook.yaml", "dictionary.yaml", "settings.yaml", "timeline.yaml"}


def central_asia() -> list[DemoInterview]:
    return load_demo_interviews(CENTRAL_ASIA)


def test_central_asia_has_ten_to_twelve_labelled_transcripts_of_a_few_hundred_words() -> None:
    demo = central_asia()
    assert 10 <= len(demo) <= 12
    words = {item.interview_id: len(item.text.split()) for item in demo}
    assert all(200 <= count <= 700 for count in words.values()), words
    assert all(item.text.startswith(LABEL) for item in demo)
    assert all(unicodedata.is_normalized("NFC", item.text) for item in demo)


def test_central_asia_transcripts_mix_russian_tajik_uzbek_kyrgyz_and_an_emoji() -> None:
    text = "".join(item.text for item in central_asia())
    assert any(letter in text for letter in "ӣӯҷ")  # Tajik
    assert "ў" in text  # Uzbek
    assert any(letter in text for letter in "үөң")  # Kyrgyz
    assert "«" in text and "Документы" in text  # Russian
    assert any(ord(character) > 0xFFFF for character in text)


def test_central_asia_profiles_cover_its_population_on_both_sides_of_the_cut() -> None:
    demo = central_asia()
    assert {item.respondent["origin_country"] for item in demo} == {
        "tajikistan", "uzbekistan", "kyrgyzstan",
    }  # fmt: skip
    assert {item.respondent["destination_country"] for item in demo} == {"russia", "kazakhstan"}
    assert {item.respondent["role"] for item in demo} == {"migrant", "returnee", "family_member"}
    assert {item.respondent["gender"] for item in demo} == {"female", "male"}
    years = [item.respondent["first_departure_year"] for item in demo]
    assert min(years) < 2015 <= max(years)


def test_central_asia_example_is_a_template_folder() -> None:
    folder = EXAMPLES[CENTRAL_ASIA].files()
    names = {entry.name for entry in folder.iterdir()}
    assert TEMPLATE_FILES | {"transcripts"} <= names


def test_central_asia_study_keeps_its_own_codebook_dictionary_settings_and_timeline(
    central_asia_study: Study,
) -> None:
    assert central_asia_study.codebook().name == "Labour migration from Central Asia"
    with central_asia_study.transaction() as session:
        dictionary = study_info.load_dictionary(session)
        settings = study_info.load_settings(session)
        events = timeline.list_events(session)
    analysed = [attribute.name for attribute in dictionary.attributes if attribute.analysis]
    assert analysed == ["gender", "origin_country", "destination_country"]
    assert {"interview_date", "consent", "place", "interviewer", "language"} <= set(
        dictionary.names("interview")
    )
    assert settings.report.era is not None and settings.report.era.cuts == [2015]
    assert settings.report.ranking is None and settings.report.regression is None
    assert 10 <= len(events) <= 14
    assert all(event.source.strip() for event in events)
    assert all(event.note for event in events if event.contested)
    karabakh = {event.event for event in timeline.default_events()}
    assert not karabakh & {event.event for event in events}


def test_central_asia_codes_are_used_by_both_coders(central_asia_study: Study) -> None:
    applicable = {code.code_id for code in central_asia_study.codebook().applicable_codes()}
    assert 12 <= len(applicable) <= 20
    coders = EXAMPLES[CENTRAL_ASIA].coders
    for coder in coders:
        used = {c.code_id for c in central_asia_study.codings.list_codings(coder=coder)}
        assert applicable - used == set(), coder
    coded = {(c.interview_id, c.coder) for c in central_asia_study.codings.list_codings()}
    for interview in central_asia_study.interviews.list_interviews():
        assert all((interview.interview_id, coder) in coded for coder in coders)


def test_central_asia_coders_disagree() -> None:
    first, second = (
        {
            (c.interview_id, c.code, c.start_offset, c.end_offset)
            for item in central_asia()
            for c in demo_codings(item, CENTRAL_ASIA)
            if c.coder == coder
        }
        for coder in EXAMPLES[CENTRAL_ASIA].coders
    )
    shared = len(first & second) / len(first | second)
    assert 0.3 < shared < 0.95


def test_central_asia_study_is_marked_fictional(central_asia_study: Study) -> None:
    summary = central_asia_study.summary()
    assert summary.fictional and "FICTIONAL" in summary.name


def test_an_unknown_example_is_refused_naming_the_examples(tmp_path: Path) -> None:
    with pytest.raises(ResearchError, match="no example study 'atlantis'; the examples are "):
        build_demo(tmp_path / "x", example="atlantis")
    assert not (tmp_path / "x").exists()


def test_plain_transcripts_carry_no_markup_and_a_sheet_for_every_file(tmp_path: Path) -> None:
    written = write_plain_transcripts(tmp_path / "plain", "central-asia")
    *transcripts, sheet = written
    assert sheet.name == "interviews.csv"
    texts = [path.read_text(encoding="utf-8") for path in transcripts]
    assert texts and not any("{{" in text or "---" in text.splitlines()[0] for text in texts)
    rows = sheet.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("file,respondent_id,")
    assert sorted(row.split(",")[0] for row in rows[1:]) == sorted(p.name for p in transcripts)


def test_plain_transcripts_refuse_a_folder_that_holds_files(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("my own transcript", encoding="utf-8")
    with pytest.raises(StudyExistsError, match="not an empty folder"):
        write_plain_transcripts(tmp_path, "central-asia")
    assert [path.name for path in tmp_path.iterdir()] == ["mine.txt"]
