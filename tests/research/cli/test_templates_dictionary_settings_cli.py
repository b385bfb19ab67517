"""`research init --template`, `research dictionary` and `research settings`, as typed."""

from __future__ import annotations

import json
from pathlib import Path

from interviews.defaults import default_dictionary
from research import study_templates
from research.cli import study as study_commands
from research.services.timeline import default_events
from research.study import Study, open_study
from tests.research.cli.conftest import Run
from tests.research.helpers import add_interview_with_text


def test_blank_study_end_to_end(run: Run, tmp_path: Path) -> None:
    folder = str(tmp_path / "mine")
    created = run("init", folder)
    assert created.exit_code == 0, created.output
    assert "from the template 'blank'" in created.stdout
    assert "codebook 'Codebook': 0 codes" in created.stdout
    assert "timeline: 0 events" in created.stdout
    assert "settings: none" in created.stdout
    assert f"Next: research interviews import --study {folder} transcripts/*.txt" in created.stdout

    status = json.loads(run("status", "--study", folder, "--format", "json").stdout)
    assert (status["respondents"], status["interviews"], status["codes"]) == (0, 0, 0)

    codebook = run("codebook", "show", "--study", folder)
    assert codebook.exit_code == 0
    assert "has no codes yet" in codebook.stdout
    assert json.loads(run("codebook", "show", "--study", folder, "--format", "json").stdout) == []

    shown = json.loads(run("dictionary", "show", "--study", folder, "--format", "json").stdout)
    assert [row["name"] for row in shown] == [
        "interview_date",
        "interviewer",
        "language",
        "consent",
        "consent_scope",
    ]
    assert {row["scope"] for row in shown} == {"interview"}
    table = run("dictionary", "show", "--study", folder).stdout
    assert "must be yes" in table
    assert "up to today" in table

    settings = run("settings", "show", "--study", folder)
    assert settings.exit_code == 0
    assert settings.stdout.startswith("No analysis settings")


def test_list_templates_names_each_with_its_description(run: Run) -> None:
    result = run("init", "--list-templates")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.split()[0] == "blank" and "(the default)" in line for line in lines[1:])
    assert any(line.split()[0] == "karabakh" for line in lines[1:])
    assert any(line.split()[0] == "FOLDER" for line in lines[1:])


def test_init_without_a_path_is_a_usage_error(run: Run) -> None:
    result = run("init")
    assert result.exit_code == 2
    assert "give the folder for the new study" in result.stderr


def test_folder_template_with_a_broken_file_creates_nothing(run: Run, tmp_path: Path) -> None:
    template = tmp_path / "template"
    template.mkdir()
    (template / "dictionary.yaml").write_text(
        "attributes:\n"
        "  - name: interview_date\n"
        "    label: Date\n"
        "    type: dat\n"  # line 4
        "    scope: interview\n",
        encoding="utf-8",
    )
    result = run("init", str(tmp_path / "mine"), "--template", str(template))
    assert result.exit_code == 1
    assert f"{template / 'dictionary.yaml'}, line 4, attribute interview_date: type:" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "mine").exists()


def test_init_refuses_settings_that_do_not_fit_a_replaced_dictionary(
    run: Run, tmp_path: Path
) -> None:
    blank = tmp_path / "blank.yaml"
    run("init", str(tmp_path / "first"))
    run("dictionary", "export", "--study", str(tmp_path / "first"), "--out", str(blank))
    refused = run(
        "init", str(tmp_path / "mine"), "--template", "karabakh", "--dictionary", str(blank)
    )
    assert refused.exit_code == 1
    assert "the study was not created; give settings that fit" in refused.stderr
    assert "report.era.attribute: no attribute 'departure_year'" in refused.stderr
    assert not (tmp_path / "mine").exists()
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    accepted = run(
        "init",
        str(tmp_path / "mine"),
        "--template",
        "karabakh",
        "--dictionary",
        str(blank),
        "--settings",
        str(tmp_path / "empty.yaml"),
    )
    assert accepted.exit_code == 0, accepted.stderr
    assert f"timeline: {len(default_events())} events" in accepted.stdout


def test_dictionary_export_validate_import_round_trip(
    run: Run, study: Study, tmp_path: Path
) -> None:
    out = tmp_path / "dictionary.yaml"
    exported = run("dictionary", "export", "--study", str(study.folder), "--out", str(out))
    assert exported.stdout == f"Wrote 19 attributes to {out}.\n"
    assert run("dictionary", "export", "--study", str(study.folder)).stdout == out.read_text(
        encoding="utf-8"
    )
    validated = run("dictionary", "validate", str(out))
    assert (
        validated.stdout == f"{out}: valid, 19 attributes (13 of respondents, 6 of interviews).\n"
    )
    imported = run("dictionary", "import", str(out), "--study", str(study.folder))
    assert imported.exit_code == 0
    assert "(no attribute changed)" in imported.stdout


def test_dictionary_validate_prints_one_line_per_problem(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "attributes:\n"
        "  - name: gender\n"
        "    label: Gender\n"
        "    type: single_choice\n"  # line 4: no choices
        "    scope: respondent\n"
        "  - name: age\n"
        "    label: Age\n"
        "    type: integer\n"
        "    scope: respondent\n"
        "    minimum: ten\n",  # line 10
        encoding="utf-8",
    )
    result = run("dictionary", "validate", str(bad))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: {bad} is not a usable data dictionary (2 problems):"
    assert lines[1].startswith(f"  {bad}, line 4, attribute gender: ")
    assert lines[2].startswith(f"  {bad}, line 10, attribute age: minimum must be a number")


def test_dictionary_import_refused_lists_every_problem_and_changes_nothing(
    run: Run, study: Study, tmp_path: Path
) -> None:
    add_interview_with_text(study)
    text = (
        run("dictionary", "export", "--study", str(study.folder))
        .stdout.replace("      - value: female\n        label: Female\n", "")
        .replace("      - value: martuni\n        label: Martuni\n", "")
    )
    edited = tmp_path / "edited.yaml"
    edited.write_text(text, encoding="utf-8")
    result = run("dictionary", "import", str(edited), "--study", str(study.folder))
    assert result.exit_code == 1
    assert "the data dictionary was not imported (2 problems):" in result.stderr
    assert "respondent R01: gender: 'female' is not one of" in result.stderr
    assert "interview I01: place: 'martuni' is not one of" in result.stderr
    with open_study(study.folder) as reopened:
        assert reopened.dictionary() == default_dictionary()


def test_dictionary_import_reports_records_left_incomplete(
    run: Run, study: Study, tmp_path: Path
) -> None:
    add_interview_with_text(study)
    text = run("dictionary", "export", "--study", str(study.folder)).stdout.replace(
        "  - name: destination\n    label: Destination\n    type: text\n    scope: respondent\n",
        "  - name: destination\n    label: Destination\n    type: text\n    scope: respondent\n"
        "    required: true\n",
    )
    edited = tmp_path / "edited.yaml"
    edited.write_text(text, encoding="utf-8")
    result = run("dictionary", "import", str(edited), "--study", str(study.folder))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Imported 19 attributes from {edited} (changed: destination).",
        "1 respondent lacks a required attribute: incomplete until it is filled.",
    ]


def test_settings_validate_lists_problems_against_the_study(
    run: Run, study: Study, tmp_path: Path
) -> None:
    assert run("settings", "validate", "--study", str(study.folder)).stdout == (
        "the study's own settings: valid for this study.\n"
    )
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        "report:\n  prevalence_by: gendr\n  ranking:\n    title: Memo\n    codes: [xyzzy]\n",
        encoding="utf-8",
    )
    result = run("settings", "validate", str(settings), "--study", str(study.folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {settings}: the settings do not fit the study (2 problems):",
        f"  {settings}, line 2: report.prevalence_by: no attribute 'gendr' in the data "
        "dictionary; did you mean 'gender'?",
        f"  {settings}, line 5: report.ranking.codes[0]: no code 'xyzzy' in the codebook",
    ]


def test_settings_import_refused_changes_nothing_then_accepted(
    run: Run, study: Study, tmp_path: Path
) -> None:
    before = run("settings", "export", "--study", str(study.folder)).stdout
    settings = tmp_path / "settings.yaml"
    settings.write_text("report:\n  groups_by: town\n", encoding="utf-8")
    refused = run("settings", "import", str(settings), "--study", str(study.folder))
    assert refused.exit_code == 1
    assert "the settings were not imported" in refused.stderr
    assert run("settings", "export", "--study", str(study.folder)).stdout == before
    settings.write_text("report:\n  groups_by: role\n", encoding="utf-8")
    accepted = run("settings", "import", str(settings), "--study", str(study.folder))
    assert accepted.exit_code == 0, accepted.stderr
    shown = json.loads(run("settings", "show", "--study", str(study.folder), "-f", "json").stdout)
    assert shown["report"]["groups_by"] == "role"
    assert shown["report"]["era"] is None


def test_init_starts_from_the_registrys_default_template() -> None:
    # The command names the default without loading the templates; both must agree.
    assert study_commands.DEFAULT_TEMPLATE == study_templates.DEFAULT_TEMPLATE
    assert study_templates.find_template(study_commands.DEFAULT_TEMPLATE).name == "blank"
