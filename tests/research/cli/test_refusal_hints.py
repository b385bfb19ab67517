"""Refusals name the option that gets past them; the domain and services name none."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import Result

from interviews.errors import AmbiguousQuoteError, UndecodableTranscriptError
from interviews.text import decode_transcript
from research.cli.refusals import HINTS, hint_for
from research.errors import MetadataSheetError, UnconfirmedWarningsError
from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.cli.test_cli import INTERVIEW_FLAGS, RESPONDENT_FLAGS
from tests.research.helpers import add_interview_with_text, counts

CP1252_TEXT = "R: We’re at the café “Hot Rodeo” – every Sunday.\n"


def _respondent(run: Run, study: Study) -> None:
    result = run("respondents", "add", "R07", *RESPONDENT_FLAGS, "--study", str(study.folder))
    assert result.exit_code == 0, result.output


def _add_interview(run: Run, study: Study, transcript: Path, *encoding: str) -> Result:
    return run(
        "interviews",
        "add",
        "-r",
        "R07",
        "--id",
        "I1",
        *INTERVIEW_FLAGS,
        "--transcript",
        str(transcript),
        *encoding,
        "--study",
        str(study.folder),
    )


def test_a_cp1252_transcript_is_refused_naming_line_column_and_encoding_option(
    run: Run, study: Study, tmp_path: Path
) -> None:
    _respondent(run, study)
    transcript = tmp_path / "cafe.txt"
    transcript.write_bytes(("Interview 7\n" + CP1252_TEXT).encode("cp1252"))
    result = _add_interview(run, study, transcript)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: cafe.txt, line 2, column 6: byte 0x92 cannot be decoded as utf-8 "
        "(name its encoding: --encoding cp1252, or perhaps cp1250)"
    )
    assert counts(study) == (1, 0, 0)
    named = _add_interview(run, study, transcript, "--encoding", "cp1252")
    assert named.exit_code == 0, named.output


def test_a_cp1251_transcript_is_refused_suggesting_cp1251_first(
    run: Run, study: Study, tmp_path: Path
) -> None:
    transcript = tmp_path / "I1.txt"
    transcript.write_bytes("Мы уехали в Москву в 1993 году.\n".encode("cp1251"))
    result = run("interviews", "import", str(transcript), "--study", str(study.folder))
    assert result.exit_code == 1
    assert "line 1, column 1: byte 0xcc cannot be decoded as utf-8" in result.stderr
    assert "(name its encoding: --encoding cp1251" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # Read as ISO 8859-5 these bytes are Cyrillic too, but not words of any one alphabet.
    transcript.write_bytes("Мы уехали из Мартуни весной. Работы нет.\n".encode("cp1251"))
    result = run("interviews", "import", str(transcript), "--study", str(study.folder))
    assert result.stderr.strip().endswith("(name its encoding: --encoding cp1251)")


def test_the_domain_error_itself_names_no_option() -> None:
    with pytest.raises(UndecodableTranscriptError) as caught:
        decode_transcript(CP1252_TEXT.encode("cp1252"), source="cafe.txt")
    assert caught.value.encodings[0] == "cp1252"
    assert "--" not in str(caught.value)


def test_a_record_with_soft_warnings_names_confirm_warnings(run: Run, study: Study) -> None:
    flags = ["--set", "gender=female", "--set", "birth_year=1901", "--set", "role=stayed"]
    result = run("respondents", "add", "R07", *flags, "--study", str(study.folder))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: respondent R07 needs confirmation: birth_year")
    assert result.stderr.rstrip().endswith("(to keep the values, add --confirm-warnings)")
    assert counts(study) == (0, 0, 0)
    confirmed = run(
        "respondents", "add", "R07", *flags, "--confirm-warnings", "--study", str(study.folder)
    )
    assert confirmed.exit_code == 0, confirmed.output


def test_a_record_from_a_file_keeps_the_hint_of_its_error(
    run: Run, study: Study, tmp_path: Path
) -> None:
    records = tmp_path / "r.csv"
    records.write_text("respondent_id,gender,birth_year,role\nR07,female,1901,stayed\n")
    result = run("respondents", "add", "--from", str(records), "--study", str(study.folder))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: r.csv, row 2, column 'birth_year': 1901 is lower than expected"
    )
    assert "(needs confirmation)" in result.stderr
    assert result.stderr.rstrip().endswith("(to keep the values, add --confirm-warnings)")


def test_a_service_warning_names_no_option(study: Study) -> None:
    with pytest.raises(UnconfirmedWarningsError) as caught:
        study.respondents.add_respondent(
            "R07", {"gender": "female", "birth_year": "1901", "role": "stayed"}
        )
    assert "--" not in str(caught.value)


def test_a_quote_with_typographic_marks_is_coded_with_the_transcripts_own_text(
    run: Run, study: Study
) -> None:
    add_interview_with_text(study, CP1252_TEXT)
    result = run(
        "code",
        "apply",
        "I01",
        "--code",
        "unemployment",
        "--quote",
        'We\'re at the café "Hot Rodeo"',
        "--coder",
        "ani",
        "--study",
        str(study.folder),
    )
    assert result.exit_code == 0, result.output
    [coding] = study.codings.list_codings()
    assert coding.quote == "We’re at the café “Hot Rodeo”"
    assert CP1252_TEXT[coding.start_offset : coding.end_offset] == coding.quote


def test_an_ambiguous_quote_counts_its_occurrences_and_names_occurrence(
    run: Run, study: Study
) -> None:
    add_interview_with_text(study, "We’re here. We're there.\n")
    base = ["code", "apply", "I01", "--code", "unemployment", "--coder", "ani"]
    result = run(*base, "--quote", "We're", "--study", str(study.folder))
    assert result.exit_code == 1
    assert '"We\'re" appears 2 times in interview I01' in result.stderr
    assert result.stderr.rstrip().endswith("(choose with --occurrence N)")
    second = run(*base, "--quote", "We're", "--occurrence", "2", "--study", str(study.folder))
    assert second.exit_code == 0, second.output
    assert "[12:17]" in second.stdout


def test_a_quote_not_found_suggests_the_nearest_passage_and_its_offsets(
    run: Run, study: Study
) -> None:
    text = "R: So we are at the Hot Rodeo, in the market.\n"
    add_interview_with_text(study, text)
    base = ["code", "apply", "I01", "--code", "unemployment", "--coder", "ani"]
    result = run(*base, "--quote", "we're at the Hot Rodeo", "--study", str(study.folder))
    assert result.exit_code == 1
    start = text.index("we are")
    end = start + len("we are at the Hot Rodeo")
    assert result.stderr.strip() == (
        f"Error: no \"we're at the Hot Rodeo\" in interview I01; nearest passage at "
        f"[{start}:{end}]: 'we are at the Hot Rodeo' "
        f"(to code that passage: --start {start} --end {end})"
    )
    assert counts(study)[2] == 0
    by_offsets = run(
        *base, "--start", str(start), "--end", str(end), "--study", str(study.folder)
    )
    assert by_offsets.exit_code == 0, by_offsets.output


def test_a_hint_is_given_only_where_the_command_has_its_option() -> None:
    error = UnconfirmedWarningsError("respondent R1", [])
    with_option = SimpleNamespace(params=[SimpleNamespace(opts=["--confirm-warnings"])])
    without = SimpleNamespace(params=[SimpleNamespace(opts=["--study"])])
    assert hint_for(error, with_option) == "to keep the values, add --confirm-warnings"
    assert hint_for(error, without) is None
    assert hint_for(ValueError("other"), with_option) is None


def test_a_sheet_names_confirm_warnings_only_when_it_needs_confirmation() -> None:
    command = SimpleNamespace(params=[SimpleNamespace(opts=["--confirm-warnings"])])
    plain = MetadataSheetError("sheet.csv", [(2, "place", "unknown place")])
    soft = MetadataSheetError("sheet.csv", [(2, "birth_year", "low")], needs_confirmation=True)
    assert hint_for(plain, command) is None
    assert hint_for(soft, command) == "to keep the values, add --confirm-warnings"


def test_every_hint_names_its_option() -> None:
    samples = {
        UndecodableTranscriptError: UndecodableTranscriptError("x", encodings=("cp1251",)),
        AmbiguousQuoteError: AmbiguousQuoteError("x", occurrences=2),
    }
    for kind, sample in samples.items():
        advice = HINTS[kind].advice(sample)
        assert advice is not None and HINTS[kind].option in advice
