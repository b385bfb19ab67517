"""The CLI end to end: init, entry, import, codebook, coding, listing, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from research.cli.app import app
from research.study import Study, create_study
from tests.research.cli.conftest import Run
from tests.research.helpers import MIXED_TEXT, add_interview_with_text, counts

RESPONDENT_FLAGS = ["--set", "gender=female", "--set", "birth_year=1961", "--set", "role=stayed"]
INTERVIEW_FLAGS = [
    "--set",
    "interview_date=2004-06-12",
    "--set",
    "place=martuni",
    "--set",
    "interviewer=Interviewer A",
    "--set",
    "language=hy;en",
    "--set",
    "consent=yes",
    "--set",
    "consent_scope=interview;quotation",
]


def test_init_from_the_karabakh_template_has_its_codebook(run: Run, tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "s"), "--template", "karabakh")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "study.db").exists()
    shown = run("codebook", "show", "--study", str(tmp_path / "s"), "--format", "json")
    paths = {code["path"] for code in json.loads(shown.stdout)}
    assert "motives/economy/unemployment" in paths


def test_init_with_a_codebook_file(run: Run, tmp_path: Path) -> None:
    (tmp_path / "cb.yaml").write_text(
        "name: Tiny\ncodes:\n  - id: work\n    name: work\n    definition: Work.\n",
        encoding="utf-8",
    )
    run("init", str(tmp_path / "s"), "--codebook", str(tmp_path / "cb.yaml"))
    shown = run("codebook", "show", "--study", str(tmp_path / "s"), "--format", "csv")
    assert list(csv.DictReader(io.StringIO(shown.stdout)))[0]["path"] == "work"


def test_respondent_from_flags_then_listed_as_json(run: Run, study: Study) -> None:
    result = run("respondents", "add", "R07", *RESPONDENT_FLAGS, "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    listed = json.loads(
        run("respondents", "list", "--study", str(study.folder), "--format", "json").stdout
    )
    assert listed[0]["respondent_id"] == "R07"
    assert listed[0]["birth_year"] == 1961


def test_hard_error_exits_one_with_one_clear_line(run: Run, study: Study) -> None:
    result = run(
        "respondents",
        "add",
        "R07",
        "--set",
        "birth_year=1804",
        "--set",
        "role=stayed",
        "--set",
        "gender=female",
        "--study",
        str(study.folder),
    )
    assert result.exit_code == 1
    assert "birth_year" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert counts(study) == (0, 0, 0)


def test_interactive_form_asks_again_after_a_hard_error(run: Run, study: Study) -> None:
    answers = {
        "gender": "female",
        "role": "stayed",
        "birth_year": ["1850", "1958"],
    }
    dictionary = study.dictionary()
    lines = []
    for attribute in dictionary.for_scope("respondent"):
        answer = answers.get(attribute.name, "")
        lines.extend(answer if isinstance(answer, list) else [answer])
    result = run(
        "respondents",
        "add",
        "R08",
        "--interactive",
        "--study",
        str(study.folder),
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Birth year") + result.output.count("birth year") >= 2
    assert study.respondents.get_respondent("R08").attributes["birth_year"] == 1958


def test_interactive_form_asks_to_confirm_a_soft_warning(run: Run, study: Study) -> None:
    lines = []
    for attribute in study.dictionary().for_scope("respondent"):
        if attribute.name == "household_size":
            lines += ["25", "y"]
        else:
            lines.append(
                {"gender": "male", "role": "migrant", "birth_year": "1970"}.get(attribute.name, "")
            )
    result = run(
        "respondents",
        "add",
        "R09",
        "--interactive",
        "--study",
        str(study.folder),
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Keep this answer?" in result.output
    assert study.respondents.get_respondent("R09").attributes["household_size"] == 25


def test_respondents_from_json_and_csv_files(run: Run, study: Study, tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text(
        json.dumps(
            [{"respondent_id": "R1", "gender": "male", "role": "migrant", "birth_year": 1970}]
        )
    )
    (tmp_path / "r.csv").write_text("respondent_id,gender,role\nR2,female,returnee\n")
    assert (
        run(
            "respondents", "add", "--from", str(tmp_path / "r.json"), "--study", str(study.folder)
        ).exit_code
        == 0
    )
    assert (
        run(
            "respondents", "add", "--from", str(tmp_path / "r.csv"), "--study", str(study.folder)
        ).exit_code
        == 0
    )
    assert counts(study)[0] == 2


def test_bad_record_in_a_file_names_the_record_and_saves_none(
    run: Run, study: Study, tmp_path: Path
) -> None:
    (tmp_path / "r.json").write_text(
        json.dumps(
            [{"respondent_id": "R1", "gender": "male"}, {"respondent_id": "R2", "gender": "robot"}]
        )
    )
    result = run(
        "respondents", "add", "--from", str(tmp_path / "r.json"), "--study", str(study.folder)
    )
    assert result.exit_code == 1
    assert "r.json, record 2" in result.stderr
    assert counts(study)[0] == 0


def test_interview_add_with_transcript_then_show(run: Run, study: Study, tmp_path: Path) -> None:
    run("respondents", "add", "R07", *RESPONDENT_FLAGS, "--study", str(study.folder))
    (tmp_path / "t.txt").write_text(MIXED_TEXT, encoding="utf-8")
    result = run(
        "interviews",
        "add",
        "-r",
        "R07",
        "--id",
        "I1",
        *INTERVIEW_FLAGS,
        "--transcript",
        str(tmp_path / "t.txt"),
        "--study",
        str(study.folder),
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(
        run(
            "interviews",
            "show",
            "I1",
            "--transcript",
            "--format",
            "json",
            "--study",
            str(study.folder),
        ).stdout
    )
    assert shown["transcript"] == MIXED_TEXT
    assert shown["language"] == ["hy", "en"]


def test_interviews_import_with_sheet_and_list_filtered(
    run: Run, study: Study, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_bytes("Работы нет.\n".encode("cp1251"))
    (tmp_path / "sheet.csv").write_text(
        "file,respondent_id,gender,role,interview_date,place,interviewer,language,consent,"
        "consent_scope\na.txt,R1,male,migrant,2004-03-01,moscow,B,ru,yes,interview\n"
    )
    result = run(
        "interviews",
        "import",
        str(tmp_path / "a.txt"),
        "--encoding",
        "cp1251",
        "--metadata",
        str(tmp_path / "sheet.csv"),
        "--study",
        str(study.folder),
    )
    assert result.exit_code == 0, result.output
    listed = run(
        "interviews",
        "list",
        "--where",
        "place=moscow",
        "--format",
        "csv",
        "--study",
        str(study.folder),
    )
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [r["interview_id"] for r in rows] == ["a"]
    empty = run(
        "interviews",
        "list",
        "--where",
        "place=martuni",
        "--format",
        "json",
        "--study",
        str(study.folder),
    )
    assert json.loads(empty.stdout) == []


def test_import_row_error_is_reported_by_row_and_column(
    run: Run, study: Study, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("Text.\n")
    (tmp_path / "sheet.csv").write_text("file,respondent_id,place\na.txt,R1,paris\n")
    result = run(
        "interviews",
        "import",
        str(tmp_path / "a.txt"),
        "--metadata",
        str(tmp_path / "sheet.csv"),
        "--study",
        str(study.folder),
    )
    assert result.exit_code == 1
    assert "row 2, column 'place'" in result.stderr
    assert counts(study) == (0, 0, 0)


def test_code_apply_by_quote_and_by_offsets_then_list(run: Run, study: Study) -> None:
    interview_id = add_interview_with_text(study)
    by_quote = run(
        "code",
        "apply",
        interview_id,
        "--code",
        "motives/economy/unemployment",
        "--quote",
        "Работы нет",
        "--coder",
        "lusine",
        "--study",
        str(study.folder),
    )
    assert by_quote.exit_code == 0, by_quote.output
    start = MIXED_TEXT.index("went to Moscow")
    by_span = run(
        "code",
        "apply",
        interview_id,
        "--code",
        "destination",
        "--start",
        str(start),
        "--end",
        str(start + 14),
        "--coder",
        "pavel",
        "--study",
        str(study.folder),
    )
    assert by_span.exit_code == 0, by_span.output
    listed = json.loads(
        run("code", "list", "--format", "json", "--study", str(study.folder)).stdout
    )
    assert [(c["quote"], c["coder"]) for c in listed] == [
        ("Работы нет", "lusine"),
        ("went to Moscow", "pavel"),
    ]
    only = json.loads(
        run(
            "code", "list", "--code", "motives", "--format", "json", "--study", str(study.folder)
        ).stdout
    )
    assert [c["code_path"] for c in only] == ["motives/economy/unemployment"]


def test_code_apply_refusal_is_one_line_and_stores_nothing(run: Run, study: Study) -> None:
    interview_id = add_interview_with_text(study)
    result = run(
        "code",
        "apply",
        interview_id,
        "--code",
        "unemployment",
        "--start",
        "9",
        "--end",
        "3",
        "--coder",
        "a",
        "--study",
        str(study.folder),
    )
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert counts(study)[2] == 0


def test_quote_and_offsets_together_are_a_usage_error(run: Run, study: Study) -> None:
    interview_id = add_interview_with_text(study)
    result = run(
        "code",
        "apply",
        interview_id,
        "--code",
        "unemployment",
        "--quote",
        "x",
        "--start",
        "1",
        "--end",
        "2",
        "--study",
        str(study.folder),
    )
    assert result.exit_code == 2


def test_codebook_export_validate_and_import(run: Run, study: Study, tmp_path: Path) -> None:
    out = tmp_path / "cb.yaml"
    assert run("codebook", "export", "--out", str(out), "--study", str(study.folder)).exit_code == 0
    assert "valid" in run("codebook", "validate", str(out)).stdout
    out.write_text(out.read_text().replace("name: clan\n", "name: clans\n", 1))
    assert run("codebook", "import", str(out), "--study", str(study.folder)).exit_code == 0
    assert study.codebook().path_of("clan") == "clans"


def test_codebook_validate_names_file_line_and_code(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: X\ncodes:\n  - id: a\n    name: a\n  - id: b\n    name: b\n    colour: red\n"
    )
    result = run("codebook", "validate", str(bad))
    assert result.exit_code == 1
    assert "bad.yaml" in result.stderr and "line" in result.stderr and "'b'" in result.stderr


def test_codebook_merge_reports_moved_codings(run: Run, demo_study: Study) -> None:
    before = len(demo_study.codings.list_codings(code="war_destruction"))
    result = run(
        "codebook",
        "merge",
        "war_destruction",
        "poverty_ruin",
        "--coder",
        "lead",
        "--study",
        str(demo_study.folder),
    )
    assert result.exit_code == 0, result.output
    assert f"{before} codings moved" in result.stdout


def test_study_from_environment_variable(study: Study, tmp_path: Path) -> None:
    runner = CliRunner(env={"RESEARCH_STUDY": str(study.folder)})
    result = runner.invoke(app, ["status", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["codes"] > 0


def test_missing_study_is_a_clear_error(run: Run, tmp_path: Path) -> None:
    result = run("interviews", "list", "--study", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "no study in" in result.stderr


def test_a_file_given_as_the_study_is_named_with_what_to_give(run: Run, tmp_path: Path) -> None:
    create_study(tmp_path / "mine", template="blank").close()
    database = tmp_path / "mine" / "study.db"
    result = run("status", "--study", str(database))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {database} is a file, not a study's folder (give its folder: "
        f"--study {tmp_path / 'mine'})"
    )
    notes = tmp_path / "armenian.txt"
    notes.write_text("Մենք", encoding="utf-8")
    result = run("interviews", "list", "--study", str(notes))
    assert result.stderr.strip() == (
        f"Error: {notes} is a file, not a study's folder (give the study's folder)"
    )
    assert "research init" not in result.stderr


def test_demo_command_builds_a_fictional_study(run: Run, tmp_path: Path) -> None:
    result = run("demo", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    assert "FICTIONAL" in result.stdout
    status = json.loads(run("status", "--format", "json", "--study", str(tmp_path / "demo")).stdout)
    assert status["fictional"] is True
    assert set(status["codings_per_coder"]) == {"lusine", "pavel"}


def test_demo_refuses_to_replace_a_real_study(run: Run, study: Study) -> None:
    result = run("demo", str(study.folder), "--force")
    assert result.exit_code == 1
    assert "real data" in result.stderr or "not a demo" in result.stderr


def test_missing_metadata_sheet_is_a_clear_error(run: Run, study: Study, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.\n")
    result = run(
        "interviews",
        "import",
        str(tmp_path / "a.txt"),
        "--metadata",
        str(tmp_path / "nope.csv"),
        "--study",
        str(study.folder),
    )
    assert result.exit_code == 1
    assert "no such file" in result.stderr


def test_missing_transcript_file_is_a_clear_error(run: Run, study: Study, tmp_path: Path) -> None:
    run("respondents", "add", "R07", *RESPONDENT_FLAGS, "--study", str(study.folder))
    result = run(
        "interviews",
        "add",
        "-r",
        "R07",
        *INTERVIEW_FLAGS,
        "--transcript",
        str(tmp_path / "missing.docx"),
        "--study",
        str(study.folder),
    )
    assert result.exit_code == 1
    assert "missing.docx" in result.stderr
    assert counts(study)[1] == 0


def test_status_of_a_study_that_is_not_initialised_says_so(study: Study) -> None:
    # The quick read of a SQLite study leaves this to the services, which name what is missing.
    with study.transaction() as session:
        session.execute(text("DELETE FROM study_info WHERE key = 'name'"))
    result = CliRunner().invoke(app, ["status", "--study", str(study.folder)])
    assert result.exit_code == 1
    assert "not initialised (no name)" in result.output


def test_status_check_says_what_it_checked_on_the_backend_under_test(
    run: Run, study: Study, database_url: str | None
) -> None:
    result = run("status", "--check", "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    expected = (
        "Checked: the study's tables and revision (a PostgreSQL server checks its own pages; "
        "--check reads those of a SQLite file)."
        if database_url
        else "Checked: every page of the database was read, and none is damaged."
    )
    assert result.stdout.strip().endswith(expected)
