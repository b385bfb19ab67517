"""The fictional demo study: size, scripts, labels, coverage of the codebook, determinism."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

from research.demo import DEMO_CODERS, build_demo, load_demo_interviews
from research.demo.builder import demo_codings
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
