"""`research report` and `research agreement` from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from research.study import Study
from tests.research.cli.conftest import Run
from tests.research.helpers import add_interview_with_text, code_work
from tests.research.small_study import coded_study


def test_agreement_prints_pooled_and_per_code_rows(run: Run, demo_study: Study) -> None:
    result = run("agreement", "--format", "json", "--study", str(demo_study.folder))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["code_id"] for row in rows[-2:]] == [
        "(pooled: binary α, codes stacked)",
        "(pooled: nominal α over codes)",
    ]
    assert all(0.0 <= row["percent_agreement"] <= 100.0 for row in rows)
    assert list(rows[0])[:7] == [
        "code_id", "path", "unit", "coders", "units", "krippendorff_alpha", "percent_agreement",
    ]  # fmt: skip


def test_agreement_table_puts_alpha_first_and_names_the_passes_rule(
    run: Run, demo_study: Study
) -> None:
    result = run("agreement", "--study", str(demo_study.folder))
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "Krippendorff α" in line)
    assert header.index("Krippendorff α") < header.index("agree %")
    # A narrow terminal cuts long paths short: the pooled rows are found by their start.
    assert "(pooled: binary α" in result.stdout
    assert "(pooled: nominal α" in result.stdout
    # The demo's coders marked every interview done: the recorded passes are used.
    assert "Completed passes as recorded: in an interview a coder completed" in (
        " ".join(result.stdout.split())
    )
    assert "Completed interviews per coder: lusine 26, pavel 26." in result.stdout


def test_agreement_for_one_code_at_segment_level(run: Run, demo_study: Study) -> None:
    result = run(
        "agreement",
        "--unit",
        "segment",
        "--code",
        "motives/economy/unemployment",
        "--format",
        "csv",
        "--study",
        str(demo_study.folder),
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["code_id"] for row in rows] == ["unemployment"]
    assert rows[0]["unit"] == "segments"


def test_report_command_writes_the_report(run: Run, demo_study: Study, tmp_path: Path) -> None:
    result = run(
        "report",
        "--out",
        str(tmp_path / "r"),
        "--where",
        "gender=female",
        "--study",
        str(demo_study.folder),
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "report.html").exists()
    assert "gender = female" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")


def test_report_on_an_empty_study_writes_a_report_that_says_so(
    run: Run, study: Study, tmp_path: Path
) -> None:
    result = run("report", "--out", str(tmp_path / "r"), "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    assert "The study has no interviews yet" in result.stdout
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "The study has no interviews yet" in page


def test_report_with_a_filter_matching_nothing_says_so_in_one_line(
    run: Run, study: Study, tmp_path: Path
) -> None:
    coded_study(study)
    result = run(
        "report", "--out", str(tmp_path / "r"), "--where", "gender=other",
        "--study", str(study.folder),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == (
        "No codings match this selection (gender = other; all coders; all code groups), so "
        "there is nothing to show. No interview has these attribute values."
    )
    assert "Axis limits" not in result.output
    result = run(
        "report", "--out", str(tmp_path / "r"), "--coder", "nobody", "--study", str(study.folder)
    )
    assert result.exit_code == 0, result.output
    assert "No coder named 'nobody' has stored a coding" in result.stdout


def test_report_names_each_section_it_leaves_out(
    run: Run, central_asia_study: Study, tmp_path: Path
) -> None:
    result = run("report", "--out", str(tmp_path / "r"), "--study", str(central_asia_study.folder))
    assert result.exit_code == 0, result.output
    left_out = [line for line in result.stdout.splitlines() if line.startswith("Left out")]
    assert left_out == [
        "Left out A stated ranking of codes against the data: the study's settings state no "
        "ranking of codes to check (report.ranking)",
        "Left out Logistic regression of code presence on attributes: the study's settings "
        "name no regression (report.regression)",
    ]


def test_report_with_one_coder_leaves_out_agreement_only(
    run: Run, study: Study, tmp_path: Path
) -> None:
    coded_study(study, coders=("ana",))
    result = run("report", "--out", str(tmp_path / "r"), "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if line.startswith("Left out")] == [
        "Left out Intercoder agreement: agreement needs a second coder: only ana has coded the "
        "selected interviews"
    ]


def test_agreement_with_one_coder_is_a_clear_error(run: Run, study: Study) -> None:
    coded_study(study, coders=("ana",))
    result = run("agreement", "--study", str(study.folder))
    assert result.exit_code == 1
    assert "agreement needs a second coder: only ana has coded" in result.stderr


def test_agreement_on_an_empty_study_is_a_clear_error(run: Run, study: Study) -> None:
    result = run("agreement", "--study", str(study.folder))
    assert result.exit_code == 1
    assert "The study has no interviews yet" in result.stderr


def test_unknown_figure_format_is_a_clear_error(
    run: Run, demo_study: Study, tmp_path: Path
) -> None:
    result = run(
        "report",
        "--out",
        str(tmp_path / "r"),
        "--format",
        "png,gif",
        "--study",
        str(demo_study.folder),
    )
    assert result.exit_code == 1
    assert "gif" in result.stderr


def test_report_states_its_coding_source_and_labels_a_union_in_every_title(
    run: Run, study: Study, tmp_path: Path
) -> None:
    coded_study(study)
    result = run("report", "--out", str(tmp_path / "d"), "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    default = (tmp_path / "d" / "report.md").read_text(encoding="utf-8")
    assert (
        "- **Coding source**: agreement of coders ana and ben (overlap ≥ 0.5) (the default)"
        in default
    )
    assert "Coding source: agreement of coders ana and ben (overlap ≥ 0.5)." in default
    result = run(
        "report", "--source", "union", "--out", str(tmp_path / "u"), "--study", str(study.folder)
    )
    assert result.exit_code == 0, result.output
    union = (tmp_path / "u" / "report.md").read_text(encoding="utf-8")
    assert "- **Coding source**: union of all coders (ana and ben) (as asked)" in union
    titles = [line for line in union.splitlines() if line.startswith("## ")]
    assert titles and all("(union of all coders (ana and ben))" in line for line in titles)
    html = (tmp_path / "u" / "report.html").read_text(encoding="utf-8")
    assert "union of all coders (ana and ben)" in html


def test_report_with_a_source_the_study_lacks_is_a_clear_error(
    run: Run, study: Study, tmp_path: Path
) -> None:
    coded_study(study)
    out = str(tmp_path / "r")
    result = run("report", "--source", "consensus", "--out", out, "--study", str(study.folder))
    assert result.exit_code != 0
    assert "consensus layer holds no codings yet" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def test_report_provenance_says_how_many_interviews_each_coder_completed(
    run: Run, study: Study, tmp_path: Path
) -> None:
    coded_study(study)
    study.passes.mark_done("I1", "ana")
    study.passes.mark_done("I2", "ana")
    result = run("report", "--out", str(tmp_path / "r"), "--study", str(study.folder))
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    [coders] = [line for line in markdown.splitlines() if line.startswith("- **Coders**")]
    assert "ana (" in coders and "2 of 4 interviews completed" in coders
    assert "0 of 4 interviews completed" in coders


def test_an_empty_default_source_names_the_sources_that_hold_codings(
    run: Run, study: Study, tmp_path: Path
) -> None:
    # Two coders who never coded the same span: their agreement, the default, is empty.
    add_interview_with_text(study)
    code_work(study, "ani")
    code_work(study, "bob", start=0)
    result = run("report", "--out", str(tmp_path / "r"), "--study", str(study.folder))
    shown = result.stdout + result.stderr
    assert (
        "The coding source (agreement of coders ani and bob (overlap ≥ 0.5)) holds no codings "
        "of these interviews; choose another source (--source, or the dashboard's source): "
        "coder:ani, coder:bob or union."
    ) in shown
    out = str(tmp_path / "b")
    chosen = run("report", "--source", "coder:bob", "--out", out, "--study", str(study.folder))
    assert chosen.exit_code == 0, chosen.output
    assert "holds no codings" not in chosen.stdout + chosen.stderr
