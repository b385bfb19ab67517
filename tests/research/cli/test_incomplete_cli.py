"""The CLI from a folder of transcripts: bare import, list --incomplete, set, describe, remove."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.helpers import add_interview_with_text, counts

DESCRIBE = [
    "interview_date=2004-06-12",
    "place=martuni",
    "interviewer=Interviewer A",
    "language=hy;ru",
    "consent=yes",
    "consent_scope=interview",
]


def _folder(tmp_path: Path, *names: str) -> list[str]:
    folder = tmp_path / "transcripts"
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(f"{name}: Мы уехали в Москву. No work.\n", encoding="utf-8")
    return [str(folder / name) for name in names]


def _listed(run: Run, study: Study, *options: str) -> list[dict[str, str]]:
    result = run("interviews", "list", *options, "--format", "csv", "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_a_folder_of_transcripts_is_imported_without_a_sheet(
    run: Run, study: Study, tmp_path: Path
) -> None:
    files = _folder(tmp_path, "Ануш.txt", "Սոնա.txt", "R3.txt")
    result = run("interviews", "import", *files, "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    assert "Imported 3 transcripts (3 new interviews, 3 new respondents)." in result.stdout
    assert "Ануш.txt: new interview Anush" in result.stdout
    assert "Սոնա.txt: new interview Sona" in result.stdout
    assert "R3.txt" not in result.stdout  # its id is its name: nothing to point out
    assert "3 new interviews are incomplete" in result.stdout
    assert "research interviews list --incomplete" in result.stdout
    assert counts(study) == (3, 3, 0)
    one = run("interviews", "import", *_folder(tmp_path, "R4.txt"), "--study", str(study.folder))
    assert "Imported 1 transcript (1 new interview, 1 new respondent)." in one.stdout
    assert "1 new interview is incomplete: it can be read and coded" in one.stdout
    listed = run("interviews", "list", "--incomplete", "--study", str(study.folder)).stdout
    assert "4 incomplete interviews" in listed


def test_an_existing_interview_gets_its_transcript_and_says_so(
    run: Run, study: Study, tmp_path: Path
) -> None:
    add_interview_with_text(study, interview_id="D03")
    files = _folder(tmp_path, "D03.txt")
    result = run("interviews", "import", *files, "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    assert "D03.txt: transcript attached to the existing interview D03" in result.stdout
    assert "incomplete" not in result.stdout


def test_import_to_a_named_respondent_and_an_unknown_one(
    run: Run, study: Study, tmp_path: Path
) -> None:
    add_interview_with_text(study, interview_id="D03", respondent_id="R07")
    files = _folder(tmp_path, "second.txt")
    unknown = run("interviews", "import", *files, "-r", "R99", "--study", str(study.folder))
    assert unknown.exit_code == 1
    assert "no respondent 'R99'" in unknown.stderr
    known = run("interviews", "import", *files, "-r", "R07", "--study", str(study.folder))
    assert known.exit_code == 0, known.output
    assert "0 new respondents" in known.stdout
    assert [row["respondent_id"] for row in _listed(run, study)] == ["R07", "R07"]


def test_list_shows_the_dictionary_attributes_and_what_is_missing(
    run: Run, study: Study, tmp_path: Path
) -> None:
    add_interview_with_text(study, interview_id="D01")
    run("interviews", "import", *_folder(tmp_path, "bare.txt"), "--study", str(study.folder))
    rows = _listed(run, study)
    assert list(rows[0]) == [
        "interview_id",
        "respondent_id",
        "date",
        "place",
        "interviewer",
        "language",
        "consent_scope",
        "characters",
        "codings",
        "complete",
        "missing",
    ]
    assert [(row["interview_id"], row["complete"]) for row in rows] == [
        ("D01", "yes"),
        ("bare", "no"),
    ]
    incomplete = _listed(run, study, "--incomplete")
    assert [row["interview_id"] for row in incomplete] == ["bare"]
    assert incomplete[0]["missing"].startswith("interview_date;place;interviewer")
    table = run("interviews", "list", "--incomplete", "--study", str(study.folder))
    assert "1 incomplete interview " in table.stdout
    assert "missing" in table.stdout


def test_set_completes_a_record_step_by_step(run: Run, study: Study, tmp_path: Path) -> None:
    run("interviews", "import", *_folder(tmp_path, "bare.txt"), "--study", str(study.folder))
    first = run("interviews", "set", "bare", "--set", "place=moscow", "--study", str(study.folder))
    assert first.exit_code == 0, first.output
    assert "still incomplete, missing: interview_date, interviewer" in first.stdout
    flags = [part for value in DESCRIBE for part in ("--set", value)]
    done = run("interviews", "set", "bare", *flags, "--study", str(study.folder))
    assert "Updated interview bare; the record is complete." in done.stdout
    assert _listed(run, study, "--incomplete") == []
    shown = json.loads(
        run("interviews", "show", "bare", "--format", "json", "--study", str(study.folder)).stdout
    )
    assert shown["place"] == "martuni" and shown["complete"] is True


def test_set_refuses_bad_values_and_blanking_a_required_one(run: Run, study: Study) -> None:
    add_interview_with_text(study, interview_id="D01")
    bad = run("interviews", "set", "D01", "--set", "consent=no", "--study", str(study.folder))
    assert bad.exit_code == 1
    assert "cannot be recorded without consent" in bad.stderr
    blank = run("interviews", "set", "D01", "--set", "place=", "--study", str(study.folder))
    assert blank.exit_code == 1
    assert "place: Interview place is required" in blank.stderr
    nothing = run("interviews", "set", "D01", "--study", str(study.folder))
    assert nothing.exit_code == 2


def test_respondents_set_needs_confirmation_for_a_soft_warning(run: Run, study: Study) -> None:
    add_interview_with_text(study, respondent_id="R01")
    args = ["respondents", "set", "R01", "--set", "birth_year=2020", "--study", str(study.folder)]
    refused = run(*args)
    assert refused.exit_code == 1
    assert "birth_year" in refused.stderr
    confirmed = run(*args, "--confirm-warnings")
    assert confirmed.exit_code == 0, confirmed.output
    assert "Updated respondent R01" in confirmed.stdout


def test_a_sheet_describes_imported_interviews_later(
    run: Run, study: Study, tmp_path: Path
) -> None:
    files = _folder(tmp_path, "Ануш.txt", "two.txt")
    run("interviews", "import", *files, "--study", str(study.folder))
    sheet = tmp_path / "later.csv"
    sheet.write_text(
        "file,respondent_id,gender,interview_date,place,interviewer,language,consent,"
        "consent_scope\n"
        "Ануш.txt,P01,female,2004-06-12,martuni,A,hy,yes,interview\n"
        "two.txt,P01,female,2004-06-13,moscow,,,,\n",
        encoding="utf-8",
    )
    result = run("interviews", "describe", str(sheet), "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    assert "Described 2 interviews (1 now complete, 1 still incomplete)" in result.stdout
    assert "interview Anush now belongs to respondent P01" in result.stdout
    assert "removed respondents left without interviews or attributes: Anush, two" in (
        result.stdout
    )
    assert "Still incomplete: two" in result.stdout
    assert [row["interview_id"] for row in _listed(run, study, "--incomplete")] == ["two"]


def test_a_bad_later_sheet_lists_every_problem_and_saves_nothing(
    run: Run, study: Study, tmp_path: Path
) -> None:
    run("interviews", "import", *_folder(tmp_path, "one.txt"), "--study", str(study.folder))
    sheet = tmp_path / "later.csv"
    sheet.write_text("interview_id,place,birth_year\none,paris,\nnobody,,1960\n")
    result = run("interviews", "describe", str(sheet), "--study", str(study.folder))
    assert result.exit_code == 1
    assert "2 problems in later.csv; nothing was imported" in result.stderr
    assert "row 2, column 'place'" in result.stderr
    assert "row 3, column 'interview_id': no interview 'nobody'" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_remove_is_refused_while_codings_depend_then_cascades(run: Run, study: Study) -> None:
    add_interview_with_text(study, interview_id="D03")
    for coder in ("lusine", "pavel"):
        study.codings.code_quote(
            interview_id="D03", code="unemployment", quote="work", coder=coder
        )
    refused = run("interviews", "remove", "D03", "--study", str(study.folder))
    assert refused.exit_code == 1
    assert (
        "interview D03 has 2 codings by lusine and pavel; --cascade removes them too"
        in refused.stderr
    )
    assert counts(study) == (1, 1, 2)
    respondent = run("respondents", "remove", "R01", "--study", str(study.folder))
    assert "respondent R01 has 1 interview (D03) with 2 codings" in respondent.stderr
    removed = run("interviews", "remove", "D03", "--cascade", "--study", str(study.folder))
    assert removed.exit_code == 0, removed.output
    assert "Removed interview D03 and its 2 codings (lusine: 1, pavel: 1)." in removed.stdout
    gone = run("respondents", "remove", "R01", "--study", str(study.folder))
    assert gone.stdout.strip() == "Removed respondent R01."
    assert counts(study) == (0, 0, 0)


def test_code_list_says_how_many_codings_were_held_back(
    run: Run, study: Study, tmp_path: Path
) -> None:
    add_interview_with_text(study, interview_id="D01")
    run("interviews", "import", *_folder(tmp_path, "bare.txt"), "--study", str(study.folder))
    for interview_id in ("D01", "bare"):
        study.codings.code_quote(
            interview_id=interview_id, code="unemployment", quote="work", coder="ani"
        )
    listed = run("code", "list", "--format", "json", "--study", str(study.folder))
    assert [row["interview_id"] for row in json.loads(listed.stdout)] == ["D01"]
    assert "1 coding of incomplete interviews held back" in listed.stderr
    assert "--include-incomplete shows them" in listed.stderr
    every = run(
        "code", "list", "--include-incomplete", "--format", "json", "--study", str(study.folder)
    )
    assert [row["interview_id"] for row in json.loads(every.stdout)] == ["D01", "bare"]
    assert every.stderr == ""
